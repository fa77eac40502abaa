// End-to-end: the meshforge binary as a user runs it (exit codes, one-line errors, JSON shape).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>

#include "run_binary.h"

namespace {

using meshforge::testing::CommandResult;

std::filesystem::path temp_dir() { return meshforge::testing::scratch_dir("cli_test"); }

CommandResult run(const std::string& args) { return meshforge::testing::run_meshforge(args, temp_dir()); }

std::string write_file(const std::string& name, const std::string& content) {
  const auto path = temp_dir() / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(Cli, HelpExplainsEveryAnalyzeOption) {
  const CommandResult r = run("analyze --help");
  EXPECT_EQ(r.status, 0);
  for (const char* opt : {"--phase", "--seq", "--ctx", "--batch", "--precision", "--images", "--json",
                          "--dim", "flops_per_token", "weight_bytes_per_token", "kv_bytes_per_token",
                          "activation_bytes_per_token"})
    EXPECT_THAT(r.out, ::testing::HasSubstr(opt));
  EXPECT_EQ(run("--help").status, 0);
}

TEST(Cli, AnalyzeJsonHasTheDocumentedFields) {
  const CommandResult r = run("analyze llama-3.1-8b --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("model_type"), "llama");
  ASSERT_TRUE(j.at("parameters").is_number_integer());
  EXPECT_EQ(j.at("parameters").get<std::int64_t>(), 8'030'261'248);
  EXPECT_DOUBLE_EQ(j.at("weight_bytes").get<double>(), 2.0 * 8'030'261'248);
  for (const char* phase : {"prefill", "decode"})
    for (const char* field : {"flops_per_token", "weight_bytes_per_token", "kv_bytes_per_token",
                              "activation_bytes_per_token"})
      EXPECT_GT(j.at(phase).at(field).get<double>(), 0) << phase << "." << field;
  EXPECT_GT(j.at("ops").size(), 500u);
  EXPECT_EQ(j.at("ops")[0].at("kind"), "embedding");
}

TEST(Cli, TableRunsOnTheShippedVisionModel) {
  const CommandResult r = run("analyze smolvlm-256m-instruct --phase prefill --images 1 --precision int8");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("256,484,928"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("vision_encoder"));
}

void expect_one_line_error(const CommandResult& r, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  for (const auto& p : parts) EXPECT_THAT(r.err, ::testing::HasSubstr(p));
}

TEST(Cli, BadInputGivesOneLineNamingFileAndField) {
  expect_one_line_error(run("analyze /no/such/config.json"), {"/no/such/config.json", "no such model file"});
  const auto malformed = write_file("malformed.json", "{\"model_type\": \"llama\",");
  expect_one_line_error(run("analyze " + malformed), {"malformed.json", "malformed JSON"});
  const auto unknown = write_file("unknown.json", R"({"model_type":"bert","hidden_size":768})");
  expect_one_line_error(run("analyze " + unknown), {"unknown.json", "model_type", "bert", "llama"});
  const auto missing = write_file("missing.json", R"({"model_type":"llama","hidden_size":64,"num_attention_heads":4})");
  expect_one_line_error(run("analyze " + missing), {"missing.json", "num_hidden_layers"});
  const auto corrupt = write_file("corrupt.onnx", std::string("\x08\x07garbage\xff\xff\xff", 12));
  expect_one_line_error(run("analyze " + corrupt), {"corrupt.onnx"});
}

TEST(Cli, BadOptionValuesAreRefused) {
  EXPECT_NE(run("analyze llama-3.1-8b --precision fp12").status, 0);
  EXPECT_NE(run("analyze llama-3.1-8b --batch 0").status, 0);
  EXPECT_NE(run("analyze llama-3.1-8b --phase training").status, 0);
  expect_one_line_error(run("analyze llama-3.1-8b --dim batch"), {"--dim", "NAME=VALUE"});
  // Out-of-range and non-finite values are refused, never replaced by a default (one line, status 2).
  const std::string eval = "evaluate --model llama-3.1-8b --node 7nm --design small-4x4 ";
  for (const std::string bad : {"--power-budget -5", "--power-budget nan", "--area-budget 0", "--fixed-clock-mhz -10",
                                "--min-tokens-per-second nan", "--max-ttft-s inf"})
    expect_one_line_error(run(eval + bad), {bad.substr(0, bad.find(' '))});
  const std::string explore = "explore --model llama-3.1-8b --node 7nm --agent random --budget 5 ";
  for (const std::string bad : {"--budget 99999999999999999999", "--seed -1", "--time-budget nan", "--power-budget inf",
                                "--checkpoint-seconds 0"})
    expect_one_line_error(run(explore + bad + " --out " + (temp_dir() / "never").string()), {bad.substr(0, bad.find(' '))});
  EXPECT_FALSE(std::filesystem::exists(temp_dir() / "never"));
  // Scenario sizes beyond any model or serving batch (issue 10 items 6 and 12: they wrapped 64-bit
  // products into negative throughputs, and the range message printed a 310-digit maximum).
  for (const std::string bad : {"--seq 1000000000000", "--ctx 9000000000000000000", "--batch 1000000000000",
                                "--images 1000000000000", "--image-split 5000000000", "--seq 0"}) {
    const auto r = run(eval + bad);
    expect_one_line_error(r, {bad.substr(0, bad.find(' '))});
    EXPECT_LT(r.err.size(), 160u) << r.err;
  }
  // 0 stays meaningful where documented: any clock, no time-to-first-token budget.
  EXPECT_EQ(run(eval + "--fixed-clock-mhz 0 --max-ttft-s 0").status, 0);
}

}  // namespace

namespace {

TEST(CliEvaluate, JsonHasTheDocumentedFields) {
  const CommandResult r = run("evaluate --model llama-3.1-8b --node 3nm --design llama-3.1-8b-41x42 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j.at("feasible").is_boolean());
  EXPECT_TRUE(j.at("violations").is_array());
  for (const char* phase : {"prefill", "decode"}) {
    EXPECT_GT(j.at("tokens_per_second").at(phase).get<double>(), 0);
    EXPECT_GT(j.at("ms_per_token").at(phase).get<double>(), 0);
    EXPECT_FALSE(j.at(phase).at("stages").empty());
  }
  for (const char* field : {"power_w", "area_mm2", "energy_per_token_j"}) EXPECT_GT(j.at(field).get<double>(), 0) << field;
  const double score = j.at("ppa_score").get<double>();
  EXPECT_GE(score, 0.0);
  EXPECT_LE(score, 1.0);
  double power_parts = 0;
  for (const auto& [k, v] : j.at("breakdown").at("power_w").items()) power_parts += v.get<double>();
  EXPECT_NEAR(power_parts, j.at("power_w").get<double>(), 1e-6 * power_parts);
  EXPECT_TRUE(j.at("breakdown").at("area_mm2").contains("wmem_rom"));
}

TEST(CliEvaluate, TableAndLowPowerMode) {
  const CommandResult r = run("evaluate --model smolvlm-256m-instruct --precision int8 --node 28nm --design smolvlm-10mhz --mode low-power");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("leakage"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("feasible     yes"));
}

TEST(CliEvaluate, SeveralDesignsSideBySideEachAsAlone) {
  const std::string base = "evaluate --model llama-3.1-8b --node 7nm ";
  const CommandResult both = run(base + "--design small-4x4 llama-3.1-8b-41x42 --json");
  ASSERT_EQ(both.status, 0) << both.err;
  const auto j = nlohmann::json::parse(both.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  // Each column is what evaluating that design alone gives.
  for (const auto& [i, name] : {std::pair{0, "small-4x4"}, {1, "llama-3.1-8b-41x42"}}) {
    const CommandResult alone = run(base + "--design " + name + " --json");
    ASSERT_EQ(alone.status, 0) << alone.err;
    EXPECT_EQ(j[static_cast<std::size_t>(i)], nlohmann::json::parse(alone.out)) << name;
  }
  const CommandResult table = run(base + "--design small-4x4 --design llama-3.1-8b-41x42");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_THAT(table.out, ::testing::HasSubstr("1: small-4x4"));
  EXPECT_THAT(table.out, ::testing::HasSubstr("2: llama-3.1-8b-41x42"));
  EXPECT_THAT(table.out, ::testing::HasSubstr("PPA score"));
  // One bad design among several: one line naming it, nothing printed.
  const CommandResult bad = run(base + "--design small-4x4 /no/such/design.yaml");
  expect_one_line_error(bad, {"/no/such/design.yaml"});
  EXPECT_TRUE(bad.out.empty());
}

TEST(CliEvaluate, BadInputGivesOneLine) {
  expect_one_line_error(run("evaluate --node 4nm --design small-4x4"), {"4nm", "3nm", "28nm"});
  expect_one_line_error(run("evaluate --node 3nm --design /no/such/design.yaml"), {"/no/such/design.yaml"});
  const auto bad = write_file("bad_design.yaml", "name: x\nmesh: {rows: 2, cols: [\n");
  expect_one_line_error(run("evaluate --node 3nm --design " + bad), {"bad_design.yaml", "line"});
  const auto typo = write_file("typo_design.yaml", "name: x\nmesh: {rows: 2, colz: 2}\n");
  expect_one_line_error(run("evaluate --node 3nm --design " + typo), {"typo_design.yaml", "colz"});
}

// A directory is not a design file: one named like a shipped design (an explore --out, say) leaves
// the shipped name usable; an explore output directory stands for its best_design.yaml; any
// other directory is a one-line error saying so.
TEST(CliEvaluate, ADirectoryIsNotReadAsADesignFile) {
  namespace fs = std::filesystem;
  const fs::path shadow = fs::current_path() / "small-4x4";
  const bool made = fs::create_directory(shadow);
  const CommandResult shipped = run("evaluate --node 16nm --design small-4x4 --json");
  if (made) fs::remove(shadow);
  ASSERT_EQ(shipped.status, 0) << shipped.err;
  EXPECT_EQ(nlohmann::json::parse(shipped.out).at("design").get<std::string>(), "small-4x4");

  const auto explored = temp_dir() / "explored";
  fs::create_directories(explored);
  fs::copy_file(fs::path(MESHFORGE_TEST_DATA_DIR) / "designs/small-4x4.yaml", explored / "best_design.yaml",
                fs::copy_options::overwrite_existing);
  EXPECT_EQ(run("evaluate --node 16nm --design " + explored.string()).status, 0);

  const auto empty = temp_dir() / "not-a-design";
  fs::create_directories(empty);
  expect_one_line_error(run("evaluate --node 16nm --design " + empty.string()), {"not-a-design", "directory"});
}

}  // namespace

namespace {

// Issue 8: new design fields fail cleanly. A format or block kind that does not exist is a
// one-line error or a named violation; too many DRAM PHYs for the die edge is a violation.
TEST(CliEvaluate, NewDesignFieldsFailCleanly) {
  const std::string base = "name: x\nmesh: {rows: 2, cols: 2}\n";
  const auto fp64 = write_file("fp64.yaml", base + "tile_classes:\n  - {mac_formats: [fp64]}\n");
  expect_one_line_error(run("evaluate --node 7nm --design " + fp64), {"fp64.yaml", "tile_classes[0].mac_formats[0]", "fp64"});
  const auto empty = write_file("empty_formats.yaml", base + "tile_classes:\n  - {mac_formats: []}\n");
  expect_one_line_error(run("evaluate --node 7nm --design " + empty), {"empty_formats.yaml", "tile_classes[0].mac_formats"});
  const auto lanes = write_file("no_lanes.yaml", base + "soc:\n  host: {kind: pcie4, lanes: 0}\n");
  expect_one_line_error(run("evaluate --node 7nm --design " + lanes), {"no_lanes.yaml", "soc.host.lanes"});

  const auto kind = write_file("pcie9.yaml", base + "soc:\n  host: {kind: pcie9, lanes: 16}\n");
  CommandResult r = run("evaluate --model smolvlm-256m-instruct --node 7nm --json --design " + kind);
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j.at("feasible").get<bool>());
  EXPECT_THAT(j.at("violations").dump(), ::testing::HasSubstr("soc.host.kind"));

  const auto hbm = write_file("hbm20.yaml", base + "dram: {kind: hbm3, channels: 20}\n");
  r = run("evaluate --model smolvlm-256m-instruct --node 7nm --json --design " + hbm);
  ASSERT_EQ(r.status, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_THAT(j.at("violations").dump(), ::testing::HasSubstr("dram.channels"));
  EXPECT_LT(j.at("memory").at("dram_channels_max").get<int>(), 20);
}

}  // namespace
