// End-to-end: meshforge explore and sweep as a user runs them (tiny budgets): outputs, identical
// progress for one seed, resume after --budget and after Ctrl-C, one-line errors for bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "run_binary.h"

namespace {

namespace fs = std::filesystem;

using Result = meshforge::testing::CommandResult;

fs::path scratch() { return meshforge::testing::scratch_dir("explore_cli_test"); }

Result run(const std::string& args) { return meshforge::testing::run_meshforge(args, scratch()); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int rows(const fs::path& csv) {
  const auto s = slurp(csv);
  return static_cast<int>(std::count(s.begin(), s.end(), '\n')) - 1;
}

std::string dir(const std::string& name) {
  const auto d = scratch() / name;
  fs::remove_all(d);
  return d.string();
}

// A design file without its comment lines (the header names the run's directory).
std::string design_of(const fs::path& p) {
  std::istringstream in(slurp(p));
  std::string out, line;
  while (std::getline(in, line))
    if (line.rfind("#", 0) != 0) out += line + "\n";
  return out;
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

const std::string kQuick = "explore --model llama-3.1-8b --node 7nm --agent random --seq 64 ";

TEST(ExploreCli, HelpListsTheOptions) {
  const auto r = run("explore --help");
  EXPECT_EQ(r.status, 0);
  for (const char* opt : {"--model", "--node", "--mode", "--agent", "--budget", "--seed", "--out", "--resume", "--from",
                          "--experts", "--episode-steps", "--power-budget", "--fixed-clock-mhz", "--phase", "--batch",
                          "--time-budget", "--pick", "--lanes", "--threads", "--warm-start", "random-walk"})
    EXPECT_THAT(r.out, ::testing::HasSubstr(opt));
  const auto s = run("sweep --help");
  EXPECT_EQ(s.status, 0);
  EXPECT_THAT(s.out, ::testing::HasSubstr("--nodes"));
  EXPECT_THAT(s.out, ::testing::HasSubstr("summary.csv"));
}

TEST(ExploreCli, WritesALoadableBestDesignAndItsReport) {
  const auto out = dir("basic");
  const auto r = run(kQuick + "--budget 60 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("best"));
  EXPECT_THAT(r.err, ::testing::HasSubstr("60/60 evaluations"));
  EXPECT_EQ(rows(fs::path(out) / "progress.csv"), 60);
  const auto report = nlohmann::json::parse(slurp(fs::path(out) / "report.json"));
  // The design file evaluates (with the same options) to the score in report.json.
  const auto e = run("evaluate --model llama-3.1-8b --node 7nm --seq 64 --json --design " + out + "/best_design.yaml");
  ASSERT_EQ(e.status, 0) << e.err;
  const auto j = nlohmann::json::parse(e.out);
  EXPECT_DOUBLE_EQ(j.at("ppa_score").get<double>(), report.at("ppa_score").get<double>());
  EXPECT_EQ(report.at("search").at("evaluations"), 60);
  EXPECT_EQ(report.at("node"), "7nm");
}

TEST(ExploreCli, OneSeedOneProgressFileAndResumeContinuesIt) {
  const auto a = dir("seed_a"), b = dir("seed_b"), c = dir("seed_c");
  ASSERT_EQ(run(kQuick + "--budget 80 --seed 4 --out " + a).status, 0);
  ASSERT_EQ(run(kQuick + "--budget 80 --seed 4 --out " + b).status, 0);
  EXPECT_EQ(slurp(fs::path(a) / "progress.csv"), slurp(fs::path(b) / "progress.csv"));
  // 40, then resumed to 80: the same file.
  ASSERT_EQ(run(kQuick + "--budget 40 --seed 4 --out " + c).status, 0);
  const auto r = run("explore --resume " + c + " --budget 80");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(fs::path(a) / "progress.csv"), slurp(fs::path(c) / "progress.csv"));
  EXPECT_EQ(design_of(fs::path(a) / "best_design.yaml"), design_of(fs::path(c) / "best_design.yaml"));
  // A different seed explores differently.
  const auto d = dir("seed_d");
  ASSERT_EQ(run(kQuick + "--budget 80 --seed 5 --out " + d).status, 0);
  EXPECT_NE(slurp(fs::path(a) / "progress.csv"), slurp(fs::path(d) / "progress.csv"));
}

// --agent-param sets an agent's hyperparameter: it changes the run, is stored with it (report.json,
// resume) and, given again on a resume, must agree; bad ones are one line, nothing created.
TEST(ExploreCli, AgentParamsChangeTheRunAndAreKeptOnResume) {
  const std::string de = "explore --model llama-3.1-8b --node 7nm --agent de --seq 64 --budget 60 --seed 2 ";
  const auto plain = dir("param_plain"), tuned = dir("param_tuned"), same = dir("param_same");
  ASSERT_EQ(run(de + "--out " + plain).status, 0);
  auto r = run(de + "--agent-param cr=0.3 --agent-param f=0.2 --out " + tuned);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(slurp(fs::path(plain) / "progress.csv"), slurp(fs::path(tuned) / "progress.csv"));
  EXPECT_THAT(slurp(fs::path(tuned) / "report.json"), ::testing::HasSubstr("\"agent-param\": \"cr=0.3;f=0.2\""));
  // Defaults given explicitly: the plain run.
  ASSERT_EQ(run(de + "--agent-param f=0.8 --agent-param cr=0.9 --out " + same).status, 0);
  EXPECT_EQ(slurp(fs::path(plain) / "progress.csv"), slurp(fs::path(same) / "progress.csv"));
  // Resumed with the stored parameters; another value is refused.
  r = run("explore --resume " + tuned + " --budget 80 --agent-param f=0.5");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--agent-param"));
  r = run("explore --resume " + tuned + " --budget 80");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const std::string bad : {"g=1", "f=2", "f", "f=abc", "population=7.5"}) {
    const auto none = dir("param_bad");
    r = run(de + "--agent-param " + bad + " --out " + none);
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr("--agent-param")) << bad;
    EXPECT_FALSE(fs::exists(none)) << bad;
  }
}

TEST(ExploreCli, SacResumesBitForBit) {
  // learning_starts is 500: the split at 510 falls after learning started.
  const std::string sac = "explore --model llama-3.1-8b --node 5nm --agent sac --experts 2 --seq 64 --seed 2 ";
  const auto whole = dir("sac_whole"), split = dir("sac_split");
  ASSERT_EQ(run(sac + "--budget 530 --out " + whole).status, 0);
  ASSERT_EQ(run(sac + "--budget 510 --out " + split).status, 0);
  const auto r = run("explore --resume " + split + " --budget 530");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(fs::path(whole) / "progress.csv"), slurp(fs::path(split) / "progress.csv"));
  EXPECT_EQ(slurp(fs::path(whole) / "report.json"), slurp(fs::path(split) / "report.json"));
}

