#!/usr/bin/env python3
"""Seed models for fuzz_onnx: a small MLP, a convolutional net and an attention block, written
with Debian's python3-onnx. Usage: /usr/bin/python3 fuzz/onnx_seeds.py OUT_DIR"""
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
for name, m in (("mlp", mlp), ("cnn", cnn), ("attention", att)):
    save(m, os.path.join(out, name + ".onnx"))
