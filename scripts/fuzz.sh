#!/usr/bin/env bash
# Runs every libFuzzer harness of fuzz/ for SECONDS each (default 60), from seed corpora built out
# of the shipped data, and fails when any finds a crash, a sanitizer report, a leak, a timeout
# (10 s per input) or runaway memory (2 GB). Builds the clang + ASan + UBSan tree first if needed.
#   bash scripts/fuzz.sh [SECONDS] [BUILD_DIR]          (default build-fuzz)
#   FUZZ_HARNESSES="onnx design" bash scripts/fuzz.sh 600   (only these; FUZZ_SEED: libFuzzer's -seed, default 1)
# Findings are kept as OUT/<harness>-crash-* (OUT = BUILD_DIR/fuzz-findings); each becomes a
# regression input under tests/ once understood. Prints executions per harness (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${2:-build-fuzz}
read -r -a harnesses <<< "${FUZZ_HARNESSES:-hf_config onnx design node checkpoint campaign resume}"
# A fixed seed: the same build fuzzing for the same time on the same machine mostly repeats itself.
fuzz_seed=${FUZZ_SEED:-1}

if [ ! -x "$build/fuzz/fuzz_campaign" ] || [ ! -x "$build/meshforge" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESHFORGE_SANITIZE=ON \
    -DMESHFORGE_FUZZ=ON -DMESHFORGE_NATIVE=OFF -DMESHFORGE_BUILD_BENCH=OFF -DMESHFORGE_WERROR=OFF > /dev/null
  cmake --build "$build" -j"$(nproc)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$build/fuzz-findings"
mkdir -p "$out"
export MESHFORGE_DATA_DIR="$PWD/data"
# Seed corpora for every harness (cheap), fuzzing only for the chosen ones.
for h in hf_config onnx design node checkpoint campaign resume; do mkdir -p "$work/$h"; done
cp data/models/*.json "$work/hf_config/"
cp data/designs/*.yaml data/designs/chips/*.yaml "$work/design/"
cp data/nodes/*.yaml "$work/node/"
cp data/campaigns/*.yaml "$work/campaign/"
for f in data/compare/*.yaml; do cp "$f" "$work/campaign/compare-$(basename "$f")"; done  # names repeat
/usr/bin/python3 fuzz/onnx_seeds.py "$work/onnx"
# A real checkpoint of this build's format: a three-evaluation run.
MESHFORGE_REPORT=0 "$build/meshforge" explore --model llama-3.1-8b --node 7nm --agent random --budget 3 \
  --seq 16 --out "$work/run" > /dev/null 2>&1
# Checkpoint seeds as the harnesses read them (fuzz_common.h): a 0 byte, then the payload without its
# 24 bytes of framing (the harness frames it again), or a 1 byte and the file as it is.
seed_checkpoint() {  # FILE DIR NAME
  { printf '\0'; tail -c +25 "$1"; } > "$2/$3.payload"
  { printf '\1'; cat "$1"; } > "$2/$3.framed"
}
seed_checkpoint "$work/run/checkpoint.bin" "$work/checkpoint" random3
# The resume harness's settings (Llama 3.1 8B, 7 nm, defaults): one checkpoint per agent kind.
for agent in random de sac; do
  MESHFORGE_REPORT=0 "$build/meshforge" explore --model llama-3.1-8b --node 7nm --agent "$agent" --budget 24 \
    --threads 1 --out "$work/run-$agent" > /dev/null 2>&1
  seed_checkpoint "$work/run-$agent/checkpoint.bin" "$work/resume" "$agent"
done

status=0
printf '| harness | seconds | executions | result |\n|---|---|---|---|\n'
for h in "${harnesses[@]}"; do
  log="$work/$h.log"
  if "$build/fuzz/fuzz_$h" "$work/$h" -max_total_time="$seconds" -seed="$fuzz_seed" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/$h-" > "$log" 2>&1; then
    result=clean
  else
    result="FINDING (see $out/$h-*, log below)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  printf '| %s | %s | %s | %s |\n' "$h" "$seconds" "$runs" "$result"
  if [ "$result" != clean ]; then tail -40 "$log"; fi
done
exit $status
