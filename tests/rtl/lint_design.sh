#!/usr/bin/env bash
# Generates a design's RTL with meshforge and lints its top with Verilator (-Wall: any warning fails).
# Usage: lint_design.sh MESHFORGE DESIGN.yaml OUT_DIR VERILATOR
set -euo pipefail
meshforge=$1 design=$2 out=$3 verilator=$4
rm -rf "$out"
top=$("$meshforge" rtl --design "$design" --out "$out" | awk '/^top module/ {print $3}')
cd "$out"
"$verilator" --lint-only -Wall -f filelist.f --top-module "$top"
echo "lint clean: $top"
