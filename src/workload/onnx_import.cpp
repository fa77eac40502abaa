// ONNX importer: one run of an ONNX model as a meshforge operator graph.
//
// Steps: parse the ModelProto, bind the symbolic dimensions of the graph inputs to the values
// given on the command line, order the nodes topologically, run ONNX shape inference (with data
// propagation, so shape-computing subgraphs such as Shape -> Gather -> Concat -> Reshape
// resolve), then turn every node into exactly one Op.
//
// Scenario: one graph run is one step; the ONNX model's own input shapes (after binding --dim
// values) decide the actual amount of work. Its unit (Graph.unit) is one inference unless the
// caller names the symbolic dimension that counts tokens (--token-dim): an MLP or a CNN has no
// sequence, so dividing its run by --seq would report a throughput 512 times too high.
//  no token dimension:  unit inference, tokens_per_sequence = 1, tokens = batch.
//  token dimension T:   unit token, T bound to its --dim value or else to --seq;
//                       tokens_per_sequence = T, tokens = batch * T (scenario.seq_tokens = T).
// --batch is not bound to any dimension: it says how many sequences one run processes, so it
// should match the model's batch dimension.
//
// Weights (which initializers are parameters)
// -------------------------------------------
// An initializer is a weight, counted in Graph.parameters, when all of these hold:
//  1. some node reads it through a *data* input. Inputs that carry shapes, axes, indices,
//     counts, bounds or quantisation scales are not data inputs (see kNonDataInputs below:
//     Reshape/Expand/Tile shape, Slice starts/ends/axes/steps, Squeeze/Unsqueeze/Reduce* axes,
//     Gather* indices, Pad pads, Clip min/max, (De)QuantizeLinear scale/zero point, ...);
//  2. its element type is a floating type or an integer type of at most 32 bits (quantised
//     weights). int64/uint64, bool, string and complex tensors are never weights: they are
//     shapes, indices or buffers such as position ids;
//  3. it has at least 2 elements: scalars and one-element tensors are constants (epsilons,
//     scale factors, clip bounds), not learned weights.
// Each weight is owned by the first op (in topological order) that reads it: that op's
// `parameters` and `weight_bytes` carry it, so tied weights are counted once and the ops'
// parameters sum to Graph.parameters. Every op that reads a weight has its full size in
// `weight_read_bytes`, except an embedding lookup, which reads only the gathered rows.
// BatchNormalization's running mean and variance are weights (the hardware stores and reads
// them). Constant nodes are 0-FLOP data_movement ops and their values are not parameters.
// Sizes in bytes use the scenario's precisions, not the ONNX element types: weights at
// weight_precision, every other tensor an op reads as data (activations, Gather/Scatter
// indices, non-weight constants) or writes at activation_precision. Shape, axes and other
// non-data operands are not counted, nor is the input of Shape/Size (metadata only). Each
// distinct tensor counts once per op.
//
// KV cache (LLM exports with past_key_values inputs, as Hugging Face optimum and ONNX Runtime
// GenAI write them): graph inputs named past_key_values* / past.* / past_key* / past_value*, each
// [batch, kv_heads, past_length, head_dim], and outputs named present* are the cache. When the
// model has them, its unit is the token (the token dimension defaults to input_ids' second
// dimension) and the two phases bind the dimensions as a Hugging Face decoder runs:
//  prefill: past_length 0, tokens = --seq (the cache starts empty);
//  decode:  past_length = --ctx (default --seq), tokens 1;
// a dimension given with --dim keeps its value; an input dimension counting past + new tokens
// (attention_mask's, total_sequence_length) is bound to their sum. Bytes: an op reading a past or
// present tensor reads it as KV cache (kv_read_bytes at the KV precision), except the append that
// writes a present tensor from its past (an engine appends in place: it reads only the new
// tokens); a present output is written as KV cache for its new positions only (kv_write_bytes).
// Graph.kv_cache_bytes_per_token is the past inputs' kv_heads x head_dim at the KV precision, and
// Graph.notes says what was recognised. Without such inputs kv bytes are 0.
//
// Op costs (FLOPs, a multiply-accumulate counts 2; "per element" = per output element unless
// noted)
// ----------------------------------------------------------------------------------------
//  MatMul, MatMulInteger,     matmul  2*count*M*K*N, numpy batch broadcasting; 1-D operands
//  QLinearMatMul                      promoted as in numpy. GEMM shape: when B is a matrix
//                                     (a weight, usually) the batch dims of A fold into M
//                                     (count 1); otherwise count = broadcast batch size.
//                                     Activation x activation products are OpKind::matmul too:
//                                     ONNX does not tell attention scores from other products.
//  Gemm                       matmul  2*M*N*K (transA/transB honoured), + M*N when alpha != 1,
//                                     + M*N for the bias add when C is given and beta != 0.
//  Conv                       conv    2 * out_elements * (Cin/group) * prod(kernel), + out_elements
//                                     with a bias. Strides, pads, dilations, auto_pad enter
//                                     through the inferred output shape. GEMM shape: m = N*prod(out
//                                     spatial), k = (Cin/group)*prod(kernel), n = Cout/group,
//                                     count = group.
//  ConvTranspose              conv    2 * in_elements * (Cout/group) * prod(kernel), + out_elements
//                                     with a bias.
//  Add Sub Mul Div Pow Mod Relu LeakyRelu PRelu Elu Selu Celu Sigmoid HardSigmoid HardSwish
//  Tanh Softplus Softsign Gelu Erf Exp Log Sqrt Reciprocal Neg Abs Sign Floor Ceil Round Clip
//  Where Cast CastLike Equal Less LessOrEqual Greater GreaterOrEqual And Or Xor Not IsNaN IsInf
//  Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Mish ThresholdedRelu Shrink BitShift
//  QuantizeLinear DequantizeLinear
//                             elementwise  1 per element.
//  Sum Max Min                elementwise  (inputs - 1) per element (at least 1).
//  Mean                       elementwise  inputs per element ((inputs - 1) adds + 1 divide).
//  CumSum                     elementwise  1 per element.
//  ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceL1 ReduceLogSum ArgMax ArgMin
//                             elementwise  1 per *input* element (the final divide/sqrt/log
//                                          per output element is ignored).
//  ReduceSumSquare ReduceL2 ReduceLogSumExp
//                             elementwise  2 per input element.
//  Softmax LogSoftmax         softmax 5 per element (max, subtract, exp, sum, divide).
//  LayerNormalization         norm    6 per element (mean, centre, square, variance, scale by
//                                     1/sigma, gamma) + 1 with a bias.
//  InstanceNormalization      norm    7 per element (as LayerNormalization with a bias).
//  MeanVarianceNormalization  norm    5 per element.
//  BatchNormalization         norm    2 per element (inference: folded to a*x + b per channel).
//  LpNormalization            norm    3 per element (square, sum, divide).
//  MaxPool AveragePool        elementwise  1 per window element per output element
//                                          (out_elements * prod(kernel_shape)).
//  LpPool                     elementwise  2 per window element per output element.
//  GlobalAveragePool GlobalMaxPool
//                             elementwise  1 per input element.
//  GlobalLpPool               elementwise  2 per input element.
//  Reshape Transpose Flatten Squeeze Unsqueeze Concat Split Slice Gather GatherElements
//  GatherND ScatterElements ScatterND Identity Dropout Expand Tile Pad DepthToSpace
//  SpaceToDepth Constant ConstantOfShape Range Trilu EyeLike, Resize/Upsample in "nearest" mode
//                             data_movement  0 FLOPs; input and output bytes counted.
//  Shape Size                 data_movement  0 FLOPs; reads only metadata (input bytes 0).
//  Gather whose data input is a weight
//                             embedding  0 FLOPs; weight_read_bytes = gathered elements only;
//                                        the table counts in Graph.input_embedding_parameters.
//  anything else, and any op outside the default ONNX domain
//                             unsupported  0 FLOPs, bytes of the tensors whose shapes are
//                                          known, plus a warning in Graph.warnings.
//
// Shapes: ops newer than the installed ONNX library (Debian's 1.12 knows opsets up to 17; e.g.
// Gelu from opset 20) have no schema, so inference stops at them. For the element-wise,
// softmax and normalisation ops of the table the importer derives the output shape from the
// inputs, declares it as value_info and runs inference again. A model whose default-domain
// opset is newer than the library gets a warning. Every costed op needs the shapes it reads
// and writes; when one stays unknown, the import fails with an InputError naming the node and
// the tensor (and the uncosted node it comes from, if any).
#include "workload/onnx_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <queue>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/input_error.h"
#include "onnx/onnx_pb.h"
#include "workload/onnx_checks.h"
#include "onnx/shape_inference/implementation.h"

