// See onnx_checks.h. Why each check exists (libonnx 1.12, onnx/defs/nn/defs.cc):
//  - convPoolShapeInference takes a convolution's kernel from W's dimensions when kernel_shape
//    is absent and then indexes X's shape with it: a W of higher rank than X reads past X's
//    shape (SIGSEGV). Ranks known before inference are compared here; otherwise kernel_shape is
//    filled in from the constant weight, which libonnx does compare with X's rank.
//  - ConvTranspose reads W's dimension 1 without checking W's rank.
//  - Strides divide output sizes: a stride of 0 is SIGFPE.
//  - Attribute values and dimensions feed int64 arithmetic there and in the importer.
#include "workload/onnx_checks.h"

#include <string_view>
#include <unordered_map>

#include "common/input_error.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

namespace meshforge::workload::onnx_checks {
namespace {

using Shape = std::vector<std::int64_t>;
// Tensors whose dimensions are known before inference: initializers and Constant outputs, and
// what shape-preserving ops make of them (a quantised weight is DequantizeLinear(initializer)).
using Constants = std::unordered_map<std::string, Shape>;
using Opsets = std::unordered_map<std::string, std::int64_t>;

std::string quoted(std::string_view text) {
  std::string out = "'";  // built by appending: GCC 12 -Wrestrict misreads "'" + std::string(...)
  out.append(text);
  out += '\'';
  return out;
}

bool default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, std::string_view name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

// Which input of a convolution is its weight, or -1 for other ops.
int conv_weight_input(const std::string& op) {
  if (op == "Conv" || op == "ConvInteger" || op == "ConvTranspose") return 1;
  if (op == "QLinearConv") return 3;
  return -1;
}

bool is_windowed_pool(const std::string& op) {
  return op == "MaxPool" || op == "AveragePool" || op == "LpPool";
}

bool is_pool(const std::string& op) {
  return is_windowed_pool(op) || op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "GlobalLpPool";
}

bool preserves_shape(const std::string& op) {
  return op == "Identity" || op == "Cast" || op == "CastLike" || op == "DequantizeLinear" ||
         op == "QuantizeLinear" || op == "Neg" || op == "Abs";
}

class Checker {
 public:
  Checker(const std::string& file, Opsets opsets) : file_(file), opsets_(std::move(opsets)) {}

  // prefix: how the graph is reached ("" for the main graph, "node 'loop'.body." inside one).
  void graph(onnx::GraphProto& g, Constants constants, const std::string& prefix) {
    for (const auto& info : g.input()) declared_dims(info, prefix);
    for (const auto& info : g.output()) declared_dims(info, prefix);
    for (const auto& info : g.value_info()) declared_dims(info, prefix);
    for (const auto& t : g.initializer()) {
      const Shape dims(t.dims().begin(), t.dims().end());
      checked_element_count(dims, file_, prefix + "initializer " + quoted(t.name()));
      constants[t.name()] = dims;
    }
    for (const auto& t : g.sparse_initializer()) {
      const Shape dims(t.dims().begin(), t.dims().end());
      checked_element_count(dims, file_, prefix + "sparse_initializer " + quoted(t.values().name()));
      constants[t.values().name()] = dims;
    }
    std::unordered_map<std::string, int> input_rank;
    for (const auto& info : g.input())
      if (info.type().has_tensor_type() && info.type().tensor_type().has_shape())
        input_rank[info.name()] = info.type().tensor_type().shape().dim_size();
    for (const auto& [name, dims] : constants) input_rank[name] = static_cast<int>(dims.size());

    for (int i = 0; i < g.node_size(); ++i) {
      onnx::NodeProto& n = *g.mutable_node(i);
      const std::string field =
          prefix + "node " + quoted(n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name());
      verify_against_schema(n, field);
      for (auto& a : *n.mutable_attribute()) {
        if (a.has_g()) graph(*a.mutable_g(), constants, field + "." + a.name() + ".");
        for (auto& sub : *a.mutable_graphs()) graph(sub, constants, field + "." + a.name() + ".");
      }
      if (default_domain(n.domain())) window(n, field, constants, input_rank);
      track_constants(n, constants, input_rank);
    }
  }

