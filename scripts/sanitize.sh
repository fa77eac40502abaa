#!/usr/bin/env bash
# The sanitizer half of CI (docs/reliability.md): builds meshforge, its tests and the fuzz harnesses
# with clang + AddressSanitizer + UndefinedBehaviorSanitizer (no recovery: the first report fails),
# runs the unit, parser, CLI and property tests under it, then every fuzz harness for SECONDS
# (default 60).
#   bash scripts/sanitize.sh [SECONDS] [BUILD_DIR]      (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${2:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESHFORGE_SANITIZE=ON \
  -DMESHFORGE_FUZZ=ON -DMESHFORGE_NATIVE=OFF -DMESHFORGE_BUILD_BENCH=OFF -DMESHFORGE_WERROR=OFF > /dev/null
cmake --build "$build" -j"$(nproc)"
# RTL (Verilator, Yosys) and the HTML report in Chromium (label html) exercise other programs, not
# meshforge's memory. Three long tests run only in the plain build: the interrupted sweep and
# campaign (3 and 2 min under ASan; the short resume tests, e.g. ExploreCli.SacResumesBitForBit and
# StoreCli.KillNine*, run the same code) and the SAC bandit (~1 min per instance: SAC's arithmetic,
# which the SAC unit tests also run under the sanitizers).
UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -LE "rtl|html" \
  -E "SweepResumeFinishesAnInterruptedSweep|InterruptedOrKilledCampaignResumesToTheResultsOfAnUninterruptedOne|Bandit\.SacSolvesARegimeDependentBandit"
bash scripts/fuzz.sh "$seconds" "$build"