namespace meshforge::workload {
namespace {

using Shape = std::vector<std::int64_t>;

std::int64_t element_count(const Shape& shape) {
  std::int64_t n = 1;
  for (const std::int64_t d : shape) n *= d;
  return n;
}

std::int64_t product(Shape::const_iterator first, Shape::const_iterator last) {
  std::int64_t n = 1;
  for (; first != last; ++first) n *= *first;
  return n;
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string describe(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

// ---- op classification -------------------------------------------------------------------

enum class Cost {
  matmul,         // MatMul family: operands given by Rule::a / Rule::b
  gemm,
  conv,
  conv_transpose,
  elementwise,    // per_element * output elements
  variadic,       // (inputs - 1 + per_element) * output elements, at least 1 per element
  reduce,         // per_element * elements of input 0
  softmax,        // per_element * output elements
  norm,           // per_element * output elements (+1 for LayerNormalization with bias)
  pool,           // per_element * output elements * prod(kernel_shape)
  global_pool,    // per_element * elements of input 0
  data_movement,  // 0 FLOPs
  metadata,       // 0 FLOPs, input is not read (Shape, Size)
  gather,         // embedding when the data input is a weight, else data movement
  resize,         // data movement in "nearest" mode, else unsupported
};

struct Rule {
  Cost cost;
  double per_element = 0;
  int a = 0, b = 1;  // MatMul family: indices of the two operands
};

const std::unordered_map<std::string_view, Rule>& rules() {
  static const std::unordered_map<std::string_view, Rule> table = [] {
    std::unordered_map<std::string_view, Rule> t;
    t.emplace("MatMul", Rule{Cost::matmul});
    t.emplace("MatMulInteger", Rule{Cost::matmul});
    t.emplace("QLinearMatMul", Rule{Cost::matmul, 0, 0, 3});
    t.emplace("Gemm", Rule{Cost::gemm});
    t.emplace("Conv", Rule{Cost::conv});
    t.emplace("ConvTranspose", Rule{Cost::conv_transpose});
    for (const std::string_view op :
         {"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Relu", "LeakyRelu", "PRelu", "Elu", "Selu",
          "Celu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus", "Softsign", "Gelu",
          "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Sign", "Floor", "Ceil",
          "Round", "Clip", "Where", "Cast", "CastLike", "Equal", "Less", "LessOrEqual",
          "Greater", "GreaterOrEqual", "And", "Or", "Xor", "Not", "IsNaN", "IsInf", "Sin", "Cos",
          "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Mish",
          "ThresholdedRelu", "Shrink", "BitShift", "QuantizeLinear", "DequantizeLinear",
          "CumSum"})
      t.emplace(op, Rule{Cost::elementwise, 1});
    t.emplace("Sum", Rule{Cost::variadic, 0});
    t.emplace("Max", Rule{Cost::variadic, 0});
    t.emplace("Min", Rule{Cost::variadic, 0});
    t.emplace("Mean", Rule{Cost::variadic, 1});
    for (const std::string_view op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                                      "ReduceProd", "ReduceL1", "ReduceLogSum", "ArgMax",
                                      "ArgMin"})
      t.emplace(op, Rule{Cost::reduce, 1});
    for (const std::string_view op : {"ReduceSumSquare", "ReduceL2", "ReduceLogSumExp"})
      t.emplace(op, Rule{Cost::reduce, 2});
    t.emplace("Softmax", Rule{Cost::softmax, 5});
    t.emplace("LogSoftmax", Rule{Cost::softmax, 5});
    t.emplace("LayerNormalization", Rule{Cost::norm, 6});
    t.emplace("InstanceNormalization", Rule{Cost::norm, 7});
    t.emplace("MeanVarianceNormalization", Rule{Cost::norm, 5});
    t.emplace("BatchNormalization", Rule{Cost::norm, 2});
    t.emplace("LpNormalization", Rule{Cost::norm, 3});
    t.emplace("MaxPool", Rule{Cost::pool, 1});
    t.emplace("AveragePool", Rule{Cost::pool, 1});
    t.emplace("LpPool", Rule{Cost::pool, 2});
    t.emplace("GlobalAveragePool", Rule{Cost::global_pool, 1});
    t.emplace("GlobalMaxPool", Rule{Cost::global_pool, 1});
    t.emplace("GlobalLpPool", Rule{Cost::global_pool, 2});
    for (const std::string_view op :
         {"Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice",
          "GatherElements", "GatherND", "ScatterElements", "ScatterND", "Identity", "Dropout",
          "Expand", "Tile", "Pad", "DepthToSpace", "SpaceToDepth", "Constant",
          "ConstantOfShape", "Range", "Trilu", "EyeLike"})
      t.emplace(op, Rule{Cost::data_movement});
    t.emplace("Shape", Rule{Cost::metadata});
    t.emplace("Size", Rule{Cost::metadata});
    t.emplace("Gather", Rule{Cost::gather});
    t.emplace("Resize", Rule{Cost::resize});
    t.emplace("Upsample", Rule{Cost::resize});
    return t;
  }();
  return table;
}

// Inputs that carry shapes, axes, indices, counts, bounds or quantisation parameters rather
// than data: an initializer read only through these is not a weight.
const std::unordered_map<std::string_view, std::vector<int>> kNonDataInputs = {
    {"Reshape", {1}},         {"Expand", {1}},          {"Tile", {1}},
    {"Slice", {1, 2, 3, 4}},  {"Pad", {1, 2, 3}},       {"Squeeze", {1}},
    {"Unsqueeze", {1}},       {"Split", {1}},           {"Gather", {1}},
    {"GatherElements", {1}},  {"GatherND", {1}},        {"ScatterElements", {1}},
    {"ScatterND", {1}},       {"Resize", {1, 2, 3}},    {"Upsample", {1}},
    {"TopK", {1}},            {"ConstantOfShape", {0}}, {"Range", {0, 1, 2}},
    {"Clip", {1, 2}},         {"CumSum", {1}},          {"Trilu", {1}},
    {"Dropout", {1, 2}},      {"OneHot", {0, 1}},       {"QuantizeLinear", {1, 2}},
    {"DequantizeLinear", {1, 2}}, {"MatMulInteger", {2, 3}},
    {"QLinearMatMul", {1, 2, 4, 5, 6, 7}},
};

bool is_data_input(std::string_view op_type, int index) {
  if (op_type.substr(0, 6) == "Reduce") return index == 0;  // axes input (opset 13/18)
  const auto it = kNonDataInputs.find(op_type);
  if (it == kNonDataInputs.end()) return true;
  return std::find(it->second.begin(), it->second.end(), index) == it->second.end();
}

// Index operands: not weights, but read element by element like activations.
bool is_index_input(std::string_view op_type, int index) {
  return index == 1 && (op_type.substr(0, 6) == "Gather" || op_type.substr(0, 7) == "Scatter");
}

bool weight_element_type(int type) {
  switch (type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return true;
    default:
      return false;
  }
}

bool default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, std::string_view name) {
  for (const auto& attribute : node.attribute())
    if (attribute.name() == name) return &attribute;
  return nullptr;
}

std::int64_t int_attribute(const onnx::NodeProto& node, std::string_view name,
                           std::int64_t fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->i() : fallback;
}

float float_attribute(const onnx::NodeProto& node, std::string_view name, float fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->f() : fallback;
}

std::string string_attribute(const onnx::NodeProto& node, std::string_view name,
                             std::string fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->s() : fallback;
}

std::optional<Shape> shape_of(const onnx::TypeProto& type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return std::nullopt;
  Shape shape;
  for (const auto& dim : type.tensor_type().shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0) return std::nullopt;
    shape.push_back(dim.dim_value());
  }
  return shape;
}

// ---- loading -------------------------------------------------------------------------------

onnx::ModelProto load_model(const std::filesystem::path& path, const std::string& file) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open file");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw InputError(file, "", "cannot read file");
  onnx::ModelProto model;
  // Protobuf is lenient: random bytes sometimes parse. A model must also have a graph and an
  // IR version.
  if (!model.ParseFromString(bytes.str()) || !model.has_graph() || model.ir_version() <= 0)
    throw InputError(file, "", "cannot parse ONNX model (not a binary ONNX ModelProto, or truncated)");
  return model;
}

