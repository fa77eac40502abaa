#include "workload/summary.h"

#include <algorithm>

namespace meshforge::workload {
namespace {

void accumulate(Totals& t, const Op& op) {
  t.ops += 1;
  t.parameters += op.parameters;
  t.flops += op.flops;
  t.weight_read_bytes += op.weight_read_bytes;
  t.activation_bytes += op.input_bytes + op.output_bytes;
  t.kv_bytes += op.kv_read_bytes + op.kv_write_bytes;
}

Totals& entry(std::vector<std::pair<std::string, Totals>>& list, const std::string& key) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.first == key; });
  if (it != list.end()) return it->second;
  list.emplace_back(key, Totals{});
  return list.back().second;
}

}  // namespace

GraphSummary summarize(const Graph& graph) {
  GraphSummary s;
  s.tokens = graph.tokens;
  constexpr OpKind kinds[] = {OpKind::matmul, OpKind::attention_scores, OpKind::attention_context,
                              OpKind::softmax, OpKind::norm, OpKind::elementwise, OpKind::embedding,
                              OpKind::conv, OpKind::data_movement, OpKind::unsupported};
  for (OpKind k : kinds) s.by_kind.emplace_back(std::string(to_string(k)), Totals{});
  for (const Op& op : graph.ops) {
    accumulate(s.total, op);
    accumulate(entry(s.by_kind, std::string(to_string(op.kind))), op);
    accumulate(entry(s.by_block, op.block), op);
  }
  std::erase_if(s.by_kind, [](const auto& e) { return e.second.ops == 0; });
  const double tokens = graph.tokens > 0 ? static_cast<double>(graph.tokens) : 1.0;
  s.flops_per_token = s.total.flops / tokens;
  s.weight_bytes_per_token = s.total.weight_read_bytes / tokens;
  s.kv_bytes_per_token = s.total.kv_bytes / tokens;
  s.activation_bytes_per_token = s.total.activation_bytes / tokens;
  return s;
}

}  // namespace meshforge::workload