  void function(onnx::FunctionProto& f) {
    Opsets outer = opsets_;
    for (const auto& opset : f.opset_import()) opsets_[opset.domain()] = opset.version();
    onnx::GraphProto body;  // the checks read a graph: a function's nodes, no declared inputs
    for (const auto& n : f.node()) *body.add_node() = n;
    graph(body, {}, "function " + quoted(f.name()) + ".");
    *f.mutable_node() = body.node();  // kernel_shape may have been filled in
    opsets_ = std::move(outer);
  }

 private:
  void declared_dims(const onnx::ValueInfoProto& info, const std::string& prefix) {
    if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape()) return;
    Shape dims;
    for (const auto& d : info.type().tensor_type().shape().dim())
      if (d.has_dim_value()) dims.push_back(d.dim_value());
    checked_element_count(dims, file_, prefix + "tensor " + quoted(info.name()));
  }

  void verify_against_schema(const onnx::NodeProto& n, const std::string& field) const {
    const auto opset = opsets_.find(default_domain(n.domain()) ? "" : n.domain());
    if (opset == opsets_.end()) return;  // inference has no schema for it either
    const auto* schema = onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(opset->second),
                                                        default_domain(n.domain()) ? "" : n.domain());
    if (!schema || schema->Deprecated()) return;  // newer than the installed ONNX: no inference runs
    try {
      schema->Verify(n);
    } catch (const std::exception& e) {
      throw InputError(file_, field, n.op_type() + ": " + e.what());
    }
  }

  std::vector<std::int64_t> ints(const onnx::NodeProto& n, std::string_view name, const std::string& field,
                                 std::int64_t low, std::int64_t high) const {
    const auto* a = attribute(n, name);
    if (!a) return {};
    for (const std::int64_t v : a->ints())
      if (v < low || v > high)
        throw InputError(file_, field + "." + std::string(name),
                         n.op_type() + ": every value must be in [" + std::to_string(low) + ", " +
                             std::to_string(high) + "], got " + std::to_string(v));
    return {a->ints().begin(), a->ints().end()};
  }