// ---- KV cache ------------------------------------------------------------------------------

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool is_past_name(std::string_view name) {
  return starts_with(name, "past_key_values") || starts_with(name, "past.") || starts_with(name, "past_key") ||
         starts_with(name, "past_value");
}

bool is_present_name(std::string_view name) { return starts_with(name, "present"); }

struct KvCache {
  std::vector<std::string> past;        // graph inputs: the cache of earlier tokens
  std::set<std::string> present;        // graph outputs: the cache after this step
  std::string past_dim;                 // their symbolic past length; empty when fixed
  std::int64_t fixed_past = 0;          // the fixed past length otherwise
  std::string token_dim;                // input_ids' (or inputs_embeds') token dimension, if symbolic
  std::vector<std::string> total_dims;  // input dimensions counting past + new tokens
  bool found() const { return !past.empty(); }
};

// Finds the cache inputs and outputs and checks their layout before anything is bound.
KvCache find_kv_cache(const onnx::GraphProto& graph, const std::string& file) {
  std::unordered_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  KvCache kv;
  const auto dim_param = [](const onnx::ValueInfoProto& info, int d) -> std::string {
    if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape()) return "";
    const auto& shape = info.type().tensor_type().shape();
    return d < shape.dim_size() && shape.dim(d).has_dim_param() ? shape.dim(d).dim_param() : "";
  };
  for (const auto& input : graph.input()) {
    if (initializers.count(input.name()) || !is_past_name(input.name())) continue;
    const std::string field = "input " + in_quotes(input.name());
    const auto& type = input.type();
    const int rank = type.has_tensor_type() && type.tensor_type().has_shape() ? type.tensor_type().shape().dim_size() : -1;
    if (rank != 4)
      throw InputError(file, field, "a KV-cache input must be [batch, kv_heads, past_length, head_dim], got " +
                                        (rank < 0 ? std::string("no shape") : "rank " + std::to_string(rank)));
    const auto& past = type.tensor_type().shape().dim(2);
    const std::string name = past.has_dim_param() ? past.dim_param() : "";
    if (kv.past.empty()) {
      kv.past_dim = name;
      kv.fixed_past = past.has_dim_value() ? past.dim_value() : 0;
    } else if (name != kv.past_dim) {
      throw InputError(file, field, "its past length " + in_quotes(name.empty() ? std::to_string(past.dim_value()) : name) +
                                        " differs from " + in_quotes(kv.past.front()) + "'s " +
                                        in_quotes(kv.past_dim.empty() ? std::to_string(kv.fixed_past) : kv.past_dim));
    }
    kv.past.push_back(input.name());
  }
  if (!kv.found()) return kv;
  for (const auto& output : graph.output())
    if (is_present_name(output.name())) kv.present.insert(output.name());
  for (const auto& input : graph.input()) {
    if (input.name() == "input_ids" || input.name() == "inputs_embeds") kv.token_dim = dim_param(input, 1);
    const std::string mask = input.name() == "attention_mask" ? dim_param(input, 1) : "";
    if (!mask.empty() && mask != kv.past_dim) kv.total_dims.push_back(mask);
    const int rank = input.type().has_tensor_type() ? input.type().tensor_type().shape().dim_size() : 0;
    for (int d = 0; d < rank; ++d)
      if (dim_param(input, d) == "total_sequence_length") kv.total_dims.push_back("total_sequence_length");
  }
  return kv;
}

