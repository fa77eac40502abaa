// End-to-end: the reports tell the truth about their units (issue 8, items 9 and 12): what one
// unit of throughput is (a token or an inference), small powers with an SI prefix, decimal bytes,
// the budgets a run was scored against, and warnings for options the model cannot honour.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../workload/onnx_model_builder.h"
#include "run_binary.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Result = meshforge::testing::CommandResult;
using meshforge::testing::ModelBuilder;

fs::path scratch() { return meshforge::testing::scratch_dir("units_cli_test"); }

Result run(const std::string& args) { return meshforge::testing::run_meshforge(args, scratch()); }

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string fresh_dir(const std::string& name) {
  const auto d = scratch() / name;
  fs::remove_all(d);
  return d.string();
}

// The MLP of onnx_model_builder.h, x[1,16] (no sequence dimension) or x[batch, seq, 16].
std::string write_mlp(const std::string& stem, bool with_sequence) {
  const auto m = meshforge::testing::relu_mlp(with_sequence ? std::vector<meshforge::testing::Dim>{"batch", "seq", 16}
                                                            : std::vector<meshforge::testing::Dim>{1, 16});
  const auto path = scratch() / (stem + ".onnx");
  std::ofstream(path, std::ios::binary) << m.serialize();
  return path.string();
}

constexpr double kMlpFlops = meshforge::testing::kReluMlpFlopsPerRow;

// A run that succeeds with exactly one line on stderr (one warning) containing every part.
void expect_one_warning(const Result& r, const std::vector<std::string>& parts) {
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  for (const auto& p : parts) EXPECT_THAT(r.err, HasSubstr(p));
}

// ---- item 9: an ONNX model's unit of work -------------------------------------------------

TEST(UnitsCli, AnOnnxMlpIsAnalysedPerInference) {
  const auto mlp = write_mlp("mlp", false);
  const Result r = run("analyze " + mlp + " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* phase : {"prefill", "decode"}) {
    EXPECT_DOUBLE_EQ(j.at(phase).at("flops").get<double>(), kMlpFlops) << phase;
    EXPECT_DOUBLE_EQ(j.at(phase).at("flops_per_token").get<double>(), kMlpFlops) << phase;  // not / 512
    EXPECT_EQ(j.at(phase).at("tokens"), 1) << phase;
    EXPECT_EQ(j.at(phase).at("unit"), "inference") << phase;
  }
  EXPECT_EQ(j.at("unit"), "inference");
  const Result table = run("analyze " + mlp);
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("per inference"));
  EXPECT_THAT(table.out, Not(HasSubstr("per token")));
  EXPECT_THAT(table.out, Not(HasSubstr("tokens/sequence")));
}

TEST(UnitsCli, AnOnnxMlpIsEvaluatedInInferencesPerSecondWhateverTheSeq) {
  const auto mlp = write_mlp("mlp_eval", false);
  const std::string base = "evaluate --model " + mlp + " --node 28nm --design small-4x4";
  const Result a = run(base + " --json");
  const Result b = run(base + " --json --seq 64");
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  const auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja.at("throughput_unit"), "inferences");
  // The unit does not depend on --seq: the MLP has no sequence.
  EXPECT_DOUBLE_EQ(ja.at("tokens_per_second").at("decode").get<double>(),
                   jb.at("tokens_per_second").at("decode").get<double>());
  const Result table = run(base);
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("inferences/s"));
  EXPECT_THAT(table.out, HasSubstr("ms/inference"));
  EXPECT_THAT(table.out, Not(HasSubstr("tokens/s")));
}

