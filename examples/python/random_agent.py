"""A random agent on meshforge's design MDP (docs/python.md): uniformly random bounded moves for a
few episodes, the best design found kept. Gymnasium's loop, unchanged.
Run: PYTHONPATH=build/python /usr/bin/python3 examples/python/random_agent.py"""
import meshforge

EPISODES = 12
env = meshforge.Env(model="llama-3.1-8b", node="7nm", mode="performance")
env.action_space.seed(0)
best_score, best_design = -1.0, ""
obs, info = env.reset(seed=0)
for episode in range(EPISODES):
    if episode > 0:
        obs, info = env.reset()
    terminated = truncated = False
    while not (terminated or truncated):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        if info["ppa_score"] > best_score:
            best_score, best_design = info["ppa_score"], env.design_yaml()
print(f"best PPA score {best_score:.4f} in {EPISODES * env.episode_steps} evaluations")
print(best_design)
assert 0 < best_score <= 1, best_score
