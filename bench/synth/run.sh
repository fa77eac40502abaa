#!/usr/bin/env bash
# Synthesis + gate-level energy bench (ASAP7 7 nm, Yosys 0.23, iverilog). Results in
# bench/synth/results.{md,json}; scratch files in $SYNTH_WORK (default /tmp/meshforge-synth).
# Needs: yosys, iverilog (scripts/setup.sh), /work/shared/pdk/asap7 (or $ASAP7_DIR).
set -euo pipefail
cd "$(dirname "$0")"
start=$(date +%s)
python3 synth.py lib
python3 synth.py area        # one yosys at a time
python3 synth.py verify      # RTL and 4-lane netlists vs a bit-exact Python reference
python3 synth.py energy      # 4-lane gate-level simulation, VCD toggles, Liberty power
python3 synth.py timed       # timing-driven ABC mapping at 1000/500 ps (~4 min)
python3 report.py
echo "run.sh: $(( $(date +%s) - start )) s"