TEST(UnitsCli, ExploreOnAnOnnxMlpReportsInferences) {
  const auto mlp = write_mlp("mlp_explore", false);
  const auto out = fresh_dir("explore_mlp");
  const Result r = run("explore --model " + mlp + " --node 28nm --agent random --budget 12 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("inferences/s"));
  EXPECT_THAT(r.err, Not(HasSubstr("tok/s")));
  EXPECT_THAT(r.out, HasSubstr("inferences/s"));
  const auto report = nlohmann::json::parse(slurp(fs::path(out) / "report.json"));
  EXPECT_EQ(report.at("throughput_unit"), "inferences");
}

TEST(UnitsCli, ANamedTokenDimensionCountsTokensFromDimOrSeq) {
  const auto mlp = write_mlp("mlp_seq", true);
  // --seq gives the token dimension its value when --dim does not.
  const Result a = run("analyze " + mlp + " --json --dim batch=1 --token-dim seq --seq 8");
  ASSERT_EQ(a.status, 0) << a.err;
  const auto ja = nlohmann::json::parse(a.out);
  EXPECT_EQ(ja.at("unit"), "token");
  EXPECT_EQ(ja.at("prefill").at("tokens"), 8);
  EXPECT_DOUBLE_EQ(ja.at("prefill").at("flops").get<double>(), 8 * kMlpFlops);
  EXPECT_DOUBLE_EQ(ja.at("prefill").at("flops_per_token").get<double>(), kMlpFlops);
  // --dim wins over --seq.
  const Result b = run("analyze " + mlp + " --json --dim batch=1 --dim seq=5 --token-dim seq --seq 8");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(nlohmann::json::parse(b.out).at("prefill").at("tokens"), 5);

  const Result e = run("evaluate --model " + mlp + " --node 28nm --design small-4x4 --json --dim batch=1 --token-dim seq");
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_EQ(nlohmann::json::parse(e.out).at("throughput_unit"), "tokens");

  // A token dimension the model does not have, or one given for a model that is not ONNX.
  const Result bad = run("analyze " + mlp + " --dim batch=1 --dim seq=5 --token-dim sequence");
  EXPECT_NE(bad.status, 0);
  EXPECT_EQ(lines(bad.err), 1) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("--token-dim"));
  EXPECT_THAT(bad.err, HasSubstr("mlp_seq.onnx"));
  EXPECT_THAT(bad.err, HasSubstr("sequence"));
  const Result hf = run("analyze llama-3.1-8b --token-dim seq");
  EXPECT_NE(hf.status, 0);
  EXPECT_EQ(lines(hf.err), 1) << hf.err;
  EXPECT_THAT(hf.err, HasSubstr("--token-dim"));
}

TEST(UnitsCli, LanguageModelsStillCountTokens) {
  const Result a = run("analyze llama-3.1-8b --json");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(nlohmann::json::parse(a.out).at("unit"), "token");
  const Result e = run("evaluate --model llama-3.1-8b --node 3nm --design llama-3.1-8b-41x42 --json");
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_EQ(nlohmann::json::parse(e.out).at("throughput_unit"), "tokens");
}

// ---- item 12 ----------------------------------------------------------------------------

const std::string kLowPower =
    "--model smolvlm-256m-instruct --precision int8 --mode low-power --agent random-walk --budget 1000 --from smolvlm-10mhz ";

