#!/usr/bin/env python3
"""Tune every agent's hyperparameters with the same budget, on regimes that are not the test regimes
(issue 11), through `explore --agent-param`.

Run from the repository root after building:
    /usr/bin/python3 bench/tune_agents.py [--binary build/meshforge] [--agents de,sac,...]
        [--configs 6] [--budget 10000] [--seeds 1,2] [--jobs 1] [--out out/tune]

The test regimes (docs/results.md: `meshforge compare data/compare/paper-3nodes.yaml` and
`more-models-3nm.yaml`) are Llama 3.1 8B in performance mode and SmolVLM-256M int8 in low-power
mode at 3, 12 and 28 nm, and SmolVLM-500M / SmolVLM-2.2B at 3 nm. The tuning regimes are the same
two paper workloads at the nodes those leave out, 7 nm (Llama) and 22 nm (SmolVLM).

Every agent gets the same tuning budget: --configs configurations (its defaults, then configurations
drawn from the search space below with a fixed seed), each run on both tuning regimes with every
seed for --budget evaluations, one thread per run. A configuration's merit is the mean over regimes
and seeds of its best PPA score divided by the best score any run of any agent reached on that
regime (so both regimes weigh alike). Prints one markdown table per agent (configurations by
merit) and the best configuration of each; writes OUT/results.json.
"""
import argparse, concurrent.futures, json, math, os, random, shutil, subprocess, sys

REGIMES = {
    "llama-7nm": ["--model", "llama-3.1-8b", "--node", "7nm", "--mode", "performance"],
    "smolvlm-22nm": ["--model", "smolvlm-256m-instruct", "--node", "22nm", "--mode", "low-power", "--precision", "int8"],
}

# Search space per agent: name -> (kind, low, high) with kind u (uniform), log (log-uniform),
# int (uniform integer) or a list of choices. Ranges bracket each default (agents.cpp) by ~3x or
# the parameter's usual span in the literature / the library's documentation.
SPACE = {
    "de": {"f": ("u", 0.3, 1.0), "cr": ("u", 0.1, 1.0), "variant": [1, 2, 3, 6, 7, 8]},
    "sga": {"cr": ("u", 0.5, 1.0), "eta_c": ("log", 1, 30), "m": ("u", 0.0, 0.2), "param_m": ("log", 1, 50),
            "param_s": [2, 3, 4, 5]},
    "sa": {"ts": ("log", 0.01, 1.0), "tf": ("log", 1e-5, 1e-2), "start_range": ("u", 0.1, 1.0)},
    "cmaes": {"sigma0": ("log", 0.05, 0.8), "population": [10, 20, 40]},
    "pso": {"omega": ("u", 0.4, 0.9), "eta1": ("u", 1.0, 2.5), "eta2": ("u", 1.0, 2.5), "max_vel": ("u", 0.1, 1.0),
            "variant": [1, 2, 3, 4, 5, 6]},
    "nsga2": {"cr": ("u", 0.7, 0.99), "eta_c": ("log", 2, 50), "m": ("u", 0.0, 0.2), "eta_m": ("log", 5, 80)},
    "bo": {"local_sigma": ("log", 0.03, 0.5), "xi": ("log", 1e-4, 0.1), "initial_random": [16, 32, 64]},
    "sac": {"actor_lr": ("log", 1e-4, 1e-3), "reward_scale": ("log", 1, 30), "learning_starts": [250, 500, 1000],
            "batch_size": [64, 128, 256], "initial_alpha": ("log", 0.1, 1.0)},
}


def draw(space, rng):
    out = {}
    for name, spec in space.items():
        if isinstance(spec, list):
            out[name] = rng.choice(spec)
        elif spec[0] == "u":
            out[name] = round(rng.uniform(spec[1], spec[2]), 4)
        elif spec[0] == "log":
            out[name] = float(f"{math.exp(rng.uniform(math.log(spec[1]), math.log(spec[2]))):.4g}")
        else:
            out[name] = rng.randint(spec[1], spec[2])
    # sac: one learning rate for actor and critic
    if "actor_lr" in out:
        out["critic_lr"] = out["actor_lr"]
    return out


