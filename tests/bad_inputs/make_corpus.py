#!/usr/bin/env python3
"""Writes the bad-input corpus of tests/bad_inputs/ (issue 10) from the shipped data, and its
manifest.tsv: one line per input, `kind <TAB> file <TAB> field`, where the field is what the error
message must name besides the file (empty: the file alone). tests/cli/test_bad_inputs.cpp runs each
through the meshforge command its kind says and requires one line on stderr naming both, exit
status 1 or 2, no signal and no "internal error".

    /usr/bin/python3 tests/bad_inputs/make_corpus.py      (rewrites the corpus; commit the result)

Kinds: config (analyze FILE), design (evaluate --design FILE), node (a data directory whose
nodes/7nm.yaml is FILE), campaign (campaign FILE), compare (compare FILE), onnx (analyze FILE),
checkpoint (explore --resume DIR with DIR/checkpoint.bin = FILE), cli (the file holds the
arguments, one per line).
"""
import json, os, re, shutil, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
data = os.path.join(root, "data")
entries = []


def put(kind, name, text, field=""):
    d = os.path.join(here, kind)
    os.makedirs(d, exist_ok=True)
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(os.path.join(d, name), mode) as f:
        f.write(text)
    entries.append((kind, f"{kind}/{name}", field))


for kind in ("config", "design", "node", "campaign", "compare", "onnx", "checkpoint", "cli"):
    shutil.rmtree(os.path.join(here, kind), ignore_errors=True)

# ---- Hugging Face configs: each integer field of a decoder and of SmolVLM's vision tower ----
llama = json.load(open(os.path.join(data, "models", "llama-3.1-8b.json")))
bad_values = {"neg": -1, "zero": 0, "frac": 1.5, "text": "abc", "null": None, "huge": 1e30, "bool": True, "list": []}
for field in ("hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "intermediate_size",
              "vocab_size", "max_position_embeddings"):
    for tag, v in bad_values.items():
        if field in ("num_key_value_heads", "intermediate_size", "vocab_size", "max_position_embeddings") and tag == "null":
            continue  # null = absent: the model type's default applies
        c = dict(llama)
        c[field] = v
        put("config", f"llama-{field}-{tag}.json", json.dumps(c), field)
for field, v in (("num_attention_heads", 7), ("num_key_value_heads", 5), ("num_hidden_layers", 100000000)):
    c = dict(llama)
    c[field] = v
    put("config", f"llama-{field}-inconsistent.json", json.dumps(c), field)
c = dict(llama)
del c["hidden_size"]
put("config", "llama-missing-hidden_size.json", json.dumps(c), "hidden_size")
c = dict(llama)
c["model_type"] = "gpt-17"
put("config", "unknown-model_type.json", json.dumps(c), "model_type")
put("config", "not-an-object.json", "[1, 2, 3]")
put("config", "truncated.json", json.dumps(llama)[:200])
put("config", "empty.json", "")
put("config", "number-overflow.json", '{"model_type": "llama", "hidden_size": 1e999}')
smol = json.load(open(os.path.join(data, "models", "smolvlm-256m-instruct.json")))
for field in ("hidden_size", "patch_size", "image_size", "num_attention_heads"):
    for tag in ("neg", "zero", "text"):
        c = json.loads(json.dumps(smol))
        c["vision_config"][field] = bad_values[tag]
        put("config", f"smolvlm-vision-{field}-{tag}.json", json.dumps(c), field)
for tag, v in (("zero", 0), ("huge", 4294967296), ("text", "x")):
    c = json.loads(json.dumps(smol))
    c["scale_factor"] = v
    put("config", f"smolvlm-scale_factor-{tag}.json", json.dumps(c), "scale_factor")
# fuzz_hf_config finding (2026-12-02): 40,004 x 40,004 image tiles wrapped the attention pair count
c = json.loads(json.dumps(smol))
c["vision_config"]["size"] = {"longest_edge": 20482048}
put("config", "smolvlm-longest_edge-huge.json", json.dumps(c), "vision_config.size.longest_edge")
c = json.loads(json.dumps(smol))
c["vision_config"]["image_size"] = 134217728
c["vision_config"]["patch_size"] = 1
put("config", "smolvlm-patches-per-side-huge.json", json.dumps(c), "vision_config.image_size")

# ---- mixture-of-experts configs (issue 13) ----
qmoe = json.load(open(os.path.join(data, "models", "qwen3-30b-a3b.json")))
for field in ("num_experts", "num_experts_per_tok", "moe_intermediate_size", "decoder_sparse_step"):
    for tag in ("neg", "zero", "text", "huge"):
        c = dict(qmoe)
        c[field] = bad_values[tag]
        put("config", f"qwen3moe-{field}-{tag}.json", json.dumps(c), field)
