#!/usr/bin/env python3
"""Seed models for fuzz_onnx: a small MLP, a convolutional net, an attention block and an
attention layer with a KV cache (past_key_values / present, as optimum exports it), written with
Debian's python3-onnx. Usage: /usr/bin/python3 fuzz/onnx_seeds.py OUT_DIR"""
import os, sys
import numpy as np
from onnx import TensorProto, helper, numpy_helper, save


def init(name, *shape):
    return numpy_helper.from_array(np.full(shape, 0.01, dtype=np.float32), name)


def model(nodes, inputs, outputs, inits, name):
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def tensor(name, *shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
mlp = model([helper.make_node("MatMul", ["x", "W1"], ["h"]), helper.make_node("Add", ["h", "b1"], ["hb"]),
             helper.make_node("Relu", ["hb"], ["r"]), helper.make_node("MatMul", ["r", "W2"], ["y"])],
            [tensor("x", 1, 64)], [tensor("y", 1, 10)], [init("W1", 64, 32), init("b1", 32), init("W2", 32, 10)], "mlp")
cnn = model([helper.make_node("Conv", ["x", "W"], ["c"], pads=[1, 1, 1, 1], group=1),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"]), helper.make_node("Gemm", ["f", "G"], ["y"], transB=1)],
            [tensor("x", 1, 3, 8, 8)], [tensor("y", 1, 4)], [init("W", 8, 3, 3, 3), init("G", 4, 128)], "cnn")
att = model([helper.make_node("MatMul", ["x", "Wq"], ["q"]), helper.make_node("MatMul", ["x", "Wk"], ["k"]),
             helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]), helper.make_node("MatMul", ["q", "kt"], ["s"]),
             helper.make_node("Softmax", ["s"], ["a"], axis=-1), helper.make_node("MatMul", ["a", "x"], ["y"])],
            [tensor("x", 1, 16, 32)], [tensor("y", 1, 16, 32)], [init("Wq", 32, 32), init("Wk", 32, 32)], "attention")
ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "sequence_length"])
mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, "total_sequence_length"])
past = [helper.make_tensor_value_info(f"past_key_values.0.{kv}", TensorProto.FLOAT, [1, 2, "past_sequence_length", 8])
        for kv in ("key", "value")]
shape = numpy_helper.from_array(np.array([1, -1, 2, 8], dtype=np.int64), "heads")
nodes = [helper.make_node("Gather", ["E", "input_ids"], ["x"])]
for p in ("q", "k", "v"):
    nodes += [helper.make_node("MatMul", ["x", "W" + p], [p]), helper.make_node("Reshape", [p, "heads"], [p + "4"]),
              helper.make_node("Transpose", [p + "4"], [p + "h"], perm=[0, 2, 1, 3])]
nodes += [helper.make_node("Concat", ["past_key_values.0.key", "kh"], ["present.0.key"], axis=2),
          helper.make_node("Concat", ["past_key_values.0.value", "vh"], ["present.0.value"], axis=2),
          helper.make_node("Transpose", ["present.0.key"], ["kT"], perm=[0, 1, 3, 2]),
          helper.make_node("MatMul", ["qh", "kT"], ["s"]), helper.make_node("Softmax", ["s"], ["a"], axis=-1),
          helper.make_node("MatMul", ["a", "present.0.value"], ["y"])]
cached = model(nodes, [ids, mask] + past,
               [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in ("y", "present.0.key", "present.0.value")],
               [init("E", 100, 16), init("Wq", 16, 16), init("Wk", 16, 16), init("Wv", 16, 16), shape], "kv_cache")
for name, m in (("mlp", mlp), ("cnn", cnn), ("attention", att), ("kv_cache", cached)):
    save(m, os.path.join(out, name + ".onnx"))
