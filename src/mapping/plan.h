// Workload partitioning: which tiles run which ops, where weights and KV cache live, and the
// traffic that results. The schedule itself (timing) is the evaluator's job: it needs the node.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/design.h"
#include "workload/graph.h"

namespace meshforge::mapping {

constexpr int kMaxTileClasses = 10;
using ClassCounts = std::array<int, kMaxTileClasses>;  // tiles of each class in a region

// A pipeline stage: a run of consecutive layers on a contiguous region of the mesh (contiguous in
// the design's placement order). Its ops are split over groups of `group_tiles` tiles
// (tensor parallelism); independent ops may run on different groups at the same time.
struct Stage {
  int first_op = 0, end_op = 0;        // ops [first_op, end_op) in graph order
  int first_slot = 0, tiles = 0;       // region: tile_order[first_slot .. first_slot + tiles)
  int groups = 1;                      // tiles / group_tiles
  int group_tiles = 0;
  ClassCounts class_counts{};          // tiles of each class in the region
  double weight_bytes = 0;             // parameters stored by the stage's ops
  double weight_bytes_on_chip = 0;     // of which fit in the region's WMEM (the most-read bytes)
  double weight_bytes_to_spill = 0;    // scratch of the placement (0 once placed)
  double kv_bytes = 0;                 // KV cache of the stage's layers (whole context, batch)
  double kv_bytes_on_chip = 0;         // of which fit in AMEM
  double centroid_row = 0, centroid_col = 0;
  double hops_to_next = 0;             // mesh distance from this region's centroid to the next one's
};

struct Plan {
  std::vector<int> tile_order;         // slot -> tile index (row * cols + col), placement order; harvested tiles left out
  std::vector<Stage> stages;
  std::vector<int> op_stage;           // per op: its stage
  // Per op: share of its weight bytes / KV bytes that must stream from DRAM each step.
  std::vector<float> op_weight_dram_fraction;
  std::vector<float> op_kv_dram_fraction;
  double weight_bytes_total = 0;       // all model parameters at the weight precision
  double weight_bytes_spilled = 0;     // placed in DRAM (or nowhere: see violations)
  double kv_bytes_total = 0;
  double kv_bytes_spilled = 0;
  // Bytes moved between stages per step: traffic[s * stages + t] from stage s to stage t.
  std::vector<double> stage_traffic_bytes;
  std::vector<std::string> violations; // "weights: ..." when a capacity cannot be met at all
};

// How one GEMM is cut over a group of `group_tiles` tiles: its output columns first, at most one
// lane-width per tile (lanes_avg: the group's mean lanes), then the remaining tiles split the
// reduction dimension K. The evaluator prices this cut and `meshforge rtl --model` generates it.
struct GemmSplit {
  double n_split = 1, k_split = 1;
};
inline GemmSplit gemm_split(double total_cols, double lanes_avg, double group_tiles, double k) {
  GemmSplit s;
  s.n_split = std::clamp(std::ceil(total_cols / std::max(1.0, lanes_avg)), 1.0, group_tiles);
  s.k_split = std::clamp(std::floor(group_tiles / s.n_split), 1.0, std::max(1.0, k));
  return s;
}

// The layer units of a graph: maximal runs of ops with the same (block, layer), the granularity
// of pipeline cuts. Depends on the graph only, so the search computes it once.
struct LayerUnits {
  std::vector<int> end_op;             // one past each unit's last op
  std::vector<double> weight_bytes;    // parameters stored by each unit's ops
  double graph_weight_bytes = 0;       // all ops of the graph
  // Ops that store weights, coldest first: by bytes read per step / bytes stored, counting the
  // reads of ops that share the storage (a tied LM head reads the embedding table). Spill to
  // DRAM takes the coldest bytes first (an embedding table is read one row per token).
  std::vector<int> cold_order;
  // Per op: the op whose stored weights it reads when it stores none itself (a tied LM head
  // reads the input embedding), else -1.
  std::vector<int> weight_owner;
};
LayerUnits layer_units(const workload::Graph& graph);

// Automatic mapping, honouring the design's mapping hints:
//  1. tiles are ordered by the placement order (snake keeps consecutive slots adjacent);
//  2. ops are cut into layer units; units are grouped into `stages` contiguous stages balancing
//     the work (weight bytes in decode, FLOPs in prefill);
//  3. each stage gets a region of tiles proportional to its share of the work, at least one
//     tile; weights are spread over the region's WMEM in proportion to capacity;
//  4. weights beyond the region's WMEM spill to DRAM when the design has DRAM, else a violation;
//     KV cache goes to AMEM (what fits) or DRAM per the hint.
// Automatic stage count: a quarter of the independent work units in flight (sequences in decode,
// prompt tokens in prefill), so the pipeline stays >80% busy; 1 for batch-1 decode, and 1 when
// the weights exceed the mesh's WMEM (they stream from DRAM once per micro-batch). With
// pipeline_stages set, exactly that (capped by units and tiles).
// amem_activation_reserve: share of each tile's AMEM kept for activations (the rest may hold KV).
Plan make_plan(const workload::Graph& graph, const arch::Design& design, double amem_activation_reserve);

// The evaluator's hot path: units prepared once, buffers of `plan` reused (no allocation once
// warmed up, except for violation messages).
void make_plan(const workload::Graph& graph, const LayerUnits& units, const arch::Design& design,
               double amem_activation_reserve, Plan& plan);

}  // namespace meshforge::mapping
