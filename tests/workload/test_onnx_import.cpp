// ONNX importer: small models built here with the ONNX protobuf classes, serialised to a temp
// file and imported; every count is checked exactly against hand-computed values.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "common/input_error.h"
#include "workload/graph.h"
#include "workload/onnx_import.h"

#include "onnx_model_builder.h"

namespace mw = meshforge::workload;
using meshforge::InputError;
using meshforge::testing::Dim;
using meshforge::testing::ModelBuilder;

namespace {

void set_int(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void set_ints(onnx::NodeProto& node, const std::string& name,
              const std::vector<std::int64_t>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (const auto v : values) a->add_ints(v);
}

void set_float(onnx::NodeProto& node, const std::string& name, float value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

class OnnxImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("meshforge_onnx_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& stem, const std::string& bytes) const {
    const auto path = dir_ / (stem + ".onnx");
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    return path;
  }

  std::filesystem::path write(const std::string& stem, const ModelBuilder& model) const {
    return write(stem, model.serialize());
  }

  std::filesystem::path dir_;
};

const mw::Op& find_op(const mw::Graph& g, const std::string& name) {
  for (const auto& op : g.ops)
    if (op.name == name) return op;
  ADD_FAILURE() << "no op named " << name;
  static const mw::Op none;
  return none;
}

// Runs import and expects an InputError naming the file and the field, its reason containing
// every part.
template <typename Import>
void expect_input_error(Import import, const std::filesystem::path& file, const std::string& field,
                        const std::vector<std::string>& reason_parts) {
  try {
    import();
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), file.string());
    EXPECT_EQ(e.field(), field);
    for (const auto& part : reason_parts) EXPECT_NE(e.reason().find(part), std::string::npos) << e.reason();
  }
}

void expect_topological(const mw::Graph& g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    for (const int p : g.ops[i].producers) EXPECT_LT(p, static_cast<int>(i)) << g.ops[i].name;
}

void expect_gemm(const mw::Op& op, std::int64_t m, std::int64_t k, std::int64_t n,
                 std::int64_t count) {
  EXPECT_EQ(op.gemm.m, m) << op.name;
  EXPECT_EQ(op.gemm.k, k) << op.name;
  EXPECT_EQ(op.gemm.n, n) << op.name;
  EXPECT_EQ(op.gemm.count, count) << op.name;
}

// x[2,3,16] -> MatMul W1[16,32] -> Add b1[32] -> Relu -> MatMul W2[32,8] -> y[2,3,8]
ModelBuilder mlp() {
  ModelBuilder m;
  m.input("x", {2, 3, 16});
  m.weight("W1", {16, 32});
  m.weight("b1", {32});
  m.weight("W2", {32, 8});
  m.node("MatMul", {"x", "W1"}, {"h"}, "fc1");
  m.node("Add", {"h", "b1"}, {"h2"}, "bias1");
  m.node("Relu", {"h2"}, {"h3"}, "relu1");
  m.node("MatMul", {"h3", "W2"}, {"y"}, "fc2");
  m.output("y");
  return m;
}

}  // namespace

TEST_F(OnnxImport, TwoLayerMlpHasExactParametersFlopsAndBytes) {
  mw::Scenario s;
  s.phase = mw::Phase::prefill;
  s.batch = 2;
  s.seq_tokens = 3;
  s.weight_precision = mw::Precision::int8;        // 1 byte
  s.activation_precision = mw::Precision::fp32;    // 4 bytes
  const auto g = mw::import_onnx(write("mlp", mlp()), s, {});

  EXPECT_EQ(g.model_name, "mlp");
  EXPECT_EQ(g.model_type, "onnx");
  // No token dimension named: one run is one inference per sequence of the batch (--seq 3 does
  // not make it 6 tokens).
  EXPECT_EQ(g.unit, mw::WorkUnit::inference);
  EXPECT_EQ(g.tokens, 2);
  EXPECT_EQ(g.tokens_per_sequence, 1);
  EXPECT_EQ(g.scenario.batch, 2);
  EXPECT_EQ(g.scenario.weight_precision, mw::Precision::int8);
  EXPECT_EQ(g.parameters, 16 * 32 + 32 + 32 * 8);  // 800
  EXPECT_EQ(g.decode_parameters, 800);
  EXPECT_EQ(g.input_embedding_parameters, 0);
  EXPECT_EQ(g.kv_cache_bytes_per_token, 0);
  EXPECT_TRUE(g.warnings.empty());
  EXPECT_DOUBLE_EQ(g.total_weight_bytes(), 800.0);

  ASSERT_EQ(g.ops.size(), 4U);
  const std::vector<std::string> names{"fc1", "bias1", "relu1", "fc2"};
  const std::vector<mw::OpKind> kinds{mw::OpKind::matmul, mw::OpKind::elementwise,
                                      mw::OpKind::elementwise, mw::OpKind::matmul};
  const std::vector<double> flops{2.0 * 6 * 16 * 32, 6 * 32, 6 * 32, 2.0 * 6 * 32 * 8};
  const std::vector<std::int64_t> params{512, 32, 0, 256};
  const std::vector<double> in_bytes{6 * 16 * 4, 6 * 32 * 4, 6 * 32 * 4, 6 * 32 * 4};
  const std::vector<double> out_bytes{6 * 32 * 4, 6 * 32 * 4, 6 * 32 * 4, 6 * 8 * 4};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& op = g.ops[i];
    EXPECT_EQ(op.name, names[i]);
    EXPECT_EQ(op.kind, kinds[i]) << op.name;
    EXPECT_EQ(op.block, "onnx");
    EXPECT_EQ(op.layer, -1);
    EXPECT_DOUBLE_EQ(op.flops, flops[i]) << op.name;
    EXPECT_EQ(op.parameters, params[i]) << op.name;
    EXPECT_DOUBLE_EQ(op.weight_bytes, static_cast<double>(params[i])) << op.name;
    EXPECT_DOUBLE_EQ(op.weight_read_bytes, static_cast<double>(params[i])) << op.name;
    EXPECT_DOUBLE_EQ(op.input_bytes, in_bytes[i]) << op.name;
    EXPECT_DOUBLE_EQ(op.output_bytes, out_bytes[i]) << op.name;
    EXPECT_EQ(op.kv_read_bytes, 0.0);
    EXPECT_EQ(op.kv_write_bytes, 0.0);
    if (i == 0) {
      EXPECT_TRUE(op.producers.empty());
    } else {
      EXPECT_EQ(op.producers, std::vector<int>{static_cast<int>(i) - 1});
    }
  }
  // The batch dims of the activation fold into M for a product with a weight matrix.
  expect_gemm(g.ops[0], 6, 16, 32, 1);
  expect_gemm(g.ops[3], 6, 32, 8, 1);
  EXPECT_DOUBLE_EQ(g.total_flops(), 6144 + 192 + 192 + 3072);
  EXPECT_DOUBLE_EQ(g.total_weight_read_bytes(), 800.0);
}

