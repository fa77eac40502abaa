// The evaluator: units, monotonic physics, capacity, determinism, score bounds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/input_error.h"
#include "ppa/evaluate.h"
#include "workload_fixture.h"

namespace meshforge::ppa {
namespace {

const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

using testing::micro;
using testing::node;

Workload model_workload(const std::string& model, workload::Precision p = workload::Precision::fp16,
                        std::int64_t batch = 1) {
  return testing::shipped_workload(model, p, batch, 256);
}

const Workload& llama() {
  static const Workload w = model_workload("llama-3.1-8b");
  return w;
}

arch::Design base_design() {
  arch::Design d;
  d.rows = 16;
  d.cols = 16;
  d.tile_classes[0].vlen_bits = 512;
  d.tile_classes[0].wmem_bytes = 64 << 20;
  d.tile_classes[0].amem_bytes = 2 << 20;
  d.clock_hz = 1.0e9;
  d.dram = {"hbm3", 2};
  return d;
}

Scenario perf() {
  Scenario s;
  s.budgets = defaults_for(Mode::performance);
  return s;
}

TEST(Evaluate, ReportsBothPhasesSeparatelyWithConsistentUnits) {
  const Report r = evaluate(llama(), node("7nm"), micro(), base_design(), perf());
  ASSERT_TRUE(r.prefill.evaluated);
  ASSERT_TRUE(r.decode.evaluated);
  // Decode: one token per step per sequence -> ms/token is the step time.
  EXPECT_NEAR(r.decode.ms_per_token, 1e3 / r.decode.tokens_per_second, 1e-9 * r.decode.ms_per_token);
  // Prefill: ms/token amortised over the prompt.
  EXPECT_NEAR(r.prefill.ms_per_token, 1e3 / r.prefill.tokens_per_second, 1e-9 * r.prefill.ms_per_token);
  // With a plain vector unit the weight port (one VLEN per cycle) feeds the lanes exactly as fast
  // in decode as in prefill; only a 2D array (mac_rows > 1) reuses each weight across tokens.
  EXPECT_NEAR(r.prefill.tokens_per_second / r.decode.tokens_per_second, 1.0, 0.5);
  auto tensor = base_design();
  tensor.tile_classes[0].mac_rows = 8;
  const Report t = evaluate(llama(), node("7nm"), micro(), tensor, perf());
  EXPECT_GT(t.prefill.tokens_per_second, 4 * r.prefill.tokens_per_second);
  EXPECT_NEAR(t.decode.tokens_per_second, r.decode.tokens_per_second, 0.2 * r.decode.tokens_per_second);
  EXPECT_EQ(r.decode.pipeline_stages, 1);  // batch-1 decode: a pipeline would only idle
  EXPECT_NEAR(r.power_w, r.power.total(), 1e-12);
  EXPECT_NEAR(r.area_mm2, r.area.total(), 1e-9);
  EXPECT_NEAR(r.energy_per_token_j, r.power_w / r.decode.tokens_per_second, 1e-9 * r.energy_per_token_j);
  EXPECT_LE(r.decode.tokens_per_second, r.decode.roofline_tokens_per_second * (1 + 1e-9));
  EXPECT_LE(r.prefill.tokens_per_second, r.prefill.roofline_tokens_per_second * (1 + 1e-9));
  EXPECT_GE(r.ppa_score, 0.0);
  EXPECT_LE(r.ppa_score, 1.0);
}

// What the report's per-tile heatmaps read: each stage's tiles (a slot range of the placement order),
// its MAC activity and its tiles' own power, which with the chip-level parts make up the total.
TEST(Evaluate, StagesOwnTheirTilesAndTheirPowerAddUp) {
  auto d = base_design();
  d.mapping.pipeline_stages = 4;
  for (const auto phase : {workload::Phase::decode, workload::Phase::prefill}) {
    Scenario sc = perf();
    sc.scored_phase = phase;
    const Report r = evaluate(llama(), node("7nm"), micro(), d, sc);
    const PhaseReport& p = phase == workload::Phase::decode ? r.decode : r.prefill;
    ASSERT_EQ(p.stages.size(), 4u);
    ASSERT_EQ(r.tile_order.size(), static_cast<std::size_t>(d.tiles()));
    std::vector<int> seen(static_cast<std::size_t>(d.tiles()), 0);
    for (int t : r.tile_order) seen.at(static_cast<std::size_t>(t)) += 1;
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), d.tiles()) << "tile_order is a permutation";
    int next_slot = 0;
    double stage_w = 0;
    for (const auto& st : p.stages) {
      EXPECT_EQ(st.first_slot, next_slot);
      next_slot += st.tiles;
      EXPECT_GT(st.power_w, 0);
      EXPECT_GE(st.mac_activity, 0);
      EXPECT_LE(st.mac_activity, st.duty + 1e-12);
      stage_w += st.power_w;
    }
    EXPECT_EQ(next_slot, d.tiles());
    // Chip-level parts are not any stage's: DRAM and PHYs, SoC; traffic between stages is NoC.
    const double chip_level = r.power.dram + r.power.soc;
    EXPECT_LE(stage_w + chip_level, r.power_w * (1 + 1e-9));
    EXPECT_GE(stage_w + chip_level + r.power.noc + r.power.fetch_control, r.power_w * (1 - 1e-9));
  }
}

