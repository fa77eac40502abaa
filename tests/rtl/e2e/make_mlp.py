#!/usr/bin/env python3
"""Writes an ONNX MLP for the mapped-programs test: make_mlp.py OUT.onnx 48,40,24,16 [--softmax]

A chain of MatMul layers (1 x dims[0] input) with Relu between them; --softmax appends a Softmax,
which the generated programs refuse. Float weights: the RTL testbench draws its own int8 ones.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

dims = [int(v) for v in sys.argv[2].split(",")]
rng = np.random.default_rng(0)
nodes, weights, prev = [], [], "x"
for i in range(len(dims) - 1):
    weights.append(numpy_helper.from_array(rng.standard_normal((dims[i], dims[i + 1])).astype(np.float32), f"w{i}"))
    nodes.append(helper.make_node("MatMul", [prev, f"w{i}"], [f"h{i}"], name=f"fc{i}"))
    prev = f"h{i}"
    if i + 2 < len(dims):
        nodes.append(helper.make_node("Relu", [prev], [f"r{i}"], name=f"relu{i}"))
        prev = f"r{i}"
if "--softmax" in sys.argv:
    nodes.append(helper.make_node("Softmax", [prev], ["p"], name="softmax"))
    prev = "p"
graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, dims[0]])],
                          [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, dims[-1]])], weights)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
