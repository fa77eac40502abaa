#!/usr/bin/env python3
"""Issue-4 experiments: SAC-MoE vs random search at equal budget, the K = 1 ablation, gate usage,
and the seven-node sweeps with their wall time. Writes OUT/results.md (the tables quoted in
docs/results.md) and OUT/runs.csv.

Run from the repository root after building:
    /usr/bin/python3 bench/compare_agents.py [--out out/bench] [--jobs 2] [--seeds 5] [--budget 10000]
Each explore run is `meshforge explore` with the default settings except those listed here.
"""
import argparse, csv, json, os, statistics, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

WORKLOADS = {
    "llama": ["--model", "llama-3.1-8b", "--mode", "performance"],
    "smolvlm": ["--model", "smolvlm-256m-instruct", "--mode", "low-power", "--precision", "int8"],
}
NODES = ["3nm", "12nm", "28nm"]
ALL_NODES = "3nm,5nm,7nm,12nm,16nm,22nm,28nm"


def explore(binary, out, workload, node, agent, seed, budget, experts=None):
    d = os.path.join(out, workload, node, f"{agent}{'' if experts is None else f'-k{experts}'}-s{seed}")
    cmd = [binary, "explore", *WORKLOADS[workload], "--node", node, "--agent", agent, "--seed", str(seed),
           "--budget", str(budget), "--out", d, "--force"]
    if experts is not None:
        cmd += ["--experts", str(experts)]
    t0 = time.time()
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    seconds = time.time() - t0
    r = json.load(open(os.path.join(d, "report.json")))
    stats = r.get("search", {}).get("agent_stats", {})
    return {"workload": workload, "node": node, "agent": agent, "experts": experts if experts is not None else (4 if agent == "sac" else 0),
            "seed": seed, "score": r["ppa_score"], "feasible": r["feasible"],
            "tps_decode": r["tokens_per_second"]["decode"], "tps_prefill": r["tokens_per_second"]["prefill"],
            "power_w": r["power_w"], "area_mm2": r["area_mm2"], "seconds": seconds,
            "gate_usage": stats.get("gate_usage", []), "updates": stats.get("updates", 0)}