for tag, v in (("out-of-range", [0, 48]), ("text", ["a"]), ("not-a-list", 3), ("negative", [-1])):
    c = dict(qmoe)
    c["mlp_only_layers"] = v
    put("config", f"qwen3moe-mlp_only_layers-{tag}.json", json.dumps(c), "mlp_only_layers")
c = dict(qmoe)
c["num_experts_per_tok"] = 129
put("config", "qwen3moe-more-per-token-than-experts.json", json.dumps(c), "num_experts_per_tok")
mixtral = json.load(open(os.path.join(data, "models", "mixtral-8x7b.json")))
c = dict(mixtral)
c["num_local_experts"] = "eight"
put("config", "mixtral-num_local_experts-text.json", json.dumps(c), "num_local_experts")
c = dict(mixtral)
c["model_type"] = "deepseek_v3"
put("config", "unsupported-moe-type.json", json.dumps(c), "model_type")
c = dict(llama)
c["num_local_experts"] = 8
put("config", "llama-with-experts.json", json.dumps(c), "num_local_experts")
c = dict(mixtral)
c["intermediate_size"] = 134217728
c["num_local_experts"] = 134217728
put("config", "mixtral-parameters-beyond-any-model.json", json.dumps(c), "num_hidden_layers")

# ---- design YAML: one bad value per field ----
design = open(os.path.join(data, "designs", "small-4x4.yaml")).read()


def replace_line(text, key, value, nth=0):
    lines = text.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        m = re.match(rf"^(\s*)(- )?{re.escape(key)}:", line)
        if m:
            if seen == nth:
                indent = m.group(1) + (m.group(2) or "")
                lines[i] = f"{indent}{key}: {value}"
                return "\n".join(lines)
            seen += 1
    raise KeyError(key)


for key, field in (("fetch_width", "fetch_width"), ("vlen_bits", "vlen_bits"), ("mac_rows", "mac_rows"),
                   ("imem_bytes", "imem_bytes"), ("wmem_bytes", "wmem_bytes"), ("amem_bytes", "amem_bytes"),
                   ("link_bits", "link_bits"), ("virtual_channels", "virtual_channels"),
                   ("buffer_depth_flits", "buffer_depth_flits"), ("channels", "channels"), ("clock_mhz", "clock_mhz"),
                   ("supply_v", "supply_v"), ("pipeline_stages", "pipeline_stages")):
    for tag, v in (("neg", "-1"), ("text", "abc"), ("huge", "1e30"), ("list", "[1, 2]")):
        if key == "supply_v" and tag == "huge":
            continue  # a supply outside the node's range is a violation of that node, not bad input
        put("design", f"{key}-{tag}.yaml", replace_line(design, key, v), field)
# (a DRAM kind the node does not offer is a violation on that node, not malformed: kind takes a word)
for key, v in (("weight_storage", "flash"), ("routing", "diagonal"), ("kind", "[hbm3, lpddr5]"), ("flavor", "turbo"),
               ("mac_formats", "[fp12]"), ("power_gate_idle_tiles", "maybe")):
    put("design", f"{key}-unknown.yaml", replace_line(design, key, v), key)
put("design", "mesh-rows-zero.yaml", design.replace("mesh: {rows: 4, cols: 4}", "mesh: {rows: 0, cols: 4}"), "mesh")
put("design", "mesh-huge.yaml", design.replace("mesh: {rows: 4, cols: 4}", "mesh: {rows: 100000, cols: 100000}"), "mesh")
put("design", "class-map-short.yaml", design.replace('  - "0000"\n  - "0000"\n  - "0000"\n', '  - "0000"\n'), "class_map")
put("design", "class-map-unknown-class.yaml", design.replace('"1000"', '"1009"'), "class_map")
put("design", "unknown-key.yaml", design + "\ncolour: red\n", "colour")
put("design", "tab-indent.yaml", design.replace("  link_bits: 128", "\tlink_bits: 128"))
put("design", "comma.yaml", ",")
put("design", "two-documents.yaml", design + "\n---\n" + design)
put("design", "empty.yaml", "")
put("design", "not-a-map.yaml", "- 1\n- 2\n")
put("design", "no-tile-classes.yaml", re.sub(r"tile_classes:.*?\nclass_map", "tile_classes: []\nclass_map", design, flags=re.S), "tile_classes")