TEST_F(OnnxImport, ActivationProductsBroadcastBatchesAndVectorsPromote) {
  ModelBuilder m;
  m.input("a", {2, 1, 4, 8});
  m.input("b", {3, 8, 5});
  m.input("u", {8});
  m.weight("M", {8, 5});
  m.node("MatMul", {"a", "b"}, {"scores"}, "scores");  // -> [2,3,4,5]
  auto& sm = m.node("Softmax", {"scores"}, {"probs"}, "probs");
  set_int(sm, "axis", -1);
  m.node("MatMul", {"u", "M"}, {"v"}, "vecmat");  // [8] x [8,5] -> [5]
  m.output("probs");
  m.output("v");
  const auto g = mw::import_onnx(write("products", m), mw::Scenario{}, {});
  ASSERT_EQ(g.ops.size(), 3U);
  expect_topological(g);

  const auto& scores = find_op(g, "scores");
  EXPECT_EQ(scores.kind, mw::OpKind::matmul);
  EXPECT_DOUBLE_EQ(scores.flops, 2.0 * 6 * 4 * 8 * 5);  // broadcast batch [2,3]
  expect_gemm(scores, 4, 8, 5, 6);
  EXPECT_EQ(scores.parameters, 0);
  EXPECT_DOUBLE_EQ(scores.weight_read_bytes, 0.0);
  EXPECT_DOUBLE_EQ(scores.input_bytes, (64 + 120) * 2.0);  // fp16 activations
  EXPECT_DOUBLE_EQ(scores.output_bytes, 120 * 2.0);

  const auto& probs = find_op(g, "probs");
  EXPECT_EQ(probs.kind, mw::OpKind::softmax);
  EXPECT_DOUBLE_EQ(probs.flops, 5.0 * 120);
  EXPECT_EQ(probs.producers, std::vector<int>{0});

  const auto& vecmat = find_op(g, "vecmat");
  EXPECT_DOUBLE_EQ(vecmat.flops, 2.0 * 8 * 5);
  expect_gemm(vecmat, 1, 8, 5, 1);
  EXPECT_EQ(vecmat.parameters, 40);
  EXPECT_DOUBLE_EQ(vecmat.output_bytes, 5 * 2.0);
  EXPECT_EQ(g.parameters, 40);
}

TEST_F(OnnxImport, GemmHonoursTransposesAlphaAndBias) {
  ModelBuilder m;
  m.input("a", {4, 10});
  m.input("a_t", {10, 4});
  m.weight("B", {6, 10});
  m.weight("C", {6});
  m.weight("B2", {10, 6});
  auto& fc = m.node("Gemm", {"a", "B", "C"}, {"y"}, "fc");
  set_int(fc, "transB", 1);
  auto& scaled = m.node("Gemm", {"a_t", "B2"}, {"z"}, "scaled");
  set_int(scaled, "transA", 1);
  set_float(scaled, "alpha", 0.5F);
  m.output("y");
  m.output("z");
  mw::Scenario s;
  s.weight_precision = mw::Precision::int4;  // 0.5 byte
  const auto g = mw::import_onnx(write("gemm", m), s, {});
  ASSERT_EQ(g.ops.size(), 2U);

  const auto& a = g.ops[0];
  EXPECT_EQ(a.kind, mw::OpKind::matmul);
  EXPECT_DOUBLE_EQ(a.flops, 2.0 * 4 * 6 * 10 + 4 * 6);  // 504: products + bias add
  expect_gemm(a, 4, 10, 6, 1);
  EXPECT_EQ(a.parameters, 66);
  EXPECT_DOUBLE_EQ(a.weight_bytes, 33.0);
  EXPECT_DOUBLE_EQ(a.weight_read_bytes, 33.0);
  EXPECT_DOUBLE_EQ(a.input_bytes, 40 * 2.0);
  EXPECT_DOUBLE_EQ(a.output_bytes, 24 * 2.0);

  const auto& b = g.ops[1];
  EXPECT_DOUBLE_EQ(b.flops, 2.0 * 4 * 6 * 10 + 4 * 6);  // 504: products + alpha scaling
  expect_gemm(b, 4, 10, 6, 1);
  EXPECT_EQ(b.parameters, 60);
  EXPECT_EQ(g.parameters, 126);
  EXPECT_DOUBLE_EQ(g.total_weight_bytes(), 63.0);
}

