// End-to-end: meshforge compare with tiny budgets: a table per budget kind, one row per run in
// runs.csv, anytime curves, re-running continues (finished runs are kept), and bad compare files
// are one-line errors naming the file and the field before any run starts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <thread>
#include <chrono>
#include <sys/wait.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run_binary.h"

namespace {

namespace fs = std::filesystem;

fs::path scratch() { return meshforge::testing::scratch_dir("compare_cli_test"); }

meshforge::testing::CommandResult run(const std::string& args) { return meshforge::testing::run_meshforge(args, scratch()); }

using meshforge::testing::slurp;

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

fs::path write(const std::string& name, const std::string& text) { return meshforge::testing::write_text(scratch(), name, text); }

const std::string kSpec =
    "nodes: [7nm]\n"
    "regimes:\n"
    "  llama: {model: llama-3.1-8b, mode: performance, seq: 64}\n"
    "agents: [random, random-walk]\n"
    "seeds: 2\n"
    "budget: 60\n"
    "time_budget_s: 0.3\n";

TEST(CompareCli, WritesATablePerBudgetKindAndContinues) {
  const auto file = write("small.yaml", kSpec);
  const auto out = scratch() / "small";
  auto r = run("compare " + file.string() + " --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* f : {"evaluations.md", "seconds.md", "runs.csv", "curves_evaluations.csv", "curves_seconds.csv", "compare.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  const std::string table = slurp(out / "evaluations.md");
  EXPECT_THAT(table, ::testing::HasSubstr("| llama | 7nm | random |"));
  EXPECT_THAT(table, ::testing::HasSubstr("| llama | 7nm | random-walk |"));
  EXPECT_THAT(table, ::testing::HasSubstr("wins vs random-walk"));
  const std::string runs = slurp(out / "runs.csv");
  EXPECT_EQ(lines(runs), 1 + 2 * 2 * 2);  // header + kinds x agents x seeds
  EXPECT_THAT(runs, ::testing::HasSubstr("evaluations,llama,7nm,random-walk,2,"));
  // Each run is an explore run, loadable as such.
  EXPECT_TRUE(fs::exists(out / "evaluations/llama/7nm/random/seed1/best_design.yaml"));
  EXPECT_GT(lines(slurp(out / "curves_evaluations.csv")), 4);

  // A run lost (as if interrupted before its report) is redone; the others are kept.
  fs::remove(out / "evaluations/llama/7nm/random/seed2/report.json");
  r = run("compare " + file.string() + " --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("8 runs (7 done before)"));
  EXPECT_EQ(lines(slurp(out / "runs.csv")), 9);

  // Another spec in the same --out is refused unless --force.
  const auto changed = write("changed.yaml", std::string(kSpec).replace(kSpec.find("seeds: 2"), 8, "seeds: 1"));
  r = run("compare " + changed.string() + " --out " + out.string());
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("another spec"));
}

// An agent with hyperparameters under its own label runs beside the same agent with its defaults:
// its own rows and directories, its explore runs carry the parameters.
TEST(CompareCli, AnAgentWithParametersRunsUnderItsLabel) {
  const auto file = write("labelled.yaml",
                          "nodes: [7nm]\nregimes:\n  llama: {model: llama-3.1-8b, mode: performance, seq: 64}\n"
                          "agents: [de, {agent: de, label: de-tuned, params: {f: 0.2, cr: 0.3}}]\nseeds: 1\nbudget: 60\n");
  const auto out = scratch() / "labelled";
  const auto r = run("compare " + file.string() + " --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string table = slurp(out / "evaluations.md");
  EXPECT_THAT(table, ::testing::HasSubstr("| llama | 7nm | de |"));
  EXPECT_THAT(table, ::testing::HasSubstr("| llama | 7nm | de-tuned |"));
  EXPECT_THAT(slurp(out / "evaluations/llama/7nm/de-tuned/seed1/report.json"), ::testing::HasSubstr("\"agent-param\": \"cr=0.3;f=0.2\""));
  EXPECT_THAT(slurp(out / "evaluations/llama/7nm/de/seed1/report.json"), ::testing::HasSubstr("\"agent-param\": \"\""));
  EXPECT_NE(slurp(out / "evaluations/llama/7nm/de/seed1/progress.csv"), slurp(out / "evaluations/llama/7nm/de-tuned/seed1/progress.csv"));
}

// A SIGTERM sent to compare alone (a batch scheduler's stop) reaches its runs: they save their
// checkpoints (the same command continues them) and compare exits 143 (it was killed outright).
TEST(CompareCli, ASigtermReachesEveryRunWhichSavesAndCompareExits143) {
  const std::string spec = "nodes: [7nm]\nregimes:\n  llama: {model: llama-3.1-8b, mode: performance, seq: 64}\n"
                           "agents: [random]\nseeds: 2\nbudget: 100000000\n";
  const auto file = write("term.yaml", spec);
  const auto out = scratch() / "term";
  fs::remove_all(out);
  const pid_t pid = meshforge::testing::spawn_meshforge({"compare", file.string(), "--out", out.string(), "--jobs", "2"});
  ASSERT_GE(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto started = [&] {
    std::error_code ec;
    return fs::file_size(out / "evaluations/llama/7nm/random/seed1/progress.csv", ec) > 5000 && !ec;
  };
  while (std::chrono::steady_clock::now() < deadline && !started()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20)) << "the runs did not stop";
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 143);
  EXPECT_TRUE(fs::exists(out / "evaluations/llama/7nm/random/seed1/checkpoint.bin"));
}

TEST(CompareCli, BadFilesAreOneLineErrorsBeforeAnyRun) {
  const std::string base = "nodes: [7nm]\nregimes:\n  llama: {model: llama-3.1-8b}\n";
  const struct {
    const char* name;
    std::string text;
    const char* field;
  } cases[] = {
      {"unknown_agent.yaml", base + "agents: [sac, nope]\nbudget: 10\n", "agents[1]"},
      {"zero_budget.yaml", base + "agents: [sac]\nbudget: 0\n", "budget"},
      {"no_budget.yaml", base + "agents: [sac]\n", "budget"},
      {"unknown_key.yaml", base + "agents: [sac]\nbudget: 10\ncolour: red\n", "colour"},
      {"bad_seeds.yaml", base + "agents: [sac]\nbudget: 10\nseeds: []\n", "seeds"},
      {"agent_in_regime.yaml", "regimes:\n  llama: {model: llama-3.1-8b, agent: de}\nagents: [sac]\nbudget: 10\n", "regimes.llama.agent"},
      {"bad_node.yaml", "nodes: [9nm]\n" + base.substr(base.find("regimes")) + "agents: [sac]\nbudget: 10\n", "9nm"},
      {"malformed.yaml", "agents: [sac\n", "malformed"},
      {"bad_param.yaml", base + "agents: [{agent: de, label: de-x, params: {f: 3}}]\nbudget: 10\n", "agents[0].params"},
      {"unknown_param.yaml", base + "agents: [{agent: de, params: {nope: 1}}]\nbudget: 10\n", "nope"},
      {"bad_label.yaml", base + "agents: [{agent: de, label: ../x}]\nbudget: 10\n", "agents[0].label"},
      {"same_label.yaml", base + "agents: [de, {agent: de, params: {f: 0.5}}]\nbudget: 10\n", "listed twice"},
      {"agent_entry_field.yaml", base + "agents: [{agent: de, colour: red}]\nbudget: 10\n", "agents[0].colour"},
      {"param_in_regime.yaml", "regimes:\n  llama: {model: llama-3.1-8b, agent-param: f=1}\nagents: [de]\nbudget: 10\n", "regimes.llama.agent-param"},
  };
  for (const auto& c : cases) {
    const auto file = write(c.name, c.text);
    const auto out = scratch() / (std::string("out_") + c.name);
    const auto r = run("compare " + file.string() + " --out " + out.string());
    EXPECT_NE(r.status, 0) << c.name;
    EXPECT_EQ(lines(r.err), 1) << c.name << ": " << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr(c.field)) << c.name;
    EXPECT_FALSE(fs::exists(out)) << c.name;
  }
  const auto help = run("compare --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_THAT(help.out, ::testing::HasSubstr("time_budget_s"));
}

}  // namespace