// Replaces the symbolic dimensions of the graph inputs by the values given with --dim; the
// same names in declared outputs and value_info are bound too so inference merges cleanly.
// Returns the symbolic dimension names of the inputs (all of which got a value). Only the names
// in `may_be_zero` (a KV cache's past length in prefill) may be bound to 0.
std::set<std::string> bind_symbolic_dims(onnx::GraphProto& graph,
                                         const std::unordered_set<std::string>& constants,
                                         const SymbolicDims& values, const std::set<std::string>& may_be_zero,
                                         const std::string& file, std::vector<std::string>& warnings) {
  std::set<std::string> used;
  for (auto& input : *graph.mutable_input()) {
    if (constants.count(input.name())) continue;  // IR < 4: initializers listed as inputs
    const std::string field = "input " + in_quotes(input.name());
    if (!input.type().has_tensor_type())
      throw InputError(file, field, "only tensor inputs are supported");
    auto* tensor = input.mutable_type()->mutable_tensor_type();
    if (!tensor->has_shape())
      throw InputError(file, field, "the model does not declare the shape of this input");
    auto* shape = tensor->mutable_shape();
    for (int d = 0; d < shape->dim_size(); ++d) {
      auto* dim = shape->mutable_dim(d);
      if (dim->has_dim_value()) {
        if (dim->dim_value() < 0)
          throw InputError(file, field, "dimension " + std::to_string(d) + " is negative");
        continue;
      }
      if (!dim->has_dim_param() || dim->dim_param().empty())
        throw InputError(file, field,
                         "dimension " + std::to_string(d) +
                             " has neither a size nor a symbolic name; the model cannot be costed");
      const std::string name = dim->dim_param();
      const auto it = values.find(name);
      if (it == values.end())
        throw InputError(file, "dimension " + in_quotes(name),
                         "symbolic dimension of input " + in_quotes(input.name()) +
                             " has no value: pass --dim " + name + "=VALUE");
      if (it->second < (may_be_zero.count(name) ? 0 : 1))
        throw InputError(file, "dimension " + in_quotes(name),
                         "value must be a positive integer, got " + std::to_string(it->second));
      used.insert(name);
      dim->set_dim_value(it->second);
    }
  }
  const auto bind = [&](onnx::ValueInfoProto& info) {
    if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape()) return;
    for (auto& dim : *info.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) {
      if (!dim.has_dim_param()) continue;
      const auto it = values.find(dim.dim_param());
      if (it != values.end() && it->second >= (may_be_zero.count(dim.dim_param()) ? 0 : 1)) dim.set_dim_value(it->second);
    }
  };
  for (auto& info : *graph.mutable_output()) bind(info);
  for (auto& info : *graph.mutable_value_info()) bind(info);
  for (const auto& [name, value] : values)
    if (!used.count(name))
      warnings.push_back("--dim " + name + "=" + std::to_string(value) +
                         " is not used: no input of the model has a symbolic dimension " +
                         in_quotes(name));
  return used;
}

std::string node_name(const onnx::NodeProto& node, int index) {
  return node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
}

// Orders the nodes topologically (Kahn, always taking the earliest ready node, so an already
// ordered graph keeps its order). Returns the original index of each node in the new order.
std::vector<int> sort_nodes(onnx::GraphProto& graph, const std::unordered_set<std::string>& available,
                            const std::string& file) {
  const int count = graph.node_size();
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < count; ++i)
    for (const auto& output : graph.node(i).output()) {
      if (output.empty()) continue;
      if (available.count(output) || !producer.emplace(output, i).second)
        throw InputError(file, "node " + in_quotes(node_name(graph.node(i), i)),
                         "output " + in_quotes(output) + " is defined twice in the graph");
    }
  std::vector<std::vector<int>> consumers(static_cast<std::size_t>(count));
  std::vector<int> pending(static_cast<std::size_t>(count), 0);
  for (int i = 0; i < count; ++i) {
    std::set<int> deps;
    for (const auto& input : graph.node(i).input()) {
      if (input.empty() || available.count(input)) continue;
      const auto it = producer.find(input);
      if (it == producer.end())
        throw InputError(file, "node " + in_quotes(node_name(graph.node(i), i)),
                         "input " + in_quotes(input) +
                             " is not a graph input, an initializer or the output of any node");
      deps.insert(it->second);
    }
    for (const int d : deps) consumers[static_cast<std::size_t>(d)].push_back(i);
    pending[static_cast<std::size_t>(i)] = static_cast<int>(deps.size());
  }
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (int i = 0; i < count; ++i)
    if (pending[static_cast<std::size_t>(i)] == 0) ready.push(i);
  std::vector<int> order;
  order.reserve(static_cast<std::size_t>(count));
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (const int c : consumers[static_cast<std::size_t>(i)])
      if (--pending[static_cast<std::size_t>(c)] == 0) ready.push(c);
  }
  if (static_cast<int>(order.size()) != count) {
    for (int i = 0; i < count; ++i)
      if (pending[static_cast<std::size_t>(i)] > 0)
        throw InputError(file, "node " + in_quotes(node_name(graph.node(i), i)),
                         "the graph has a cycle through this node");
  }
  bool sorted = true;
  for (int i = 0; i < count; ++i) sorted = sorted && order[static_cast<std::size_t>(i)] == i;
  if (!sorted) {
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (const int i : order) *nodes.Add() = graph.node(i);
    graph.mutable_node()->Swap(&nodes);
  }
  return order;
}

