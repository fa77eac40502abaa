// End-to-end: meshforge campaign (one agent over several regimes and nodes) with tiny budgets:
// outputs per regime and node, the gate per regime, one-line errors naming the campaign file and
// the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "run_binary.h"

namespace {

namespace fs = std::filesystem;

fs::path scratch() { return meshforge::testing::scratch_dir("campaign_cli_test"); }

meshforge::testing::CommandResult run(const std::string& args) { return meshforge::testing::run_meshforge(args, scratch()); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

fs::path write(const std::string& name, const std::string& text) {
  const auto p = scratch() / name;
  std::ofstream(p) << text;
  return p;
}

const std::string kTwoRegimes =
    "nodes: [7nm, 28nm]\n"
    "regimes:\n"
    "  big: {model: llama-3.1-8b, mode: performance, seq: 64}\n"
    "  small: {model: smolvlm-256m-instruct, mode: low-power, precision: int8}\n";

TEST(CampaignCli, OneAgentWritesEveryRegimeAndNodeAndTheGatePerRegime) {
  const auto file = write("two.yaml", kTwoRegimes);
  const auto out = scratch() / "two";
  const auto r = run("campaign " + file.string() + " --budget 24 --experts 3 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* regime : {"big", "small"}) {
    const auto summary = lines_of(slurp(out / regime / "summary.csv"));
    ASSERT_EQ(summary.size(), 3u) << regime;
    EXPECT_EQ(summary[1].substr(0, 4), "7nm,");
    EXPECT_EQ(summary[2].substr(0, 5), "28nm,");
    for (const char* node : {"7nm", "28nm"}) {
      const auto dir = out / regime / node;
      EXPECT_TRUE(fs::exists(dir / "best_design.yaml")) << dir;
      EXPECT_FALSE(fs::exists(dir / "checkpoint.bin")) << "a shared agent is checkpointed by no run";
      EXPECT_EQ(lines_of(slurp(dir / "progress.csv")).size(), 25u) << dir;
      const auto report = nlohmann::json::parse(slurp(dir / "report.json"));
      EXPECT_EQ(report["search"]["settings"]["regime"], regime);
      EXPECT_EQ(report["search"]["agent_stats"]["gate"].size(), 3u);
    }
  }
  const auto gate = lines_of(slurp(out / "gate.csv"));
  ASSERT_EQ(gate.size(), 5u);
  EXPECT_EQ(gate[0], "regime,node,mode,expert_1,expert_2,expert_3");
  EXPECT_EQ(gate[1].rfind("big,7nm,performance,", 0), 0u);
  EXPECT_EQ(gate[4].rfind("small,28nm,low-power,", 0), 0u);
  // The two modes have different context features, hence (with a random gate) different gates.
  EXPECT_NE(gate[1].substr(gate[1].find("performance")), gate[3].substr(gate[3].find("low-power")));

  // One seed, one campaign.
  const auto again = scratch() / "two-again";
  ASSERT_EQ(run("campaign " + file.string() + " --budget 24 --experts 3 --out " + again.string()).status, 0);
  EXPECT_EQ(slurp(out / "small" / "28nm" / "progress.csv"), slurp(again / "small" / "28nm" / "progress.csv"));
  EXPECT_EQ(slurp(out / "gate.csv"), slurp(again / "gate.csv"));
}

TEST(CampaignCli, BadCampaignFilesAreOneLineNamingFileAndField) {
  struct Case {
    std::string text, field;
  };
  const std::vector<Case> cases{
      {"nodes: [7nm, 9nm]\nregimes: {a: {model: llama-3.1-8b}}\n", "9nm"},
      {"nodes: [7nm]\nregimes: {a: {model: llama-3.1-8b, seed: 3}}\n", "regimes.a.seed"},
      {"nodes: [7nm]\nregimes: {a: {model: llama-3.1-8b, colour: red}}\n", "regimes.a.colour"},
      {"nodes: [7nm]\nregimes: {a: {model: llama-3.1-8b, mode: fast}}\n", "regimes.a.mode"},
      {"nodes: [7nm]\nregimes: {a: {model: no-such-model}}\n", "no-such-model"},
      {"nodes: [7nm]\nregime: {}\n", "regime"},
      {"nodes: [7nm\nregimes: {}\n", "line"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const auto file = write("bad" + std::to_string(i++) + ".yaml", c.text);
    const auto out = scratch() / ("bad-out-" + std::to_string(i));
    const auto r = run("campaign " + file.string() + " --budget 5 --out " + out.string());
    EXPECT_EQ(r.status, 2) << c.text;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr(c.field)) << c.text;
    EXPECT_FALSE(fs::exists(out)) << "nothing is created before the file is valid";
  }
  // A classic optimiser models one landscape: a campaign (one agent for every regime) refuses it.
  const auto ok_file = write("ok.yaml", "nodes: [7nm]\nregimes: {a: {model: llama-3.1-8b}}\n");
  const auto de_out = scratch() / "de-out";
  const auto de = run("campaign " + ok_file.string() + " --agent de --budget 5 --out " + de_out.string());
  EXPECT_EQ(de.status, 2);
  EXPECT_EQ(lines_of(de.err).size(), 1u) << de.err;
  EXPECT_THAT(de.err, ::testing::HasSubstr("--agent"));
  EXPECT_FALSE(fs::exists(de_out));
  const auto missing = run("campaign " + (scratch() / "no-such.yaml").string() + " --budget 5");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(lines_of(missing.err).size(), 1u) << missing.err;
  EXPECT_THAT(missing.err, ::testing::HasSubstr("no-such.yaml"));
}

}  // namespace