def run(binary, agent, params, regime, seed, budget, out):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [binary, "explore", *REGIMES[regime], "--agent", agent, "--budget", str(budget), "--seed", str(seed),
           "--threads", "1", "--out", out]
    for k, v in params.items():
        cmd += ["--agent-param", f"{k}={v}"]
    env = dict(os.environ, MESHFORGE_REPORT="0")
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if p.returncode != 0:
        return {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"}
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    return {"score": report["ppa_score"], "feasible": report["feasible"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="build/meshforge")
    ap.add_argument("--agents", default=",".join(SPACE))
    ap.add_argument("--configs", type=int, default=6)
    ap.add_argument("--budget", type=int, default=10000)
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", default="out/tune")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    agents = a.agents.split(",")
    unknown = [x for x in agents if x not in SPACE]
    if unknown:
        sys.exit(f"tune_agents.py: --agents: no search space for {', '.join(unknown)} (known: {', '.join(SPACE)})")
    configs = {}
    for agent in agents:
        rng = random.Random(f"tune-{agent}")
        configs[agent] = [{}] + [draw(SPACE[agent], rng) for _ in range(a.configs - 1)]
    tasks = []
    for agent in agents:
        for ci, params in enumerate(configs[agent]):
            for regime in REGIMES:
                for seed in seeds:
                    tasks.append((agent, ci, params, regime, seed))
    results = {}
    done = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = {pool.submit(run, a.binary, agent, params, regime, seed, a.budget,
                               os.path.join(a.out, agent, f"c{ci}", regime, f"s{seed}")): (agent, ci, regime, seed)
                   for agent, ci, params, regime, seed in tasks}
        for fut in concurrent.futures.as_completed(futures):
            key = futures[fut]
            results[key] = fut.result()
            done += 1
            print(f"[{done}/{len(tasks)}] {key[0]} c{key[1]} {key[2]} seed {key[3]}: {results[key]}", file=sys.stderr, flush=True)
    best = {r: max((v.get("score", 0) for k, v in results.items() if k[2] == r), default=1) or 1 for r in REGIMES}
    summary = {}
    for agent in agents:
        rows = []
        for ci, params in enumerate(configs[agent]):
            runs = [results[(agent, ci, r, s)] for r in REGIMES for s in seeds]
            errors = [x["error"] for x in runs if "error" in x]
            merit = sum(x.get("score", 0) / best[r] for x, (r, s) in zip(runs, [(r, s) for r in REGIMES for s in seeds])) / len(runs)
            per_regime = {r: sum(results[(agent, ci, r, s)].get("score", 0) for s in seeds) / len(seeds) for r in REGIMES}
            rows.append({"config": ci, "params": params, "merit": merit, "mean_score": per_regime, "errors": errors})
        rows.sort(key=lambda x: -x["merit"])
        summary[agent] = rows
        print(f"\n#### {agent}\n")
        print("| config | parameters | " + " | ".join(f"mean best score, {r}" for r in REGIMES) + " | merit |")
        print("|---|---|" + "---|" * len(REGIMES) + "---|")
        for row in rows:
            p = ", ".join(f"{k}={v}" for k, v in row["params"].items()) or "defaults"
            cells = " | ".join(f"{row['mean_score'][r]:.4f}" for r in REGIMES)
            err = f" ({len(row['errors'])} failed: {row['errors'][0]})" if row["errors"] else ""
            print(f"| c{row['config']} | {p}{err} | {cells} | {row['merit']:.4f} |")
    print("\n#### Best configuration per agent\n")
    print("| agent | best | merit | defaults' merit |")
    print("|---|---|---|---|")
    for agent in agents:
        top = summary[agent][0]
        default = next(r for r in summary[agent] if r["config"] == 0)
        p = ", ".join(f"{k}={v}" for k, v in top["params"].items()) or "defaults"
        print(f"| {agent} | {p} | {top['merit']:.4f} | {default['merit']:.4f} |")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"regimes": REGIMES, "seeds": seeds, "budget": a.budget, "best_per_regime": best, "agents": summary}, f, indent=1)


if __name__ == "__main__":
    main()