// ---- the importer --------------------------------------------------------------------------

class Importer {
 public:
  Importer(std::string file, const Scenario& scenario, const KvCache& kv)
      : file_(std::move(file)),
        weight_bpe_(bytes_per_element(scenario.weight_precision)),
        activation_bpe_(bytes_per_element(scenario.activation_precision)),
        kv_bpe_(bytes_per_element(scenario.kv_precision)),
        past_(kv.past.begin(), kv.past.end()),
        present_(kv.present) {}

  // token_dim: the symbolic dimension that counts tokens, or empty (see import_onnx).
  void run(onnx::ModelProto& model, const SymbolicDims& symbolic_dims, const std::set<std::string>& may_be_zero,
           const std::string& token_dim, Graph& graph) {
    onnx::GraphProto& g = *model.mutable_graph();
    std::unordered_set<std::string> available;  // tensors no node produces
    for (const auto& t : g.initializer()) {
      available.insert(t.name());
      initializers_[t.name()] = Initializer{Shape(t.dims().begin(), t.dims().end()), t.data_type()};
    }
    for (const auto& t : g.sparse_initializer()) {
      available.insert(t.values().name());
      initializers_[t.values().name()] =
          Initializer{Shape(t.dims().begin(), t.dims().end()), t.values().data_type()};
    }
    std::unordered_set<std::string> constants = available;
    for (const auto& input : g.input()) available.insert(input.name());
    available.insert("");

    const auto names = bind_symbolic_dims(g, constants, symbolic_dims, may_be_zero, file_, graph.warnings);
    new_tokens_ = graph.tokens_per_sequence;
    for (const auto& input : g.input()) {
      if (!past_.count(input.name())) continue;
      const auto& shape = input.type().tensor_type().shape();  // rank 4, checked by find_kv_cache
      graph.kv_cache_bytes_per_token += static_cast<std::int64_t>(
          static_cast<double>(shape.dim(1).dim_value() * shape.dim(3).dim_value()) * kv_bpe_);
    }
    if (!token_dim.empty() && !names.count(token_dim)) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + in_quotes(n);
      throw InputError(file_, "--token-dim",
                       "no input of the model has a symbolic dimension " + in_quotes(token_dim) +
                           (known.empty() ? " (it has none)" : " (it has " + known + ")"));
    }
    const std::vector<int> original_index = sort_nodes(g, available, file_);
    warn_about_new_opsets(model, graph.warnings);
    if (g.node_size() == 0)
      graph.warnings.push_back("the ONNX graph has no nodes: there is nothing to compute, every figure is zero");
    onnx_checks::check_before_inference(model, file_);
    infer_shapes(model);
    collect_shapes(g);
    // Ops newer than the installed ONNX (e.g. Gelu, opset 20) have no schema, so inference
    // stops at them. Their shapes follow from their inputs: declare them and infer again.
    for (int round = 0; round < g.node_size() && declare_derived_shapes(g); ++round) {
      infer_shapes(model);
      collect_shapes(g);
    }
    find_weights(g);

    for (int i = 0; i < g.node_size(); ++i)
      import_node(g.node(i), original_index[static_cast<std::size_t>(i)], graph);

