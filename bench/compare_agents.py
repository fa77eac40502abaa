#!/usr/bin/env python3
"""Issue-4 experiments: SAC-MoE against random search at equal budget, the K = 1 ablation, the
gate per regime, and one agent over both workloads and all seven nodes. Writes OUT/results.md (the
tables quoted in docs/results.md) and OUT/runs.csv.

Run from the repository root after building:
    /usr/bin/python3 bench/compare_agents.py [--out out/bench] [--jobs 2] [--seeds 5] [--budget 10000]
    /usr/bin/python3 bench/compare_agents.py --out out/bench --tables-only   # tables from saved runs

The learned agent runs as the reference paper's single agent: `meshforge campaign
data/campaigns/paper-3nodes.yaml` trains ONE SAC-MoE agent on Llama 3.1 8B (performance) and
SmolVLM (low-power) at 3, 12 and 28 nm at once, --budget evaluations for each workload and node.
The baselines run per workload and node with `meshforge explore` at the same budget:
  random       random search, every evaluation an independent uniformly random design
  random-walk  uniform random moves in the same refinement episodes the SAC agent plays
  sga sa cmaes pso de   pagmo2's optimisers over whole designs (--baselines adds them)

Add baselines to a finished run without re-running the campaigns:
    /usr/bin/python3 bench/compare_agents.py --out out/bench --baselines sga,sa,cmaes,pso,de --skip-campaigns
"""
import argparse, csv, json, os, statistics, subprocess, time
from concurrent.futures import ThreadPoolExecutor

WORKLOADS = {
    "llama": ["--model", "llama-3.1-8b", "--mode", "performance"],
    "smolvlm": ["--model", "smolvlm-256m-instruct", "--mode", "low-power", "--precision", "int8"],
}
NODES = ["3nm", "12nm", "28nm"]
CAMPAIGN = "data/campaigns/paper-3nodes.yaml"
ALL_NODES_CAMPAIGN = "data/campaigns/paper.yaml"


def row_from_report(d, workload, node, agent, experts, seed, seconds):
    r = json.load(open(os.path.join(d, "report.json")))
    stats = r.get("search", {}).get("agent_stats", {})
    return {"workload": workload, "node": node, "agent": agent, "experts": experts, "seed": seed,
            "score": r["ppa_score"], "feasible": r["feasible"],
            "tps_decode": r["tokens_per_second"]["decode"], "tps_prefill": r["tokens_per_second"]["prefill"],
            "power_w": r["power_w"], "area_mm2": r["area_mm2"], "seconds": seconds,
            "gate": json.dumps(stats.get("gate", []))}


def explore(a, workload, node, agent, seed):
    d = os.path.join(a.out, "explore", workload, node, f"{agent}-s{seed}")
    cmd = [a.binary, "explore", *WORKLOADS[workload], "--node", node, "--agent", agent, "--seed", str(seed),
           "--budget", str(a.budget), "--out", d, "--force"]
    t0 = time.time()
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return [row_from_report(d, workload, node, agent, 0, seed, time.time() - t0)]


def campaign(a, experts, seed, file=CAMPAIGN, tag=None):
    d = os.path.join(a.out, tag or f"campaign-k{experts}-s{seed}")
    cmd = [a.binary, "campaign", file, "--seed", str(seed), "--experts", str(experts), "--budget", str(a.budget),
           "--out", d, "--force"]
    t0 = time.time()
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    seconds = time.time() - t0
    rows = []
    for w in WORKLOADS:
        for node in sorted(os.listdir(os.path.join(d, w))):
            if os.path.isdir(os.path.join(d, w, node)):
                rows.append(row_from_report(os.path.join(d, w, node), w, node, "sac" if tag is None else tag, experts, seed, seconds))
    return rows


def si_bytes(n):
    n = int(n)
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} B"