  // Convolutions and pools: the ranks and attributes their shape inference indexes with.
  void window(onnx::NodeProto& n, const std::string& field, const Constants& constants,
              const std::unordered_map<std::string, int>& rank) {
    const std::string& op = n.op_type();
    const int w_index = conv_weight_input(op);
    if (w_index < 0 && !is_pool(op)) return;
    const auto known_rank = [&](int i) {
      if (i >= n.input_size()) return -1;
      const auto it = rank.find(n.input(i));
      return it == rank.end() ? -1 : it->second;
    };
    const int x = known_rank(0), w = w_index >= 0 ? known_rank(w_index) : -1;
    if (x >= 0 && x < 3)
      throw InputError(file_, field, op + " needs an input of rank >= 3 (batch, channels, spatial...), got rank " + std::to_string(x));
    if (w_index >= 0 && w >= 0 && w < 3)
      throw InputError(file_, field, op + " needs a weight of rank >= 3 (output and input channels, kernel...), got rank " + std::to_string(w));
    if (w_index >= 0 && x >= 0 && w >= 0 && x != w)
      throw InputError(file_, field, op + ": input rank " + std::to_string(x) + " and weight rank " + std::to_string(w) + " differ");
    // group = 0 divides by zero in shape inference and cost; it was read as 1 (issue 10 item 12).
    if (const auto* g = attribute(n, "group"); g && w_index >= 0 && (g->i() < 1 || g->i() > kMaxWindow))
      throw InputError(file_, field + ".group", op + ": group must be >= 1, got " + std::to_string(g->i()));
    if (op.rfind("Global", 0) == 0) return;

    const auto kernel = ints(n, "kernel_shape", field, 1, kMaxWindow);
    const auto strides = ints(n, "strides", field, 1, kMaxWindow);
    const auto dilations = ints(n, "dilations", field, 1, kMaxWindow);
    const auto pads = ints(n, "pads", field, 0, kMaxWindow);
    ints(n, "output_padding", field, 0, kMaxWindow);
    ints(n, "output_shape", field, 0, kMaxDimension);

    long spatial = x >= 0 ? x - 2 : w >= 0 ? w - 2 : -1;
    if (attribute(n, "kernel_shape")) {
      if (spatial >= 0 && static_cast<long>(kernel.size()) != spatial)
        throw InputError(file_, field + ".kernel_shape", op + ": " + std::to_string(kernel.size()) +
                                                             " values for " + std::to_string(spatial) + " spatial dimensions");
      spatial = static_cast<long>(kernel.size());
    }
    const auto same_length = [&](const char* name, const std::vector<std::int64_t>& values, long per_dim) {
      if (attribute(n, name) && spatial >= 0 && static_cast<long>(values.size()) != per_dim * spatial)
        throw InputError(file_, field + "." + name, op + ": " + std::to_string(values.size()) + " values for " +
                                                        std::to_string(spatial) + " spatial dimensions");
    };
    same_length("strides", strides, 1);
    same_length("dilations", dilations, 1);
    same_length("pads", pads, 2);

    if (w_index < 0) return;  // pools: kernel_shape is required, and their schema checks it is there
    const auto weight = w_index < n.input_size() ? constants.find(n.input(w_index)) : constants.end();
    if (op == "ConvTranspose" && weight == constants.end())
      throw InputError(file_, field, op + ": its weight must be a constant (an initializer or Constant, possibly "
                                          "through DequantizeLinear or Cast), so its rank can be checked before ONNX "
                                          "shape inference");
    if (attribute(n, "kernel_shape")) return;
    if (weight == constants.end())
      throw InputError(file_, field, op + " has no kernel_shape and its weight is computed, so its kernel cannot be "
                                          "checked against its input before ONNX shape inference: give the node a "
                                          "kernel_shape attribute");
    auto* filled = n.add_attribute();
    filled->set_name("kernel_shape");
    filled->set_type(onnx::AttributeProto::INTS);
    for (std::size_t d = 2; d < weight->second.size(); ++d) {
      if (weight->second[d] < 1 || weight->second[d] > kMaxWindow)
        throw InputError(file_, field, op + ": weight dimension " + std::to_string(d) + " is " +
                                           std::to_string(weight->second[d]) + ", outside [1, " +
                                           std::to_string(kMaxWindow) + "]");
      filled->add_ints(weight->second[d]);
    }
  }

  void track_constants(const onnx::NodeProto& n, Constants& constants,
                       std::unordered_map<std::string, int>& rank) const {
    if (n.output_size() < 1 || n.output(0).empty() || !default_domain(n.domain())) return;
    const std::string& out = n.output(0);
    if (n.op_type() == "Constant") {
      if (const auto* value = attribute(n, "value"); value && value->has_t())
        constants[out] = Shape(value->t().dims().begin(), value->t().dims().end());
    } else if (preserves_shape(n.op_type()) && n.input_size() > 0) {
      if (const auto it = constants.find(n.input(0)); it != constants.end()) constants[out] = it->second;
    }
    if (const auto it = constants.find(out); it != constants.end())
      rank[out] = static_cast<int>(it->second.size());
  }

  const std::string& file_;
  Opsets opsets_;
};

}  // namespace

std::int64_t checked_element_count(const std::vector<std::int64_t>& dims, const std::string& file,
                                   const std::string& field) {
  std::int64_t count = 1;
  for (const std::int64_t d : dims) {
    if (d < 0 || d > kMaxDimension)
      throw InputError(file, field, "dimension " + std::to_string(d) + " is outside [0, 2^40]");
    if (__builtin_mul_overflow(count, d, &count) || count > kMaxElements)
      throw InputError(file, field, "more than 2^44 elements: larger than any real tensor");
  }
  return count;
}

void check_before_inference(onnx::ModelProto& model, const std::string& file) {
  Opsets opsets;
  for (const auto& opset : model.opset_import())
    opsets[default_domain(opset.domain()) ? "" : opset.domain()] = opset.version();
  Checker checker(file, opsets);
  checker.graph(*model.mutable_graph(), {}, "");
  for (auto& f : *model.mutable_functions()) checker.function(f);
}

}  // namespace meshforge::workload::onnx_checks