    // Each initializer is below 2^44 elements (checked before inference), but there may be many.
    for (const auto& [name, info] : initializers_)
      if (weights_.count(name) && __builtin_add_overflow(graph.parameters, element_count(info.shape), &graph.parameters))
        throw InputError(file_, "initializer " + in_quotes(name), "the model's parameters overflow a 64-bit count");
    for (const auto& name : embedding_tables_)
      graph.input_embedding_parameters += element_count(initializers_.at(name).shape);
  }

 private:
  struct Initializer {
    Shape shape;
    int type = 0;
  };

  void infer_shapes(onnx::ModelProto& model) const {
    try {
      std::unordered_map<std::string, onnx::TensorShapeProto> shape_data;
      const onnx::ShapeInferenceOptions options(/*check_type_val=*/false, /*strict_mode_val=*/0,
                                                /*data_prop_val=*/true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options,
                                         &shape_data);
    } catch (const std::exception& e) {
      throw InputError(file_, "", std::string("ONNX shape inference failed: ") + e.what());
    }
  }

  void warn_about_new_opsets(const onnx::ModelProto& model, std::vector<std::string>& warnings) {
    const auto& known_versions = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    const auto it = known_versions.find("");
    if (it == known_versions.end()) return;
    for (const auto& opset : model.opset_import())
      if (default_domain(opset.domain()) && opset.version() > it->second.second)
        warnings.push_back("the model uses ONNX opset " + std::to_string(opset.version()) +
                           " but the installed ONNX library knows opsets up to " +
                           std::to_string(it->second.second) +
                           ": shapes of operators changed since then may be inferred wrongly");
  }

  // Declares (as value_info) the output shape of element-wise, softmax and normalisation
  // nodes that inference left unknown although their inputs are known. Returns whether any
  // shape was added.
  bool declare_derived_shapes(onnx::GraphProto& g) {
    bool added = false;
    for (int n = 0; n < g.node_size(); ++n) {
      const onnx::NodeProto& node = g.node(n);
      if (!default_domain(node.domain()) || node.output_size() == 0 ||
          node.output(0).empty() || known(node.output(0)))
        continue;
      const auto rule = rules().find(node.op_type());
      if (rule == rules().end()) continue;
      const Cost cost = rule->second.cost;
      const bool first_input_only = cost == Cost::softmax || cost == Cost::norm;
      if (!first_input_only && cost != Cost::elementwise && cost != Cost::variadic) continue;
      if (node.input_size() == 0 || node.input(0).empty()) continue;
      Op op;
      op.name = node_name(node, n);
      Shape shape;
      bool complete = true;
      for (int i = 0; i < (first_input_only ? 1 : node.input_size()) && complete; ++i) {
        if (node.input(i).empty() || !is_data_input(node.op_type(), i)) continue;
        const auto input = known(node.input(i));
        if (input)
          shape = broadcast(op, shape, *input);
        else
          complete = false;
      }
      auto type = elem_types_.find(node.output(0));
      if (type == elem_types_.end()) type = elem_types_.find(node.input(0));
      if (!complete || type == elem_types_.end()) continue;
      auto* info = g.add_value_info();
      info->set_name(node.output(0));
      auto* tensor = info->mutable_type()->mutable_tensor_type();
      tensor->set_elem_type(type->second);
      for (const std::int64_t d : shape) tensor->mutable_shape()->add_dim()->set_dim_value(d);
      shapes_[node.output(0)] = shape;
      added = true;
    }
    return added;
  }

  void collect_shapes(const onnx::GraphProto& g) {
    const auto record = [&](const onnx::ValueInfoProto& info) {
      if (info.type().has_tensor_type() && info.type().tensor_type().elem_type() != 0)
        elem_types_[info.name()] = info.type().tensor_type().elem_type();
      auto shape = shape_of(info.type());
      // Inference multiplies and adds dimensions unchecked: a wrapped or huge result stops here.
      if (shape) onnx_checks::checked_element_count(*shape, file_, "tensor " + in_quotes(info.name()));
      auto& slot = shapes_[info.name()];
      if (shape) slot = std::move(shape);
    };
    for (const auto& info : g.value_info()) record(info);
    for (const auto& info : g.output()) record(info);
    for (const auto& info : g.input()) record(info);
    for (const auto& [name, info] : initializers_) {
      shapes_[name] = info.shape;
      elem_types_[name] = info.type;
    }
  }

  void find_weights(const onnx::GraphProto& g) {
    for (const auto& node : g.node())
      for (int i = 0; i < node.input_size(); ++i) {
        const auto it = initializers_.find(node.input(i));
        if (it == initializers_.end() || !is_data_input(node.op_type(), i)) continue;
        if (weight_element_type(it->second.type) && element_count(it->second.shape) >= 2)
          weights_.insert(it->first);
      }
  }

  std::optional<Shape> known(const std::string& tensor) const {
    const auto it = shapes_.find(tensor);
    return it == shapes_.end() ? std::nullopt : it->second;
  }

  void remember(const std::string& tensor, const Shape& shape) {
    auto& slot = shapes_[tensor];
    if (!slot) slot = shape;
  }

  [[noreturn]] void fail(const Op& op, const std::string& reason) const {
    throw InputError(file_, "node " + in_quotes(op.name), reason);
  }

  Shape need(const Op& op, const std::string& tensor) const {
    if (auto shape = known(tensor)) return *shape;
    std::string reason = "the shape of tensor " + in_quotes(tensor) +
                         " is unknown after ONNX shape inference, so this op cannot be costed";
    const auto producer = producer_.find(tensor);
    if (producer != producer_.end()) {
      const Op& source = ops_->at(static_cast<std::size_t>(producer->second));
      if (source.kind == OpKind::unsupported)
        reason += " (it comes from the uncosted node " + in_quotes(source.name) + ")";
    }
    fail(op, reason);
  }

  Shape broadcast(const Op& op, const Shape& a, const Shape& b) const {
    Shape out(std::max(a.size(), b.size()), 1);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
      const std::int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
      if (da != db && da != 1 && db != 1)
        fail(op, "shapes " + describe(a) + " and " + describe(b) + " cannot be broadcast");
      out[out.size() - 1 - i] = da == 1 ? db : da;
    }
    return out;
  }

  // Output shape of ops whose output follows from the data inputs by broadcasting; used when
  // ONNX inference had no answer (e.g. an op newer than the installed ONNX, like Gelu).
  Shape elementwise_output(const onnx::NodeProto& node, const Op& op) {
    if (auto shape = known(node.output(0))) return *shape;
    Shape out;
    for (int i = 0; i < node.input_size(); ++i)
      if (!node.input(i).empty() && is_data_input(node.op_type(), i))
        out = broadcast(op, out, need(op, node.input(i)));
    remember(node.output(0), out);
    return out;
  }

  void cost_matmul(const onnx::NodeProto& node, const Rule& rule, Op& op) {
    if (node.input_size() <= std::max(rule.a, rule.b)) fail(op, "missing operand");
    Shape a = need(op, node.input(rule.a));
    Shape b = need(op, node.input(rule.b));
    if (a.empty() || b.empty()) fail(op, "operands of a matrix product must not be scalars");
    const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
    if (a_vector) a.insert(a.begin(), 1);
    if (b_vector) b.push_back(1);
    const std::int64_t m = a[a.size() - 2], k = a.back(), n = b.back();
    if (b[b.size() - 2] != k)
      fail(op, "inner dimensions differ: " + describe(a) + " x " + describe(b));
    const Shape batch = broadcast(op, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
    const std::int64_t count = element_count(batch);
    op.kind = OpKind::matmul;
    op.flops = 2.0 * static_cast<double>(count) * static_cast<double>(m) *
               static_cast<double>(k) * static_cast<double>(n);
    if (b.size() == 2)
      op.gemm = GemmShape{count * m, k, n, 1};  // a shared matrix: the batch is just more rows
    else
      op.gemm = GemmShape{m, k, n, count};
    Shape out = batch;
    if (!a_vector) out.push_back(m);
    if (!b_vector) out.push_back(n);
    remember(node.output(0), out);
  }

  void cost_gemm(const onnx::NodeProto& node, Op& op) {
    if (node.input_size() < 2) fail(op, "Gemm needs inputs A and B");
    const Shape a = need(op, node.input(0)), b = need(op, node.input(1));
    if (a.size() != 2 || b.size() != 2)
      fail(op, "Gemm operands must be matrices, got " + describe(a) + " and " + describe(b));
    const bool trans_a = int_attribute(node, "transA", 0) != 0;
    const bool trans_b = int_attribute(node, "transB", 0) != 0;
    const std::int64_t m = trans_a ? a[1] : a[0], k = trans_a ? a[0] : a[1];
    const std::int64_t kb = trans_b ? b[1] : b[0], n = trans_b ? b[0] : b[1];
    if (k != kb) fail(op, "inner dimensions differ: " + describe(a) + " x " + describe(b));
    const double mn = static_cast<double>(m) * static_cast<double>(n);
    op.kind = OpKind::matmul;
    op.gemm = GemmShape{m, k, n, 1};
    op.flops = 2.0 * mn * static_cast<double>(k);
    if (float_attribute(node, "alpha", 1.0F) != 1.0F) op.flops += mn;
    const bool bias = node.input_size() > 2 && !node.input(2).empty();
    if (bias && float_attribute(node, "beta", 1.0F) != 0.0F) op.flops += mn;
    remember(node.output(0), Shape{m, n});
  }

  void cost_conv(const onnx::NodeProto& node, Op& op, bool transpose) {
    if (node.input_size() < 2) fail(op, "convolution needs inputs X and W");
    const Shape x = need(op, node.input(0)), w = need(op, node.input(1));
    const Shape y = need(op, node.output(0));
    if (w.size() < 3 || x.size() != w.size() || y.size() != w.size())
      fail(op, "unexpected convolution shapes: X " + describe(x) + ", W " + describe(w) +
                   ", Y " + describe(y));
    const std::int64_t group = int_attribute(node, "group", 1);  // >= 1: checked before inference
    if (group < 1 || w[0] % group != 0)  // W[0] is Cout (Conv) or Cin (ConvTranspose): both split into groups
      fail(op, "group " + std::to_string(group) + " does not divide the weight's first dimension " + std::to_string(w[0]));
    const std::int64_t kernel = product(w.begin() + 2, w.end());
    const std::int64_t out = element_count(y);
    op.kind = OpKind::conv;
    if (!transpose) {
      // W: [Cout, Cin/group, k...]
      op.flops = 2.0 * static_cast<double>(out) * static_cast<double>(w[1] * kernel);
      op.gemm = GemmShape{y[0] * product(y.begin() + 2, y.end()), w[1] * kernel, w[0] / group,
                          group};
    } else {
      // W: [Cin, Cout/group, k...]; every input element scatters into Cout/group * kernel outputs
      op.flops = 2.0 * static_cast<double>(element_count(x)) * static_cast<double>(w[1] * kernel);
      op.gemm = GemmShape{x[0] * product(x.begin() + 2, x.end()), w[0] / group, w[1] * kernel,
                          group};
    }
    if (node.input_size() > 2 && !node.input(2).empty()) op.flops += static_cast<double>(out);
  }

  void cost(const onnx::NodeProto& node, const Rule& rule, Op& op) {
    const auto count = [](const Shape& s) { return static_cast<double>(element_count(s)); };
    if (node.output_size() == 0 || node.output(0).empty()) fail(op, "the node has no output");
    const bool reads_input_0 = rule.cost != Cost::data_movement && rule.cost != Cost::metadata &&
                               rule.cost != Cost::resize && rule.cost != Cost::gather;
    if (reads_input_0 && (node.input_size() == 0 || node.input(0).empty()))
      fail(op, "the node has no first input");
    switch (rule.cost) {
      case Cost::matmul: cost_matmul(node, rule, op); break;
      case Cost::gemm: cost_gemm(node, op); break;
      case Cost::conv: cost_conv(node, op, false); break;
      case Cost::conv_transpose: cost_conv(node, op, true); break;
      case Cost::elementwise:
        op.kind = OpKind::elementwise;
        op.flops = rule.per_element * count(elementwise_output(node, op));
        break;
      case Cost::variadic: {
        int inputs = 0;
        for (const auto& input : node.input()) inputs += input.empty() ? 0 : 1;
        op.kind = OpKind::elementwise;
        op.flops = std::max(1.0, inputs - 1 + rule.per_element) * count(elementwise_output(node, op));
        break;
      }
      case Cost::reduce:
        op.kind = OpKind::elementwise;
        op.flops = rule.per_element * count(need(op, node.input(0)));
        break;
      case Cost::softmax:
        op.kind = OpKind::softmax;
        op.flops = rule.per_element * count(elementwise_output(node, op));
        break;
      case Cost::norm: {
        op.kind = OpKind::norm;
        Shape out;
        if (const auto shape = known(node.output(0))) {
          out = *shape;
        } else {
          out = need(op, node.input(0));  // normalisations keep the shape of their input
          remember(node.output(0), out);
        }
        double per_element = rule.per_element;
        if (node.op_type() == "LayerNormalization" && node.input_size() > 2 &&
            !node.input(2).empty())
          per_element += 1;
        op.flops = per_element * count(out);
        break;
      }
      case Cost::pool: {
        const auto* kernel = find_attribute(node, "kernel_shape");
        if (!kernel || kernel->ints_size() == 0) fail(op, "pooling without kernel_shape");
        op.kind = OpKind::elementwise;
        op.flops = rule.per_element * count(need(op, node.output(0))) *
                   count(Shape(kernel->ints().begin(), kernel->ints().end()));
        break;
      }
      case Cost::global_pool:
        op.kind = OpKind::elementwise;
        op.flops = rule.per_element * count(need(op, node.input(0)));
        break;
      case Cost::data_movement:
      case Cost::metadata:
      case Cost::resize:
        op.kind = OpKind::data_movement;
        break;
      case Cost::gather:
        op.kind = node.input_size() > 0 && weights_.count(node.input(0)) ? OpKind::embedding
                                                                         : OpKind::data_movement;
        break;
    }
  }

  void import_node(const onnx::NodeProto& node, int index, Graph& graph) {
    ops_ = &graph.ops;
    Op op;
    op.name = node_name(node, index);
    op.op_type = node.op_type();
    op.block = "onnx";
    op.layer = -1;

    std::set<int> producers;
    for (const auto& input : node.input()) {
      const auto it = producer_.find(input);
      if (it != producer_.end()) producers.insert(it->second);
    }
    op.producers.assign(producers.begin(), producers.end());

    const std::string& type = node.op_type();
    std::optional<Rule> rule;
    if (default_domain(node.domain())) {
      const auto it = rules().find(type);
      if (it != rules().end()) rule = it->second;
      if (rule && rule->cost == Cost::resize &&
          string_attribute(node, "mode", "nearest") != "nearest")
        rule.reset();
    }

    if (rule) {
      cost(node, *rule, op);
    } else {
      op.kind = OpKind::unsupported;
      const std::string qualified = default_domain(node.domain()) ? type : node.domain() + "." + type;
      graph.warnings.push_back("op " + in_quotes(qualified) + " (node " + in_quotes(op.name) +
                               ") is not costed: counted with 0 FLOPs");
    }
    const bool costed = op.kind != OpKind::unsupported;

    // Bytes: weights at the weight precision, everything else read as data (and index
    // operands) at the activation precision; shape/axes operands are not counted. Each distinct
    // tensor counts once per op. Costed ops need every shape; uncosted ones count what is known.
    const auto activation_bytes = [&](const std::string& tensor) {
      const auto shape = costed ? std::optional<Shape>(need(op, tensor)) : known(tensor);
      return shape ? static_cast<double>(element_count(*shape)) * activation_bpe_ : 0.0;
    };
    const auto cache_bytes = [&](const std::string& tensor) {
      return static_cast<double>(element_count(need(op, tensor))) * kv_bpe_;
    };
    const bool appends = std::any_of(node.output().begin(), node.output().end(),
                                     [&](const std::string& o) { return present_.count(o) > 0; });
    std::set<std::string> seen;
    for (int i = 0; i < node.input_size(); ++i) {
      const std::string& input = node.input(i);
      if (input.empty() || !seen.insert(input).second) continue;
      if (past_.count(input) || present_.count(input)) {  // the KV cache (see the file comment)
        if (!(appends && past_.count(input))) op.kv_read_bytes += cache_bytes(input);
        continue;
      }
      if (!is_data_input(type, i)) {
        if (is_index_input(type, i)) op.input_bytes += activation_bytes(input);
        continue;
      }
      if (weights_.count(input)) {
        const std::int64_t elements = element_count(initializers_.at(input).shape);
        if (owned_.insert(input).second) op.parameters += elements;
        if (op.kind == OpKind::embedding && i == 0) {
          embedding_tables_.insert(input);
          op.weight_read_bytes +=
              static_cast<double>(element_count(need(op, node.output(0)))) * weight_bpe_;
        } else {
          op.weight_read_bytes += static_cast<double>(elements) * weight_bpe_;
        }
        continue;
      }
      if (rule && rule->cost == Cost::metadata) continue;  // Shape/Size read no data
      op.input_bytes += activation_bytes(input);
    }
    for (const auto& output : node.output()) {
      if (output.empty()) continue;
      if (present_.count(output)) {  // written for its new positions only: [batch, heads, past + new, head_dim]
        const Shape shape = need(op, output);
        if (shape.size() != 4)
          fail(op, "the KV-cache output " + in_quotes(output) + " is not [batch, kv_heads, length, head_dim]: " + describe(shape));
        if (shape[2] > 0)
          op.kv_write_bytes += cache_bytes(output) * static_cast<double>(std::min(new_tokens_, shape[2])) /
                               static_cast<double>(shape[2]);
        continue;
      }
      op.output_bytes += activation_bytes(output);
    }
    op.weight_bytes = static_cast<double>(op.parameters) * weight_bpe_;

    const int op_index = static_cast<int>(graph.ops.size());
    for (const auto& output : node.output())
      if (!output.empty()) producer_[output] = op_index;
    graph.ops.push_back(std::move(op));
  }

  std::string file_;
  double weight_bpe_, activation_bpe_, kv_bpe_;
  std::set<std::string> past_, present_;  // the KV cache's inputs and outputs
  std::int64_t new_tokens_ = 1;           // tokens per sequence this step adds to the cache
  std::unordered_map<std::string, Initializer> initializers_;
  std::unordered_map<std::string, std::optional<Shape>> shapes_;
  std::unordered_map<std::string, int> elem_types_;
  std::unordered_set<std::string> weights_;
  std::unordered_set<std::string> owned_;
  std::set<std::string> embedding_tables_;
  std::unordered_map<std::string, int> producer_;  // tensor -> index of the op producing it
  const std::vector<Op>* ops_ = nullptr;
};

}  // namespace