TEST(Evaluate, IsDeterministicAndReusable) {
  Evaluator e(llama(), node("5nm"), micro());
  const Report a = e.evaluate(base_design(), perf());
  auto other = base_design();
  other.rows = 8;
  (void)e.evaluate(other, perf());
  const Report b = e.evaluate(base_design(), perf());
  const Report c = evaluate(llama(), node("5nm"), micro(), base_design(), perf());
  EXPECT_EQ(a.ppa_score, b.ppa_score);
  EXPECT_EQ(a.decode.tokens_per_second, b.decode.tokens_per_second);
  EXPECT_EQ(a.power_w, c.power_w);
  EXPECT_EQ(a.area_mm2, c.area_mm2);
}

TEST(Physics, LargerVlenMeansMoreArea) {
  auto d = base_design();
  const double a512 = evaluate(llama(), node("7nm"), micro(), d, perf()).area.vector_units;
  d.tile_classes[0].vlen_bits = 1024;
  const double a1024 = evaluate(llama(), node("7nm"), micro(), d, perf()).area.vector_units;
  EXPECT_GT(a1024, 1.8 * a512);
}

// A further MAC row repeats a lane's datapath but not its accumulator (synthesis of the generated
// vector unit, data/microarch.yaml mac_row_fraction): area grows linearly in rows, and each row adds
// that fraction of a single-row lane.
TEST(Physics, FurtherMacRowsRepeatTheDatapathNotTheAccumulator) {
  auto d = base_design();
  d.tile_classes[0].mac_formats = arch::mac_format_bit(tech::MacFormat::int8);
  d.clock_hz = 500e6;  // at nominal supply the int8 lane needs one stage: no pipeline registers
  d.supply_v = 0.75;
  auto vector_mm2 = [&](int rows) {
    d.tile_classes[0].mac_rows = rows;
    return evaluate(llama(), node("7nm"), micro(), d, perf()).area.vector_units;
  };
  const double r1 = vector_mm2(1), r2 = vector_mm2(2), r4 = vector_mm2(4);
  EXPECT_NEAR((r4 - r1) / (r2 - r1), 3.0, 1e-9);
  // The vector register file is the same at any row count; the single-row lanes' share of r1 is
  // their gates per VLEN bit against the register file's.
  const double per_row = r2 - r1;
  const auto& m = micro();
  const double lane_part = r1 - r1 * (m.vector_registers * m.vector_register_file_gates_per_bit) /
                                     (m.vector_registers * m.vector_register_file_gates_per_bit + m.mac_gates[4] / 8.0);
  EXPECT_NEAR(per_row / lane_part, m.mac_row_fraction[4], 1e-9);
  EXPECT_LT(m.mac_row_fraction[4], 1.0);
}