TEST_F(OnnxImport, ConvolutionsAndPoolingUseInferredOutputShapes) {
  ModelBuilder m;
  m.input("x", {1, 4, 9, 9});
  m.weight("Wg", {6, 2, 3, 3});
  m.weight("Bg", {6});
  m.weight("Wd", {4, 4, 3, 3});
  m.weight("Wt", {4, 2, 2, 2});
  for (const char* n : {"bn_scale", "bn_bias", "bn_mean", "bn_var"}) m.weight(n, {6});

  auto& grouped = m.node("Conv", {"x", "Wg", "Bg"}, {"cg"}, "conv_g");  // -> [1,6,5,5]
  set_int(grouped, "group", 2);
  set_ints(grouped, "strides", {2, 2});
  set_ints(grouped, "pads", {1, 1, 1, 1});
  auto& pool = m.node("MaxPool", {"cg"}, {"p"}, "pool");  // -> [1,6,4,4]
  set_ints(pool, "kernel_shape", {2, 2});
  m.node("BatchNormalization", {"cg", "bn_scale", "bn_bias", "bn_mean", "bn_var"}, {"bn"}, "bn");
  auto& dilated = m.node("Conv", {"x", "Wd"}, {"cd"}, "conv_d");  // -> [1,4,5,5]
  set_ints(dilated, "dilations", {2, 2});
  m.node("GlobalAveragePool", {"cd"}, {"gap"}, "gap");  // -> [1,4,1,1]
  auto& deconv = m.node("ConvTranspose", {"cd", "Wt"}, {"up"}, "deconv");  // -> [1,2,10,10]
  set_ints(deconv, "strides", {2, 2});
  for (const char* o : {"p", "bn", "gap", "up"}) m.output(o);

  const auto g = mw::import_onnx(write("conv", m), mw::Scenario{}, {});
  ASSERT_EQ(g.ops.size(), 6U);
  expect_topological(g);
  EXPECT_TRUE(g.warnings.empty());

  const auto& cg = find_op(g, "conv_g");
  EXPECT_EQ(cg.kind, mw::OpKind::conv);
  EXPECT_DOUBLE_EQ(cg.flops, 2.0 * 150 * 2 * 9 + 150);  // 5550
  EXPECT_EQ(cg.parameters, 6 * 2 * 9 + 6);
  expect_gemm(cg, 25, 18, 3, 2);
  EXPECT_DOUBLE_EQ(cg.output_bytes, 150 * 2.0);

  const auto& pl = find_op(g, "pool");
  EXPECT_EQ(pl.kind, mw::OpKind::elementwise);
  EXPECT_DOUBLE_EQ(pl.flops, 96.0 * 4);
  EXPECT_DOUBLE_EQ(pl.output_bytes, 96 * 2.0);

  const auto& bn = find_op(g, "bn");
  EXPECT_EQ(bn.kind, mw::OpKind::norm);
  EXPECT_DOUBLE_EQ(bn.flops, 2.0 * 150);
  EXPECT_EQ(bn.parameters, 24);

  const auto& cd = find_op(g, "conv_d");
  EXPECT_DOUBLE_EQ(cd.flops, 2.0 * 100 * 4 * 9);  // 7200
  expect_gemm(cd, 25, 36, 4, 1);

  const auto& gap = find_op(g, "gap");
  EXPECT_DOUBLE_EQ(gap.flops, 100.0);
  EXPECT_DOUBLE_EQ(gap.output_bytes, 4 * 2.0);

  const auto& up = find_op(g, "deconv");
  EXPECT_EQ(up.kind, mw::OpKind::conv);
  EXPECT_DOUBLE_EQ(up.flops, 2.0 * 100 * 2 * 4);  // 1600
  expect_gemm(up, 25, 4, 8, 1);
  EXPECT_DOUBLE_EQ(up.output_bytes, 200 * 2.0);

  EXPECT_EQ(g.parameters, 114 + 24 + 144 + 32);
  EXPECT_DOUBLE_EQ(g.total_flops(), 5550 + 384 + 300 + 7200 + 100 + 1600);
}

// Issue 10: a Conv of a rank-2 input with a 4-D weight crashed libonnx's shape inference
// (SIGSEGV); ranks known before inference are checked first and named.
TEST_F(OnnxImport, ConvolutionsOfTheWrongRankAreRefusedBeforeShapeInference) {
  ModelBuilder m;
  m.input("x", {1, 8});
  m.weight("W", {4, 8, 3, 3});
  m.node("Conv", {"x", "W"}, {"y"}, "conv");
  m.output("y");
  const auto file = write("conv_rank2", m);
  expect_input_error([&] { mw::import_onnx(file, mw::Scenario{}, {}); }, file, "node 'conv'", {"rank >= 3", "rank 2"});

  ModelBuilder k;
  k.input("x", {1, 8, 16, 16});
  k.weight("W", {4, 8, 3});
  k.node("Conv", {"x", "W"}, {"y"}, "conv");
  k.output("y");
  const auto mismatch = write("conv_ranks_differ", k);
  expect_input_error([&] { mw::import_onnx(mismatch, mw::Scenario{}, {}); }, mismatch, "node 'conv'",
                     {"input rank 4", "weight rank 3"});

  // group = 0 was read as 1 (issue 10 item 12).
  ModelBuilder g;
  g.input("x", {1, 8, 16, 16});
  g.weight("W", {4, 8, 3, 3});
  set_int(g.node("Conv", {"x", "W"}, {"y"}, "conv"), "group", 0);
  g.output("y");
  const auto zero = write("conv_group0", g);
  expect_input_error([&] { mw::import_onnx(zero, mw::Scenario{}, {}); }, zero, "node 'conv'.group", {"group must be >= 1, got 0"});
}

// The fuzzer's finding (CI, issue 10): a Conv whose input's rank is known only after inference
// (here behind an Identity) and whose 4-D weight has more dimensions than its rank-3 input:
// libonnx read past the input's shape (SIGSEGV). Its kernel_shape now comes from the weight,
// libonnx refuses the mismatch (non-strict inference drops its reason) and the Conv is named as
// having no output shape.
TEST_F(OnnxImport, AConvWhoseInputRankIsInferredGetsItsKernelShapeFromTheWeight) {
  ModelBuilder m;
  m.input("x", {1, 8, 16});
  m.weight("W", {4, 8, 3, 3});
  m.node("Identity", {"x"}, {"xi"}, "id");
  m.node("Conv", {"xi", "W"}, {"y"}, "conv");
  m.output("y");
  const auto file = write("conv_inferred_rank", m);
  expect_input_error([&] { mw::import_onnx(file, mw::Scenario{}, {}); }, file, "node 'conv'", {"tensor 'y' is unknown after ONNX shape inference"});

  // The same chain with matching ranks imports, with the kernel read from W.
  ModelBuilder ok;
  ok.input("x", {1, 8, 16, 16});
  ok.weight("W", {4, 8, 3, 3});
  ok.node("Identity", {"x"}, {"xi"}, "id");
  ok.node("Conv", {"xi", "W"}, {"y"}, "conv");
  ok.output("y");
  const auto g = mw::import_onnx(write("conv_inferred_rank_ok", ok), mw::Scenario{}, {});
  EXPECT_DOUBLE_EQ(find_op(g, "conv").flops, 2.0 * (4 * 14 * 14) * 8 * 9);
}

