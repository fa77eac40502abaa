#include "mapping/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace meshforge::mapping {
namespace {

void order_tiles(const arch::Design& d, std::vector<int>& order) {
  order.resize(static_cast<std::size_t>(d.tiles()));
  std::size_t slot = 0;
  switch (d.mapping.placement_order) {
    case arch::PlacementOrder::snake:
      for (int r = 0; r < d.rows; ++r)
        for (int i = 0; i < d.cols; ++i) order[slot++] = r * d.cols + (r % 2 == 0 ? i : d.cols - 1 - i);
      break;
    case arch::PlacementOrder::row_major:
      for (int t = 0; t < d.tiles(); ++t) order[slot++] = t;
      break;
    case arch::PlacementOrder::column_major:
      for (int c = 0; c < d.cols; ++c)
        for (int r = 0; r < d.rows; ++r) order[slot++] = r * d.cols + c;
      break;
  }
  // Harvested (disabled) tiles get no work.
  order.erase(std::remove_if(order.begin(), order.end(),
                             [&](int t) {
                               return d.tile_classes[static_cast<std::size_t>(d.class_of(t / d.cols, t % d.cols))].harvested;
                             }),
              order.end());
}

// A pipeline only pays when enough independent work is in flight: micro-batches are sequences in
// decode and prompt tokens in prefill, and a pipeline of S stages fed n micro-batches is busy
// n / (n + S - 1) of the time. Keeping S <= n / 4 keeps that above 80%. When the weights do not
// fit on chip they stream from DRAM once per micro-batch and stage: then one stage is best.
int automatic_stages(const workload::Graph& graph, const arch::Design& design, int units) {
  double wmem = 0;
  for (int r = 0; r < design.rows; ++r)
    for (int c = 0; c < design.cols; ++c) {
      const auto& tc = design.tile_classes[static_cast<std::size_t>(design.class_of(r, c))];
      if (!tc.harvested) wmem += static_cast<double>(tc.wmem_bytes);
    }
  if (graph.total_weight_bytes() > wmem) return 1;
  const std::int64_t work_units = graph.scenario.phase == workload::Phase::decode
                                      ? graph.scenario.batch
                                      : graph.scenario.batch * graph.tokens_per_sequence;
  return static_cast<int>(std::clamp<std::int64_t>(work_units / 4, 1, units));
}

bool same_unit(const workload::Op& a, const workload::Op& b) {
  return a.layer == b.layer && a.block == b.block;
}

}  // namespace

LayerUnits layer_units(const workload::Graph& graph) {
  LayerUnits u;
  const auto& ops = graph.ops;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (i == 0 || !same_unit(ops[i], ops[i - 1])) {
      u.end_op.push_back(static_cast<int>(i) + 1);
      u.weight_bytes.push_back(0);
    } else {
      u.end_op.back() = static_cast<int>(i) + 1;
    }
    u.weight_bytes.back() += ops[i].weight_bytes;
    u.graph_weight_bytes += ops[i].weight_bytes;
  }
  // Storage owners and how hot their bytes are.
  u.weight_owner.assign(ops.size(), -1);
  int embedding = -1;
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (ops[i].kind == workload::OpKind::embedding && ops[i].weight_bytes > 0 && embedding < 0) embedding = static_cast<int>(i);
  std::vector<double> reads(ops.size(), 0.0);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].weight_bytes > 0) {
      reads[i] += ops[i].weight_read_bytes;
    } else if (ops[i].weight_read_bytes > 0 && embedding >= 0 && ops[i].kind == workload::OpKind::matmul) {
      u.weight_owner[i] = embedding;  // tied LM head
      reads[static_cast<std::size_t>(embedding)] += ops[i].weight_read_bytes;
    }
  }
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (ops[i].weight_bytes > 0) u.cold_order.push_back(static_cast<int>(i));
  std::stable_sort(u.cold_order.begin(), u.cold_order.end(), [&](int a, int b) {
    return reads[static_cast<std::size_t>(a)] / ops[static_cast<std::size_t>(a)].weight_bytes <
           reads[static_cast<std::size_t>(b)] / ops[static_cast<std::size_t>(b)].weight_bytes;
  });
  return u;
}

