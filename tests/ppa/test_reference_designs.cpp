// Fixed-value regressions of the shipped reference designs (ZigZag-style): any change to the cost
// model or the node data that moves these numbers must update them deliberately, together with
// docs/validation.md. Scenario = the CLI defaults (prompt 512, batch 1, one image).
// Also: the published chips stay within the tolerances docs/validation.md states.
#include <gtest/gtest.h>

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
  EXPECT_NEAR(r.prefill.tokens_per_second, ref.prefill_tps, kRel * ref.prefill_tps);
  EXPECT_NEAR(r.decode.tokens_per_second, ref.decode_tps, kRel * ref.decode_tps);
  EXPECT_NEAR(r.power_w, ref.power_w, kRel * ref.power_w);
  EXPECT_NEAR(r.area_mm2, ref.area_mm2, kRel * ref.area_mm2);
  EXPECT_NEAR(r.ppa_score, ref.score, kRel * ref.score + 1e-15);
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, ReferenceDesign,
    ::testing::Values(
        Reference{"llama-3.1-8b-41x42", "3nm", "llama-3.1-8b", Mode::performance, workload::Precision::fp16, 337611.785382554, 1162.1132631545127, 297.3007139423776, 6056.011633895531, 5.455242979769881e-21},
        Reference{"llama-3.1-8b-41x42", "5nm", "llama-3.1-8b", Mode::performance, workload::Precision::fp16, 337611.785382554, 1162.1132631545127, 405.17366507455654, 6541.37874129201, 2.4479203279983362e-24},
        Reference{"smolvlm-10mhz", "3nm", "smolvlm-256m-instruct", Mode::low_power, workload::Precision::int8, 42.16466245070606, 63.08451921960483, 0.0035590834724959952, 88.0663482548628, 0.7614898146423852},
        Reference{"smolvlm-10mhz", "28nm", "smolvlm-256m-instruct", Mode::low_power, workload::Precision::int8, 42.16466245070606, 63.08451921960483, 0.02173749081132313, 530.4112793510259, 0.325092810054717},
        Reference{"small-4x4", "16nm", "smolvlm-256m-instruct", Mode::performance, workload::Precision::int8, 499.5110099239906, 186.84037035668993, 1.9350010556936772, 30.399974927327968, 0.408485774943275}));

// Published chips (docs/validation.md): Llama 3.1 8B prefill, batch 16 x 512, native precision.
Report chip(const std::string& name, const std::string& node, workload::Precision p) {
  static const Workload int8 = workload_of("llama-3.1-8b", workload::Precision::int8, 16, 512);
  static const Workload fp16 = workload_of("llama-3.1-8b", workload::Precision::fp16, 16, 512);
  return run("chips/" + name, node, p == workload::Precision::int8 ? int8 : fp16, Mode::performance,
             workload::Phase::prefill);
}

double on_die_w(const Report& r) { return r.prefill.power_w - r.power.dram; }

TEST(PublishedChips, StayWithinTheStatedTolerances) {
  const Report tpu = chip("tpuv1", "28nm", workload::Precision::int8);
  EXPECT_NEAR(tpu.peak_flops_per_s / 92e12, 1.0, 0.02);
  EXPECT_GT(tpu.area_mm2, 331.0 / 2);   // within 2x of <= 331 mm2
  EXPECT_LT(tpu.area_mm2, 331.0);
  EXPECT_GT(on_die_w(tpu), 28.0 / 2);   // within 2x of 28-40 W busy
  EXPECT_LT(on_die_w(tpu), 40.0 * 2);

  const Report wormhole = chip("wormhole-n150", "12nm", workload::Precision::fp16);
  EXPECT_NEAR(wormhole.peak_flops_per_s / 74e12, 1.0, 0.15);  // 80 tiles modelled, 72 active
  EXPECT_GT(wormhole.area_mm2, 670.0 / 3);

  const Report simba = chip("simba-chiplet", "16nm", workload::Precision::int8);
  EXPECT_NEAR(simba.peak_flops_per_s / 4.01e12, 1.0, 0.25);

  const Report gap9 = chip("gap9", "22nm", workload::Precision::int8);
  EXPECT_NEAR(gap9.peak_flops_per_s / 50e9, 1.0, 0.2);
  EXPECT_GT(on_die_w(gap9), 0.050 / 3);
  EXPECT_LT(on_die_w(gap9), 0.050 * 3);
}

}  // namespace
}  // namespace meshforge::ppa