def mean_std(xs):
    return (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="out/bench")
    ap.add_argument("--binary", default="build/meshforge")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--budget", type=int, default=10000)
    ap.add_argument("--tables-only", action="store_true",
                    help="only rebuild results.md from OUT/runs.csv and the sweeps in OUT/../sweep-*")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.tables_only:
        runs = load_runs(os.path.join(a.out, "runs.csv"))
        write_tables(a, runs, explore_seconds=None)
        return

    jobs = []
    for w in WORKLOADS:
        for node in NODES:
            for seed in range(1, a.seeds + 1):
                jobs.append((w, node, "sac", seed, None))
                jobs.append((w, node, "random", seed, None))
        for node in ("3nm", "28nm"):
            for seed in range(1, a.seeds + 1):
                jobs.append((w, node, "sac", seed, 1))
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        runs = list(pool.map(lambda j: explore(a.binary, a.out, j[0], j[1], j[2], j[3], a.budget, j[4]), jobs))
    explore_seconds = time.time() - t0

    with open(os.path.join(a.out, "runs.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(runs[0].keys()))
        wr.writeheader()
        for r in runs:
            wr.writerow(r)

    write_tables(a, runs, explore_seconds)


def load_runs(path):
    runs = []
    for r in csv.DictReader(open(path)):
        r["experts"] = int(r["experts"])
        r["seed"] = int(r["seed"])
        for k in ("score", "tps_decode", "tps_prefill", "power_w", "area_mm2", "seconds"):
            r[k] = float(r[k])
        r["gate_usage"] = json.loads(r["gate_usage"]) if r["gate_usage"] else []
        runs.append(r)
    return runs


def write_tables(a, runs, explore_seconds):
    timing = "" if explore_seconds is None else f"; {len(runs)} runs in {explore_seconds / 60:.1f} min with {a.jobs} parallel jobs"
    lines = [f"Budget {a.budget} evaluations per run, {a.seeds} seeds, defaults otherwise{timing}.", ""]
    lines += ["### Best PPA score, mean ± std over seeds", "",
              "| workload | node | SAC-MoE (K=4) | random | SAC (K=1) | SAC-MoE wins (seeds) |", "|---|---|---|---|---|---|"]
    for w in WORKLOADS:
        for node in NODES:
            sel = lambda agent, k: [r for r in runs if r["workload"] == w and r["node"] == node and r["agent"] == agent and r["experts"] == k]
            sac, rnd, k1 = sel("sac", 4), sel("random", 0), sel("sac", 1)
            ms = lambda rs: "—" if not rs else "%.4f ± %.4f" % mean_std([r["score"] for r in rs])
            wins = sum(1 for s, r in zip(sorted(sac, key=lambda r: r["seed"]), sorted(rnd, key=lambda r: r["seed"])) if s["score"] > r["score"])
            lines.append(f"| {w} | {node} | {ms(sac)} | {ms(rnd)} | {ms(k1)} | {wins}/{len(sac)} |")
    lines += ["", "### Best designs found (SAC-MoE, seed 1)", "",
              "| workload | node | decode tok/s | prefill tok/s | power W | area mm² | feasible |", "|---|---|---|---|---|---|---|"]
    for w in WORKLOADS:
        for node in NODES:
            r = next(r for r in runs if r["workload"] == w and r["node"] == node and r["agent"] == "sac" and r["experts"] == 4 and r["seed"] == 1)
            lines.append(f"| {w} | {node} | {r['tps_decode']:.4g} | {r['tps_prefill']:.4g} | {r['power_w']:.4g} | {r['area_mm2']:.4g} | {r['feasible']} |")
    lines += ["", "### MoE gate usage (mean gate weight per expert over the last 1000 asks, mean over seeds)", "",
              "| workload | node | expert 1 | expert 2 | expert 3 | expert 4 |", "|---|---|---|---|---|---|"]
    for w in WORKLOADS:
        for node in NODES:
            rs = [r for r in runs if r["workload"] == w and r["node"] == node and r["agent"] == "sac" and r["experts"] == 4 and r["gate_usage"]]
            if rs:
                g = [statistics.mean(r["gate_usage"][k] for r in rs) for k in range(4)]
                lines.append(f"| {w} | {node} | " + " | ".join(f"{x:.3f}" for x in g) + " |")
    sac_rate = [a.budget / r["seconds"] for r in runs if r["agent"] == "sac"]
    rnd_rate = [a.budget / r["seconds"] for r in runs if r["agent"] == "random"]
    lines += ["", f"Environment steps per second (one run, {a.jobs} runs in parallel on 2 cores): SAC {statistics.mean(sac_rate):.0f}, random {statistics.mean(rnd_rate):.0f}.", ""]

    # The default sweep of both workloads over the seven nodes.
    lines += ["### Default sweeps (SAC-MoE, default budget, seed 1)", ""]
    for w in WORKLOADS:
        d = os.path.join(os.path.dirname(os.path.abspath(a.out)), f"sweep-{w}")
        if not os.path.exists(os.path.join(d, "summary.csv")):
            t0 = time.time()
            subprocess.run([a.binary, "sweep", *WORKLOADS[w], "--nodes", ALL_NODES, "--budget", str(a.budget), "--out", d],
                           check=True, capture_output=True, text=True)
            lines.append(f"(sweep of {w} took {(time.time() - t0) / 60:.1f} min)")
        lines += [f"#### {w}", "", "```", open(os.path.join(d, "summary.csv")).read().strip(), "```", ""]
    open(os.path.join(a.out, "results.md"), "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))



if __name__ == "__main__":
    main()
