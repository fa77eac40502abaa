// End-to-end: meshforge campaign (one agent over several regimes and nodes) with tiny budgets:
// outputs per regime and node, the gate per regime, one-line errors naming the campaign file and
// the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
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

// Ctrl-C and kill -9 part-way, then --resume: every run's progress.csv and the gate equal those of
// the same campaign run without interruption (the shared agent and each run restart where they were).
TEST(CampaignCli, InterruptedOrKilledCampaignResumesToTheResultsOfAnUninterruptedOne) {
  const auto file = write("resume.yaml", kTwoRegimes);
  const std::vector<std::string> options{"--budget", "160", "--experts", "2", "--seed", "2"};
  auto args = [&](const fs::path& out, std::vector<std::string> extra) {
    std::vector<std::string> a{"campaign", file.string(), "--out", out.string()};
    a.insert(a.end(), options.begin(), options.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  auto joined = [](const std::vector<std::string>& a) {
    std::string s;
    for (const auto& x : a) s += x + " ";
    return s;
  };
  const auto whole = scratch() / "resume-whole";
  fs::remove_all(whole);
  ASSERT_EQ(run(joined(args(whole, {}))).status, 0);
  const std::vector<std::string> files{"big/7nm/progress.csv", "big/28nm/progress.csv", "small/7nm/progress.csv",
                                       "small/28nm/progress.csv", "gate.csv", "big/summary.csv", "small/summary.csv"};

  for (const auto& [signal, name] : {std::pair{SIGINT, "sigint"}, {SIGKILL, "sigkill"}}) {
    const auto out = scratch() / ("resume-" + std::string(name));
    fs::remove_all(out);
    const pid_t pid = meshforge::testing::spawn_meshforge(args(out, {"--checkpoint-seconds", "0.05"}));
    ASSERT_GE(pid, 0);
    // Part-way: the second node's first run has begun, and a checkpoint exists.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto started = [&] {
      std::error_code ec;
      return fs::file_size(out / "small/28nm/progress.csv", ec) > 2000 && fs::exists(out / "campaign_checkpoint.bin");
    };
    while (std::chrono::steady_clock::now() < deadline && !started()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ::kill(pid, signal);
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    if (signal == SIGINT) {
      ASSERT_TRUE(WIFEXITED(raw)) << name;
      EXPECT_EQ(WEXITSTATUS(raw), 130) << name;
    } else {
      ASSERT_TRUE(WIFSIGNALED(raw)) << "the campaign ended before it was killed";
    }
    const auto r = run("campaign --resume " + out.string());
    ASSERT_EQ(r.status, 0) << name << ": " << r.err;
    for (const auto& f : files) EXPECT_EQ(slurp(whole / f), slurp(out / f)) << name << ": " << f;
  }

  // Bad resumes: one line each, nothing changed.
  const auto out = scratch() / "resume-sigint";
  const std::string before = slurp(out / "campaign_checkpoint.bin");
  const auto empty = scratch() / "resume-empty";
  fs::create_directories(empty);
  for (const auto& [cmd, says] : std::vector<std::pair<std::string, std::string>>{
           {"campaign --resume " + empty.string(), "campaign_checkpoint.bin"},
           {"campaign --resume " + out.string() + " --budget 999", "--budget"},
           {"campaign --resume " + out.string() + " --out " + empty.string(), "--out"},
           {joined(args(out, {})), "--resume"}}) {
    const auto r = run(cmd);
    EXPECT_EQ(r.status, 2) << cmd;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << cmd << "\n" << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr(says)) << cmd;
  }
  std::ofstream(file, std::ios::app) << "# edited\n";
  const auto changed = run("campaign --resume " + out.string());
  EXPECT_EQ(changed.status, 2);
  EXPECT_THAT(changed.err, ::testing::HasSubstr("changed"));
  EXPECT_EQ(slurp(out / "campaign_checkpoint.bin"), before);
}

}  // namespace
