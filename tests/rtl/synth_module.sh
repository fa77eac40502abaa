#!/usr/bin/env bash
# Synthesises one module of src/rtl/verilog with Yosys (memories are black boxes under SYNTHESIS)
# and fails on anything a netlist must not have (check -assert: undriven nets, multiple drivers,
# combinational loops). With a Liberty file (ASAP7) it also maps to cells and prints the area.
# Usage: synth_module.sh YOSYS RTL_DIR TOP "PARAM=VALUE ..." OUT_DIR [LIBERTY]
set -euo pipefail
yosys=$1 rtl=$2 top=$3 params=$4 out=$5 lib=${6:-}
mkdir -p "$out"
chparam=""
for p in $params; do chparam+="chparam -set ${p%%=*} ${p#*=} $top; "; done
map=""
if [ -n "$lib" ] && [ -f "$lib" ]; then
  map="dfflibmap -liberty $lib; abc -liberty $lib; opt_clean; tee -o $out/stat.txt stat -liberty $lib;"
else
  map="abc; opt_clean; tee -o $out/stat.txt stat;"
fi
"$yosys" -q -l "$out/yosys.log" -p "read_verilog -DSYNTHESIS $rtl/*.v; $chparam synth -flatten -top $top; check -assert; $map"
grep -E "Number of cells|Chip area" "$out/stat.txt" | tail -2