TEST_F(OnnxImport, ConvolutionAttributesAreCheckedBeforeShapeInference) {
  const auto conv_with = [&](const std::string& name, const std::vector<std::int64_t>& values) {
    ModelBuilder m;
    m.input("x", {1, 8, 16, 16});
    m.weight("W", {4, 8, 3, 3});
    set_ints(m.node("Conv", {"x", "W"}, {"y"}, "conv"), name, values);
    m.output("y");
    return write("conv_" + name, m);
  };
  const auto zero_stride = conv_with("strides", {0, 1});  // divided by: SIGFPE in libonnx
  expect_input_error([&] { mw::import_onnx(zero_stride, mw::Scenario{}, {}); }, zero_stride, "node 'conv'.strides",
                     {"[1, 1048576]", "got 0"});
  const auto short_pads = conv_with("pads", {1, 1});
  expect_input_error([&] { mw::import_onnx(short_pads, mw::Scenario{}, {}); }, short_pads, "node 'conv'.pads",
                     {"2 values for 2 spatial dimensions"});
  const auto huge = conv_with("dilations", {1, std::int64_t{1} << 40});
  expect_input_error([&] { mw::import_onnx(huge, mw::Scenario{}, {}); }, huge, "node 'conv'.dilations", {"got 1099511627776"});

  // A computed weight and no kernel_shape: nothing to check the kernel's rank against.
  ModelBuilder c;
  c.input("x", {1, 8, 16, 16});
  c.input("w", {4, 8, 3, 3});
  c.node("Relu", {"w"}, {"wr"}, "relu");
  c.node("Conv", {"x", "wr"}, {"y"}, "conv");
  c.output("y");
  const auto computed = write("conv_computed_weight", c);
  expect_input_error([&] { mw::import_onnx(computed, mw::Scenario{}, {}); }, computed, "node 'conv'",
                     {"no kernel_shape", "give the node a kernel_shape attribute"});

  // A node that does not match its schema (Conv without W) is named before inference.
  ModelBuilder s;
  s.input("x", {1, 8, 16, 16});
  s.node("Conv", {"x"}, {"y"}, "conv");
  s.output("y");
  const auto one_input = write("conv_one_input", s);
  expect_input_error([&] { mw::import_onnx(one_input, mw::Scenario{}, {}); }, one_input, "node 'conv'", {"Conv: "});
}

// Item 6: ONNX dimensions of 2^40 gave 0 FLOPs, initializers of 2^33 x 2^33 gave 0 parameters.
TEST_F(OnnxImport, TensorSizesAreBoundedSoNoCountWraps) {
  ModelBuilder m;
  m.input("x", {1, 8});
  auto* w = m.graph()->add_initializer();  // dims only: the data would be 2^66 elements
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(std::int64_t{1} << 33);
  w->add_dims(std::int64_t{1} << 33);
  m.node("MatMul", {"x", "W"}, {"y"}, "mm");
  m.output("y");
  const auto file = write("huge_initializer", m);
  expect_input_error([&] { mw::import_onnx(file, mw::Scenario{}, {}); }, file, "initializer 'W'", {"more than 2^44 elements"});

  ModelBuilder d;
  d.input("x", {std::int64_t{1} << 41, 8});
  d.node("Relu", {"x"}, {"y"}, "relu");
  d.output("y");
  const auto wide = write("huge_dimension", d);
  expect_input_error([&] { mw::import_onnx(wide, mw::Scenario{}, {}); }, wide, "tensor 'x'", {"outside [0, 2^40]"});

  // Within bounds per dimension, but inference's product wraps or exceeds the bound: refused.
  ModelBuilder e;
  e.input("a", {std::int64_t{1} << 30, std::int64_t{1} << 30});
  e.node("Relu", {"a"}, {"y"}, "relu");
  e.output("y");
  const auto many = write("huge_elements", e);
  expect_input_error([&] { mw::import_onnx(many, mw::Scenario{}, {}); }, many, "tensor 'a'", {"more than 2^44 elements"});
}

TEST_F(OnnxImport, AGraphWithoutNodesWarns) {
  ModelBuilder m;
  m.input("x", {1, 8});
  m.output("x");
  const auto g = mw::import_onnx(write("no_nodes", m), mw::Scenario{}, {});
  EXPECT_TRUE(g.ops.empty());
  ASSERT_EQ(g.warnings.size(), 1u);
  EXPECT_NE(g.warnings[0].find("no nodes"), std::string::npos) << g.warnings[0];
}

