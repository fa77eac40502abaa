"""CMA-ES in numpy over whole design vectors (docs/python.md): each generation one evaluate_batch
call on all cores of an Evaluator loaded once; fitness = feasible + PPA score, the explorer's ranking.
Run: PYTHONPATH=build/python /usr/bin/python3 examples/python/cmaes_agent.py"""
import numpy as np
import meshforge

n, lam, generations = 39, 16, 12
mu = lam // 2
w = np.log(mu + 0.5) - np.log(np.arange(1, mu + 1))
w /= w.sum()
mueff = 1 / np.sum(w ** 2)
cc, cs = 4 / (n + 4), (mueff + 2) / (n + mueff + 5)
c1 = 2 / ((n + 1.3) ** 2 + mueff)
cmu = min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) ** 2 + mueff))
damps, chi_n = 1 + cs + 2 * max(0, np.sqrt((mueff - 1) / (n + 1)) - 1), np.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n ** 2))
rng, evaluator = np.random.default_rng(0), meshforge.Evaluator(model="llama-3.1-8b", node="7nm")
mean, sigma, C, pc, ps = np.zeros(n), 0.3, np.eye(n), np.zeros(n), np.zeros(n)
best = []
for g in range(generations):
    eigenvalues, B = np.linalg.eigh(C)
    D = np.sqrt(np.maximum(eigenvalues, 1e-20))
    y = (rng.standard_normal((lam, n)) * D) @ B.T             # rows ~ N(0, C)
    x = np.clip(mean + sigma * y, -1, 1)
    r = evaluator.evaluate_batch(actions=x)
    order = np.argsort(-(r["feasible"] + r["ppa_score"]))[:mu]
    best.append(r["ppa_score"][order[0]] + r["feasible"][order[0]])
    y = (x[order] - mean) / sigma                              # the steps actually taken
    yw = w @ y
    mean = mean + sigma * yw
    ps = (1 - cs) * ps + np.sqrt(cs * (2 - cs) * mueff) * (B @ ((B.T @ yw) / D))
    hs = np.linalg.norm(ps) / np.sqrt(1 - (1 - cs) ** (2 * g + 2)) < (1.4 + 2 / (n + 1)) * chi_n
    pc = (1 - cc) * pc + hs * np.sqrt(cc * (2 - cc) * mueff) * yw
    C = (1 - c1 - cmu) * C + c1 * np.outer(pc, pc) + cmu * (y.T * w) @ y
    sigma *= np.exp(cs / damps * (np.linalg.norm(ps) / chi_n - 1))
print("best feasible + score per generation:", " ".join(f"{b:.3f}" for b in best))
assert max(best[1:]) > best[0], "CMA-ES did not improve on its first generation"
