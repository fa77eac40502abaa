#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed binary from another directory, with
# no MESHFORGE_DATA_DIR: it must find the installed data and report script (P/share/meshforge), not
# the source tree's. A model that exists only in the installed copy proves which one it read.
#   install_test.sh BUILD_DIR WORK_DIR
set -euo pipefail
build=$1 work=$2
rm -rf "$work"
mkdir -p "$work/elsewhere"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
share="$work/prefix/share/meshforge"
for f in bin/meshforge share/meshforge/meshforge_report.py share/meshforge/models/llama-3.1-8b.json \
         share/meshforge/nodes/7nm.yaml share/meshforge/designs/small-4x4.yaml; do
  [ -e "$work/prefix/$f" ] || { echo "FAIL: not installed: $f"; exit 1; }
done
sed 's/"num_hidden_layers": *[0-9]*/"num_hidden_layers": 3/' "$share/models/llama-3.1-8b.json" > "$share/models/installed-only.json"
cd "$work/elsewhere"
unset MESHFORGE_DATA_DIR MESHFORGE_REPORT_SCRIPT
"$work/prefix/bin/meshforge" analyze installed-only > analyze.txt
grep -q "^model *installed-only" analyze.txt || { echo "FAIL: analyze did not read the installed model"; cat analyze.txt; exit 1; }
"$work/prefix/bin/meshforge" evaluate --model llama-3.1-8b --node 7nm --design small-4x4 > evaluate.txt
grep -q "feasible" evaluate.txt || { echo "FAIL: evaluate printed no verdict"; cat evaluate.txt; exit 1; }
echo "installed meshforge ran from $work/elsewhere"