TEST_F(OnnxImport, GatherOnAnInitializerIsAnEmbeddingAndTiedTablesCountOnce) {
  ModelBuilder m;
  m.input("ids", {2, 5}, onnx::TensorProto::INT64);
  m.weight("E", {100, 16});
  m.ints("flat_shape", {10, 16});
  m.scalar("s", 4.0F);
  m.node("Gather", {"E", "ids"}, {"emb"}, "embed");             // [2,5,16]
  m.node("Reshape", {"emb", "flat_shape"}, {"flat"}, "flat");   // [10,16]
  m.node("Mul", {"flat", "s"}, {"scaled"}, "scale");
  auto& tie = m.node("Transpose", {"E"}, {"Et"}, "tie");        // [16,100]
  set_ints(tie, "perm", {1, 0});
  m.node("MatMul", {"scaled", "Et"}, {"logits"}, "lm_head");    // [10,100]
  m.output("logits");
  mw::Scenario s;
  s.weight_precision = mw::Precision::fp32;
  s.activation_precision = mw::Precision::fp16;
  const auto g = mw::import_onnx(write("embedding", m), s, {});
  ASSERT_EQ(g.ops.size(), 5U);
  expect_topological(g);

  // Neither the int64 shape nor the scalar is a parameter; the tied table counts once.
  EXPECT_EQ(g.parameters, 1600);
  EXPECT_EQ(g.input_embedding_parameters, 1600);
  EXPECT_DOUBLE_EQ(g.total_weight_bytes(), 6400.0);

  const auto& embed = find_op(g, "embed");
  EXPECT_EQ(embed.kind, mw::OpKind::embedding);
  EXPECT_DOUBLE_EQ(embed.flops, 0.0);
  EXPECT_EQ(embed.parameters, 1600);
  EXPECT_DOUBLE_EQ(embed.weight_bytes, 6400.0);
  EXPECT_DOUBLE_EQ(embed.weight_read_bytes, 160 * 4.0);  // 10 rows of 16, not the table
  EXPECT_DOUBLE_EQ(embed.input_bytes, 10 * 2.0);
  EXPECT_DOUBLE_EQ(embed.output_bytes, 160 * 2.0);

  const auto& flat = find_op(g, "flat");
  EXPECT_EQ(flat.kind, mw::OpKind::data_movement);
  EXPECT_DOUBLE_EQ(flat.flops, 0.0);
  EXPECT_EQ(flat.parameters, 0);
  EXPECT_DOUBLE_EQ(flat.input_bytes, 160 * 2.0);
  EXPECT_DOUBLE_EQ(flat.output_bytes, 160 * 2.0);
  EXPECT_EQ(flat.producers, std::vector<int>{0});

  const auto& scale = find_op(g, "scale");
  EXPECT_DOUBLE_EQ(scale.flops, 160.0);
  EXPECT_EQ(scale.parameters, 0);
  EXPECT_DOUBLE_EQ(scale.input_bytes, 161 * 2.0);  // the scalar constant is read as data

  const auto& t = find_op(g, "tie");
  EXPECT_EQ(t.kind, mw::OpKind::data_movement);
  EXPECT_EQ(t.parameters, 0);                    // owned by the embedding
  EXPECT_DOUBLE_EQ(t.weight_read_bytes, 6400.0);  // but read in full
  EXPECT_DOUBLE_EQ(t.input_bytes, 0.0);

  const auto& head = find_op(g, "lm_head");
  EXPECT_EQ(head.kind, mw::OpKind::matmul);
  EXPECT_DOUBLE_EQ(head.flops, 2.0 * 10 * 16 * 100);
  expect_gemm(head, 10, 16, 100, 1);
  EXPECT_EQ(head.producers, (std::vector<int>{2, 3}));
  EXPECT_DOUBLE_EQ(head.input_bytes, (160 + 1600) * 2.0);
  EXPECT_DOUBLE_EQ(head.weight_read_bytes, 0.0);
}

