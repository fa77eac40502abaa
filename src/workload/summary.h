// Per-token figures and breakdowns of a graph: plain data for the writers (table, JSON).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workload/graph.h"

namespace meshforge::workload {

struct Totals {
  int ops = 0;
  std::int64_t parameters = 0;
  double flops = 0;
  double weight_read_bytes = 0;
  double activation_bytes = 0;   // input + output activations
  double kv_bytes = 0;           // KV cache read + written
};

struct GraphSummary {
  std::int64_t tokens = 0;                 // tokens the step processes over the whole batch
  double flops_per_token = 0;              // all arithmetic of the step / tokens
  double weight_bytes_per_token = 0;       // weight bytes read by the step / tokens
  double kv_bytes_per_token = 0;           // KV cache bytes read + written by the step / tokens
  double activation_bytes_per_token = 0;   // activation bytes read + written by the step / tokens
  Totals total;
  std::vector<std::pair<std::string, Totals>> by_kind;    // in OpKind order, non-empty kinds only
  std::vector<std::pair<std::string, Totals>> by_block;   // in first-appearance order
};

GraphSummary summarize(const Graph& graph);

}  // namespace meshforge::workload