Plan make_plan(const workload::Graph& graph, const arch::Design& design, double amem_activation_reserve) {
  Plan plan;
  make_plan(graph, layer_units(graph), design, amem_activation_reserve, plan);
  return plan;
}

namespace {

void plan_with_stages(const workload::Graph& graph, const LayerUnits& lu, const arch::Design& design,
                      double amem_activation_reserve, int requested_stages, Plan& plan) {
  const auto& ops = graph.ops;
  const int n_ops = static_cast<int>(ops.size());
  const auto& unit_end = lu.end_op;
  const auto& unit_weight = lu.weight_bytes;
  plan.stages.clear();
  plan.violations.clear();
  order_tiles(design, plan.tile_order);
  const int tiles = static_cast<int>(plan.tile_order.size());  // the enabled ones

  const int units = static_cast<int>(unit_end.size());
  if (units == 0 || tiles == 0) {
    plan.violations.push_back("mapping: empty graph or mesh");
    return;
  }

  // 2. Stage count and contiguous cuts balancing weight bytes (storage = work in a
  //    weight-stationary mesh: decode reads every weight once, prefill multiplies each once per token).
  const int stages = std::clamp(requested_stages, 1, std::min(units, tiles));
  const double total_weight = std::accumulate(unit_weight.begin(), unit_weight.end(), 0.0);
  {
    int unit = 0;
    double consumed = 0;
    for (int s = 0; s < stages; ++s) {
      Stage st;
      st.first_op = unit == 0 ? 0 : unit_end[static_cast<std::size_t>(unit - 1)];
      const double target = total_weight * (s + 1) / stages;
      // Take at least one unit; keep one unit for each remaining stage.
      do {
        consumed += unit_weight[static_cast<std::size_t>(unit)];
        ++unit;
      } while (unit < units - (stages - s - 1) &&
               (s == stages - 1 || consumed + 0.5 * unit_weight[static_cast<std::size_t>(unit)] <= target));
      st.end_op = unit_end[static_cast<std::size_t>(unit - 1)];
      for (int i = st.first_op; i < st.end_op; ++i) st.weight_bytes += ops[static_cast<std::size_t>(i)].weight_bytes;
      plan.stages.push_back(st);
    }
  }

  // 3. Regions sized by each stage's larger need, weights or KV cache (largest remainder), at
  //    least one tile each.
  double total_kv = 0;
  for (auto& st : plan.stages) {
    double kv_read = 0, kv_write = 0;
    for (int i = st.first_op; i < st.end_op; ++i) {
      kv_read += ops[static_cast<std::size_t>(i)].kv_read_bytes;
      kv_write += ops[static_cast<std::size_t>(i)].kv_write_bytes;
    }
    st.kv_bytes = std::max(kv_read, kv_write);
    total_kv += st.kv_bytes;
  }
  {
    int assigned = 0;
    auto& remainder = plan.stage_traffic_bytes;  // scratch until step 5 fills it
    remainder.assign(static_cast<std::size_t>(stages), 0.0);
    double share_sum = 0;
    for (const auto& st : plan.stages)
      share_sum += std::max(total_weight > 0 ? st.weight_bytes / total_weight : 0.0, total_kv > 0 ? st.kv_bytes / total_kv : 0.0);
    const int spare = tiles - stages;
    for (int s = 0; s < stages; ++s) {
      auto& st = plan.stages[static_cast<std::size_t>(s)];
      const double need = std::max(total_weight > 0 ? st.weight_bytes / total_weight : 0.0,
                                   total_kv > 0 ? st.kv_bytes / total_kv : 0.0);
      const double share = share_sum > 0 ? need / share_sum : 1.0 / stages;
      const double exact = share * spare;
      st.tiles = 1 + static_cast<int>(std::floor(exact));
      remainder[static_cast<std::size_t>(s)] = exact - std::floor(exact);
      assigned += st.tiles;
    }
    while (assigned < tiles) {
      const auto best = std::max_element(remainder.begin(), remainder.end()) - remainder.begin();
      plan.stages[static_cast<std::size_t>(best)].tiles += 1;
      remainder[static_cast<std::size_t>(best)] = -1;
      ++assigned;
      if (*std::max_element(remainder.begin(), remainder.end()) < 0) remainder.assign(remainder.size(), 0.0);
    }
  }

  // 4. Regions, capacities, weight and KV placement.
  plan.op_stage.assign(static_cast<std::size_t>(n_ops), 0);
  plan.op_weight_dram_fraction.assign(static_cast<std::size_t>(n_ops), 0.0f);
  plan.op_kv_dram_fraction.assign(static_cast<std::size_t>(n_ops), 0.0f);
  plan.weight_bytes_total = graph.total_weight_bytes();
  plan.weight_bytes_spilled = 0;
  plan.kv_bytes_total = 0;
  plan.kv_bytes_spilled = 0;
  const bool has_dram = design.dram.kind != "none" && design.dram.channels > 0;
  const bool kv_to_dram = design.mapping.kv_placement == arch::KvPlacement::dram;
  if (kv_to_dram && !has_dram) plan.violations.push_back("mapping.kv_placement: dram requested but the design has no DRAM");

  double spare_wmem = 0;
  int slot = 0;
  for (int s = 0; s < stages; ++s) {
    auto& st = plan.stages[static_cast<std::size_t>(s)];
    st.first_slot = slot;
    st.class_counts.fill(0);
    double wmem = 0, amem = 0, row_sum = 0, col_sum = 0;
    for (int k = 0; k < st.tiles; ++k) {
      const int tile = plan.tile_order[static_cast<std::size_t>(slot + k)];
      const int cls = design.class_of(tile / design.cols, tile % design.cols);
      st.class_counts[static_cast<std::size_t>(cls)] += 1;
      const auto& tc = design.tile_classes[static_cast<std::size_t>(cls)];
      wmem += static_cast<double>(tc.wmem_bytes);
      amem += static_cast<double>(tc.amem_bytes);
      row_sum += tile / design.cols;
      col_sum += tile % design.cols;
    }
    slot += st.tiles;
    st.group_tiles = design.mapping.tensor_parallel > 0 ? std::min(design.mapping.tensor_parallel, st.tiles) : st.tiles;
    st.groups = std::max(1, st.tiles / st.group_tiles);
    st.centroid_row = row_sum / st.tiles;
    st.centroid_col = col_sum / st.tiles;

    st.weight_bytes_on_chip = std::min(st.weight_bytes, wmem);
    const double overflow = st.weight_bytes - st.weight_bytes_on_chip;
    spare_wmem += wmem - st.weight_bytes_on_chip;

    for (int i = st.first_op; i < st.end_op; ++i) plan.op_stage[static_cast<std::size_t>(i)] = s;
    st.kv_bytes_on_chip = kv_to_dram ? 0.0 : std::min(st.kv_bytes, amem * (1.0 - amem_activation_reserve));
    const double kv_overflow = st.kv_bytes - st.kv_bytes_on_chip;
    plan.kv_bytes_total += st.kv_bytes;
    plan.kv_bytes_spilled += kv_overflow;

    const float kv_frac = st.kv_bytes > 0 ? static_cast<float>(kv_overflow / st.kv_bytes) : 0.0f;
    for (int i = st.first_op; i < st.end_op; ++i) plan.op_kv_dram_fraction[static_cast<std::size_t>(i)] = kv_frac;
    st.weight_bytes_to_spill = overflow;
    plan.weight_bytes_spilled += overflow;
  }
  // What does not fit goes to DRAM coldest bytes first: the WMEM keeps the bytes read most per
  // byte stored, an embedding table (one row per token) goes first.
  for (int i : lu.cold_order) {
    auto& st = plan.stages[static_cast<std::size_t>(plan.op_stage[static_cast<std::size_t>(i)])];
    if (st.weight_bytes_to_spill <= 0) continue;
    const double stored = ops[static_cast<std::size_t>(i)].weight_bytes;
    const double take = std::min(stored, st.weight_bytes_to_spill);
    st.weight_bytes_to_spill -= take;
    plan.op_weight_dram_fraction[static_cast<std::size_t>(i)] = static_cast<float>(take / stored);
  }
  for (int i = 0; i < n_ops; ++i) {
    const int owner = lu.weight_owner.empty() ? -1 : lu.weight_owner[static_cast<std::size_t>(i)];
    if (owner >= 0) plan.op_weight_dram_fraction[static_cast<std::size_t>(i)] = plan.op_weight_dram_fraction[static_cast<std::size_t>(owner)];
  }

  // Parameters of ops that are not in this step's graph (the vision tower during decode) still
  // need a home: the spare WMEM of the mesh, then DRAM.
  const double resident_elsewhere = std::max(0.0, plan.weight_bytes_total - lu.graph_weight_bytes);
  const double elsewhere_spill = std::max(0.0, resident_elsewhere - spare_wmem);
  plan.weight_bytes_spilled += elsewhere_spill;

  if (plan.weight_bytes_spilled > 0 && !has_dram)
    plan.violations.push_back(fmt::format(
        "weights: {:.3g} GB of {:.3g} GB do not fit in the mesh's WMEM and the design has no DRAM",
        plan.weight_bytes_spilled / 1e9, plan.weight_bytes_total / 1e9));
  if (plan.kv_bytes_spilled > 0 && !has_dram && !kv_to_dram)
    plan.violations.push_back(fmt::format(
        "kv_cache: {:.3g} MB of {:.3g} MB do not fit in AMEM and the design has no DRAM",
        plan.kv_bytes_spilled / 1e6, plan.kv_bytes_total / 1e6));

  // Hops between consecutive regions' centroids.
  for (int s = 0; s + 1 < stages; ++s) {
    auto& st = plan.stages[static_cast<std::size_t>(s)];
    const auto& next = plan.stages[static_cast<std::size_t>(s + 1)];
    st.hops_to_next = std::fabs(st.centroid_row - next.centroid_row) + std::fabs(st.centroid_col - next.centroid_col);
  }

  // Stage-to-stage traffic: each producer's output crosses once to each other stage that reads it.
  plan.stage_traffic_bytes.assign(static_cast<std::size_t>(stages * stages), 0.0);
  for (int i = 0; i < n_ops; ++i) {
    const int to = plan.op_stage[static_cast<std::size_t>(i)];
    for (int p : ops[static_cast<std::size_t>(i)].producers) {
      const int from = plan.op_stage[static_cast<std::size_t>(p)];
      if (from != to) plan.stage_traffic_bytes[static_cast<std::size_t>(from * stages + to)] += ops[static_cast<std::size_t>(p)].output_bytes;
    }
  }
}

}  // namespace

void make_plan(const workload::Graph& graph, const LayerUnits& units, const arch::Design& design,
               double amem_activation_reserve, Plan& plan) {
  if (design.mapping.pipeline_stages > 0) {
    plan_with_stages(graph, units, design, amem_activation_reserve, design.mapping.pipeline_stages, plan);
    return;
  }
  const int automatic = automatic_stages(graph, design, static_cast<int>(units.end_op.size()));
  plan_with_stages(graph, units, design, amem_activation_reserve, automatic, plan);
  // A pipeline cuts the mesh into regions that may each be too small for their stage's weights
  // or KV cache; if one stage over the whole mesh meets what the pipeline misses, use it.
  if (automatic > 1 && !plan.violations.empty())
    plan_with_stages(graph, units, design, amem_activation_reserve, 1, plan);
}

}  // namespace meshforge::mapping