// Ctrl-C, SIGTERM (a scheduler stopping a job) and SIGHUP (a closed terminal) all stop cleanly,
// save, exit 128 + the signal, and --resume continues the same sequence.
TEST(ExploreCli, CtrlCSavesAndResumeContinuesTheSameSequence) {
  for (const auto& [sig, status] : {std::pair{SIGINT, 130}, {SIGTERM, 143}, {SIGHUP, 129}}) {
    const auto out = dir("signal" + std::to_string(sig));
    const pid_t pid = meshforge::testing::spawn_meshforge({"explore", "--model", "llama-3.1-8b", "--node", "7nm", "--agent", "random",
                                                           "--seq", "64", "--seed", "9", "--budget", "100000000", "--out", out});
    ASSERT_GE(pid, 0);
    // Wait until it is well under way, then signal it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto written = [&] {
      std::error_code ec;
      const auto n = fs::file_size(fs::path(out) / "progress.csv", ec);
      return ec ? 0 : n;
    };
    while (std::chrono::steady_clock::now() < deadline && written() < 20000)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(pid, sig);
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    ASSERT_TRUE(WIFEXITED(raw)) << sig;
    EXPECT_EQ(WEXITSTATUS(raw), status) << sig;
    const int done = rows(fs::path(out) / "progress.csv");
    ASSERT_GT(done, 0);
    EXPECT_TRUE(fs::exists(fs::path(out) / "best_design.yaml"));

    const std::string total = std::to_string(done + 37);
    const auto r = run("explore --resume " + out + " --budget " + total);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto ref = dir("signal_ref" + std::to_string(sig));
    ASSERT_EQ(run(kQuick + "--seed 9 --budget " + total + " --out " + ref).status, 0);
    EXPECT_EQ(slurp(fs::path(ref) / "progress.csv"), slurp(fs::path(out) / "progress.csv")) << sig;
  }
}