def node_table(summary_csv, power_unit):
    """A summary.csv (sweep format) as a markdown table of the design per node."""
    rows = list(csv.DictReader(open(summary_csv)))
    out = ["| node | mesh | tiles by class | class 0: VLEN × MAC rows / WMEM | clock MHz | DRAM | decode tok/s | prefill tok/s | power | area mm² | score |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        classes = int(r["tile_classes"])
        tiles = "/".join(r[f"class{c}_tiles"] for c in range(min(classes, 3)))
        c0 = f"{r['class0_vlen_bits']} × {r['class0_mac_rows']} / {si_bytes(r['class0_wmem_bytes'])} {r['class0_weight_storage']}"
        dram = "none" if r["dram_kind"] == "none" else f"{r['dram_kind']} × {r['dram_channels']}"
        power = float(r["power_w"]) * (1e3 if power_unit == "mW" else 1)
        out.append(f"| {r['node']} | {r['mesh_rows']}×{r['mesh_cols']} | {tiles} | {c0} | {float(r['clock_mhz']):.0f} | {dram} | "
                   f"{float(r['tokens_per_second_decode']):.4g} | {float(r['tokens_per_second_prefill']):.4g} | {power:.3g} {power_unit} | "
                   f"{float(r['area_mm2']):.4g} | {float(r['ppa_score']):.3f} |")
    return out


def mean_std(xs):
    return (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)


def load_runs(path):
    runs = []
    for r in csv.DictReader(open(path)):
        r["experts"] = int(r["experts"])
        r["seed"] = int(r["seed"])
        for k in ("score", "tps_decode", "tps_prefill", "power_w", "area_mm2", "seconds"):
            r[k] = float(r[k])
        r["gate"] = json.loads(r["gate"]) if r["gate"] else []
        runs.append(r)
    return runs


def fmt_ms(rs):
    return "—" if not rs else "%.4f ± %.4f" % mean_std([r["score"] for r in rs])


def write_tables(a, runs, wall_seconds):
    timing = "" if wall_seconds is None else f"; everything in {wall_seconds / 60:.1f} min wall with {a.jobs} parallel jobs"
    lines = [f"Budget {a.budget} evaluations per workload and node, seeds 1..{a.seeds}, defaults otherwise{timing}.", ""]
    lines += ["### Best PPA score, mean ± std over seeds", "",
              "| workload | node | SAC-MoE (K=4) | SAC (K=1) | random search | random walk | SAC-MoE > random search | SAC-MoE > random walk |",
              "|---|---|---|---|---|---|---|---|"]
    for w in WORKLOADS:
        for node in NODES:
            sel = lambda agent, k: sorted([r for r in runs if r["workload"] == w and r["node"] == node and r["agent"] == agent and r["experts"] == k],
                                          key=lambda r: r["seed"])
            sac, k1, rnd, walk = sel("sac", 4), sel("sac", 1), sel("random", 0), sel("random-walk", 0)
            wins = lambda base: sum(1 for s, b in zip(sac, base) if s["score"] > b["score"])
            lines.append(f"| {w} | {node} | {fmt_ms(sac)} | {fmt_ms(k1)} | {fmt_ms(rnd)} | {fmt_ms(walk)} | "
                         f"{wins(rnd)}/{min(len(sac), len(rnd))} | {wins(walk)}/{min(len(sac), len(walk))} |")
    lines += ["", "### The gate per regime at the end of the campaign (mean over seeds; K = 4)", "",
              "| workload | node | expert 1 | expert 2 | expert 3 | expert 4 | top expert per seed |", "|---|---|---|---|---|---|---|"]
    for w in WORKLOADS:
        for node in NODES:
            rs = sorted([r for r in runs if r["workload"] == w and r["node"] == node and r["agent"] == "sac" and r["experts"] == 4 and r["gate"]],
                        key=lambda r: r["seed"])
            if rs:
                g = [statistics.mean(r["gate"][k] for r in rs) for k in range(4)]
                top = " ".join(str(1 + max(range(4), key=lambda k: r["gate"][k])) for r in rs)
                lines.append(f"| {w} | {node} | " + " | ".join(f"{x:.3f}" for x in g) + f" | {top} |")
    lines += ["", "### Best designs found (SAC-MoE campaign, seed 1)", "",
              "| workload | node | decode tok/s | prefill tok/s | power W | area mm² | feasible |", "|---|---|---|---|---|---|---|"]
    for w in WORKLOADS:
        for node in NODES:
            r = next((r for r in runs if r["workload"] == w and r["node"] == node and r["agent"] == "sac" and r["experts"] == 4 and r["seed"] == 1), None)
            if r:
                lines.append(f"| {w} | {node} | {r['tps_decode']:.4g} | {r['tps_prefill']:.4g} | {r['power_w']:.4g} | {r['area_mm2']:.4g} | {r['feasible']} |")
    others = sorted({r["agent"] for r in runs if r["agent"] not in ("sac", "all-nodes")})
    if others:
        lines += ["", "### SAC-MoE (K=4) against every baseline: best PPA score, mean ± std over seeds", "",
                  "| workload | node | SAC-MoE | " + " | ".join(others) + " | best baseline | SAC-MoE > best baseline (seed pairs) |",
                  "|---|---|---|" + "---|" * len(others) + "---|---|"]
        regimes_won = 0
        for w in WORKLOADS:
            for node in NODES:
                sel = lambda agent, k: sorted([r for r in runs if r["workload"] == w and r["node"] == node and r["agent"] == agent and r["experts"] == k],
                                              key=lambda r: r["seed"])
                sac = sel("sac", 4)
                means = {b: statistics.mean(r["score"] for r in sel(b, 0)) for b in others if sel(b, 0)}
                best = max(means, key=means.get) if means else None
                base = sel(best, 0) if best else []
                wins = sum(1 for x, y in zip(sac, base) if x["score"] > y["score"])
                if sac and best and statistics.mean(r["score"] for r in sac) >= means[best]:
                    regimes_won += 1
                lines.append(f"| {w} | {node} | {fmt_ms(sac)} | " + " | ".join(fmt_ms(sel(b, 0)) for b in others) +
                             f" | {best or '—'} | {wins}/{min(len(sac), len(base))} |")
        lines += ["", f"SAC-MoE's mean matches or beats the best baseline's in {regimes_won} of {len(WORKLOADS) * len(NODES)} regimes."]
    camp = [r for r in runs if r["agent"] == "sac"]
    if camp:
        per_campaign = {(r["experts"], r["seed"]): r["seconds"] for r in camp}
        evals = len(WORKLOADS) * len(NODES) * a.budget
        rate = statistics.mean(evals / s for s in per_campaign.values())
        lines += ["", f"Campaign speed ({len(per_campaign)} campaigns of {evals} evaluations, {a.jobs} at a time on 2 cores): "
                      f"{rate:.0f} environment steps (and SAC updates) per second."]
    allnodes = [r for r in runs if r["agent"] == "all-nodes"]
    if allnodes:
        lines += ["", f"### One agent, both workloads, seven nodes ({ALL_NODES_CAMPAIGN}, seed 1): "
                      f"{len(allnodes) * a.budget} evaluations in {allnodes[0]['seconds'] / 60:.1f} min", ""]
        d = os.path.join(a.out, "all-nodes")
        for w, unit in (("llama", "W"), ("smolvlm", "mW")):
            lines += [f"#### {w}", ""] + node_table(os.path.join(d, w, "summary.csv"), unit) + [""]
        lines += ["#### gate (OUT/all-nodes/gate.csv)", "", "| regime | node | " + " | ".join(f"expert {k}" for k in range(1, 5)) + " |",
                  "|---|---|---|---|---|---|"]
        for g in csv.DictReader(open(os.path.join(d, "gate.csv"))):
            lines.append(f"| {g['regime']} | {g['node']} | " + " | ".join(f"{float(g[f'expert_{k}']):.2f}" for k in range(1, 5)) + " |")
        lines.append("")
    open(os.path.join(a.out, "results.md"), "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="out/bench")
    ap.add_argument("--binary", default="build/meshforge")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--k1-seeds", type=int, default=3, help="seeds of the K = 1 ablation")
    ap.add_argument("--budget", type=int, default=10000)
    ap.add_argument("--no-all-nodes", action="store_true", help="skip the seven-node campaign")
    ap.add_argument("--tables-only", action="store_true", help="only rebuild results.md from OUT/runs.csv")
    ap.add_argument("--baselines", default="random,random-walk", help="explore agents run per workload, node and seed")
    ap.add_argument("--skip-campaigns", action="store_true",
                    help="run only the baselines and merge them into OUT/runs.csv (replacing rows of the same agents)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.tables_only:
        write_tables(a, load_runs(os.path.join(a.out, "runs.csv")), None)
        return

    # Longest first, so the two workers finish together.
    baselines = [b for b in a.baselines.split(",") if b]
    jobs = []
    if not a.skip_campaigns:
        if not a.no_all_nodes:
            jobs.append(lambda: campaign(a, 4, 1, ALL_NODES_CAMPAIGN, "all-nodes"))
        jobs += [lambda s=s: campaign(a, 4, s) for s in range(1, a.seeds + 1)]
        jobs += [lambda s=s: campaign(a, 1, s) for s in range(1, a.k1_seeds + 1)]
    for w in WORKLOADS:
        for node in NODES:
            for s in range(1, a.seeds + 1):
                for b in baselines:
                    jobs.append(lambda w=w, node=node, s=s, b=b: explore(a, w, node, b, s))
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        runs = [r for rows in pool.map(lambda j: j(), jobs) for r in rows]
    wall = time.time() - t0
    if a.skip_campaigns:  # keep the earlier rows of every other agent
        previous = list(csv.DictReader(open(os.path.join(a.out, "runs.csv"))))
        runs = [r for r in previous if r["agent"] not in baselines] + runs
        wall = None
    with open(os.path.join(a.out, "runs.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(runs[0].keys()))
        wr.writeheader()
        for r in runs:
            wr.writerow(r)
    write_tables(a, load_runs(os.path.join(a.out, "runs.csv")), wall)


if __name__ == "__main__":
    main()
