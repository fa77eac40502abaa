#!/usr/bin/env bash
# Generates a design's RTL with meshforge and lints it with Verilator (-Wall: any warning fails).
#   hierarchical: the generated lint.sh (the top against port-exact shells, then every distinct
#                 module instance in full); memory of the largest module, so any mesh size.
#   flat:         the whole top elaborated at once (memory grows with every lane of every tile).
# Usage: lint_design.sh MESHFORGE DESIGN.yaml OUT_DIR VERILATOR hierarchical|flat
set -euo pipefail
meshforge=$1 design=$2 out=$3 verilator=$4 mode=$5
rm -rf "$out"
top=$("$meshforge" rtl --design "$design" --out "$out" | awk '/^top module/ {print $3}')
if [ "$mode" = hierarchical ]; then
  VERILATOR="$verilator" bash "$out/lint.sh"
else
  cd "$out"
  "$verilator" --lint-only -Wall -f filelist.f --top-module "$top"
  echo "lint clean (flat): $top"
fi
