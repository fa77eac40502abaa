#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed Python module imported from another
# directory with no MESHFORGE_DATA_DIR: it must find the installed data (P/share/meshforge), not the
# source tree's. A model that exists only in the installed copy proves which one it read.
#   install_test.sh BUILD_DIR WORK_DIR PYTHON MODULE_DIR (relative to the prefix)
set -euo pipefail
build=$1 work=$2 python=$3 module_dir=$4
rm -rf "$work"
mkdir -p "$work/elsewhere"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
share="$work/prefix/share/meshforge"
compgen -G "$work/prefix/$module_dir/meshforge*.so" > /dev/null || { echo "FAIL: no module in $module_dir"; exit 1; }
for f in bin/meshforge share/meshforge/models/llama-3.1-8b.json share/meshforge/designs/small-4x4.yaml; do
  [ -e "$work/prefix/$f" ] || { echo "FAIL: not installed: $f"; exit 1; }
done
sed 's/"num_hidden_layers": *[0-9]*/"num_hidden_layers": 3/' "$share/models/llama-3.1-8b.json" > "$share/models/installed-only.json"
cd "$work/elsewhere"
unset MESHFORGE_DATA_DIR
PYTHONPATH="$work/prefix/$module_dir" "$python" - "$work/prefix" <<'PY' || { echo "FAIL: the installed module did not run"; exit 1; }
import os, sys
import meshforge
prefix = os.path.realpath(sys.argv[1])
assert os.path.realpath(meshforge.__file__).startswith(prefix), meshforge.__file__
assert os.path.realpath(meshforge.data_dir()) == os.path.join(prefix, "share", "meshforge"), meshforge.data_dir()
report = meshforge.evaluate(model="installed-only", node="7nm", design="small-4x4")
assert report["model"] == "installed-only" and report["design"] == "small-4x4", (report["model"], report["design"])
obs, info = meshforge.Env(model="installed-only", node="7nm").reset(seed=0)
assert obs.shape == (112,)
print("installed meshforge module ran from", os.getcwd())
PY
