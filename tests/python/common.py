"""What the Python tests share: the meshforge binary to compare with, the data directory, a tiny ONNX MLP."""
import json
import os
import pathlib
import subprocess

BINARY = os.environ["MESHFORGE_BINARY"]
DATA = pathlib.Path(os.environ["MESHFORGE_DATA_DIR"])


def run_cli(*args):
    """The meshforge binary's (exit status, stdout, stderr)."""
    done = subprocess.run([BINARY, *args], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def cli_evaluate_json(*args):
    status, out, err = run_cli("evaluate", "--json", *args)
    assert status == 0, err
    return json.loads(out)


def cli_error(*args):
    """The one-line message `meshforge evaluate` prints for bad input, without its 'meshforge: error: '."""
    status, _, err = run_cli("evaluate", *args)
    assert status == 2, (status, err)
    line = err.strip().splitlines()[-1]
    assert line.startswith("meshforge: error: "), err
    return line[len("meshforge: error: "):]


def write_mlp_onnx(path):
    """A two-layer MLP (batch x 256 -> 512 -> 128) as an ONNX file."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array(rng.standard_normal((256, 512)).astype(np.float32), "w1")
    w2 = numpy_helper.from_array(rng.standard_normal((512, 128)).astype(np.float32), "w2")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w1"], ["h"]), helper.make_node("Relu", ["h"], ["r"]),
         helper.make_node("MatMul", ["r", "w2"], ["y"])],
        "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 256])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 128])], [w1, w2])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