Graph import_onnx(const std::filesystem::path& path, const Scenario& scenario,
                  const SymbolicDims& symbolic_dims, const std::string& token_dim) {
  const std::string file = path.string();
  onnx::ModelProto model = load_model(path, file);

  const KvCache kv = find_kv_cache(model.graph(), file);
  SymbolicDims dims = symbolic_dims;
  std::string tokens_dim = token_dim;
  std::set<std::string> may_be_zero;
  std::int64_t past = 0;
  const bool decode = scenario.phase == Phase::decode;
  if (kv.found()) {
    if (tokens_dim.empty()) tokens_dim = kv.token_dim;
    if (tokens_dim.empty())
      throw InputError(file, "--token-dim", "the model has a KV cache (input " + in_quotes(kv.past.front()) +
                                                "), so it counts tokens: name the dimension of the new tokens (no "
                                                "input_ids [batch, tokens] input names it)");
    if (kv.past_dim.empty()) {
      past = kv.fixed_past;
    } else {
      const auto given = symbolic_dims.find(kv.past_dim);
      past = given != symbolic_dims.end() ? given->second
             : decode                     ? (scenario.context_tokens > 0 ? scenario.context_tokens : scenario.seq_tokens)
                                          : 0;
      dims[kv.past_dim] = past;
      may_be_zero.insert(kv.past_dim);
    }
    if (decode && !symbolic_dims.count(tokens_dim)) dims[tokens_dim] = 1;  // one new token per sequence
  }
  if (!tokens_dim.empty()) dims.emplace(tokens_dim, scenario.seq_tokens);  // --seq unless --dim gives it
  for (const auto& total : kv.total_dims)
    if (!symbolic_dims.count(total)) dims[total] = past + dims.at(tokens_dim);

  Graph graph;
  graph.model_name = path.stem().string();
  graph.model_type = "onnx";
  graph.scenario = scenario;
  graph.unit = tokens_dim.empty() ? WorkUnit::inference : WorkUnit::token;
  graph.tokens_per_sequence = tokens_dim.empty() ? 1 : dims.at(tokens_dim);
  graph.tokens = scenario.batch * graph.tokens_per_sequence;
  if (!tokens_dim.empty()) graph.scenario.seq_tokens = graph.tokens_per_sequence;
  if (kv.found() && decode) graph.scenario.context_tokens = past;

  Importer(file, scenario, kv).run(model, dims, may_be_zero, tokens_dim, graph);
  graph.decode_parameters = graph.parameters;
  if (kv.found())
    graph.notes.push_back(fmt::format(
        "KV cache recognised: {} past inputs ({}{}), {} present outputs; {} phase: past length {} = {}, new tokens {} = {}; "
        "{} bytes per token of context at {}",
        kv.past.size(), kv.past.front(), kv.past.size() > 1 ? " ... " + kv.past.back() : "", kv.present.size(),
        to_string(scenario.phase), kv.past_dim.empty() ? "(fixed)" : in_quotes(kv.past_dim), past, in_quotes(tokens_dim),
        graph.tokens_per_sequence, graph.kv_cache_bytes_per_token, to_string(scenario.kv_precision)));
  return graph;
}

}  // namespace meshforge::workload
