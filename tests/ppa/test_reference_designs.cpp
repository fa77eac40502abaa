// Fixed-value regressions of the shipped reference designs (ZigZag-style): any change to the cost
// model or the node data that moves these numbers must update them deliberately, together with
// docs/validation.md. Scenario = the CLI defaults (prompt 512, batch 1, one image).
// Also: the published chips stay within the tolerances docs/validation.md states.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "ppa/evaluate.h"
#include "workload_fixture.h"

namespace meshforge::ppa {
namespace {

const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

Workload workload_of(const std::string& model, workload::Precision p, std::int64_t batch = 1, std::int64_t seq = 512) {
  return testing::shipped_workload(model, p, batch, seq);
}

Report run(const std::string& design, const std::string& node, const Workload& w, Mode mode,
           workload::Phase scored = workload::Phase::decode) {
  Scenario sc;
  sc.mode = mode;
  sc.scored_phase = scored;
  sc.budgets = defaults_for(mode);
  const auto d = arch::load_design(kData / "designs" / (design + ".yaml"));
  return evaluate(w, tech::load_node(node, kData), load_microarch(kData), d, sc);
}

struct Reference {
  const char* design;
  const char* node;
  const char* model;
  Mode mode;
  workload::Precision precision;
  double prefill_tps, decode_tps, power_w, area_mm2, score;
};

class ReferenceDesign : public ::testing::TestWithParam<Reference> {};

TEST_P(ReferenceDesign, FixedValues) {
  const auto& ref = GetParam();
  const Report r = run(ref.design, ref.node, workload_of(ref.model, ref.precision), ref.mode);
  constexpr double kRel = 1e-9;
  // MESHFORGE_PRINT_REFERENCE=1 prints the values to paste after a deliberate model change.
  if (std::getenv("MESHFORGE_PRINT_REFERENCE"))
    std::printf("%s %s: %.17g, %.17g, %.17g, %.17g, %.17g\n", ref.design, ref.node, r.prefill.tokens_per_second,
                r.decode.tokens_per_second, r.power_w, r.area_mm2, r.ppa_score);
  EXPECT_NEAR(r.prefill.tokens_per_second, ref.prefill_tps, kRel * ref.prefill_tps);
  EXPECT_NEAR(r.decode.tokens_per_second, ref.decode_tps, kRel * ref.decode_tps);
  EXPECT_NEAR(r.power_w, ref.power_w, kRel * ref.power_w);
  EXPECT_NEAR(r.area_mm2, ref.area_mm2, kRel * ref.area_mm2);
  EXPECT_NEAR(r.ppa_score, ref.score, kRel * ref.score + 1e-15);
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, ReferenceDesign,
    ::testing::Values(
        Reference{"llama-3.1-8b-41x42", "3nm", "llama-3.1-8b", Mode::performance, workload::Precision::fp16, 278523.20309877209, 1580.2485125088015, 242.66469530638219, 8024.6857427150862, 1.2629122083006065e-29},
        Reference{"llama-3.1-8b-41x42", "5nm", "llama-3.1-8b", Mode::performance, workload::Precision::fp16, 278523.20309877209, 1580.2485125088015, 288.11256830783958, 8212.5689202690119, 4.2900411223491109e-31},
        Reference{"smolvlm-10mhz", "3nm", "smolvlm-256m-instruct", Mode::low_power, workload::Precision::int8, 197.63001274662582, 63.362334672009801, 0.0046108628437689612, 124.3819766748742, 0.71001383367472903},
        Reference{"smolvlm-10mhz", "28nm", "smolvlm-256m-instruct", Mode::low_power, workload::Precision::int8, 197.63001274662582, 63.362334672009801, 0.029495952615820102, 756.9379022656035, 0.23288012410313055},
        Reference{"small-4x4", "16nm", "smolvlm-256m-instruct", Mode::performance, workload::Precision::int8, 500.22120079501491, 190.73972764955536, 1.9782580859258105, 38.798711866620728, 0.00027981557167541305}));

// Published chips (docs/validation.md, data/chips/published.yaml): a prefill of batch 16 x 512 at
// the chip's native precision, of Llama 3.1 8B or, where its weights and KV cache have no home on
// the chip, of a smaller shipped model.
Report chip(const std::string& name, const std::string& node, workload::Precision p,
            const std::string& model = "llama-3.1-8b") {
  return run("chips/" + name, node, workload_of(model, p, 16, 512), Mode::performance, workload::Phase::prefill);
}

double on_die_w(const Report& r) { return r.prefill.power_w - r.power.dram; }

TEST(PublishedChips, StayWithinTheStatedTolerances) {
  const Report tpu = chip("tpuv1", "28nm", workload::Precision::int8);
  EXPECT_NEAR(tpu.peak_flops_per_s / 92e12, 1.0, 0.02);
  // Area is under-predicted on every chip (docs/validation.md says why): within 3x of <= 331 mm2.
  EXPECT_GT(tpu.area_mm2, 331.0 / 3);
  EXPECT_LT(tpu.area_mm2, 331.0);
  EXPECT_GT(on_die_w(tpu), 28.0 / 2);   // within 2x of 28-40 W busy
  EXPECT_LT(on_die_w(tpu), 40.0 * 2);

  const Report wormhole = chip("wormhole-n150", "12nm", workload::Precision::fp16, "smolvlm-instruct");
  EXPECT_NEAR(wormhole.peak_flops_per_s / 74e12, 1.0, 0.15);  // 80 tiles modelled, 72 active
  EXPECT_GT(wormhole.area_mm2, 670.0 / 3);

  const Report simba = chip("simba-chiplet", "16nm", workload::Precision::int8, "smolvlm-256m-instruct");
  EXPECT_NEAR(simba.peak_flops_per_s / 4.01e12, 1.0, 0.25);

  const Report gap9 = chip("gap9", "22nm", workload::Precision::int8, "smolvlm-256m-instruct");
  ASSERT_TRUE(gap9.prefill.runs);
  EXPECT_NEAR(gap9.peak_flops_per_s / 50e9, 1.0, 0.2);
  EXPECT_GT(on_die_w(gap9), 0.050 / 3);
  EXPECT_LT(on_die_w(gap9), 0.050 * 3);
}

}  // namespace
}  // namespace meshforge::ppa
