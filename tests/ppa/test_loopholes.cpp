// Regressions of the evaluator's loopholes (issue 8): each case is a design the search used to
// exploit because the model let it do something a foundry would refuse or physics forbids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "ppa/evaluate.h"
#include "workload_fixture.h"

namespace meshforge::ppa {
namespace {

using ::testing::HasSubstr;
const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

using testing::micro;
using testing::node;

Scenario mode(Mode m) {
  Scenario s;
  s.mode = m;
  s.budgets = defaults_for(m);
  return s;
}

bool any_violation(const Report& r, const std::string& text) {
  for (const auto& v : r.violations)
    if (v.find(text) != std::string::npos) return true;
  return false;
}

arch::Design shipped(const std::string& name) { return arch::load_design(kData / "designs" / (name + ".yaml")); }

// A square SRAM-only mesh with the given per-tile memories and one format.
arch::Design mesh(int side, std::int64_t wmem, std::int64_t amem, tech::MacFormat f = tech::MacFormat::fp16) {
  arch::Design d;
  d.rows = d.cols = side;
  d.tile_classes[0].vlen_bits = 512;
  d.tile_classes[0].wmem_bytes = wmem;
  d.tile_classes[0].amem_bytes = amem;
  d.tile_classes[0].mac_formats = arch::mac_format_bit(f);
  d.clock_hz = 1.0e9;
  return d;
}

const Workload& llama_int8() {
  static const Workload w = testing::shipped_workload("llama-3.1-8b", workload::Precision::int8, 1, 512);
  return w;
}
const Workload& llama_fp16() {
  static const Workload w = testing::shipped_workload("llama-3.1-8b", workload::Precision::fp16, 1, 512);
  return w;
}

// 1. Weights with no home are not free: no throughput from bytes that are nowhere.
TEST(Loophole, WeightsWithNoHomeGiveNoThroughput) {
  // 220 MB of SRAM, no DRAM, 8 GB of int8 weights.
  const auto d = mesh(14, 1 << 20, 64 << 10, tech::MacFormat::int8);
  const Report r = evaluate(llama_int8(), node("7nm"), micro(), d, mode(Mode::performance));
  EXPECT_FALSE(r.feasible);
  EXPECT_FALSE(r.decode.runs);
  EXPECT_EQ(r.decode.tokens_per_second, 0.0);
  EXPECT_EQ(r.prefill.tokens_per_second, 0.0);
  EXPECT_GT(r.decode.unhoused_bytes, 7e9);
  EXPECT_TRUE(std::isinf(r.decode.ms_per_token));
  EXPECT_LT(r.ppa_score, 0.05);
  // The shipped 10 MHz SmolVLM chip cannot run Llama 3.1 8B either.
  const Report s = evaluate(llama_fp16(), node("3nm"), micro(), shipped("smolvlm-10mhz"), mode(Mode::low_power));
  EXPECT_EQ(s.decode.tokens_per_second, 0.0);
  EXPECT_FALSE(s.feasible);
}

// 2. DRAM capacity is checked: one 4 GiB LPDDR5 device does not hold 16 GB of weights, and four
// HBM3 stacks do not hold 4 TB of KV cache.
TEST(Loophole, DramCapacityIsChecked) {
  auto d = mesh(8, 1 << 20, 1 << 20);
  d.dram = {"lpddr5", 1};
  const Report r = evaluate(llama_fp16(), node("7nm"), micro(), d, mode(Mode::performance));
  EXPECT_FALSE(r.feasible);
  EXPECT_TRUE(any_violation(r, "dram:")) << ::testing::PrintToString(r.violations);
  EXPECT_EQ(r.decode.tokens_per_second, 0.0);
  EXPECT_NEAR(r.dram_capacity_bytes, 4.0 * (1 << 30), 1.0);

  const Workload big = [] {
    const auto spec = workload::parse_hf_config(kData / "models" / "llama-3.1-8b.json");
    workload::Scenario s;
    s.batch = 4096;
    s.seq_tokens = 512;
    s.context_tokens = 8192;
    s.phase = workload::Phase::decode;
    return Workload{{}, workload::build_hf_graph(spec, s)};
  }();
  auto h = mesh(16, 64 << 20, 2 << 20);
  h.dram = {"hbm3", 4};
  const Report k = evaluate(big, node("3nm"), micro(), h, mode(Mode::performance));
  EXPECT_GT(k.kv_bytes_in_dram, 1e12);
  EXPECT_TRUE(any_violation(k, "dram:"));
  EXPECT_FALSE(k.decode.runs);
}

// 3. Activations meet the AMEM: a prefill's live tensors must fit (in chunks, or spilled to DRAM)
// or the design cannot run.
TEST(Loophole, ActivationsMustFitTheAmemOrSpill) {
  // Weights fit in WMEM; 28 KiB of AMEM per tile; a 512-token prefill's FFN intermediate alone is
  // 512 x 14,336 x 1 B = 7.3 MB.
  const auto d = mesh(8, 128 << 20, 28 << 10, tech::MacFormat::int8);
  const Report r = evaluate(llama_int8(), node("7nm"), micro(), d, mode(Mode::performance));
  const double amem = 64.0 * (28 << 10);
  ASSERT_TRUE(r.prefill.evaluated);
  EXPECT_LE(r.prefill.activation_peak_bytes, amem);  // chunked until it fits
  EXPECT_GT(r.prefill.microbatches, 4);
  // AMEM that cannot hold one token's activations: without DRAM it cannot run ...
  const auto tiny = mesh(4, 512 << 20, 1 << 10, tech::MacFormat::int8);
  const Report t = evaluate(llama_int8(), node("7nm"), micro(), tiny, mode(Mode::performance));
  EXPECT_FALSE(t.prefill.runs);
  EXPECT_TRUE(any_violation(t, "activations:"));
  // ... with DRAM the excess goes there and back, and costs DRAM energy (its time overlaps the
  // compute here).
  auto spill = tiny;
  spill.dram = {"lpddr5", 1};
  spill.mapping.pipeline_stages = 1;  // the same pipeline for both
  auto roomy = spill;
  roomy.tile_classes[0].amem_bytes = 64 << 20;
  const Report s = evaluate(llama_int8(), node("7nm"), micro(), spill, mode(Mode::performance));
  const Report o = evaluate(llama_int8(), node("7nm"), micro(), roomy, mode(Mode::performance));
  EXPECT_GT(s.prefill.activation_spill_bytes, 0);
  EXPECT_EQ(o.prefill.activation_spill_bytes, 0);
  EXPECT_LE(s.prefill.tokens_per_second, o.prefill.tokens_per_second);
  Scenario prefill = mode(Mode::performance);
  prefill.scored_phase = workload::Phase::prefill;
  const double dram_s = evaluate(llama_int8(), node("7nm"), micro(), spill, prefill).power.dram;
  const double dram_o = evaluate(llama_int8(), node("7nm"), micro(), roomy, prefill).power.dram;
  EXPECT_GT(dram_s, dram_o);
}

// 4. Low-leakage cells are slower: the same clock needs more supply, or is out of reach.
TEST(Loophole, LowLeakageCellsAreSlower) {
  for (const auto& name : tech::known_node_names()) {
    const auto& n = node(name);
    const double hp = tech::max_frequency_hz(n, n.vdd_nominal, tech::Flavor::high_performance);
    const double ll = tech::max_frequency_hz(n, n.vdd_nominal, tech::Flavor::low_leakage);
    EXPECT_LT(ll, 0.75 * hp) << name;
    EXPECT_GT(tech::min_vdd_for_frequency(n, 0.3 * hp, tech::Flavor::low_leakage),
              tech::min_vdd_for_frequency(n, 0.3 * hp, tech::Flavor::high_performance)) << name;
  }
  auto d = mesh(8, 64 << 20, 2 << 20);
  d.dram = {"hbm3", 1};
  d.clock_hz = node("3nm").fmax_hz;
  auto ll = d;
  ll.flavor = tech::Flavor::low_leakage;
  const Report rh = evaluate(llama_fp16(), node("3nm"), micro(), d, mode(Mode::performance));
  const Report rl = evaluate(llama_fp16(), node("3nm"), micro(), ll, mode(Mode::performance));
  EXPECT_LT(rl.clock_hz, 0.75 * rh.clock_hz);
  EXPECT_LT(rl.prefill.tokens_per_second, 0.8 * rh.prefill.tokens_per_second);
  EXPECT_FALSE(rl.feasible);
  EXPECT_LT(rl.ppa_score, rh.ppa_score);
}

// 5. DRAM PHYs need die edge: 7 HBM3 stacks do not fit beside a ~220 mm2 die, nor 3 beside 41 mm2.
TEST(Loophole, DramInterfacesAreLimitedByTheDieEdge) {
  auto d = mesh(8, 2 << 20, 1 << 20);
  d.dram = {"hbm3", 7};
  const Report r = evaluate(llama_fp16(), node("3nm"), micro(), d, mode(Mode::performance));
  EXPECT_LT(r.area_mm2, 400);
  EXPECT_LE(r.dram_channels_max, 3);
  EXPECT_TRUE(any_violation(r, "dram.channels")) << ::testing::PrintToString(r.violations);
  EXPECT_FALSE(r.feasible);
  EXPECT_GT(r.interposer_mm2, r.area_mm2);
  auto one = d;
  one.dram.channels = 1;
  const Report o = evaluate(llama_fp16(), node("3nm"), micro(), one, mode(Mode::performance));
  EXPECT_FALSE(any_violation(o, "dram.channels"));
}

// 6. Spill takes the coldest bytes: the embedding table (one row read per token) goes to DRAM
// first, so a chip short of exactly the table's size reads almost nothing from DRAM per token.
TEST(Loophole, SpillTakesTheEmbeddingTableFirst) {
  const auto& w = llama_fp16();
  double table = 0;
  for (const auto& op : w.decode.ops)
    if (op.kind == workload::OpKind::embedding) table += op.weight_bytes;
  ASSERT_GT(table, 1e9);
  const double total = w.decode.total_weight_bytes();
  const int tiles = 256;
  auto d = mesh(16, static_cast<std::int64_t>((total - 0.95 * table) / tiles), 2 << 20);
  d.dram = {"hbm3", 1};
  auto all = d;
  all.tile_classes[0].wmem_bytes = static_cast<std::int64_t>(1.01 * total / tiles);
  const Report r = evaluate(w, node("3nm"), micro(), d, mode(Mode::performance));
  const Report a = evaluate(w, node("3nm"), micro(), all, mode(Mode::performance));
  EXPECT_GT(r.weight_bytes_in_dram, 0.9 * table);
  EXPECT_GT(r.decode.tokens_per_second, 0.97 * a.decode.tokens_per_second);
  // And the shipped 41 x 42 design, which spills 2.9 GB, decodes faster than when every op
  // streamed an equal share (1,162 tokens/s).
  const Report p = evaluate(w, node("3nm"), micro(), shipped("llama-3.1-8b-41x42"), mode(Mode::performance));
  EXPECT_GT(p.decode.tokens_per_second, 1400);
}

// 7. The clock tree gates idle units: a DRAM-bound decode at <1% MAC utilisation does not clock
// its MAC arrays as a compute-bound prefill does.
TEST(Loophole, IdleUnitsAreClockGated) {
  const auto d = shipped("llama-3.1-8b-41x42");
  Scenario prefill = mode(Mode::performance);
  prefill.scored_phase = workload::Phase::prefill;
  const Report dec = evaluate(llama_fp16(), node("3nm"), micro(), d, mode(Mode::performance));
  const Report pre = evaluate(llama_fp16(), node("3nm"), micro(), d, prefill);
  ASSERT_LT(dec.decode.utilisation, 0.01);
  EXPECT_LT(dec.power.clock, 0.5 * pre.power.clock);
  EXPECT_LT(dec.power.clock, 40.0);
}

// 8. A clock above the node's fmax is evaluated at the fmax, with a violation.
TEST(Loophole, AClockAboveFmaxIsNotFree) {
  const auto d = shipped("llama-3.1-8b-41x42");  // 1.8 GHz
  const Report r3 = evaluate(llama_fp16(), node("3nm"), micro(), d, mode(Mode::performance));
  const Report r28 = evaluate(llama_fp16(), node("28nm"), micro(), d, mode(Mode::performance));
  EXPECT_NEAR(r28.requested_clock_hz, 1.8e9, 1);
  EXPECT_LE(r28.clock_hz, tech::max_frequency_hz(node("28nm"), r28.supply_v) * (1 + 1e-9));
  EXPECT_NEAR(r28.peak_flops_per_s / r3.peak_flops_per_s, r28.clock_hz / 1.8e9, 1e-9);
  EXPECT_LT(r28.prefill.tokens_per_second, 0.6 * r3.prefill.tokens_per_second);
  EXPECT_TRUE(any_violation(r28, "clock_mhz: evaluated at"));
}

// 10. Low-power mode has a time-to-first-token budget.
TEST(Loophole, TimeToFirstTokenIsBudgeted) {
  const Workload smol = testing::shipped_workload("smolvlm-256m-instruct", workload::Precision::int8, 1, 512);
  auto slow = shipped("smolvlm-10mhz");
  slow.tile_classes[0].mac_rows = 1;
  slow.tile_classes[0].vlen_bits = 256;
  const Report r = evaluate(smol, node("7nm"), micro(), slow, mode(Mode::low_power));
  EXPECT_GT(r.time_to_first_token_s, 10.0);
  EXPECT_NEAR(r.time_to_first_token_s, r.prefill.step_latency_s, 1e-12);
  EXPECT_TRUE(any_violation(r, "budget.time_to_first_token")) << ::testing::PrintToString(r.violations);
  Scenario lax = mode(Mode::low_power);
  lax.budgets.max_time_to_first_token_s = 0;  // no budget
  const Report l = evaluate(smol, node("7nm"), micro(), slow, lax);
  EXPECT_FALSE(any_violation(l, "budget.time_to_first_token"));
  EXPECT_GT(l.ppa_score, r.ppa_score);
}

// 11. The datapath is the design's: area does not follow the precision being run.
TEST(Loophole, AreaFollowsTheDeclaredFormatsNotTheWorkload) {
  auto d = mesh(8, 8 << 20, 1 << 20);
  d.tile_classes[0].mac_formats = arch::mac_format_bit(tech::MacFormat::fp16) | arch::mac_format_bit(tech::MacFormat::int8);
  d.dram = {"lpddr5", 2};
  const Report i8 = evaluate(llama_int8(), node("7nm"), micro(), d, mode(Mode::performance));
  const Report f16 = evaluate(llama_fp16(), node("7nm"), micro(), d, mode(Mode::performance));
  EXPECT_DOUBLE_EQ(i8.area_mm2, f16.area_mm2);
  EXPECT_NEAR(i8.peak_flops_per_s, 2 * f16.peak_flops_per_s, 1e-6 * i8.peak_flops_per_s);
  // An fp16-only datapath runs int8 on fp16 lanes (exact), no faster than fp16.
  auto fp16_only = d;
  fp16_only.tile_classes[0].mac_formats = arch::mac_format_bit(tech::MacFormat::fp16);
  const Report e = evaluate(llama_int8(), node("7nm"), micro(), fp16_only, mode(Mode::performance));
  EXPECT_NEAR(e.peak_flops_per_s, f16.peak_flops_per_s, 1e-6 * e.peak_flops_per_s);
  EXPECT_LT(e.area_mm2, i8.area_mm2);
  // A format that cannot hold the run's values is a violation, not a crash.
  auto int8_only = d;
  int8_only.tile_classes[0].mac_formats = arch::mac_format_bit(tech::MacFormat::int8);
  const Report n = evaluate(llama_fp16(), node("7nm"), micro(), int8_only, mode(Mode::performance));
  EXPECT_TRUE(any_violation(n, "tile_classes[0].mac_formats")) << ::testing::PrintToString(n.violations);
}

}  // namespace
}  // namespace meshforge::ppa
