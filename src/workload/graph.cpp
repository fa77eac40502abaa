#include "workload/graph.h"

#include <array>
#include <numeric>
#include <utility>

namespace meshforge::workload {
namespace {
constexpr std::array<std::pair<Precision, std::string_view>, 6> kPrecisionNames{{
    {Precision::fp32, "fp32"}, {Precision::fp16, "fp16"}, {Precision::bf16, "bf16"},
    {Precision::fp8, "fp8"},   {Precision::int8, "int8"}, {Precision::int4, "int4"},
}};
}  // namespace

Precision mac_precision(const Scenario& s) {
  return bytes_per_element(s.weight_precision) > bytes_per_element(s.activation_precision) ? s.weight_precision
                                                                                          : s.activation_precision;
}

double bytes_per_element(Precision p) {
  switch (p) {
    case Precision::fp32: return 4.0;
    case Precision::fp16:
    case Precision::bf16: return 2.0;
    case Precision::fp8:
    case Precision::int8: return 1.0;
    case Precision::int4: return 0.5;
  }
  return 0.0;
}

std::string_view to_string(Precision p) {
  for (const auto& [value, name] : kPrecisionNames)
    if (value == p) return name;
  return "?";
}

std::optional<Precision> parse_precision(std::string_view name) {
  for (const auto& [value, known] : kPrecisionNames)
    if (known == name) return value;
  return std::nullopt;
}

std::string_view to_string(Phase p) { return p == Phase::prefill ? "prefill" : "decode"; }

std::optional<Phase> parse_phase(std::string_view name) {
  if (name == "prefill") return Phase::prefill;
  if (name == "decode") return Phase::decode;
  return std::nullopt;
}

std::string_view to_string(WorkUnit u) { return u == WorkUnit::token ? "token" : "inference"; }

std::string_view plural(WorkUnit u) { return u == WorkUnit::token ? "tokens" : "inferences"; }

std::string_view to_string(OpKind k) {
  switch (k) {
    case OpKind::matmul: return "matmul";
    case OpKind::attention_scores: return "attention_scores";
    case OpKind::attention_context: return "attention_context";
    case OpKind::softmax: return "softmax";
    case OpKind::norm: return "norm";
    case OpKind::elementwise: return "elementwise";
    case OpKind::embedding: return "embedding";
    case OpKind::conv: return "conv";
    case OpKind::data_movement: return "data_movement";
    case OpKind::unsupported: return "unsupported";
  }
  return "?";
}

double Graph::total_flops() const {
  return std::accumulate(ops.begin(), ops.end(), 0.0,
                         [](double sum, const Op& op) { return sum + op.flops; });
}

double Graph::total_weight_read_bytes() const {
  return std::accumulate(ops.begin(), ops.end(), 0.0,
                         [](double sum, const Op& op) { return sum + op.weight_read_bytes; });
}

double Graph::total_weight_bytes() const {
  return static_cast<double>(parameters) * bytes_per_element(scenario.weight_precision);
}

}  // namespace meshforge::workload
