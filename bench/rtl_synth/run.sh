#!/usr/bin/env bash
# Real synthesis of the generated RTL (src/rtl/verilog) on ASAP7 7 nm vs the cost model.
# Results: bench/rtl_synth/results.{md,json}; scratch in $RTL_SYNTH_WORK (default /tmp/meshforge-rtl-synth).
# Needs: yosys 0.23, iverilog 11 (scripts/setup.sh), /work/shared/pdk/asap7 (or $ASAP7_DIR),
# /usr/bin/python3 with numpy and PyYAML, and build/meshforge (built here if missing).
# Runtime on the shared 2-core machine under load 6-11 from other jobs (2026-12-01): area ~45 min
# (two Yosys processes), model ~10 s, energy ~40 min (router netlists ~10-20 min each, vector units
# ~1-8 min each); an idle machine should need about a third of that.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
start=$(date +%s)
if [ ! -x "$root/build/meshforge" ]; then
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DMESHFORGE_BUILD_TESTS=OFF -DMESHFORGE_BUILD_BENCH=OFF
  cmake --build "$root/build" -j2 --target meshforge
fi
/usr/bin/python3 synth.py lib
/usr/bin/python3 synth.py area       # every configuration in synth.py CONFIGS; reuses unchanged results
/usr/bin/python3 synth.py model      # meshforge rtl -> floorplan.json model_cells_mm2 per configuration
/usr/bin/python3 synth.py energy     # gate-level simulation: pJ/MAC per format, pJ per flit-hop
/usr/bin/python3 report.py           # fits, results.json, the AUTO block of results.md
echo "run.sh: $(( $(date +%s) - start )) s"
