#!/bin/bash
# RTL cycles of one inference against the cost model's step latency, for MLPs of growing size on the
# mapped-programs design (meshforge rtl --model; docs/rtl.md "Tile programs from the mapping").
#   bash bench/rtl_mapped/cycles.sh [build/meshforge] [design.yaml]
# Per MLP: the cycles the generated mesh takes in Icarus Verilog from reset to every core halted
# (the testbench also checks every output against the C++ reference), the evaluator's prediction
# for the same design and model, and the most MAC steps (vmac) any tile runs.
set -euo pipefail
meshforge=${1:-build/meshforge}
design=${2:-bench/rtl_mapped/bench-3x3.yaml}
export MESHFORGE_DATA_DIR=${MESHFORGE_DATA_DIR:-$PWD/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf "| MLP | RTL cycles | model cycles | RTL / model | most vmac steps on a tile | RTL cycles per step | check |\n|---|---|---|---|---|---|---|\n"
for dims in ${MLPS:-48,40,24,16 128,128,128 256,256,256 512,512}; do
  /usr/bin/python3 tests/rtl/e2e/make_mlp.py "$work/m.onnx" "$dims"
  gen=$("$meshforge" rtl --design "$design" --model "$work/m.onnx" --out "$work/rtl")
  model=$(echo "$gen" | sed -n 's/.* = \([0-9]*\) cycles at .*/\1/p')
  sim=$(sh "$work/rtl/sim/run.sh" 2>&1 | grep -v WARNING)
  cycles=$(echo "$sim" | sed -n 's/^HALTED after \([0-9]*\) cycles/\1/p')
  check=$(echo "$sim" | grep -E "^(PASS|FAIL)" | cut -d: -f1)
  steps=$(awk -F, 'NR > 1 { s[$3 "," $4] += $11 } END { m = 0; for (t in s) if (s[t] > m) m = s[t]; print m }' "$work/rtl/layer_map.csv")
  awk -v d="$dims" -v c="$cycles" -v m="$model" -v s="$steps" -v k="$check" \
    'BEGIN { printf "| %s | %d | %d | %.1f | %d | %.1f | %s |\n", d, c, m, c / m, s, c / s, k }'
  rm -rf "$work/rtl"
done
