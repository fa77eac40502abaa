"""meshforge.Env: the explorer's MDP with Gymnasium's API, checked duck-typed (Gymnasium is not in
Debian) the way gymnasium.utils.env_checker checks an environment."""
import pathlib
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import meshforge  # noqa: E402

WORKLOAD = {"model": "llama-3.1-8b", "node": "7nm"}
ACTION_DIMS, OBSERVATION_DIMS, EPISODE_STEPS = 39, 112, 8  # docs/mdp.md


def rollout(env, seed, steps):
    """Observations and rewards of `steps` steps after reset(seed=seed), actions from a seeded generator."""
    obs, _ = env.reset(seed=seed)
    actions = np.random.default_rng(seed + 100).uniform(-1, 1, size=(steps, ACTION_DIMS))
    observations, rewards = [obs], []
    for action in actions:
        obs, reward, terminated, _, _ = env.step(action)
        observations.append(obs)
        rewards.append(reward)
        if terminated:
            env.reset()
    return np.array(observations), np.array(rewards)


class Spaces(unittest.TestCase):
    def test_shapes_bounds_and_dtypes(self):
        env = meshforge.Env(**WORKLOAD)
        self.assertEqual(env.action_space.shape, (ACTION_DIMS,))
        self.assertEqual(env.observation_space.shape, (OBSERVATION_DIMS,))
        np.testing.assert_array_equal(env.action_space.low, -np.ones(ACTION_DIMS, np.float32))
        np.testing.assert_array_equal(env.action_space.high, np.ones(ACTION_DIMS, np.float32))
        self.assertTrue(env.action_space.is_bounded())
        self.assertTrue(np.all(np.isneginf(env.observation_space.low)) and np.all(np.isposinf(env.observation_space.high)))
        self.assertFalse(env.observation_space.is_bounded())
        for space in (env.action_space, env.observation_space):
            self.assertEqual(space.dtype, np.float32)
            self.assertEqual(space.low.dtype, np.float32)
        self.assertEqual(len(env.action_names), ACTION_DIMS)
        self.assertEqual(env.action_names[0], "mesh.rows")
        self.assertEqual(len(env.observation_names), OBSERVATION_DIMS)
        self.assertEqual(env.episode_steps, EPISODE_STEPS)

    def test_samples_are_in_the_space_and_seeded(self):
        space = meshforge.Env(**WORKLOAD).action_space
        self.assertEqual(space.seed(3), [3])
        first = np.array([space.sample() for _ in range(5)])
        space.seed(3)
        np.testing.assert_array_equal(first, np.array([space.sample() for _ in range(5)]))
        for x in first:
            self.assertIn(x, space)
            self.assertEqual(x.dtype, np.float32)
        self.assertNotIn(np.full(ACTION_DIMS, 1.5, np.float32), space)
        self.assertNotIn(np.zeros(ACTION_DIMS + 1, np.float32), space)
        self.assertIn([0.5] * ACTION_DIMS, space)  # a list is read as float32, as Gymnasium reads it
        self.assertNotIn(np.zeros(ACTION_DIMS, np.float64), space)  # float64 does not cast safely to float32


class GymnasiumConventions(unittest.TestCase):
    def setUp(self):
        self.env = meshforge.Env(**WORKLOAD)

    def test_reset_and_step_return_what_gymnasium_says(self):
        env = self.env
        obs, info = env.reset(seed=1)
        self.assertIsInstance(obs, np.ndarray)
        self.assertEqual((obs.shape, obs.dtype), ((OBSERVATION_DIMS,), np.float32))
        self.assertIn(obs, env.observation_space)
        self.assertEqual(info, {"start": "random"})
        for step in range(1, EPISODE_STEPS + 1):
            result = env.step(env.action_space.sample())
            self.assertIsInstance(result, tuple)
            self.assertEqual(len(result), 5)
            obs, reward, terminated, truncated, info = result
            self.assertIn(obs, env.observation_space)
            self.assertIsInstance(reward, float)
            self.assertIsInstance(terminated, bool)
            self.assertIsInstance(truncated, bool)
            self.assertIsInstance(info, dict)
            low, high = env.reward_range
            self.assertTrue(low <= reward <= high)
            self.assertEqual(terminated, step == EPISODE_STEPS)
            self.assertFalse(truncated)
            self.assertEqual(info["episode_step"], step)
            report = env.report()
            for key in ("ppa_score", "feasible", "violations", "power_w", "area_mm2", "clock_hz"):
                self.assertEqual(info[key], report[key], key)
            self.assertEqual(info["tokens_per_second"]["decode"], report["tokens_per_second"]["decode"])
        with self.assertRaisesRegex(RuntimeError, "call reset"):
            env.step(env.action_space.sample())

    def test_step_before_reset_is_refused(self):
        with self.assertRaisesRegex(RuntimeError, "call reset"):
            self.env.step(np.zeros(ACTION_DIMS))

    def test_the_same_seed_gives_the_same_episodes(self):
        obs_a, rewards_a = rollout(self.env, seed=7, steps=12)
        obs_b, rewards_b = rollout(meshforge.Env(**WORKLOAD), seed=7, steps=12)
        np.testing.assert_array_equal(obs_a, obs_b)
        np.testing.assert_array_equal(rewards_a, rewards_b)
        obs_c, _ = rollout(self.env, seed=8, steps=1)
        self.assertFalse(np.array_equal(obs_a[0], obs_c[0]))
        obs_d, rewards_d = rollout(self.env, seed=7, steps=12)  # reseeding the same env repeats it
        np.testing.assert_array_equal(obs_a, obs_d)
        np.testing.assert_array_equal(rewards_a, rewards_d)

    def test_attributes_agents_read(self):
        env = self.env
        self.assertIs(env.unwrapped, env)
        self.assertIn("render_modes", env.metadata)
        self.assertIsNone(env.render_mode)
        self.assertIsNone(env.spec)
        env.reset(seed=0)
        self.assertIsInstance(env.np_random, np.random.Generator)
        self.assertIsNone(env.render())
        with meshforge.Env(**WORKLOAD) as other:
            other.reset(seed=0)
        env.close()

    def test_an_episode_can_start_at_a_design_and_its_design_evaluates_as_a_file(self):
        env = self.env
        _, info = env.reset(seed=0, options={"design": "small-4x4"})
        self.assertEqual(info, {"start": "design"})
        self.assertIn("mesh: {rows: 4, cols: 4}", env.design_yaml())
        _, _, _, _, info = env.step(np.zeros(ACTION_DIMS))
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "found.yaml"
            path.write_text(env.design_yaml())
            report = meshforge.evaluate(design=path, **WORKLOAD)
        self.assertEqual(report["ppa_score"], info["ppa_score"])
        self.assertEqual(report, env.report())


if __name__ == "__main__":
    unittest.main()