TEST_F(OnnxImport, SymbolicDimensionsNeedValues) {
  ModelBuilder m;
  m.input("x", {"batch", 16});
  m.weight("W", {16, 8});
  m.node("MatMul", {"x", "W"}, {"y"}, "proj");
  m.output("y", {"batch", 8});
  const auto path = write("symbolic", m);

  try {
    mw::import_onnx(path, mw::Scenario{}, {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path.string());
    EXPECT_NE(e.field().find("batch"), std::string::npos) << e.field();
    EXPECT_NE(e.reason().find("--dim batch=VALUE"), std::string::npos) << e.reason();
  }
  EXPECT_THROW(mw::import_onnx(path, mw::Scenario{}, {{"batch", 0}}), InputError);

  const auto g = mw::import_onnx(path, mw::Scenario{}, {{"batch", 3}});
  ASSERT_EQ(g.ops.size(), 1U);
  EXPECT_DOUBLE_EQ(g.ops[0].flops, 2.0 * 3 * 16 * 8);
  expect_gemm(g.ops[0], 3, 16, 8, 1);
  EXPECT_DOUBLE_EQ(g.ops[0].output_bytes, 24 * 2.0);
  EXPECT_TRUE(g.warnings.empty());

  const auto extra = mw::import_onnx(path, mw::Scenario{}, {{"batch", 5}, {"seq", 7}});
  EXPECT_DOUBLE_EQ(extra.ops[0].flops, 2.0 * 5 * 16 * 8);
  ASSERT_EQ(extra.warnings.size(), 1U);
  EXPECT_NE(extra.warnings[0].find("'seq'"), std::string::npos) << extra.warnings[0];
}

// An MLP has no sequence dimension: one run of the graph is one inference, whatever --seq says
// (issue 8, item 9: the figures were divided by the default 512 "tokens").
TEST_F(OnnxImport, WithoutATokenDimensionTheUnitIsOneInference) {
  mw::Scenario s;  // seq_tokens 512, batch 1
  const auto g = mw::import_onnx(write("mlp_no_tokens", meshforge::testing::relu_mlp({"batch", 16})), s, {{"batch", 1}});
  EXPECT_EQ(g.unit, mw::WorkUnit::inference);
  EXPECT_EQ(g.tokens_per_sequence, 1);
  EXPECT_EQ(g.tokens, 1);
  EXPECT_DOUBLE_EQ(g.total_flops(), meshforge::testing::kReluMlpFlopsPerRow);
}

// --token-dim names the dimension that counts tokens: its --dim value, else --seq, is the
// number of tokens per sequence.
TEST_F(OnnxImport, ANamedTokenDimensionCountsTokens) {
  ModelBuilder m;
  m.input("x", {"batch", "seq", 16});
  m.weight("W", {16, 8});
  m.node("MatMul", {"x", "W"}, {"y"}, "proj");
  m.output("y");
  const auto path = write("tokens", m);
  mw::Scenario s;
  s.seq_tokens = 5;
  s.batch = 2;
  const auto from_seq = mw::import_onnx(path, s, {{"batch", 2}}, "seq");
  EXPECT_EQ(from_seq.unit, mw::WorkUnit::token);
  EXPECT_EQ(from_seq.tokens_per_sequence, 5);
  EXPECT_EQ(from_seq.tokens, 10);
  EXPECT_EQ(from_seq.scenario.seq_tokens, 5);
  EXPECT_DOUBLE_EQ(from_seq.ops[0].flops, 2.0 * 10 * 16 * 8);
  EXPECT_TRUE(from_seq.warnings.empty());

  const auto from_dim = mw::import_onnx(path, s, {{"batch", 2}, {"seq", 7}}, "seq");
  EXPECT_EQ(from_dim.tokens_per_sequence, 7);
  EXPECT_EQ(from_dim.tokens, 14);
  EXPECT_EQ(from_dim.scenario.seq_tokens, 7);

  expect_input_error([&] { mw::import_onnx(path, s, {{"batch", 2}, {"seq", 7}}, "sequence_length"); }, path,
                     "--token-dim", {"'sequence_length'", "'seq'"});
}

TEST_F(OnnxImport, UnsupportedOpsAreKeptWithAWarning) {
  ModelBuilder m;
  m.import_domain("com.example", 1);
  m.input("x", {3, 4, 4});
  m.node("Det", {"x"}, {"d"}, "det0");  // standard op, shapes inferred, not costed
  m.node("Relu", {"d"}, {"r"}, "relu");
  m.node("Mystery", {"r"}, {"y"}, "", "com.example");  // unknown op, unknown output shape
  m.output("y");
  const auto g = mw::import_onnx(write("unsupported", m), mw::Scenario{}, {});
  ASSERT_EQ(g.ops.size(), 3U);
  expect_topological(g);

  const auto& det = g.ops[0];
  EXPECT_EQ(det.name, "det0");
  EXPECT_EQ(det.kind, mw::OpKind::unsupported);
  EXPECT_DOUBLE_EQ(det.flops, 0.0);
  EXPECT_DOUBLE_EQ(det.input_bytes, 48 * 2.0);
  EXPECT_DOUBLE_EQ(det.output_bytes, 3 * 2.0);

  EXPECT_EQ(g.ops[1].kind, mw::OpKind::elementwise);
  EXPECT_DOUBLE_EQ(g.ops[1].flops, 3.0);

  const auto& mystery = g.ops[2];
  EXPECT_EQ(mystery.name, "Mystery_2");
  EXPECT_EQ(mystery.kind, mw::OpKind::unsupported);
  EXPECT_EQ(mystery.producers, std::vector<int>{1});
  EXPECT_DOUBLE_EQ(mystery.input_bytes, 3 * 2.0);
  EXPECT_DOUBLE_EQ(mystery.output_bytes, 0.0);  // shape unknown

  EXPECT_EQ(g.warnings, (std::vector<std::string>{
                            "op 'Det' (node 'det0') is not costed: counted with 0 FLOPs",
                            "op 'com.example.Mystery' (node 'Mystery_2') is not costed: counted "
                            "with 0 FLOPs"}));
}

TEST_F(OnnxImport, CostedOpAfterAnUnknownShapeIsAnError) {
  ModelBuilder m;
  m.import_domain("com.example", 1);
  m.input("x", {3, 4});
  m.node("Mystery", {"x"}, {"q"}, "odd", "com.example");
  m.node("Transpose", {"q"}, {"y"}, "after");
  m.output("y");
  const auto path = write("unknown_shape", m);
  expect_input_error([&] { mw::import_onnx(path, mw::Scenario{}, {}); }, path, "node 'after'", {"'q'", "'odd'"});
}

TEST_F(OnnxImport, NormsReductionsAndShapeDataPropagation) {
  ModelBuilder m(17);
  m.input("x", {2, 4, 8});
  m.weight("gamma", {8});
  m.weight("beta", {8});
  m.ints("axes", {-1});
  m.node("LayerNormalization", {"x", "gamma", "beta"}, {"ln"}, "ln");
  m.node("LayerNormalization", {"x", "gamma"}, {"ln2"}, "ln_nobias");
  m.node("Softmax", {"x"}, {"sm"}, "sm");
  auto& rm = m.node("ReduceMean", {"x"}, {"rm"}, "rm");  // opset 17: axes attribute
  set_ints(rm, "axes", {-1});
  m.node("ReduceSum", {"x", "axes"}, {"rs"}, "rsum");     // opset 13+: axes input
  m.node("Sum", {"x", "ln", "sm"}, {"sum"}, "sum3");
  auto& cast = m.node("Cast", {"x"}, {"c"}, "cast");
  set_int(cast, "to", onnx::TensorProto::FLOAT16);
  m.node("Shape", {"x"}, {"shp"}, "shape");
  m.node("Reshape", {"sum", "shp"}, {"back"}, "reshape");  // needs data propagation
  for (const char* o : {"ln2", "rm", "rs", "back"}) m.output(o);
  m.output("c", onnx::TensorProto::FLOAT16);
  mw::Scenario s;
  s.activation_precision = mw::Precision::fp32;
  const auto g = mw::import_onnx(write("norms", m), s, {});
  ASSERT_EQ(g.ops.size(), 9U);
  expect_topological(g);
  EXPECT_TRUE(g.warnings.empty());
  EXPECT_EQ(g.parameters, 16);  // gamma + beta; the int64 axes are not parameters

  EXPECT_EQ(find_op(g, "ln").kind, mw::OpKind::norm);
  EXPECT_DOUBLE_EQ(find_op(g, "ln").flops, 7.0 * 64);
  EXPECT_EQ(find_op(g, "ln").parameters, 16);
  EXPECT_DOUBLE_EQ(find_op(g, "ln_nobias").flops, 6.0 * 64);
  EXPECT_EQ(find_op(g, "ln_nobias").parameters, 0);                // gamma owned by "ln"
  EXPECT_DOUBLE_EQ(find_op(g, "ln_nobias").weight_read_bytes, 16.0);  // 8 fp16 values
  EXPECT_DOUBLE_EQ(find_op(g, "sm").flops, 5.0 * 64);
  EXPECT_DOUBLE_EQ(find_op(g, "rm").flops, 64.0);
  EXPECT_DOUBLE_EQ(find_op(g, "rm").output_bytes, 8 * 4.0);
  EXPECT_DOUBLE_EQ(find_op(g, "rsum").flops, 64.0);
  EXPECT_DOUBLE_EQ(find_op(g, "rsum").input_bytes, 64 * 4.0);  // axes not counted
  EXPECT_DOUBLE_EQ(find_op(g, "sum3").flops, 2.0 * 64);
  EXPECT_EQ(find_op(g, "sum3").producers, (std::vector<int>{0, 2}));
  EXPECT_DOUBLE_EQ(find_op(g, "cast").flops, 64.0);

  const auto& shape = find_op(g, "shape");
  EXPECT_EQ(shape.kind, mw::OpKind::data_movement);
  EXPECT_DOUBLE_EQ(shape.input_bytes, 0.0);
  EXPECT_DOUBLE_EQ(shape.output_bytes, 3 * 4.0);
  const auto& reshape = find_op(g, "reshape");
  EXPECT_EQ(reshape.kind, mw::OpKind::data_movement);
  EXPECT_DOUBLE_EQ(reshape.output_bytes, 64 * 4.0);
  EXPECT_DOUBLE_EQ(reshape.input_bytes, 64 * 4.0);  // the shape operand is not data

  EXPECT_DOUBLE_EQ(g.total_flops(), 448 + 384 + 320 + 64 + 64 + 128 + 64);
}

TEST_F(OnnxImport, OpsNewerThanTheInstalledOnnxTakeShapesFromTheirInputs) {
  // Gelu exists from opset 20; Debian's ONNX 1.12 has no schema for it, so its output shape
  // (and everything after it) comes from the importer's own derivation plus a second
  // inference round.
  ModelBuilder m(20);
  m.input("x", {3, 8});
  m.weight("W", {8, 4});
  m.weight("W2", {4, 2});
  m.node("MatMul", {"x", "W"}, {"a"}, "mm");
  m.node("Gelu", {"a"}, {"g"}, "gelu");
  m.node("MatMul", {"g", "W2"}, {"y"}, "mm2");
  m.node("Transpose", {"y"}, {"z"}, "tr");
  m.output("z");
  const auto g = mw::import_onnx(write("gelu", m), mw::Scenario{}, {});
  ASSERT_EQ(g.ops.size(), 4U);
  EXPECT_EQ(find_op(g, "gelu").kind, mw::OpKind::elementwise);
  EXPECT_DOUBLE_EQ(find_op(g, "gelu").flops, 12.0);
  EXPECT_DOUBLE_EQ(find_op(g, "mm2").flops, 2.0 * 3 * 4 * 2);
  EXPECT_DOUBLE_EQ(find_op(g, "tr").output_bytes, 6 * 2.0);
  EXPECT_EQ(g.parameters, 40);
  for (const auto& w : g.warnings)  // only with an ONNX library older than opset 20
    EXPECT_NE(w.find("opset 20"), std::string::npos) << w;
}

TEST_F(OnnxImport, NodesOutOfOrderAreSorted) {
  ModelBuilder m;
  m.input("x", {4, 8});
  m.weight("W", {8, 8});
  m.node("Relu", {"h"}, {"y"}, "r");
  m.node("MatMul", {"x", "W"}, {"h"}, "mm");
  m.output("y");
  const auto g = mw::import_onnx(write("unordered", m), mw::Scenario{}, {});
  ASSERT_EQ(g.ops.size(), 2U);
  EXPECT_EQ(g.ops[0].name, "mm");
  EXPECT_EQ(g.ops[1].name, "r");
  EXPECT_EQ(g.ops[1].producers, std::vector<int>{0});
  EXPECT_DOUBLE_EQ(g.total_flops(), 2.0 * 4 * 8 * 8 + 32);
}

TEST_F(OnnxImport, CyclesAndDanglingInputsAreErrors) {
  ModelBuilder cyclic;
  cyclic.input("x", {4});
  cyclic.node("Add", {"x", "q"}, {"p"}, "a");
  cyclic.node("Relu", {"p"}, {"q"}, "b");
  cyclic.output("q");
  try {
    mw::import_onnx(write("cycle", cyclic), mw::Scenario{}, {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "node 'a'");
    EXPECT_NE(e.reason().find("cycle"), std::string::npos) << e.reason();
  }

  ModelBuilder dangling;
  dangling.input("x", {4});
  dangling.node("Add", {"x", "nowhere"}, {"y"}, "add");
  dangling.output("y");
  try {
    mw::import_onnx(write("dangling", dangling), mw::Scenario{}, {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "node 'add'");
    EXPECT_NE(e.reason().find("'nowhere'"), std::string::npos) << e.reason();
  }
}

TEST_F(OnnxImport, CorruptTruncatedAndMissingFilesAreInputErrors) {
  const std::string garbage("\x12\xff\xff\xff\xff\x0fnot an onnx model\x00\x01", 24);
  const std::string model = mlp().serialize();
  const std::vector<std::filesystem::path> paths{
      write("garbage", garbage),
      write("truncated", model.substr(0, model.size() / 2)),
      write("json", "{\"model_type\": \"llama\"}\n"),
      write("empty", ""),
      dir_ / "missing.onnx",
  };
  for (const auto& path : paths) {
    try {
      mw::import_onnx(path, mw::Scenario{}, {});
      ADD_FAILURE() << "expected InputError for " << path;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), path.string());
      if (path.stem() != "missing") {
        EXPECT_NE(e.reason().find("cannot parse ONNX model"), std::string::npos) << e.what();
      }
    }
  }
}

// --- KV cache -------------------------------------------------------------------------------

namespace {

// One attention layer exported as optimum does with a KV cache: input_ids [1, sequence_length],
// past_key_values.0.{key,value} [1, 2 heads, past_sequence_length, 8], present.0.{key,value} out.
ModelBuilder attention_with_cache(int past_rank = 4) {
  ModelBuilder m;
  m.input("input_ids", {1, "sequence_length"}, onnx::TensorProto::INT64);
  m.input("attention_mask", {1, "total_sequence_length"}, onnx::TensorProto::INT64);
  for (const char* kv : {"key", "value"}) {
    std::vector<Dim> dims{1, 2, "past_sequence_length", 8};
    dims.resize(static_cast<std::size_t>(past_rank), Dim(8));
    m.input(std::string("past_key_values.0.") + kv, dims);
  }
  m.weight("embed", {100, 16});
  m.ints("heads_shape", {1, -1, 2, 8});
  m.node("Gather", {"embed", "input_ids"}, {"x"}, "embed_tokens");
  for (const char* p : {"q", "k", "v"}) {
    const std::string n(p);
    m.weight("W" + n, {16, 16});
    m.node("MatMul", {"x", "W" + n}, {n}, n + "_proj");
    m.node("Reshape", {n, "heads_shape"}, {n + "4"}, n + "_split");
    set_ints(m.node("Transpose", {n + "4"}, {n + "h"}, n + "_heads"), "perm", {0, 2, 1, 3});
  }
  set_int(m.node("Concat", {"past_key_values.0.key", "kh"}, {"present.0.key"}, "append_k"), "axis", 2);
  set_int(m.node("Concat", {"past_key_values.0.value", "vh"}, {"present.0.value"}, "append_v"), "axis", 2);
  set_ints(m.node("Transpose", {"present.0.key"}, {"kT"}, "k_t"), "perm", {0, 1, 3, 2});
  m.node("MatMul", {"qh", "kT"}, {"scores"}, "scores");
  m.node("Softmax", {"scores"}, {"probs"}, "softmax");
  m.node("MatMul", {"probs", "present.0.value"}, {"context"}, "context");
  m.output("context");
  m.output("present.0.key");
  m.output("present.0.value");
  return m;
}

mw::Scenario phase(mw::Phase p, std::int64_t seq, std::int64_t ctx) {
  mw::Scenario s;
  s.phase = p;
  s.seq_tokens = seq;
  s.context_tokens = ctx;
  return s;
}

}  // namespace

TEST_F(OnnxImport, AKvCacheExportDecodesOneTokenAgainstTheCacheAndPrefillsAnEmptyOne) {
  const auto path = write("decoder_with_past", attention_with_cache());
  // Decode: past = --ctx 100, one new token; the unit is the token (input_ids' dimension).
  const auto d = mw::import_onnx(path, phase(mw::Phase::decode, 5, 100), {});
  EXPECT_EQ(d.unit, mw::WorkUnit::token);
  EXPECT_EQ(d.tokens_per_sequence, 1);
  EXPECT_EQ(d.scenario.context_tokens, 100);
  EXPECT_EQ(d.kv_cache_bytes_per_token, 2 * 2 * 8 * 2);  // key + value, 2 heads x 8, fp16
  const double cache = 2.0 * 101 * 8 * 2;                 // one of key or value after the step, bytes
  // The append reads only the new token and writes it into the cache.
  EXPECT_DOUBLE_EQ(find_op(d, "append_k").kv_read_bytes, 0.0);
  EXPECT_DOUBLE_EQ(find_op(d, "append_k").input_bytes, 2.0 * 8 * 2);
  EXPECT_DOUBLE_EQ(find_op(d, "append_k").kv_write_bytes, 2.0 * 8 * 2);
  EXPECT_DOUBLE_EQ(find_op(d, "append_k").output_bytes, 0.0);
  // Attention reads the whole cache, as KV cache, not as activations.
  EXPECT_DOUBLE_EQ(find_op(d, "k_t").kv_read_bytes, cache);
  EXPECT_DOUBLE_EQ(find_op(d, "k_t").input_bytes, 0.0);
  EXPECT_DOUBLE_EQ(find_op(d, "context").kv_read_bytes, cache);
  EXPECT_DOUBLE_EQ(find_op(d, "scores").flops, 2.0 * 2 * 1 * 8 * 101);
  ASSERT_EQ(d.notes.size(), 1U);
  EXPECT_NE(d.notes[0].find("KV cache recognised: 2 past inputs"), std::string::npos) << d.notes[0];
  EXPECT_NE(d.notes[0].find("'past_sequence_length' = 100"), std::string::npos) << d.notes[0];
  EXPECT_TRUE(d.warnings.empty()) << d.warnings.front();

  // Prefill: an empty cache, --seq 5 new tokens written into it.
  const auto p = mw::import_onnx(path, phase(mw::Phase::prefill, 5, 100), {});
  EXPECT_EQ(p.tokens_per_sequence, 5);
  EXPECT_DOUBLE_EQ(find_op(p, "append_v").kv_write_bytes, 2.0 * 5 * 8 * 2);
  EXPECT_DOUBLE_EQ(find_op(p, "context").kv_read_bytes, 2.0 * 5 * 8 * 2);
  EXPECT_DOUBLE_EQ(find_op(p, "scores").flops, 2.0 * 2 * 5 * 8 * 5);

  // A length given with --dim wins over --ctx.
  const auto given = mw::import_onnx(path, phase(mw::Phase::decode, 5, 100), {{"past_sequence_length", 7}});
  EXPECT_EQ(given.scenario.context_tokens, 7);
  EXPECT_DOUBLE_EQ(find_op(given, "context").kv_read_bytes, 2.0 * 8 * 8 * 2);
}

TEST_F(OnnxImport, KvCacheInputsOfAnotherLayoutOrWithoutATokenDimensionAreNamed) {
  const auto rank3 = write("rank3", attention_with_cache(3));
  expect_input_error([&] { mw::import_onnx(rank3, phase(mw::Phase::decode, 5, 100), {}); }, rank3,
                     "input 'past_key_values.0.key'", {"[batch, kv_heads, past_length, head_dim]", "rank 3"});
  // Without input_ids nothing names the token dimension: --token-dim is asked for.
  ModelBuilder m;
  m.input("hidden", {1, "n", 8});
  m.input("past_key_values.0.key", {1, 1, "past", 8});
  m.node("Concat", {"past_key_values.0.key", "past_key_values.0.key"}, {"present.0.key"}, "append");
  m.output("present.0.key");
  const auto no_ids = write("no_ids", m);
  expect_input_error([&] { mw::import_onnx(no_ids, phase(mw::Phase::decode, 5, 100), {}); }, no_ids, "--token-dim",
                     {"KV cache", "past_key_values.0.key"});
}