// A systolic array keeps operand, weight and partial-sum registers in every MAC cell; the adder-tree
// rows meshforge generates do not: same throughput, more area, and register energy only when systolic.
TEST(Physics, SystolicCellsCostRegistersAdderTreesDoNot) {
  auto d = base_design();
  d.tile_classes[0].mac_formats = arch::mac_format_bit(tech::MacFormat::int8);
  d.tile_classes[0].mac_rows = 16;
  const auto w = model_workload("llama-3.1-8b", workload::Precision::int8);
  const Report tree = evaluate(w, node("7nm"), micro(), d, perf());
  d.tile_classes[0].mac_array = arch::MacArray::systolic;
  const Report systolic = evaluate(w, node("7nm"), micro(), d, perf());
  const auto& n = node("7nm");
  const double cells = 512.0 / 8 * 16 * d.tiles();
  const double flops_mm2 = cells * micro().systolic_cell_register_bits[4] * n.flop_area_um2 * 1e-6 / micro().floorplan_utilisation;
  EXPECT_NEAR(systolic.area.vector_units - tree.area.vector_units, flops_mm2, 1e-9 * flops_mm2);
  EXPECT_DOUBLE_EQ(systolic.prefill.tokens_per_second, tree.prefill.tokens_per_second);
  EXPECT_GT(systolic.power.register_file, tree.power.register_file);
  // One row: no array, nothing to add.
  d.tile_classes[0].mac_rows = 1;
  const double one_row_systolic = evaluate(w, node("7nm"), micro(), d, perf()).area.vector_units;
  d.tile_classes[0].mac_array = arch::MacArray::adder_tree;
  EXPECT_DOUBLE_EQ(one_row_systolic, evaluate(w, node("7nm"), micro(), d, perf()).area.vector_units);
}

// Operand traffic at real reuse: an adder-tree array fetches each weight vector again for every
// group of tokens whose accumulators the register file holds (int8: 6), so the memory energy of a
// prefilled token stays flat as the prompt grows (it fell as 1/prompt when each weight was read
// once per micro-batch); a systolic array holds its weights in the cells but writes its partial
// sums back to AMEM once per K tile of `rows`, so that traffic falls as 1/rows.
TEST(Physics, WeightsAreFetchedAgainForTokensTheAccumulatorsCannotHold) {
  auto d = base_design();
  d.rows = d.cols = 2;
  d.tile_classes[0].mac_formats = arch::mac_format_bit(tech::MacFormat::int8);
  d.tile_classes[0].mac_rows = 4;
  Scenario sc = perf();
  sc.scored_phase = workload::Phase::prefill;
  auto memory_j_per_token = [&](std::int64_t seq) {
    const Workload w = testing::shipped_workload("smolvlm-256m-instruct", workload::Precision::int8, 1, seq, 0);
    const Report r = evaluate(w, node("7nm"), micro(), d, sc);
    EXPECT_TRUE(r.prefill.evaluated);
    return r.power.memory / r.prefill.tokens_per_second;
  };
  const double tree_short = memory_j_per_token(48), tree_long = memory_j_per_token(960);
  EXPECT_NEAR(tree_long / tree_short, 1.0, 0.15);
  d.tile_classes[0].mac_array = arch::MacArray::systolic;
  const double systolic_4 = memory_j_per_token(960);
  EXPECT_GT(systolic_4, 5 * tree_long);
  d.tile_classes[0].mac_rows = 16;
  EXPECT_LT(memory_j_per_token(960), systolic_4 / 2.5);
}

// A lane clocked faster than its synthesised one-stage path is pipelined (data/microarch.yaml
// mac_critical_path_ps): at nominal supply an fp16 lane at 7 nm fits one stage at 400 MHz, needs
// more stages at 1.5 GHz, and each further stage is one register of the lane's width in every row.
TEST(Physics, FastClocksPipelineTheMacLanes) {
  auto d = base_design();
  d.tile_classes[0].mac_rows = 4;
  d.supply_v = 0.75;
  const auto& n = node("7nm");
  const auto& m = micro();
  auto vector_mm2 = [&](double clock_hz) {
    d.clock_hz = clock_hz;
    return evaluate(llama(), n, m, d, perf()).area.vector_units;
  };
  const double slow = vector_mm2(400e6), fast = vector_mm2(1.5e9);
  // fmax 2 GHz at 0.75 V: the fp16 path is 2,070 ps x 1.849 / 2 = 1,914 ps, register 74 ps.
  const double cycle = m.mac_path_reference_hz * 1e-12 / 2e9;
  const double stages = std::ceil((m.mac_critical_path_ps[1] - m.register_overhead_ps) * cycle /
                                  (1 / 1.5e9 - m.register_overhead_ps * cycle));
  EXPECT_EQ(stages, 4);  // (1,914 - 74) / (667 - 74) = 3.1
  const double lanes = 512.0 / 16 * d.tiles();
  const double extra = lanes * 4 * (stages - 1) * m.mac_pipeline_register_bits[1] * n.flop_area_um2 * 1e-6 / m.floorplan_utilisation;
  EXPECT_NEAR(fast - slow, extra, 1e-9 * extra);
  EXPECT_DOUBLE_EQ(slow, vector_mm2(200e6));  // one stage already: nothing to remove
}

