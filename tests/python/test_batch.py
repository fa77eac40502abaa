"""meshforge.evaluate_batch: the same numbers as evaluate() one design at a time, at any thread count."""
import math
import pathlib
import sys
import unittest

import numpy as np
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import meshforge  # noqa: E402
from common import DATA  # noqa: E402

WORKLOAD = {"model": "llama-3.1-8b", "node": "7nm"}
SCALARS = ["ppa_score", "power_w", "board_power_w", "area_mm2", "energy_per_token_j", "clock_hz",
           "time_to_first_token_s", "peak_flops_per_s"]
PER_PHASE = ["tokens_per_second", "ms_per_token"]


def as_json_number(x):
    """The value as the JSON report holds it: infinity and NaN are null."""
    return float(x) if math.isfinite(x) else None


class Batch(unittest.TestCase):
    def assert_row_is_report(self, arrays, i, report):
        for key in SCALARS:
            self.assertEqual(as_json_number(arrays[key][i]), report[key], key)
        for key in PER_PHASE:
            for phase in ("prefill", "decode"):
                self.assertEqual(as_json_number(arrays[key][phase][i]), report[key][phase], (key, phase))
        self.assertEqual(bool(arrays["feasible"][i]), report["feasible"])
        self.assertEqual(arrays["violations"][i], report["violations"])
        self.assertEqual(arrays["design"][i], report["design"])

    def test_designs_in_a_batch_are_evaluated_as_one_by_one(self):
        spelt = yaml.safe_load((DATA / "designs" / "small-4x4.yaml").read_text())
        spelt["mesh"] = {"rows": 2, "cols": 8}
        spelt["class_map"] = ["10000000", "00000000"]
        spelt["name"] = "small-2x8"
        spelt["clock_mhz"] = 500
        designs = ["small-4x4", "llama-3.1-8b-41x42", spelt, "smolvlm-10mhz"]
        arrays = meshforge.evaluate_batch(designs=designs, threads=2, **WORKLOAD)
        self.assertEqual(arrays["ppa_score"].shape, (4,))
        self.assertEqual(arrays["feasible"].dtype, np.bool_)
        for i, design in enumerate(designs):
            self.assert_row_is_report(arrays, i, meshforge.evaluate(design=design, **WORKLOAD))
        self.assertEqual(len(set(arrays["power_w"])), 4)  # four different designs

    def test_actions_give_the_same_arrays_at_any_thread_count_and_batch_size(self):
        actions = np.random.default_rng(3).uniform(-1, 1, size=(10, 39))
        on_two = meshforge.evaluate_batch(actions=actions, threads=2, **WORKLOAD)
        on_one = meshforge.evaluate_batch(actions=actions, threads=1, **WORKLOAD)
        for key in SCALARS:
            np.testing.assert_array_equal(on_two[key], on_one[key], key)
        single = [meshforge.evaluate_batch(actions=actions[i:i + 1], threads=1, **WORKLOAD) for i in range(3)]
        for i, row in enumerate(single):
            for key in SCALARS:
                self.assertEqual(row[key][0], on_two[key][i], key)
        self.assertGreater(len(set(on_two["ppa_score"])), 5)

    def test_an_action_row_is_the_design_env_decodes_from_it(self):
        env = meshforge.Env(action_mode="absolute", **WORKLOAD)
        actions = np.random.default_rng(5).uniform(-1, 1, size=(3, 39)).astype(np.float32)
        arrays = meshforge.evaluate_batch(actions=actions, **WORKLOAD)
        env.reset(seed=0)
        for i, action in enumerate(actions):
            env.step(action)
            self.assert_row_is_report(arrays, i, env.report())

    def test_a_loaded_evaluator_answers_as_the_functions_do(self):
        evaluator = meshforge.Evaluator(**WORKLOAD)
        self.assertEqual(evaluator.evaluate(design="small-4x4"), meshforge.evaluate(design="small-4x4", **WORKLOAD))
        actions = np.random.default_rng(9).uniform(-1, 1, size=(6, 39))
        want = meshforge.evaluate_batch(actions=actions, **WORKLOAD)
        for threads in (1, 2, 2):  # the last call is answered from the cache of the second
            got = evaluator.evaluate_batch(actions=actions, threads=threads)
            for key in SCALARS:
                np.testing.assert_array_equal(got[key], want[key], key)
            self.assertEqual(got["violations"], want["violations"])

    def test_an_empty_batch_gives_empty_arrays(self):
        arrays = meshforge.evaluate_batch(actions=np.zeros((0, 39)), **WORKLOAD)
        self.assertEqual(arrays["ppa_score"].shape, (0,))
        self.assertEqual(arrays["violations"], [])


if __name__ == "__main__":
    unittest.main()