# ---- node files: one bad value per sourced constant ----
node = open(os.path.join(data, "nodes", "7nm.yaml")).read()
for key in ("vdd_nominal", "vdd_min", "vth", "alpha", "fmax_hz", "logic_density_mtr_per_mm2", "nand2_area_um2",
            "flop_area_um2", "reticle_limit_mm2"):
    for tag, v in (("neg", "-1"), ("zero", "0"), ("text", "abc")):
        t = re.sub(rf"^{key}: \{{value: [^,]*,", f"{key}: {{value: {v},", node, count=1, flags=re.M)
        assert t != node, key
        put("node", f"{key}-{tag}.yaml", t, key)
    t = re.sub(rf"^{key}: .*$", "", node, count=1, flags=re.M)
    put("node", f"{key}-missing.yaml", t, key)
put("node", "unsourced.yaml", re.sub(r"^(alpha: \{value: [^,]*), [^}]*\}", r"\1}", node, count=1, flags=re.M), "alpha")
put("node", "malformed.yaml", node[:300] + "\n  : : :\n")
put("node", "empty.yaml", "")

# ---- campaign and compare files ----
campaign = open(os.path.join(data, "campaigns", "paper-3nodes.yaml")).read()
for name, text, field in (
        ("unknown-node.yaml", campaign.replace("[3nm, 12nm, 28nm]", "[3nm, 9nm]"), "nodes[1]"),
        ("no-regimes.yaml", "nodes: [3nm]\nregimes: {}\n", "regimes"),
        ("unknown-key.yaml", campaign + "colour: red\n", "colour"),
        ("regime-unknown-option.yaml", campaign.replace("mode: performance", "mode: performance\n    turbo: 1"), "turbo"),
        ("regime-bad-mode.yaml", campaign.replace("mode: performance", "mode: fast"), "mode"),
        ("regime-bad-precision.yaml", campaign.replace("precision: int8", "precision: int3"), "precision"),
        ("regime-negative-power.yaml", campaign.replace("mode: performance", "mode: performance\n    power-budget: -5"), "regimes.llama.power-budget"),
        ("regime-sets-agent.yaml", campaign.replace("mode: performance", "mode: performance\n    agent: de"), "agent"),
        ("regime-unknown-model.yaml", campaign.replace("llama-3.1-8b", "llama-9"), "regimes.llama.model"),
        ("regime-huge-seq.yaml", campaign.replace("mode: performance", "mode: performance\n    seq: 1000000000000"), "regimes.llama.seq"),
        ("regime-huge-image-split.yaml", campaign.replace("precision: int8", "precision: int8\n    image-split: 5000000000"), "regimes.smolvlm.image-split"),
        ("malformed.yaml", "nodes: [3nm\n", ""),
        ("empty.yaml", "", "")):
    put("campaign", name, text, field)
compare = open(os.path.join(data, "compare", "paper-3nodes.yaml")).read()
for name, text, field in (
        ("regime-zero-batch.yaml", compare.replace("mode: performance", "mode: performance\n    batch: 0"), "regimes.llama.batch"),
        ("unknown-agent.yaml", compare.replace("[sac, random-walk, de, bo]", "[sac, nope]"), "agents[1]"),
        ("zero-budget.yaml", compare.replace("budget: 10000", "budget: 0"), "budget"),
        ("negative-time.yaml", compare.replace("time_budget_s: 20", "time_budget_s: -3"), "time_budget_s"),
        ("no-budget.yaml", compare.replace("budget: 10000\n", "").replace("time_budget_s: 20\n", ""), "budget"),
        ("seeds-empty.yaml", compare.replace("seeds: 3", "seeds: []"), "seeds"),
        ("seeds-twice.yaml", compare.replace("seeds: 3", "seeds: [1, 1]"), "seeds[1]"),
        ("agent-twice.yaml", compare.replace("[sac, random-walk, de, bo]", "[de, de]"), "agents[1]"),
        ("agent-param-out-of-range.yaml", compare.replace("[sac, random-walk, de, bo]", "[{agent: de, params: {f: 7}}]"), "agents[0].params"),
        ("agent-param-unknown.yaml", compare.replace("[sac, random-walk, de, bo]", "[{agent: bo, params: {temperature: 1}}]"), "temperature"),
        ("agent-label-path.yaml", compare.replace("[sac, random-walk, de, bo]", "[{agent: de, label: a/b}]"), "agents[0].label"),
        ("agent-param-key-list.yaml", compare.replace("[sac, random-walk, de, bo]", "[{agent: de, params: {[f]: 1}}]"), "agents[0].params.<key>"),
        ("agent-key-list.yaml", compare.replace("[sac, random-walk, de, bo]", "[{[agent]: de}]"), "agents[0].<key>"),
        ("unknown-key.yaml", compare + "colour: red\n", "colour")):
    put("compare", name, text, field)