// A memory of many macros reaches the density of a shipping SRAM die (AMD's V-Cache, data/microarch.yaml
// memory_floorplan_utilisation); a single macro is placed like a logic block.
TEST(Physics, LargeMemoriesReachTheDensityOfAShippingSramDie) {
  auto d = base_design();
  const auto& n = node("7nm");
  const auto& m = micro();
  auto wmem_mm2 = [&](std::int64_t bytes) {
    d.tile_classes[0].wmem_bytes = bytes;
    return evaluate(llama(), n, m, d, perf()).area.wmem_sram / d.tiles();
  };
  const double macro_mbit_per_mm2 = tech::sram_density_mbit_per_mm2(n, m.memory_macro_bytes_max);
  const double one = wmem_mm2(256 << 10), big = wmem_mm2(std::int64_t{64} << 20);
  EXPECT_NEAR(one, 256.0 * 1024 * 8 / 1e6 / macro_mbit_per_mm2 / m.floorplan_utilisation, 1e-12);
  const double big_mbit_per_mm2 = 64.0 * 1024 * 1024 * 8 / 1e6 / big;
  // 256 macros: within 1% of the die figure, 13.09 Mbit/mm2 at N7 (536.9 Mbit in 41 mm2).
  EXPECT_NEAR(big_mbit_per_mm2, 536.87 / 41.0, 0.01 * 13.09);
  EXPECT_GT(big / 256, one);  // per byte, the array of macros costs more than one macro
}

TEST(Physics, LowerSupplyMeansLessDynamicEnergy) {
  auto d = base_design();
  d.clock_hz = 0.3e9;
  d.supply_v = node("7nm").vdd_nominal;
  const Report hi = evaluate(llama(), node("7nm"), micro(), d, perf());
  d.supply_v = 0;  // lowest supply reaching 300 MHz
  const Report lo = evaluate(llama(), node("7nm"), micro(), d, perf());
  EXPECT_LT(lo.supply_v, hi.supply_v);
  EXPECT_LT(lo.power.mac, hi.power.mac);
  EXPECT_LT(lo.power.memory, hi.power.memory);
  EXPECT_NEAR(lo.power.mac / hi.power.mac, std::pow(lo.supply_v / hi.supply_v, 2), 1e-9);
  EXPECT_DOUBLE_EQ(lo.decode.tokens_per_second, hi.decode.tokens_per_second);  // same clock
}

TEST(Physics, MoreHopsMeanMoreNocEnergy) {
  // A 2 x 32 mesh in 4 stages: snake order puts consecutive stages 16, 1, 16 hops apart,
  // row-major order 16, 17, 16 (it jumps back across the row).
  auto d = base_design();
  d.rows = 2;
  d.cols = 32;
  d.mapping.pipeline_stages = 4;
  d.mapping.placement_order = arch::PlacementOrder::snake;
  const double snake = evaluate(llama(), node("7nm"), micro(), d, perf()).power.noc;
  d.mapping.placement_order = arch::PlacementOrder::row_major;
  const double row_major = evaluate(llama(), node("7nm"), micro(), d, perf()).power.noc;
  EXPECT_GT(row_major, snake);
  // Wider tensor-parallel groups all-gather over more tiles: more hops per byte.
  d.mapping.placement_order = arch::PlacementOrder::snake;
  d.mapping.tensor_parallel = 4;
  const double narrow = evaluate(llama(), node("7nm"), micro(), d, perf()).power.noc;
  EXPECT_GT(snake, narrow);
}

TEST(Physics, FinerNodeMeansLessAreaForTheSameDesign) {
  const auto d = base_design();
  double previous = 0;
  for (const char* n : {"3nm", "5nm", "7nm", "12nm", "16nm", "22nm", "28nm"}) {
    const double area = evaluate(llama(), node(n), micro(), d, perf()).area_mm2;
    EXPECT_GT(area, previous) << n;
    previous = area;
  }
}

// The one fitted constant (die_area_fit) scales the reported die estimate and nothing else: area,
// power, throughput, feasibility and the score are the uncalibrated model's.
TEST(Calibration, TheDieAreaFitIsReportedNeverScored) {
  const auto d = base_design();
  auto fitted = micro();
  const Report plain = evaluate(llama(), node("7nm"), fitted, d, perf());
  EXPECT_GT(fitted.die_area_fit, 1.0);
  EXPECT_DOUBLE_EQ(plain.die_area_estimate_mm2, plain.area_mm2 * fitted.die_area_fit);
  fitted.die_area_fit *= 3;
  const Report other = evaluate(llama(), node("7nm"), fitted, d, perf());
  EXPECT_DOUBLE_EQ(other.die_area_estimate_mm2, 3 * plain.die_area_estimate_mm2);
  Report same = other;
  same.die_area_estimate_mm2 = plain.die_area_estimate_mm2;
  EXPECT_EQ(same, plain);
}