// a) a design of a few milliwatts is not "0.01 W".
TEST(UnitsCli, MilliwattDesignsArePrintedInMilliwatts) {
  const auto out = fresh_dir("low_power");
  const Result r = run("explore --node 3nm " + kLowPower + "--out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto report = nlohmann::json::parse(slurp(fs::path(out) / "report.json"));
  ASSERT_LT(report.at("power_w").get<double>(), 1.0);  // the run found a sub-watt design: printed in mW
  EXPECT_THAT(r.out, HasSubstr(" mW"));
  EXPECT_THAT(r.err, HasSubstr(" mW"));
  EXPECT_THAT(r.out, Not(::testing::ContainsRegex("0\\.0[0-9] W")));
  EXPECT_THAT(r.err, Not(::testing::ContainsRegex("0\\.0[0-9] W")));

  const auto sweep = fresh_dir("low_power_sweep");
  const Result s = run("sweep --nodes 3nm " + kLowPower + "--out " + sweep);
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_THAT(s.out, HasSubstr(" mW"));
  EXPECT_THAT(s.out, Not(::testing::ContainsRegex("0\\.0[0-9] W")));
}

// b) report.json (and evaluate --json) hold the budgets the design was scored against.
TEST(UnitsCli, ReportsHoldTheEffectiveBudgets) {
  const auto perf = fresh_dir("budgets_performance");
  const Result p = run("explore --model llama-3.1-8b --node 7nm --agent random --seq 64 --budget 10 --out " + perf);
  ASSERT_EQ(p.status, 0) << p.err;
  const auto jp = nlohmann::json::parse(slurp(fs::path(perf) / "report.json"));
  EXPECT_DOUBLE_EQ(jp.at("budgets").at("power_budget_w").get<double>(), 75.0);
  EXPECT_DOUBLE_EQ(jp.at("budgets").at("area_budget_mm2").get<double>(), 858.0);
  EXPECT_FALSE(jp.at("search").at("settings").contains("power-budget"));  // no "0" placeholder

  const auto low = fresh_dir("budgets_low_power");
  const Result l = run("explore --node 3nm " + kLowPower + "--area-budget 400 --out " + low);
  ASSERT_EQ(l.status, 0) << l.err;
  const auto jl = nlohmann::json::parse(slurp(fs::path(low) / "report.json"));
  EXPECT_DOUBLE_EQ(jl.at("budgets").at("area_budget_mm2").get<double>(), 400.0);
  EXPECT_DOUBLE_EQ(jl.at("budgets").at("fixed_clock_mhz").get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(jl.at("budgets").at("min_throughput_per_s").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(jl.at("budgets").at("power_reference_w").get<double>(), 0.010);

  const Result e = run("evaluate --model llama-3.1-8b --node 3nm --design llama-3.1-8b-41x42 --json --power-budget 50");
  ASSERT_EQ(e.status, 0) << e.err;
  const auto je = nlohmann::json::parse(e.out);
  EXPECT_DOUBLE_EQ(je.at("budgets").at("power_budget_w").get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(je.at("budgets").at("area_budget_mm2").get<double>(), 858.0);
}

// c) one byte convention: decimal GB / MB / kB, as evaluate prints.
TEST(UnitsCli, AnalyzePrintsDecimalBytesLikeEvaluate) {
  const Result a = run("analyze llama-3.1-8b");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_THAT(a.out, HasSubstr("16.1 GB at fp16"));  // 8.03 G parameters x 2 bytes
  EXPECT_THAT(a.out, HasSubstr("131 kB per token of context"));
  EXPECT_THAT(a.out, Not(::testing::ContainsRegex("[KMGT]iB")));
  const Result e = run("evaluate --model llama-3.1-8b --node 3nm --design llama-3.1-8b-41x42");
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_THAT(e.out, HasSubstr(" GB on chip"));
  EXPECT_THAT(e.out, Not(::testing::ContainsRegex("[KMGT]iB")));
}

// d) --images on a model without a vision tower: a warning when given, silence by default.
TEST(UnitsCli, ImagesGivenForATextModelWarnOnce) {
  expect_one_warning(run("analyze llama-3.1-8b --images 3"), {"--images 3", "llama-3.1-8b", "no vision tower"});
  expect_one_warning(run("evaluate --model llama-3.1-8b --node 3nm --design llama-3.1-8b-41x42 --images 2"),
                     {"--images 2", "llama-3.1-8b"});

  EXPECT_EQ(run("analyze llama-3.1-8b").err, "");              // the default images = 1 is silent
  EXPECT_EQ(run("analyze llama-3.1-8b --images 0").err, "");   // so is asking for none
  EXPECT_EQ(run("analyze smolvlm-256m-instruct --images 3").err, "");  // a vision model uses them
}

// e) a context or prompt longer than the model's max_position_embeddings.
TEST(UnitsCli, ContextBeyondTheModelsPositionsWarns) {
  expect_one_warning(run("analyze llama-3.1-8b --ctx 200000"), {"--ctx 200000", "131072", "max_position_embeddings"});
  // SmolVLM-256M: 8,192 positions; 8,000 text tokens plus one image's tokens are more (decode's
  // context is that prompt: still one warning).
  expect_one_warning(run("analyze smolvlm-256m-instruct --seq 8000 --phase prefill"), {"--seq 8000", "image tokens", "8192"});
  expect_one_warning(run("evaluate --model smolvlm-256m-instruct --node 3nm --design small-4x4 --seq 8000"),
                     {"--seq 8000", "8192"});

  EXPECT_EQ(run("analyze llama-3.1-8b --ctx 131072").err, "");
  EXPECT_EQ(run("analyze smolvlm-256m-instruct --seq 4000").err, "");
}

}  // namespace