# ---- ONNX files ----
put("onnx", "empty.onnx", b"")
put("onnx", "garbage.onnx", bytes(range(256)) * 4)
put("onnx", "text.onnx", b"this is not a protobuf\n")
try:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    def model(nodes, inputs, outputs, inits):
        return helper.make_model(helper.make_graph(nodes, "g", inputs, outputs, inits),
                                 opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    x4 = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    w4 = numpy_helper.from_array(np.zeros((4, 8, 3, 3), np.float32), "W")
    w2 = numpy_helper.from_array(np.zeros((8, 4), np.float32), "W")
    put("onnx", "conv-rank2-input.onnx", model([helper.make_node("Conv", ["x", "W"], ["y"], name="conv")], [x], [y], [w4]), "conv")
    put("onnx", "conv-group0.onnx", model([helper.make_node("Conv", ["x", "W"], ["y"], name="conv", group=0)], [x4], [y], [w4]), "group")
    put("onnx", "dangling-input.onnx", model([helper.make_node("MatMul", ["x", "nowhere"], ["y"], name="mm")], [x], [y], [w2]), "nowhere")
    put("onnx", "cycle.onnx", model([helper.make_node("Add", ["x", "b"], ["a"], name="n1"), helper.make_node("Add", ["a", "x"], ["b"], name="n2")],
                                    [x], [helper.make_tensor_value_info("b", TensorProto.FLOAT, None)], []), "cycle")
    # The CI fuzzer's SIGSEGV: the input's rank is known only after inference (behind an Identity)
    # and the 4-D weight outranks the rank-3 input.
    x3 = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16])
    put("onnx", "conv-inferred-rank.onnx", model([helper.make_node("Identity", ["x"], ["xi"], name="id"),
                                                 helper.make_node("Conv", ["xi", "W"], ["y"], name="conv")], [x3], [y], [w4]), "conv")
    put("onnx", "conv-stride0.onnx", model([helper.make_node("Conv", ["x", "W"], ["y"], name="conv", strides=[0, 1])], [x4], [y], [w4]), "strides")
    put("onnx", "conv-pads-short.onnx", model([helper.make_node("Conv", ["x", "W"], ["y"], name="conv", pads=[1, 1])], [x4], [y], [w4]), "pads")
    put("onnx", "pool-stride0.onnx", model([helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2], strides=[1, 0])], [x4], [y], []), "strides")
    put("onnx", "conv-no-weight.onnx", model([helper.make_node("Conv", ["x"], ["y"], name="conv")], [x4], [y], []), "conv")
    wide = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1 << 41, 8])
    put("onnx", "dimension-2p41.onnx", model([helper.make_node("Relu", ["x"], ["y"], name="relu")], [wide], [y], []), "tensor 'x'")
    huge = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[1 << 33, 1 << 33])  # dims only
    put("onnx", "initializer-2p66.onnx", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [x], [y], [huge]), "initializer 'W'")
    # KV-cache exports (issue 13): a cache input of rank 3, and past lengths that differ
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "sequence_length"])
    pk3 = helper.make_tensor_value_info("past_key_values.0.key", TensorProto.FLOAT, [1, "past_sequence_length", 8])
    put("onnx", "kv-cache-rank3.onnx", model([helper.make_node("Identity", ["past_key_values.0.key"], ["y"], name="id")],
                                             [ids, pk3], [y], []), "input 'past_key_values.0.key'")
    pk = helper.make_tensor_value_info("past_key_values.0.key", TensorProto.FLOAT, [1, 2, "past_sequence_length", 8])
    pv = helper.make_tensor_value_info("past_key_values.0.value", TensorProto.FLOAT, [1, 2, "past_length", 8])
    put("onnx", "kv-cache-past-lengths-differ.onnx",
        model([helper.make_node("Concat", ["past_key_values.0.key", "past_key_values.0.value"], ["y"], name="cat", axis=2)],
              [ids, pk, pv], [y], []), "input 'past_key_values.0.value'")
    good = model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [x], [y], [w2])
    put("onnx", "truncated.onnx", good[: len(good) // 2])
except ImportError:
    sys.exit("make_corpus.py needs python3-onnx and python3-numpy: run it with /usr/bin/python3")

# ---- checkpoints (framing only: independent of the payload's format) ----
import struct
put("checkpoint", "empty.bin", b"")
put("checkpoint", "garbage.bin", b"not a checkpoint at all, just text\n")
put("checkpoint", "format1.bin", b"MFXCKPT\x01" + struct.pack("<QQ", 0, 0))
put("checkpoint", "format2.bin", b"MFXCKPT\x02" + struct.pack("<QQ", 0, 0))
put("checkpoint", "truncated.bin", b"MFXCKPT\x03" + struct.pack("<QQ", 1000, 0) + b"abc")
put("checkpoint", "checksum.bin", b"MFXCKPT\x03" + struct.pack("<QQ", 3, 12345) + b"abc")
put("checkpoint", "campaign-magic.bin", b"MFCAMP\x01\n" + struct.pack("<QQ", 0, 0))

# ---- command-line arguments (one per line; the field is the option) ----
evaluate = ["evaluate", "--model", "llama-3.1-8b", "--node", "7nm", "--design", "small-4x4"]
explore = ["explore", "--model", "llama-3.1-8b", "--node", "7nm", "--agent", "random", "--budget", "5"]
for name, args, field in (
        ("node-unknown", ["evaluate", "--model", "llama-3.1-8b", "--node", "4nm", "--design", "small-4x4"], "4nm"),
        ("model-unknown", ["analyze", "llama-9"], "llama-9"),
        ("design-missing", ["evaluate", "--model", "llama-3.1-8b", "--node", "7nm", "--design", "no-such-design"], "no-such-design"),
        ("power-negative", evaluate + ["--power-budget", "-5"], "--power-budget"),
        ("power-nan", evaluate + ["--power-budget", "nan"], "--power-budget"),
        ("area-zero", evaluate + ["--area-budget", "0"], "--area-budget"),
        ("clock-negative", evaluate + ["--fixed-clock-mhz", "-10"], "--fixed-clock-mhz"),
        ("ttft-inf", evaluate + ["--max-ttft-s", "inf"], "--max-ttft-s"),
        ("seq-zero", evaluate + ["--seq", "0"], "--seq"),
        ("seq-huge", evaluate + ["--seq", "1000000000000"], "--seq"),
        ("batch-huge", evaluate + ["--batch", "1000000000000"], "--batch"),
        ("ctx-huge", evaluate + ["--ctx", "9000000000000000000"], "--ctx"),
        ("images-huge", ["evaluate", "--model", "smolvlm-256m-instruct", "--node", "28nm", "--design", "small-4x4", "--images", "100000"], "--images"),
        ("image-split-huge", ["evaluate", "--model", "smolvlm-256m-instruct", "--node", "28nm", "--design", "small-4x4", "--image-split", "5000000000"], "--image-split"),
        ("precision-unknown", evaluate + ["--precision", "fp12"], "--precision"),
        ("phase-unknown", evaluate + ["--phase", "training"], "--phase"),
        ("dim-malformed", ["analyze", "llama-3.1-8b", "--dim", "batch"], "--dim"),
        ("budget-huge", explore + ["--budget", "99999999999999999999"], "--budget"),
        ("seed-negative", explore + ["--seed", "-1"], "--seed"),
        ("time-budget-nan", explore + ["--time-budget", "nan"], "--time-budget"),
        ("agent-unknown", explore + ["--agent", "genius"], "--agent"),
        ("agent-param-unknown", explore + ["--agent-param", "x=1"], "--agent-param"),
        ("agent-param-malformed", explore + ["--agent-param", "f"], "--agent-param"),
        ("lanes-zero", explore + ["--lanes", "0"], "--lanes"),
        ("pick-malformed", explore + ["--pick", "1,2"], "--pick"),
        ("checkpoint-seconds-zero", explore + ["--checkpoint-seconds", "0"], "--checkpoint-seconds"),
        ("unknown-option", evaluate + ["--turbo"], "--turbo"),
        ("unknown-command", ["synthesize"], "synthesize"),
        ("rtl-unknown-design", ["rtl", "--design", "no-such-design"], "no-such-design"),
        ("top-not-a-run", ["top", "/nonexistent/run"], "/nonexistent/run")):
    put("cli", name + ".args", "\n".join(args) + "\n", field)

with open(os.path.join(here, "manifest.tsv"), "w") as f:
    f.write("# kind\tfile\tfield (written by make_corpus.py)\n")
    for kind, path, field in entries:
        f.write(f"{kind}\t{path}\t{field}\n")
print(f"{len(entries)} inputs")