// A harvested tile (yield harvesting: on the die, disabled) costs its area and its idle static
// power but does no work and adds nothing to the peak: 4 of 16 harvested = the area of 16 tiles,
// the peak of 12, the idle power of 16, and no faster than 12 enabled tiles.
TEST(Physics, HarvestedTilesCostAreaAndIdlePowerNotPeak) {
  auto d = base_design();
  d.rows = d.cols = 4;
  const Report all = evaluate(llama(), node("7nm"), micro(), d, perf());
  d.tile_classes.push_back(d.tile_classes[0]);
  d.tile_classes[1].harvested = true;
  d.class_map.assign(16, 0);
  for (int r = 0; r < 4; ++r) d.class_map[static_cast<std::size_t>(r * 4 + 3)] = 1;
  const Report harvested = evaluate(llama(), node("7nm"), micro(), d, perf());
  EXPECT_DOUBLE_EQ(harvested.area_mm2, all.area_mm2);
  EXPECT_NEAR(harvested.peak_flops_per_s, 0.75 * all.peak_flops_per_s, 1e-9 * all.peak_flops_per_s);
  EXPECT_NEAR(harvested.idle_power_w, all.idle_power_w, 1e-12 * all.idle_power_w);
  EXPECT_LT(harvested.prefill.tokens_per_second, all.prefill.tokens_per_second);
  ASSERT_EQ(harvested.tile_order.size(), 12u);
  for (int t : harvested.tile_order) EXPECT_NE(t % 4, 3) << t;
  // Their leakage is counted although they are in no stage: the same as 16 enabled tiles.
  EXPECT_NEAR(harvested.power.leakage, all.power.leakage, 1e-9 * all.power.leakage);
}

