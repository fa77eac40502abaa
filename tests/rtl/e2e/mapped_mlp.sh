#!/bin/bash
# End to end with programs derived from the mapping (rtl.e2e.mapped_*): meshforge rtl --model writes
# every tile's program for a 3-layer int8 MLP on the 3 x 3 test design, and its testbench runs one
# inference in Icarus Verilog and compares all 16 outputs with meshforge's C++ reference.
#   mapped_mlp.sh MESHFORGE WORKDIR CASE
# CASE: one_group | two_groups (mapping.tensor_parallel 4) | wide_links (128-bit flits over 64-bit
# AMEM words) | all_to_all (128 x 128 x 128 on bench/rtl_mapped/bench-3x3.yaml: every tile needs
# every other tile's slice, which deadlocked on blocking sends before the receive engine) |
# detects_a_wrong_weight | refuses
set -euo pipefail
meshforge=$1 work=$2 case=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
dims=48,40,24,16 outputs=16
design=$here/mapped-3x3.yaml
if [ "$case" = all_to_all ]; then dims=128,128,128 outputs=128 design=$here/../../../bench/rtl_mapped/bench-3x3.yaml; fi
/usr/bin/python3 "$here/make_mlp.py" "$work/mlp.onnx" $dims
if [ "$case" = wide_links ]; then
  sed 's/^name: mapped-3x3/name: mapped-3x3-wide/; s/link_bits: 64/link_bits: 128/' "$design" > "$work/design.yaml"
  design=$work/design.yaml
fi
if [ "$case" = two_groups ]; then
  # Two tile groups of 4 (mapping.tensor_parallel): consecutive layers alternate between them.
  sed 's/^name: mapped-3x3/name: mapped-3x3-tp4\nmapping: {tensor_parallel: 4}/' "$design" > "$work/design.yaml"
  design=$work/design.yaml
fi
if [ "$case" = refuses ]; then
  /usr/bin/python3 "$here/make_mlp.py" "$work/softmax.onnx" 48,40,24,16 --softmax
  set +e
  err=$("$meshforge" rtl --design "$design" --model "$work/softmax.onnx" --out "$work/x" 2>&1 >/dev/null); status=$?
  set -e
  echo "$err"
  [ "$status" = 2 ] && [ "$(echo "$err" | wc -l)" = 1 ] && echo "$err" | grep -q "softmax.onnx.*ops\[5\].*Softmax"
  [ ! -e "$work/x" ]
  sed 's/wmem_bytes: 2KiB/wmem_bytes: 256B/' "$design" > "$work/small.yaml"
  set +e
  err=$("$meshforge" rtl --design "$work/small.yaml" --model "$work/mlp.onnx" --out "$work/y" 2>&1 >/dev/null); status=$?
  set -e
  echo "$err"
  [ "$status" = 2 ] && echo "$err" | grep -q "tile_classes.*WMEM words" && [ ! -e "$work/y" ]
  exit 0
fi
"$meshforge" rtl --design "$design" --model "$work/mlp.onnx" --out "$work/rtl"
if [ "$case" = detects_a_wrong_weight ]; then
  # One int8 weight of tile (1, 1)'s first slice changed: the testbench must say FAIL.
  f=$work/rtl/sim/wmem_t00004.hex
  first=$(head -c 1 "$f"); flipped=$([ "$first" = 0 ] && echo 1 || echo 0)
  sed -i "1s/^./$flipped/" "$f"
  out=$(sh "$work/rtl/sim/run.sh" 2>&1 | grep -v WARNING)
  echo "$out"
  echo "$out" | grep -q "^FAIL: [1-9][0-9]* of 16 outputs differ"
  exit 0
fi
out=$(sh "$work/rtl/sim/run.sh" 2>&1 | grep -v WARNING)
echo "$out"
echo "$out" | grep -q "^HALTED after [0-9]* cycles"
echo "$out" | grep -q "^PASS: $outputs outputs equal the reference"