// A kill -9 in a run's first seconds (long before the periodic checkpoint) still leaves a
// checkpoint to resume: a fresh run saves one after its first batch.
TEST(ExploreCli, AKillInTheFirstSecondsLeavesARunToResume) {
  const auto out = dir("early_kill");
  const pid_t pid = meshforge::testing::spawn_meshforge({"explore", "--model", "llama-3.1-8b", "--node", "7nm", "--agent", "random",
                                                         "--seq", "64", "--seed", "9", "--budget", "100000000", "--out", out});
  ASSERT_GE(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline && !fs::exists(fs::path(out) / "checkpoint.bin"))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(pid, SIGKILL);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  ASSERT_TRUE(WIFSIGNALED(raw));
  ASSERT_TRUE(fs::exists(fs::path(out) / "checkpoint.bin")) << "no checkpoint within 20 s of the start";
  const int done = rows(fs::path(out) / "progress.csv");
  const std::string total = std::to_string(std::max(done, 1) + 37);
  const auto r = run("explore --resume " + out + " --budget " + total);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto ref = dir("early_kill_ref");
  ASSERT_EQ(run(kQuick + "--seed 9 --budget " + total + " --out " + ref).status, 0);
  EXPECT_EQ(slurp(fs::path(ref) / "progress.csv"), slurp(fs::path(out) / "progress.csv"));
}

// Two runs never write into one directory: the second is refused with the first one's PID.
TEST(ExploreCli, ASecondRunIntoABusyDirectoryIsRefusedWithThePid) {
  const auto out = dir("busy");
  const pid_t pid = meshforge::testing::spawn_meshforge({"explore", "--model", "llama-3.1-8b", "--node", "7nm", "--agent", "random",
                                                         "--seq", "64", "--seed", "9", "--budget", "100000000", "--out", out});
  ASSERT_GE(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline && rows(fs::path(out) / "progress.csv") < 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (const std::string& cmd : {"explore --resume " + out, kQuick + "--budget 5 --force --out " + out}) {
    const auto r = run(cmd);
    EXPECT_EQ(r.status, 2) << cmd;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr("PID " + std::to_string(pid))) << r.err;
  }
  ::kill(pid, SIGINT);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  EXPECT_TRUE(WIFEXITED(raw));
  // Its lock went with it: the run continues.
  const auto r = run("explore --resume " + out + " --budget " + std::to_string(rows(fs::path(out) / "progress.csv") + 5));
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(ExploreCli, LowPowerModeKeepsTheFixedClock) {
  const auto out = dir("lowpower");
  const auto r = run("explore --model smolvlm-256m-instruct --node 28nm --mode low-power --agent random --budget 50 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(slurp(fs::path(out) / "best_design.yaml"), ::testing::HasSubstr("clock_mhz: 10\n"));
}

TEST(ExploreCli, BadInputIsOneLineAndNonZero) {
  // Unknown node: nothing is created.
  const auto none = dir("unknown_node");
  auto r = run(kQuick.substr(0, kQuick.find("--node")) + "--node 4nm --agent random --out " + none);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("4nm"));
  EXPECT_FALSE(fs::exists(none));

  // Unwritable --out (a path below a regular file).
  const auto file = scratch() / "a_file";
  std::ofstream(file) << "x";
  r = run(kQuick + "--budget 5 --out " + (file / "out").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--out"));

  // --resume without a checkpoint.
  const auto empty = dir("empty");
  fs::create_directories(empty);
  r = run("explore --resume " + empty);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("checkpoint.bin"));

  // A finished run: a second explore into it is refused; a corrupt checkpoint is named and nothing
  // in the directory changes.
  const auto out = dir("corrupt");
  ASSERT_EQ(run(kQuick + "--budget 20 --out " + out).status, 0);
  r = run(kQuick + "--budget 20 --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("--resume"));
  const auto progress = slurp(fs::path(out) / "progress.csv");
  auto ckpt = slurp(fs::path(out) / "checkpoint.bin");
  ckpt[ckpt.size() - 3] = static_cast<char>(ckpt[ckpt.size() - 3] ^ 1);
  std::ofstream(fs::path(out) / "checkpoint.bin", std::ios::binary | std::ios::trunc) << ckpt;
  r = run("explore --resume " + out + " --budget 40");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("checkpoint.bin"));
  EXPECT_THAT(r.err, ::testing::HasSubstr("corrupt"));
  EXPECT_EQ(slurp(fs::path(out) / "progress.csv"), progress);
  EXPECT_EQ(slurp(fs::path(out) / "checkpoint.bin"), ckpt);

  // Resuming with a different node is refused.
  const auto other = dir("other_node");
  ASSERT_EQ(run(kQuick + "--budget 10 --out " + other).status, 0);
  r = run("explore --resume " + other + " --node 3nm --budget 20");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("--node"));

  // Malformed --pick weights: one line naming --pick, nothing created.
  for (const char* pick : {"1,1", "1,x,0", "0,0,0", "1,-1,0", "1,1,1,1"}) {
    const auto nothing = dir("bad_pick");
    r = run(kQuick + "--budget 5 --pick " + pick + " --out " + nothing);
    EXPECT_EQ(r.status, 2) << pick;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr("--pick"));
    EXPECT_FALSE(fs::exists(nothing)) << pick;
  }

  // A checkpoint of the previous format (no Pareto front) is named as such.
  auto old = slurp(fs::path(out) / "checkpoint.bin");
  old[7] = '\x01';
  std::ofstream(fs::path(out) / "checkpoint.bin", std::ios::binary | std::ios::trunc) << old;
  r = run("explore --resume " + out + " --budget 40");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("older meshforge"));
}