// A micro-architecture constant out of range is a one-line error naming the file and field.
TEST(Microarch, AnAccumulatorShareBeyondTheRegisterFileIsAnInputError) {
  const auto dir = std::filesystem::temp_directory_path() / "meshforge-microarch-bad";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kData / "uncore.yaml", dir / "uncore.yaml", std::filesystem::copy_options::overwrite_existing);
  std::ifstream in(kData / "microarch.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string key = "accumulator_vector_registers: {value: 24";
  ASSERT_NE(text.find(key), std::string::npos);
  text.replace(text.find(key), key.size(), "accumulator_vector_registers: {value: 40");
  std::ofstream(dir / "microarch.yaml") << text;
  try {
    (void)load_microarch(dir);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "accumulator_vector_registers.value");
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

// Idle power is the chip with nothing to do: what a phase that cannot run draws (no work, only
// static power), below a phase that runs, and lower again with idle tiles power-gated.
TEST(Physics, IdlePowerIsTheStaticPowerOfAChipWithNoWork) {
  auto d = base_design();
  const Report busy = evaluate(llama(), node("7nm"), micro(), d, perf());
  ASSERT_TRUE(busy.prefill.runs);
  EXPECT_GT(busy.idle_power_w, busy.power.leakage);
  EXPECT_LT(busy.idle_power_w, busy.prefill.power_w);
  d.tile_classes[0].wmem_bytes = 8 << 20;
  d.dram = {"none", 0};  // weights with no home: neither phase runs
  const Report idle = evaluate(llama(), node("7nm"), micro(), d, perf());
  ASSERT_FALSE(idle.prefill.runs);
  EXPECT_NEAR(idle.prefill.power_w, idle.idle_power_w, 1e-9 * idle.idle_power_w);
  d.power_gate_idle_tiles = true;
  const Report gated = evaluate(llama(), node("7nm"), micro(), d, perf());
  // gated tiles lose their clock and most logic leakage; SRAM keeps its weights and stays powered
  EXPECT_LT(gated.idle_power_w, idle.idle_power_w - idle.power.clock);
  EXPECT_NEAR(gated.prefill.power_w, gated.idle_power_w, 1e-9 * gated.idle_power_w);
}

TEST(Physics, HigherClockIsFasterAndHungrier) {
  auto d = base_design();
  d.clock_hz = 0.5e9;
  const Report slow = evaluate(llama(), node("7nm"), micro(), d, perf());
  d.clock_hz = 1.0e9;
  const Report fast = evaluate(llama(), node("7nm"), micro(), d, perf());
  EXPECT_GT(fast.prefill.tokens_per_second, 1.5 * slow.prefill.tokens_per_second);
  EXPECT_GT(fast.power.clock, slow.power.clock);
}

TEST(Capacity, WeightsThatDoNotFitSpillOrAreInfeasibleNeverFree) {
  auto d = base_design();
  d.tile_classes[0].wmem_bytes = 8 << 20;  // 2 GiB on chip for 16 GB of weights
  const Report spill = evaluate(llama(), node("7nm"), micro(), d, perf());
  EXPECT_GT(spill.weight_bytes_in_dram, 10e9);
  EXPECT_GT(spill.power.dram, 0.0);
  auto big = base_design();
  big.tile_classes[0].wmem_bytes = 64 << 20;
  const Report fits = evaluate(llama(), node("7nm"), micro(), big, perf());
  EXPECT_DOUBLE_EQ(fits.weight_bytes_in_dram, 0.0);
  EXPECT_LT(spill.decode.tokens_per_second, fits.decode.tokens_per_second);
  EXPECT_EQ(spill.decode.bottleneck, Bottleneck::dram);

  d.dram = {"none", 0};
  const Report nowhere = evaluate(llama(), node("7nm"), micro(), d, perf());
  EXPECT_FALSE(nowhere.feasible);
  EXPECT_THAT(nowhere.violations, ::testing::Contains(::testing::HasSubstr("weights")));
  EXPECT_LT(nowhere.ppa_score, spill.ppa_score);
}

TEST(Feasibility, ClockAboveFmaxAndReticleAreNamed) {
  auto d = base_design();
  d.clock_hz = 20e9;
  const Report r = evaluate(llama(), node("28nm"), micro(), d, perf());
  EXPECT_FALSE(r.feasible);
  EXPECT_THAT(r.violations, ::testing::Contains(::testing::HasSubstr("clock")));

  auto huge = base_design();
  huge.rows = huge.cols = 64;
  huge.tile_classes[0].wmem_bytes = 64 << 20;
  const Report big = evaluate(llama(), node("28nm"), micro(), huge, perf());
  EXPECT_THAT(big.violations, ::testing::Contains(::testing::HasSubstr("reticle")));
}

TEST(Feasibility, InvalidDesignScoresZeroWithReasons) {
  auto d = base_design();
  d.tile_classes[0].vlen_bits = 500;
  const Report r = evaluate(llama(), node("7nm"), micro(), d, perf());
  EXPECT_FALSE(r.feasible);
  EXPECT_EQ(r.ppa_score, 0.0);
  EXPECT_THAT(r.violations, ::testing::Contains(::testing::HasSubstr("vlen_bits")));
}

TEST(Score, LowPowerModeRewardsLessPowerAtTheFixedClock) {
  const Workload smol = model_workload("smolvlm-256m-instruct", workload::Precision::int8);
  arch::Design d;
  d.rows = 3;
  d.cols = 4;
  d.tile_classes[0].wmem_bytes = 24 << 20;
  d.tile_classes[0].weight_storage = arch::WeightStorage::rom;
  d.tile_classes[0].vlen_bits = 256;
  d.tile_classes[0].mac_formats = arch::mac_format_bit(tech::MacFormat::int8);
  d.tile_classes[0].amem_bytes = 2 << 20;  // the KV cache must have a home
  d.clock_hz = 10e6;
  d.flavor = tech::Flavor::low_leakage;
  Scenario lp;
  lp.mode = Mode::low_power;
  lp.budgets = defaults_for(Mode::low_power);
  lp.budgets.max_time_to_first_token_s = 0;  // about leakage: this small design prefills slowly
  const Report ll = evaluate(smol, node("22nm"), micro(), d, lp);
  d.flavor = tech::Flavor::high_performance;
  const Report hp = evaluate(smol, node("22nm"), micro(), d, lp);
  EXPECT_LT(ll.power.leakage, hp.power.leakage / 10);
  EXPECT_GT(ll.ppa_score, hp.ppa_score);
  d.clock_hz = 100e6;
  const Report wrong_clock = evaluate(smol, node("22nm"), micro(), d, lp);
  EXPECT_THAT(wrong_clock.violations, ::testing::Contains(::testing::HasSubstr("clock")));
}

}  // namespace
}  // namespace meshforge::ppa
