"""Bad input: a wrong type or shape is a ValueError naming the argument; what the C++ side refuses
arrives as meshforge.InputError (a ValueError) with the command line's one-line message."""
import pathlib
import re
import sys
import tempfile
import unittest

import numpy as np
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import meshforge  # noqa: E402
from common import DATA, cli_error  # noqa: E402

GOOD = {"model": "llama-3.1-8b", "node": "7nm", "design": "small-4x4"}


def evaluate(**changes):
    return meshforge.evaluate(**{**GOOD, **changes})


class WrongTypeOrShape(unittest.TestCase):
    def assert_names(self, argument, call, *args, **kwargs):
        with self.assertRaises(ValueError) as raised:
            call(*args, **kwargs)
        self.assertNotIsInstance(raised.exception, meshforge.InputError)
        self.assertTrue(str(raised.exception).startswith(argument + ": "), str(raised.exception))

    def test_evaluate_arguments(self):
        for argument, value in [("model", 3), ("node", None), ("node", 7), ("design", 3.5), ("design", ["small-4x4"]),
                                ("mode", "fast"), ("data_dir", 12), ("data_dir", "/no/such/dir")]:
            with self.subTest(argument=argument, value=value):
                self.assert_names(argument, evaluate, **{argument: value})

    def test_scenario_arguments(self):
        for argument, value in [("seq", "512"), ("seq", True), ("seq", 1.5), ("seq", 0), ("ctx", -1), ("batch", 2**21),
                                ("images", np.float64(1)), ("precision", "fp12"), ("phase", 1), ("token_dim", 5),
                                ("power_budget_w", "75"), ("power_budget_w", 0), ("area_budget_mm2", float("nan")),
                                ("min_tokens_per_second", -1), ("fixed_clock_mhz", False), ("dims", ["batch=1"])]:
            with self.subTest(argument=argument, value=value):
                self.assert_names(argument, evaluate, **{argument: value})
        self.assert_names("dims['batch']", evaluate, dims={"batch": 0})
        self.assertEqual(evaluate(seq=np.int32(512), power_budget_w=np.float32(75)), evaluate())  # numpy scalars are numbers

    def test_design_dict_values(self):
        spelt = yaml.safe_load((DATA / "designs" / "small-4x4.yaml").read_text())
        spelt["noc"]["routing"] = {"xy"}
        self.assert_names("design['noc']['routing']", evaluate, design=spelt)
        spelt["noc"] = {1: "x"}
        self.assert_names("design['noc']", evaluate, design=spelt)

    def test_an_unknown_keyword_is_a_type_error_naming_it(self):
        with self.assertRaisesRegex(TypeError, "unexpected keyword argument 'sequence'"):
            evaluate(sequence=512)

    def test_batch_arguments(self):
        batch = lambda **kw: meshforge.evaluate_batch(model="llama-3.1-8b", node="7nm", **kw)  # noqa: E731
        self.assert_names("actions", batch, actions=np.zeros((3, 5)))
        self.assert_names("actions", batch, actions=np.zeros(39))
        self.assert_names("actions", batch, actions=np.full((2, 39), "a"))
        self.assert_names("actions", batch, actions=np.full((2, 39), np.nan))
        self.assert_names("designs", batch, designs="small-4x4")
        self.assert_names("designs[1]", batch, designs=["small-4x4", 4])
        self.assert_names("designs, actions", batch)
        self.assert_names("designs, actions", batch, designs=["small-4x4"], actions=np.zeros((1, 39)))
        self.assert_names("threads", batch, designs=["small-4x4"], threads=0)

    def test_evaluator_arguments(self):
        self.assert_names("mode", meshforge.Evaluator, model="llama-3.1-8b", node="7nm", mode="low_power")
        evaluator = meshforge.Evaluator(model="llama-3.1-8b", node="7nm")
        self.assert_names("design", evaluator.evaluate, design=None)
        self.assert_names("actions", evaluator.evaluate_batch, actions=[[0.0] * 38])

    def test_env_arguments(self):
        self.assert_names("episode_steps", meshforge.Env, model="llama-3.1-8b", node="7nm", episode_steps=0)
        self.assert_names("action_mode", meshforge.Env, model="llama-3.1-8b", node="7nm", action_mode="relative")
        env = meshforge.Env(model="llama-3.1-8b", node="7nm")
        self.assert_names("seed", env.reset, seed=-1)
        self.assert_names("seed", env.reset, seed="1")
        self.assert_names("options", env.reset, options={"start": 1})
        env.reset(seed=0)
        self.assert_names("action", env.step, np.zeros(38))
        self.assert_names("action", env.step, np.zeros((1, 39)))
        self.assert_names("action", env.step, "up")


class CppInputErrors(unittest.TestCase):
    """Each one the same message as `meshforge evaluate` prints."""

    def assert_same_message(self, cli_options, **changes):
        with self.assertRaises(meshforge.InputError) as raised:
            evaluate(**changes)
        self.assertIsInstance(raised.exception, ValueError)
        self.assertEqual(str(raised.exception), cli_error(*cli_options))
        return raised.exception

    def test_unknown_node_model_and_design(self):
        base = ["--model", "llama-3.1-8b", "--node", "7nm", "--design", "small-4x4"]
        self.assert_same_message(["--model", "llama-3.1-8b", "--node", "4nm", "--design", "small-4x4"], node="4nm")
        self.assert_same_message(["--model", "llama-9", "--node", "7nm", "--design", "small-4x4"], model="llama-9")
        self.assert_same_message(["--model", "llama-3.1-8b", "--node", "7nm", "--design", "no-such"], design="no-such")
        bad_onnx = str(pathlib.Path(__file__).parent.parent / "bad_inputs" / "onnx" / "garbage.onnx")
        self.assert_same_message(["--model", bad_onnx, "--node", "7nm", "--design", "small-4x4"], model=bad_onnx)
        self.assert_same_message(base + ["--token-dim", "sequence"], token_dim="sequence")

    def test_a_bad_design_dict_is_refused_as_its_file_is(self):
        spelt = yaml.safe_load((DATA / "designs" / "small-4x4.yaml").read_text())
        spelt["noc"]["link_bits"] = 100
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "bad.yaml"
            path.write_text(yaml.safe_dump(spelt))
            from_file = cli_error("--model", "llama-3.1-8b", "--node", "7nm", "--design", str(path))
        with self.assertRaises(meshforge.InputError) as raised:
            evaluate(design=spelt)
        error = raised.exception
        # The dict's source name is "design"; a line number counts the lines of the YAML text it is written as.
        without_line = lambda message: re.sub(r" \(line [0-9]+\)$", "", message)  # noqa: E731
        self.assertEqual(without_line(str(error)), "design" + without_line(from_file.removeprefix(str(path))))
        self.assertEqual((error.file, error.field), ("design", "noc.link_bits"))
        self.assertTrue(error.reason)


if __name__ == "__main__":
    unittest.main()