// Whichever budget is spent first ends the run: a huge --budget with --time-budget stops on the
// clock, says so, and report.json records it.
TEST(ExploreCli, TimeBudgetEndsTheRunFirst) {
  const auto out = dir("time_budget");
  const auto r = run("explore --model llama-3.1-8b --node 7nm --agent random-walk --seq 64 --budget 100000000 --time-budget 0.5 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("--time-budget 0.5 s reached"));
  const auto report = nlohmann::json::parse(slurp(fs::path(out) / "report.json"));
  EXPECT_EQ(report.at("search").at("ended_on"), "time_budget");
  EXPECT_LT(report.at("search").at("evaluations").get<std::int64_t>(), 100000000);
  const auto zero = run(kQuick + "--budget 5 --time-budget 0 --out " + dir("zero_time"));  // not positive
  EXPECT_NE(zero.status, 0);
  EXPECT_THAT(zero.err, ::testing::HasSubstr("--time-budget"));
}

// --threads evaluates a batch of --lanes designs on several cores: the same files at any thread
// count. An agent that proposes one design at a time refuses more lanes before anything is written.
TEST(ExploreCli, ThreadsDoNotChangeTheResults) {
  const auto one = dir("threads_1"), two = dir("threads_2");
  const std::string walk = "explore --model llama-3.1-8b --node 7nm --agent random-walk --seq 64 --budget 120 --lanes 6 ";
  ASSERT_EQ(run(walk + "--threads 1 --out " + one).status, 0);
  ASSERT_EQ(run(walk + "--threads 2 --out " + two).status, 0);
  EXPECT_EQ(slurp(fs::path(one) / "progress.csv"), slurp(fs::path(two) / "progress.csv"));
  EXPECT_EQ(design_of(fs::path(one) / "best_design.yaml"), design_of(fs::path(two) / "best_design.yaml"));
  const auto report = nlohmann::json::parse(slurp(fs::path(one) / "report.json"));
  EXPECT_EQ(report.at("search").at("settings").at("lanes"), "6");
  // Resuming with other lanes is refused; with other threads it is not.
  auto r = run("explore --resume " + one + " --budget 200 --lanes 3");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--lanes"));
  r = run("explore --resume " + one + " --budget 200 --threads 1");
  EXPECT_EQ(r.status, 0) << r.err;

  const auto de = dir("de_lanes");
  r = run("explore --model llama-3.1-8b --node 7nm --agent de --seq 64 --budget 40 --lanes 4 --out " + de);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--lanes"));
  EXPECT_FALSE(fs::exists(de));
}

// --warm-start continues a previous run's SAC agent (networks, replay buffer) on another node: it
// learns from its first evaluation, where a cold agent spends learning_starts on random actions.
TEST(ExploreCli, WarmStartContinuesAnotherRunsAgent) {
  const auto first = dir("warm_first"), warm = dir("warm_second"), cold = dir("warm_cold");
  const std::string sac = "explore --model llama-3.1-8b --agent sac --seq 64 ";
  ASSERT_EQ(run(sac + "--node 7nm --budget 520 --out " + first).status, 0);
  auto r = run(sac + "--node 28nm --budget 40 --warm-start " + first + " --out " + warm);
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(run(sac + "--node 28nm --budget 40 --out " + cold).status, 0);
  const auto updates = [](const std::string& d) {
    return nlohmann::json::parse(slurp(fs::path(d) / "report.json")).at("search").at("agent_stats").at("updates").get<std::int64_t>();
  };
  EXPECT_EQ(updates(cold), 0);
  EXPECT_GE(updates(warm), 40 + 20);  // the first run's updates continue
  EXPECT_EQ(nlohmann::json::parse(slurp(fs::path(warm) / "report.json")).at("search").at("settings").at("warm-start"), first);
  // What cannot be continued is a one-line error before anything is written.
  const auto bad = dir("warm_bad");
  for (const std::string& args : {"--agent de --warm-start " + first, "--agent sac --experts 2 --warm-start " + first,
                                  "--agent sac --warm-start " + bad + "_nothing"}) {
    r = run("explore --model llama-3.1-8b --node 28nm --seq 64 --budget 10 " + args + " --out " + bad);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_EQ(lines(r.err), 1) << args << ": " << r.err;
    EXPECT_FALSE(fs::exists(bad)) << args;
  }
}

TEST(ExploreCli, WritesTheParetoFrontAndThePick) {
  const auto out = dir("pareto");
  const auto r = run(kQuick + "--budget 80 --pick 1,1,0 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("pareto"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("picked"));
  ASSERT_GT(rows(fs::path(out) / "pareto.csv"), 0);
  const auto e = run("evaluate --model llama-3.1-8b --node 7nm --seq 64 --design " + out + "/picked_design.yaml");
  EXPECT_EQ(e.status, 0) << e.err;
}

TEST(ExploreCli, SweepWritesASummaryRowPerNode) {
  const auto out = dir("sweep");
  const auto r = run("sweep --model llama-3.1-8b --nodes 7nm,28nm --agent random --seq 64 --budget 40 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto summary = slurp(fs::path(out) / "summary.csv");
  std::istringstream in(summary);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("node,mesh_rows,mesh_cols,tokens_per_second_prefill,tokens_per_second_decode,power_w,area_mm2,"
                         "ppa_score,feasible",
                         0),
            0u);
  EXPECT_THAT(header, ::testing::HasSubstr("class0_vlen_bits"));
  std::vector<std::string> nodes;
  while (std::getline(in, line)) nodes.push_back(line.substr(0, line.find(',')));
  EXPECT_EQ(nodes, (std::vector<std::string>{"7nm", "28nm"}));
  for (const char* n : {"7nm", "28nm"}) {
    EXPECT_TRUE(fs::exists(fs::path(out) / n / "best_design.yaml")) << n;
    EXPECT_EQ(rows(fs::path(out) / n / "progress.csv"), 40) << n;
  }
  EXPECT_THAT(r.out, ::testing::HasSubstr("28nm"));

  // An unknown node anywhere in the list fails before anything runs.
  const auto bad = dir("sweep_bad");
  const auto e = run("sweep --model llama-3.1-8b --nodes 7nm,9nm --agent random --budget 10 --out " + bad);
  EXPECT_EQ(e.status, 2);
  EXPECT_EQ(lines(e.err), 1) << e.err;
  EXPECT_THAT(e.err, ::testing::HasSubstr("9nm"));
  EXPECT_FALSE(fs::exists(bad));
}

// A sweep stopped by a real SIGINT (Ctrl-C) mid-run finishes with sweep --resume: the interrupted
// node continues from its checkpoint, the next one runs, and the files equal an uninterrupted
// sweep's (SAC, whose resume is bit-exact).
TEST(ExploreCli, SweepResumeFinishesAnInterruptedSweep) {
  const auto whole = dir("sweep_whole"), split = dir("sweep_split");
  const std::string sweep = "sweep --model llama-3.1-8b --nodes 7nm,28nm --agent sac --seq 64 --budget 700 --threads 1 --out ";
  ASSERT_EQ(run(sweep + whole).status, 0);
  // SIGINT after 2.5 s, during the first node (each takes ~4 s).
  const std::string cmd = "MESHFORGE_REPORT=0 timeout -s INT 2.5 " + std::string(MESHFORGE_BINARY) + " " + sweep + split + " >/dev/null 2>&1";
  const int raw = std::system(cmd.c_str());
  const int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  EXPECT_TRUE(status == 124 || status == 0) << status;  // 124: timeout delivered the signal
  auto r = run("sweep --resume " + split);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(fs::path(whole) / "summary.csv"), slurp(fs::path(split) / "summary.csv"));
  for (const char* n : {"7nm", "28nm"}) {
    EXPECT_EQ(slurp(fs::path(whole) / n / "progress.csv"), slurp(fs::path(split) / n / "progress.csv")) << n;
    EXPECT_EQ(design_of(fs::path(whole) / n / "best_design.yaml"), design_of(fs::path(split) / n / "best_design.yaml")) << n;
  }
  // Not a sweep directory; other options than the saved ones.
  r = run("sweep --resume " + dir("sweep_nothing"));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("sweep.json"));
  r = run("sweep --resume " + split + " --model smolvlm-256m-instruct");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.err, ::testing::HasSubstr("--model"));
}

}  // namespace
