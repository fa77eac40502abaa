// Mapping: tile order, stage cuts, regions, weight and KV placement, stage traffic.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "mapping/plan.h"
#include "workload/hf_config.h"

namespace meshforge::mapping {
namespace {

const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;
constexpr double kReserve = 0.25;

workload::Graph llama_decode() {
  workload::Scenario s;
  s.phase = workload::Phase::decode;
  s.context_tokens = 256;
  return workload::build_hf_graph(workload::parse_hf_config(kData / "models" / "llama-3.1-8b.json"), s);
}

arch::Design mesh(int rows, int cols, std::int64_t wmem_bytes, const std::string& dram = "none") {
  arch::Design d;
  d.rows = rows;
  d.cols = cols;
  d.tile_classes[0].wmem_bytes = wmem_bytes;
  d.tile_classes[0].amem_bytes = 4 << 20;
  d.dram.kind = dram;
  d.dram.channels = dram == "none" ? 0 : 4;
  return d;
}

TEST(TileOrder, SnakeKeepsConsecutiveSlotsAdjacent) {
  const auto g = llama_decode();
  const auto plan = make_plan(g, mesh(5, 7, 64 << 20), kReserve);
  ASSERT_EQ(plan.tile_order.size(), 35u);
  for (std::size_t i = 1; i < plan.tile_order.size(); ++i) {
    const int a = plan.tile_order[i - 1], b = plan.tile_order[i];
    EXPECT_EQ(std::abs(a / 7 - b / 7) + std::abs(a % 7 - b % 7), 1) << "slot " << i;
  }
}

TEST(Stages, AutomaticDepthFollowsTheWorkInFlight) {
  workload::Scenario s;
  s.phase = workload::Phase::decode;
  const auto spec = workload::parse_hf_config(kData / "models" / "llama-3.1-8b.json");
  const auto d = mesh(41, 42, 16 << 20);
  EXPECT_EQ(make_plan(workload::build_hf_graph(spec, s), d, kReserve).stages.size(), 1u);   // batch 1
  s.batch = 32;
  EXPECT_EQ(make_plan(workload::build_hf_graph(spec, s), d, kReserve).stages.size(), 8u);   // 32 / 4
  s.phase = workload::Phase::prefill;
  s.batch = 1;
  s.seq_tokens = 512;
  EXPECT_EQ(make_plan(workload::build_hf_graph(spec, s), d, kReserve).stages.size(), 34u);  // capped by units
}

TEST(Stages, CoverEveryOpOnceAndEveryTile) {
  const auto g = llama_decode();
  auto d = mesh(41, 42, 16 << 20);
  d.mapping.pipeline_stages = 34;
  const auto plan = make_plan(g, d, kReserve);
  // 34 layer units (embedding, 32 decoder layers, head): one stage each.
  ASSERT_EQ(plan.stages.size(), 34u);
  int tiles = 0, expected_first_op = 0;
  for (const auto& st : plan.stages) {
    EXPECT_EQ(st.first_op, expected_first_op);
    EXPECT_GT(st.end_op, st.first_op);
    EXPECT_GE(st.tiles, 1);
    EXPECT_EQ(st.first_slot, tiles);
    tiles += st.tiles;
    expected_first_op = st.end_op;
  }
  EXPECT_EQ(tiles, d.tiles());
  EXPECT_EQ(expected_first_op, static_cast<int>(g.ops.size()));
  // Regions follow weights: decoder layers get equal regions (within rounding).
  EXPECT_NEAR(plan.stages[1].tiles, plan.stages[16].tiles, 1);
  EXPECT_TRUE(plan.violations.empty());
}

// Harvested (disabled) tiles take no slot: the stages cover exactly the enabled tiles.
TEST(Stages, LeaveHarvestedTilesOut) {
  const auto g = llama_decode();
  auto d = mesh(4, 6, 16 << 20);
  d.tile_classes.push_back(d.tile_classes[0]);
  d.tile_classes[1].harvested = true;
  d.class_map.assign(24, 0);
  for (int r = 0; r < 4; ++r) d.class_map[static_cast<std::size_t>(r * 6 + 5)] = 1;  // the last column
  const auto plan = make_plan(g, d, kReserve);
  ASSERT_EQ(plan.tile_order.size(), 20u);
  int tiles = 0;
  for (const auto& st : plan.stages) {
    tiles += st.tiles;
    EXPECT_EQ(st.class_counts[1], 0);
  }
  EXPECT_EQ(tiles, 20);
  for (int t : plan.tile_order) EXPECT_NE(t % 6, 5) << t;
}

TEST(Stages, HintSetsPipelineDepthAndGroups) {
  const auto g = llama_decode();
  auto d = mesh(8, 8, 512 << 20);
  d.mapping.pipeline_stages = 4;
  d.mapping.tensor_parallel = 4;
  const auto plan = make_plan(g, d, kReserve);
  ASSERT_EQ(plan.stages.size(), 4u);
  for (const auto& st : plan.stages) {
    EXPECT_EQ(st.group_tiles, 4);
    EXPECT_EQ(st.groups, st.tiles / 4);
  }
}

TEST(Weights, SpillToDramOrViolation) {
  const auto g = llama_decode();  // ~16 GB at fp16
  const auto fits = make_plan(g, mesh(41, 42, 16 << 20), kReserve);  // 1722 x 16 MiB = 28.9 GB
  EXPECT_DOUBLE_EQ(fits.weight_bytes_spilled, 0.0);

  const auto spilled = make_plan(g, mesh(8, 8, 16 << 20, "hbm3"), kReserve);  // 1 GiB on chip
  EXPECT_NEAR(spilled.weight_bytes_spilled, g.total_weight_bytes() - 64.0 * (16 << 20), 1e6);
  EXPECT_TRUE(spilled.violations.empty());
  double max_fraction = 0;
  for (float f : spilled.op_weight_dram_fraction) max_fraction = std::max<double>(max_fraction, f);
  EXPECT_GT(max_fraction, 0.9);

  const auto nowhere = make_plan(g, mesh(8, 8, 16 << 20), kReserve);
  ASSERT_EQ(nowhere.violations.size(), 1u);
  EXPECT_THAT(nowhere.violations[0], ::testing::HasSubstr("weights"));
}

TEST(KvCache, HintDramWithoutDramIsAViolation) {
  const auto g = llama_decode();
  auto d = mesh(41, 42, 16 << 20);
  d.mapping.kv_placement = arch::KvPlacement::dram;
  const auto plan = make_plan(g, d, kReserve);
  EXPECT_THAT(plan.violations, ::testing::Contains(::testing::HasSubstr("kv_placement")));
  EXPECT_NEAR(plan.kv_bytes_spilled, plan.kv_bytes_total, 1.0);
}

TEST(Traffic, FlowsForwardBetweenStagesOnly) {
  const auto g = llama_decode();
  auto d = mesh(41, 42, 16 << 20);
  d.mapping.pipeline_stages = 34;
  const auto plan = make_plan(g, d, kReserve);
  const int s = static_cast<int>(plan.stages.size());
  double forward = 0;
  for (int a = 0; a < s; ++a)
    for (int b = 0; b < s; ++b) {
      const double bytes = plan.stage_traffic_bytes[static_cast<std::size_t>(a * s + b)];
      if (b <= a) {
        EXPECT_EQ(bytes, 0.0) << a << "->" << b;
      }
      forward += bytes;
    }
  // Each layer hands 4096 fp16 activations to the next; the residual crosses too.
  EXPECT_GT(forward, 0.0);
  EXPECT_GT(plan.stages[0].hops_to_next, 0.0);
}

}  // namespace
}  // namespace meshforge::mapping
