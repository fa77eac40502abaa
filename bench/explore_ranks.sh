#!/bin/bash
# explore's batches over MPI ranks (issue 13; docs/scale.md): the same search as one process with
# --threads 1, one with --threads 2, and `mpirun -n 2` with --threads 1 per rank, ROUNDS rounds
# per agent; prints wall-clock, CPU and the last progress line's evaluations/s of each run, and
# checks that progress.csv and pareto.csv are identical in all three.
# Run from the repository root after building, on an otherwise idle machine:
#     bash bench/explore_ranks.sh [BINARY=build/meshforge] [BUDGET=20000] [ROUNDS=3] [AGENTS="pso random"]
set -euo pipefail
binary=${1:-build/meshforge}
budget=${2:-20000}
rounds=${3:-3}
agents=${4:-pso random}
root_flag=$([ "$(id -u)" = 0 ] && echo --allow-run-as-root || true)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for agent in $agents; do
  args="explore --model llama-3.1-8b --node 3nm --agent $agent --budget $budget --seed 1"
  for round in $(seq "$rounds"); do
    for cfg in threads1 threads2 ranks2; do
      out=$scratch/$cfg
      rm -rf "$out"
      case $cfg in
        threads1) cmd="$binary $args --threads 1 --out $out" ;;
        threads2) cmd="$binary $args --threads 2 --out $out" ;;
        ranks2) cmd="mpirun -n 2 $root_flag $binary $args --threads 1 --out $out" ;;
      esac
      load=$(cut -d' ' -f1 /proc/loadavg)
      /usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$scratch/time" env MESHFORGE_REPORT=0 $cmd >/dev/null 2>"$scratch/err"
      rate=$(grep -o "[0-9]* eval/s" "$scratch/err" | tail -1)
      echo "$agent round $round $cfg: $(cat "$scratch/time"), $rate, load $load"
    done
    for f in progress.csv pareto.csv; do
      cmp -s "$scratch/threads1/$f" "$scratch/threads2/$f" && cmp -s "$scratch/threads1/$f" "$scratch/ranks2/$f" ||
        { echo "$agent round $round: $f differs"; exit 1; }
    done
    echo "$agent round $round: progress.csv and pareto.csv identical"
  done
done
