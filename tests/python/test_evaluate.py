"""meshforge.evaluate returns the report of `meshforge evaluate --json`, for every way of naming a
model and a design."""
import pathlib
import shutil
import sys
import tempfile
import unittest
import warnings

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import meshforge  # noqa: E402
from common import DATA, cli_evaluate_json, run_cli, write_mlp_onnx  # noqa: E402


class Evaluate(unittest.TestCase):
    def test_shipped_designs_give_the_cli_json(self):
        cases = [
            ("llama-3.1-8b", "3nm", "llama-3.1-8b-41x42", "performance", {}, []),
            ("smolvlm-256m-instruct", "28nm", "smolvlm-10mhz", "low-power", {"precision": "int8"}, ["--precision", "int8"]),
            ("llama-3.1-8b", "7nm", "small-4x4", "performance",
             {"phase": "prefill", "seq": 128, "batch": 2, "power_budget_w": 30, "max_ttft_s": 5},
             ["--phase", "prefill", "--seq", "128", "--batch", "2", "--power-budget", "30", "--max-ttft-s", "5"]),
        ]
        for model, node, design, mode, keywords, options in cases:
            with self.subTest(model=model, design=design):
                got = meshforge.evaluate(model=model, node=node, design=design, mode=mode, **keywords)
                want = cli_evaluate_json("--model", model, "--node", node, "--design", design, "--mode", mode, *options)
                self.assertEqual(got, want)

    def test_a_config_path_and_a_design_path_give_the_same_report_as_their_names(self):
        by_name = meshforge.evaluate(model="llama-3.1-8b", node="5nm", design="small-4x4")
        by_path = meshforge.evaluate(model=str(DATA / "models" / "llama-3.1-8b.json"), node="5nm",
                                     design=DATA / "designs" / "small-4x4.yaml")  # a pathlib.Path
        self.assertEqual(by_name, by_path)

    def test_the_data_directory_is_the_argument_else_the_environment_s(self):
        self.assertEqual(meshforge.data_dir(), str(DATA))  # $MESHFORGE_DATA_DIR, set by the test
        with tempfile.TemporaryDirectory() as tmp:
            for part in ("models", "nodes", "designs"):
                shutil.copytree(DATA / part, pathlib.Path(tmp) / part)
            shutil.copy(DATA / "microarch.yaml", tmp)
            shutil.copy(DATA / "uncore.yaml", tmp)
            (pathlib.Path(tmp) / "designs" / "small-4x4.yaml").rename(pathlib.Path(tmp) / "designs" / "renamed.yaml")
            self.assertEqual(meshforge.data_dir(data_dir=tmp), tmp)
            got = meshforge.evaluate(model="llama-3.1-8b", node="7nm", design="renamed", data_dir=pathlib.Path(tmp))
        self.assertEqual(got, meshforge.evaluate(model="llama-3.1-8b", node="7nm", design="small-4x4"))

    def test_an_onnx_model_gives_the_cli_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            model = pathlib.Path(tmp) / "mlp.onnx"
            write_mlp_onnx(model)
            got = meshforge.evaluate(model=model, node="28nm", design="small-4x4", dims={"batch": 4}, batch=4)
            want = cli_evaluate_json("--model", str(model), "--node", "28nm", "--design", "small-4x4",
                                     "--dim", "batch=4", "--batch", "4")
        self.assertEqual(got, want)
        self.assertEqual(got["throughput_unit"], "inferences")

    def test_a_dict_design_is_the_design_file_it_spells(self):
        spelt = yaml.safe_load((DATA / "designs" / "small-4x4.yaml").read_text())
        self.assertEqual(meshforge.evaluate(model="llama-3.1-8b", node="7nm", design=spelt),
                         meshforge.evaluate(model="llama-3.1-8b", node="7nm", design="small-4x4"))
        spelt["clock_mhz"] = 612.5
        spelt["noc"]["link_bits"] = 256
        spelt["name"] = "changed"
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "changed.yaml"
            path.write_text(yaml.safe_dump(spelt))
            want = cli_evaluate_json("--model", "llama-3.1-8b", "--node", "7nm", "--design", str(path))
        got = meshforge.evaluate(model="llama-3.1-8b", node="7nm", design=spelt)
        self.assertEqual(got, want)
        self.assertEqual(got["clock_hz"], 612.5e6)

    def test_warnings_of_the_cli_arrive_as_user_warnings(self):
        _, _, stderr = run_cli("evaluate", "--model", "llama-3.1-8b", "--node", "7nm", "--design", "small-4x4", "--images", "2")
        cli_warning = stderr.strip().splitlines()[0].removeprefix("meshforge: warning: ")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            meshforge.evaluate(model="llama-3.1-8b", node="7nm", design="small-4x4", images=2)
        self.assertEqual([str(w.message) for w in caught], [cli_warning])
        self.assertIn("no vision tower", cli_warning)


if __name__ == "__main__":
    unittest.main()
