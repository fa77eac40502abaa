#!/usr/bin/env python3
"""Evaluations per second of every agent at 1 and 2 threads (issue 11: parallel evaluation).

Run from the repository root after building, on an otherwise idle machine:
    /usr/bin/python3 bench/parallel_speed.py [--binary build/meshforge] [--budget 20000] [--sac-budget 3000]
        [--agents random,random-walk,sac,nsga2,pso,de] [--lanes 8] [--out out/parallel]

Each agent explores Llama 3.1 8B at 3 nm (performance mode, seed 1) with --threads 1 and then 2,
at its default --lanes, and, for the agents whose lanes are free to choose (random, random-walk,
sac), also at --lanes LANES. The wall-clock of the whole command is measured, so start-up (model
ingest, a second or less) is included; progress.csv of the two thread counts must be identical
(the script checks: one seed gives the same results at any thread count). Prints a markdown
table: agent, lanes, evaluations/s at 1 and 2 threads, speed-up, identical.
"""
import argparse, filecmp, os, shutil, subprocess, time

FREE_LANES = {"random", "random-walk", "sac"}


def run(binary, agent, budget, threads, lanes, out):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [binary, "explore", "--model", "llama-3.1-8b", "--node", "3nm", "--agent", agent, "--budget", str(budget),
           "--threads", str(threads), "--out", out]
    if lanes:
        cmd += ["--lanes", str(lanes)]
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/meshforge")
    ap.add_argument("--budget", type=int, default=20000)
    ap.add_argument("--sac-budget", type=int, default=3000)
    ap.add_argument("--agents", default="random,random-walk,sac,nsga2,pso,de")
    ap.add_argument("--lanes", type=int, default=8)
    ap.add_argument("--out", default="out/parallel")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    print("| agent | lanes | evaluations | eval/s, 1 thread | eval/s, 2 threads | speed-up | same progress.csv |")
    print("|---|---|---|---|---|---|---|")
    for agent in a.agents.split(","):
        budget = a.sac_budget if agent == "sac" else a.budget
        for lanes in ([None, a.lanes] if agent in FREE_LANES else [None]):
            dirs = [os.path.join(a.out, f"{agent}-{lanes or 'default'}-t{t}") for t in (1, 2)]
            secs = [run(a.binary, agent, budget, t, lanes, d) for t, d in zip((1, 2), dirs)]
            same = filecmp.cmp(os.path.join(dirs[0], "progress.csv"), os.path.join(dirs[1], "progress.csv"), shallow=False)
            print(f"| {agent} | {lanes or 'default'} | {budget} | {budget / secs[0]:,.0f} | {budget / secs[1]:,.0f} | "
                  f"{secs[0] / secs[1]:.2f}x | {'yes' if same else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
