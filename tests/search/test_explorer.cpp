// The explorer: budgets, best tracking, output files, deterministic progress.csv, checkpoints,
// interruption and resume (random agent and SAC-MoE), and bad checkpoints.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unistd.h>

#include "arch/design.h"
#include "common/input_error.h"
#include "search/explorer.h"
#include "search/agents.h"
#include "search/random_agent.h"
#include "search/sac/sac_agent.h"
#include "workload/model.h"
#include "llama_world.h"

namespace {

using namespace meshforge;
namespace fs = std::filesystem;
const fs::path kData = MESHFORGE_TEST_DATA_DIR;

using World = meshforge::testing::LlamaWorld;
const World& world() { return meshforge::testing::llama_world(128); }
fs::path fresh_dir(const std::string& name) { return meshforge::testing::fresh_dir("explorer_test", name); }
using meshforge::testing::slurp;

search::sac::SacConfig small_sac(int state_dims, int action_dims, std::uint64_t seed) {
  search::sac::SacConfig c;
  c.state_dims = state_dims;
  c.action_dims = action_dims;
  c.experts = 2;
  c.gate_begin = search::Observation::context_begin();
  c.gate_end = search::Observation::context_end();
  c.gate_hidden = {8};
  c.actor_hidden = {16, 16};
  c.critic_hidden = {16, 16};
  c.batch_size = 8;
  c.learning_starts = 10;
  c.buffer_capacity = 1000;
  c.seed = seed;
  return c;
}

// Runs `evaluations` (to budget) in dir, resuming from its checkpoint when resume is set.
struct Run {
  std::unique_ptr<search::Environment> env;
  std::unique_ptr<search::Agent> agent;
  std::unique_ptr<search::Explorer> explorer;
  search::ExploreStatus status{};
};

Run run(const fs::path& dir, std::int64_t budget, bool use_sac, bool resume, std::int64_t stop_after = -1, int lanes = 1,
        int threads = 1) {
  const auto& w = world();
  Run r;
  search::EnvironmentConfig ec;
  ec.episode_steps = 4;
  r.env = std::make_unique<search::Environment>(w.work, w.node, w.micro, w.scenario, ec);
  if (use_sac)
    r.agent = std::make_unique<search::sac::SacMoeAgent>(small_sac(r.env->state_dims(), r.env->action_dims(), 5));
  else
    r.agent = std::make_unique<search::RandomAgent>(r.env->action_dims(), 5);
  search::ExplorerConfig c;
  c.budget = budget;
  c.seed = 5;
  c.lanes = lanes;
  c.threads = threads;
  c.out_dir = dir;
  c.checkpoint_seconds = 0;
  c.run_info = {{"model", "llama-3.1-8b"}, {"node", "7nm"}, {"mode", "performance"}};
  r.explorer = std::make_unique<search::Explorer>(*r.env, *r.agent, c);
  if (resume) r.explorer->resume();
  std::int64_t asked = 0;
  r.status = r.explorer->run({}, [&] { return stop_after >= 0 && asked++ >= stop_after; });
  return r;
}

TEST(Explorer, SpendsTheBudgetAndWritesTheOutputs) {
  const auto dir = fresh_dir("outputs");
  int calls = 0;
  const auto& w = world();
  search::Environment env(w.work, w.node, w.micro, w.scenario);
  search::RandomAgent agent(env.action_dims(), 1);
  search::ExplorerConfig c;
  c.budget = 50;
  c.out_dir = dir;
  c.run_info = {{"model", "llama-3.1-8b"}, {"node", "7nm"}, {"mode", "performance"}};
  search::Explorer ex(env, agent, c);
  search::Progress last;
  const auto status = ex.run([&](const search::Progress& p) {
    ++calls;
    last = p;
  });
  EXPECT_EQ(status, search::ExploreStatus::finished);
  EXPECT_EQ(ex.evaluations(), 50);
  EXPECT_GE(calls, 1);
  EXPECT_EQ(last.evaluations, 50);
  ASSERT_TRUE(ex.best().found);
  for (const char* f : {search::kCheckpointFile, search::kProgressFile, search::kBestDesignFile, search::kReportFile})
    EXPECT_TRUE(fs::exists(dir / f)) << f;

  // progress.csv: a header and one row per evaluation; the best column is the running maximum
  // (feasible first) and ends at the explorer's best.
  std::ifstream csv(dir / search::kProgressFile);
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("evaluation,episode,step,score,feasible", 0), 0u);
  int rows = 0;
  double best_feasible = -1, best_any = -1;
  while (std::getline(csv, line)) {
    ++rows;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 17u);
    EXPECT_EQ(std::stoi(cells[0]), rows);
    const double score = std::stod(cells[3]);
    (cells[4] == "1" ? best_feasible : best_any) = std::max(cells[4] == "1" ? best_feasible : best_any, score);
  }
  EXPECT_EQ(rows, 50);
  EXPECT_NEAR(ex.best().score, best_feasible >= 0 ? best_feasible : best_any, 1e-8);
  EXPECT_EQ(ex.best().feasible, best_feasible >= 0);

  // best_design.yaml loads and evaluates to the reported score; report.json says so too.
  const auto design = arch::load_design(dir / search::kBestDesignFile);
  EXPECT_TRUE(arch::validate(design, w.node).empty());
  const auto report = ppa::evaluate(w.work, w.node, w.micro, design, w.scenario);
  EXPECT_DOUBLE_EQ(report.ppa_score, ex.best().report.ppa_score);
  const auto j = nlohmann::json::parse(slurp(dir / search::kReportFile));
  EXPECT_DOUBLE_EQ(j.at("ppa_score").get<double>(), report.ppa_score);
  EXPECT_EQ(j.at("node"), "7nm");
  EXPECT_EQ(j.at("search").at("evaluations"), 50);
}

TEST(Explorer, SameSeedSameProgress) {
  const auto a = fresh_dir("same_a"), b = fresh_dir("same_b");
  run(a, 40, false, false);
  run(b, 40, false, false);
  EXPECT_EQ(slurp(a / search::kProgressFile), slurp(b / search::kProgressFile));
  EXPECT_EQ(slurp(a / search::kBestDesignFile), slurp(b / search::kBestDesignFile));
}

TEST(Explorer, ResumeContinuesTheSameSequenceWithTheRandomAgent) {
  const auto whole = fresh_dir("random_whole"), split = fresh_dir("random_split");
  run(whole, 60, false, false);
  run(split, 30, false, false);
  const auto r = run(split, 60, false, true);
  EXPECT_EQ(r.explorer->evaluations(), 60);
  EXPECT_EQ(slurp(whole / search::kProgressFile), slurp(split / search::kProgressFile));
  EXPECT_EQ(slurp(whole / search::kBestDesignFile), slurp(split / search::kBestDesignFile));
  EXPECT_EQ(slurp(whole / search::kReportFile), slurp(split / search::kReportFile));
  EXPECT_EQ(slurp(whole / search::kParetoFile), slurp(split / search::kParetoFile));  // the front survives a resume
}

// pareto.csv: the feasible designs no other evaluated feasible design dominates, each with a
// design YAML that evaluates to the row's figures; --pick's choice is one of them.
TEST(Explorer, ParetoFrontIsNonDominatedAndEveryPointReloads) {
  const auto dir = fresh_dir("pareto");
  const auto& w = world();
  search::Environment env(w.work, w.node, w.micro, w.scenario);
  search::RandomAgent agent(env.action_dims(), 3);
  search::ExplorerConfig c;
  c.budget = 120;
  c.out_dir = dir;
  c.checkpoint_seconds = 0;
  c.pick = std::array<double, 3>{1, 1, 0};
  c.run_info = {{"model", "llama-3.1-8b"}, {"node", "7nm"}, {"mode", "performance"}};
  search::Explorer ex(env, agent, c);
  ex.run();
  const auto& front = ex.front().points();
  ASSERT_FALSE(front.empty());
  for (const auto& a : front)
    for (const auto& b : front) EXPECT_FALSE(search::dominates(a.objectives, b.objectives));
  // Every feasible evaluation in progress.csv is dominated by, or on, the front.
  std::ifstream progress(dir / search::kProgressFile);
  std::string line;
  std::getline(progress, line);
  int feasible_rows = 0;
  while (std::getline(progress, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    if (cells[4] == "1") ++feasible_rows;
  }
  EXPECT_GE(feasible_rows, static_cast<int>(front.size()));

  std::ifstream csv(dir / search::kParetoFile);
  std::getline(csv, line);
  EXPECT_EQ(line, "evaluation,score,decode_tokens_per_second,time_to_first_token_s,power_w,area_mm2,energy_per_token_j,design");
  std::size_t rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 8u);
    const auto design = arch::load_design(dir / cells[7]);
    const auto r = ppa::evaluate(w.work, w.node, w.micro, design, w.scenario);
    EXPECT_TRUE(r.feasible);
    EXPECT_NEAR(r.decode.tokens_per_second, std::stod(cells[2]), 1e-6 * r.decode.tokens_per_second);
    EXPECT_NEAR(r.power_w, std::stod(cells[4]), 1e-6 * r.power_w);
    EXPECT_NEAR(r.area_mm2, std::stod(cells[5]), 1e-6 * r.area_mm2);
    ++rows;
  }
  EXPECT_EQ(rows, front.size());
  std::size_t yamls = 0;
  for (const auto& e : fs::directory_iterator(dir / search::kParetoDir)) yamls += e.path().extension() == ".yaml";
  EXPECT_EQ(yamls, front.size());  // no file of a point that left the front
  EXPECT_TRUE(fs::exists(dir / search::kPickedDesignFile));
  const auto j = nlohmann::json::parse(slurp(dir / search::kReportFile));
  EXPECT_EQ(j.at("search").at("pareto").at("points").get<std::size_t>(), front.size());
  EXPECT_GT(j.at("search").at("pareto").at("hypervolume").get<double>(), 0.0);
}

TEST(Explorer, InterruptedSacRunResumesBitForBit) {
  const auto whole = fresh_dir("sac_whole"), split = fresh_dir("sac_split");
  run(whole, 48, true, false);
  // Stopped (as by Ctrl-C) after 21 evaluations, mid-episode and after learning started.
  const auto stopped = run(split, 48, true, false, 21);
  EXPECT_EQ(stopped.status, search::ExploreStatus::interrupted);
  EXPECT_EQ(stopped.explorer->evaluations(), 21);
  EXPECT_EQ(search::read_checkpoint_info(split / search::kCheckpointFile).evaluations, 21);
  run(split, 48, true, true);
  EXPECT_EQ(slurp(whole / search::kProgressFile), slurp(split / search::kProgressFile));
  EXPECT_EQ(slurp(whole / search::kBestDesignFile), slurp(split / search::kBestDesignFile));
}

// Lanes run episodes side by side and a batch is evaluated on several threads: the results depend
// on the lanes, never on the threads, and a run with lanes resumes bit for bit.
TEST(Explorer, LanesGiveTheSameResultsAtAnyThreadCount) {
  const auto one = fresh_dir("lanes_t1"), three = fresh_dir("lanes_t3"), single = fresh_dir("lanes_single");
  run(one, 50, true, false, -1, 4, 1);
  run(three, 50, true, false, -1, 4, 3);
  EXPECT_EQ(slurp(one / search::kProgressFile), slurp(three / search::kProgressFile));
  EXPECT_EQ(slurp(one / search::kBestDesignFile), slurp(three / search::kBestDesignFile));
  EXPECT_EQ(slurp(one / search::kParetoFile), slurp(three / search::kParetoFile));
  // The first batch is four episodes, one evaluation each, in lane order.
  std::ifstream csv(one / search::kProgressFile);
  std::string line;
  std::getline(csv, line);
  for (int lane = 1; lane <= 4; ++lane) {
    std::getline(csv, line);
    EXPECT_EQ(line.rfind(fmt::format("{},{},1,", lane, lane), 0), 0u) << line;
  }
  run(single, 50, true, false);
  EXPECT_NE(slurp(one / search::kProgressFile), slurp(single / search::kProgressFile));
}

TEST(Explorer, InterruptedRunWithLanesResumesBitForBit) {
  const auto whole = fresh_dir("lanes_whole"), split = fresh_dir("lanes_split");
  run(whole, 46, true, false, -1, 4, 2);
  const auto stopped = run(split, 46, true, false, 5, 4, 2);  // after 5 batches = 20 evaluations
  EXPECT_EQ(stopped.status, search::ExploreStatus::interrupted);
  EXPECT_EQ(stopped.explorer->evaluations(), 20);
  const auto resumed = run(split, 46, true, true, -1, 4, 1);  // and on another thread count
  EXPECT_EQ(resumed.explorer->evaluations(), 46);             // the last batch is cut to the budget
  EXPECT_EQ(slurp(whole / search::kProgressFile), slurp(split / search::kProgressFile));
  EXPECT_EQ(slurp(whole / search::kBestDesignFile), slurp(split / search::kBestDesignFile));
  // The lanes are part of the run: resuming with others is refused, naming them.
  try {
    run(split, 60, true, true, -1, 2, 1);
    ADD_FAILURE() << "resumed with other lanes";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "lanes") << e.what();
  }
}

TEST(Explorer, ResumeDropsRowsWrittenAfterTheCheckpoint) {
  const auto whole = fresh_dir("crash_whole"), split = fresh_dir("crash_split");
  run(whole, 30, false, false);
  run(split, 20, false, false);
  // A crash after the checkpoint: extra rows and a torn last line.
  std::ofstream(split / search::kProgressFile, std::ios::app) << "21,6,1,0.1,0,0.1,1,1,1,1,0.1,0,1,1,1,1,1\n22,6,2,0.";
  run(split, 30, false, true);
  EXPECT_EQ(slurp(whole / search::kProgressFile), slurp(split / search::kProgressFile));
}

// Beyond kProgressFullRows, progress.csv keeps the improvements of the best and a sample that
// thins tenfold per decade; a run stopped past it resumes to the same file, and a file cut short
// of the checkpoint's last sampled row is refused.
TEST(Explorer, ProgressTraceIsBoundedAndStillResumes) {
  EXPECT_TRUE(search::progress_row_kept(10000, false));
  EXPECT_FALSE(search::progress_row_kept(10001, false));
  EXPECT_TRUE(search::progress_row_kept(10001, true));
  EXPECT_TRUE(search::progress_row_kept(10010, false));
  EXPECT_FALSE(search::progress_row_kept(100010, false));
  EXPECT_TRUE(search::progress_row_kept(100100, false));
  EXPECT_EQ(search::last_sampled_progress_row(9999), 9999);
  EXPECT_EQ(search::last_sampled_progress_row(12345), 12340);
  EXPECT_EQ(search::last_sampled_progress_row(123456), 123400);

  const std::int64_t budget = 12345;
  const auto whole = fresh_dir("bounded_whole"), split = fresh_dir("bounded_split");
  const auto w = run(whole, budget, false, false);
  std::ifstream csv(whole / search::kProgressFile);
  std::string line;
  std::getline(csv, line);
  std::set<std::int64_t> rows, bests;
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 17u);
    const std::int64_t e = std::stoll(cells[0]), best_at = std::stoll(cells[12]);
    rows.insert(e);
    bests.insert(best_at);
    EXPECT_TRUE(e <= search::kProgressFullRows || e % 10 == 0 || best_at == e) << line;
  }
  for (std::int64_t e = 1; e <= search::kProgressFullRows; ++e) ASSERT_TRUE(rows.count(e)) << e;
  for (std::int64_t e : bests) EXPECT_TRUE(rows.count(e)) << "improvement at " << e << " missing";
  EXPECT_TRUE(rows.count(12340));
  EXPECT_LT(rows.size(), static_cast<std::size_t>(search::kProgressFullRows + (budget - search::kProgressFullRows) / 10 + 50));
  EXPECT_EQ(*rows.rbegin(), std::max<std::int64_t>(12340, w.explorer->best().evaluation));

  run(split, 11117, false, false);
  run(split, budget, false, true);
  EXPECT_EQ(slurp(whole / search::kProgressFile), slurp(split / search::kProgressFile));

  // Cut the last sampled row before the checkpoint (11,110): the resume is refused, nothing written.
  const auto cut = fresh_dir("bounded_cut");
  run(cut, 11117, false, false);
  std::string kept;
  {
    std::ifstream in(cut / search::kProgressFile);
    while (std::getline(in, line))
      if (line.rfind("11110,", 0) != 0) kept += line + "\n";
  }
  std::ofstream(cut / search::kProgressFile, std::ios::trunc) << kept;
  try {
    run(cut, budget, false, true);
    ADD_FAILURE() << "resumed from a progress.csv that does not reach its checkpoint";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("progress.csv"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(cut / search::kProgressFile), kept);
}

TEST(Explorer, BadCheckpointsAreReportedAndNothingIsLost) {
  const auto dir = fresh_dir("corrupt");
  run(dir, 12, false, false);
  const auto progress = slurp(dir / search::kProgressFile);
  const auto design = slurp(dir / search::kBestDesignFile);
  const auto checkpoint = slurp(dir / search::kCheckpointFile);

  auto expect_error = [&](const std::string& what, const std::string& needle) {
    try {
      run(dir, 24, false, true);
      ADD_FAILURE() << what << ": no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << what << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("checkpoint.bin"), std::string::npos) << e.what();
    }
    EXPECT_EQ(slurp(dir / search::kProgressFile), progress) << what;
    EXPECT_EQ(slurp(dir / search::kBestDesignFile), design) << what;
  };
  // A flipped byte in the middle.
  std::string bad = checkpoint;
  bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x5a);
  std::ofstream(dir / search::kCheckpointFile, std::ios::binary | std::ios::trunc) << bad;
  expect_error("flipped byte", "checksum");
  // Truncated.
  std::ofstream(dir / search::kCheckpointFile, std::ios::binary | std::ios::trunc) << checkpoint.substr(0, checkpoint.size() - 9);
  expect_error("truncated", "corrupt");
  // Not a checkpoint at all.
  std::ofstream(dir / search::kCheckpointFile, std::ios::binary | std::ios::trunc) << "hello";
  expect_error("garbage", "not a meshforge explore checkpoint");
  // Missing.
  fs::remove(dir / search::kCheckpointFile);
  expect_error("missing", "no checkpoint");
  EXPECT_THROW(search::read_checkpoint_info(dir / search::kCheckpointFile), InputError);

  // Another agent's checkpoint.
  std::ofstream(dir / search::kCheckpointFile, std::ios::binary | std::ios::trunc) << checkpoint;
  try {
    run(dir, 24, true, true);
    ADD_FAILURE() << "agent mismatch accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "agent");
  }
  EXPECT_EQ(slurp(dir / search::kProgressFile), progress);
}

TEST(Explorer, UnwritableOutputIsAnInputError) {
  const auto base = fresh_dir("unwritable");
  fs::create_directories(base);
  std::ofstream(base / "file") << "x";
  try {
    run(base / "file" / "out", 5, false, false);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "--out");
  }
}

TEST(Explorer, SeedDesignStartsTheFirstEpisode) {
  const auto& w = world();
  search::Environment env(w.work, w.node, w.micro, w.scenario);
  search::RandomAgent agent(env.action_dims(), 3);
  const auto small = arch::load_design(kData / "designs" / "small-4x4.yaml");
  search::ExplorerConfig c;
  c.budget = 1;
  c.seed_design = env.actions().encode(small);
  search::Explorer ex(env, agent, c);
  ex.run();
  // One delta step from the seed: within delta_scale of it.
  EXPECT_LE((ex.best().x - *c.seed_design).cwiseAbs().maxCoeff(), env.config().delta_scale + 1e-12);
}

}  // namespace

namespace {

// Every registered agent builds by name and runs a short exploration in the environment its entry
// asks for (its own name, in checkpoints and report.json, may say more: sac is "sac-moe"); an
// unknown name finds nothing.
TEST(AgentRegistry, EveryEntryBuildsAndRuns) {
  const auto& w = world();
  std::set<std::string> names;
  for (const auto& entry : search::agent_registry()) {
    EXPECT_TRUE(names.insert(entry.name).second) << "duplicate " << entry.name;
    EXPECT_FALSE(entry.help.empty()) << entry.name;
    EXPECT_EQ(search::find_agent(entry.name), &entry);
    search::EnvironmentConfig ec;
    ec.action_mode = entry.action_mode;
    ec.episode_steps = 4;
    search::Environment env(w.work, w.node, w.micro, w.scenario, ec);
    const auto agent = entry.make(env, {3, 2, {}});
    EXPECT_EQ(agent->name().rfind(entry.name, 0), 0u) << agent->name();
    search::ExplorerConfig c;
    c.budget = 12;
    search::Explorer ex(env, *agent, c);
    EXPECT_EQ(ex.run(), search::ExploreStatus::finished) << entry.name;
    EXPECT_EQ(ex.evaluations(), 12);
  }
  EXPECT_EQ(search::agent_names().front(), "de");  // the default (docs/results.md)
  EXPECT_EQ(search::find_agent("no-such-agent"), nullptr);
}

// Hyperparameters by name: each agent's parameters at their defaults give the run the defaults
// give; another value changes the run (the parameter reaches the agent); unknown names, values out
// of range and fractions for integers are refused, naming the parameter.
TEST(AgentRegistry, ParametersReachTheAgentAndBadOnesAreRefused) {
  const auto& w = world();
  auto progress = [&](const search::AgentEntry& entry, const std::map<std::string, double>& params) {
    search::EnvironmentConfig ec;
    ec.action_mode = entry.action_mode;
    ec.episode_steps = 4;
    search::Environment env(w.work, w.node, w.micro, w.scenario, ec);
    search::check_agent_params(entry, params);
    const auto agent = entry.make(env, {3, 2, params});
    search::ExplorerConfig c;
    c.budget = 60;
    c.lanes = entry.default_lanes;
    search::Explorer ex(env, *agent, c);
    ex.run();
    return ex.best().score;
  };
  int with_params = 0;
  for (const auto& entry : search::agent_registry()) {
    if (entry.params.empty()) continue;
    ++with_params;
    std::map<std::string, double> defaults;
    for (const auto& p : entry.params) {
      EXPECT_GE(p.default_value, p.min) << entry.name << " " << p.name;
      EXPECT_LE(p.default_value, p.max) << entry.name << " " << p.name;
      defaults[p.name] = p.default_value;
    }
    if (entry.name == "sac" || entry.name == "bo") continue;  // slow; de below stands for the mechanism
    EXPECT_EQ(progress(entry, defaults), progress(entry, {})) << entry.name;
  }
  EXPECT_GE(with_params, 8);

  const auto& de = *search::find_agent("de");
  EXPECT_NE(progress(de, {{"f", 0.2}, {"cr", 0.3}}), progress(de, {}));
  auto refused = [&](const std::map<std::string, double>& params, const std::string& says) {
    try {
      search::check_agent_params(de, params);
      ADD_FAILURE() << "accepted " << says;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused({{"no_such", 1}}, "de has no parameter 'no_such' (it takes: f, cr, variant, population)");
  refused({{"f", 1.5}}, "de f: 1.5 is outside [0, 1]");
  refused({{"population", 20.5}}, "expected an integer");
  refused({{"cr", std::nan("")}}, "de cr");
  try {
    search::check_agent_params(*search::find_agent("random"), {{"x", 1}});
    ADD_FAILURE() << "random took a parameter";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("it takes none"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

// tell() carries the evaluation behind the reward (for optimisers that rank designs, not rewards):
// the score, feasibility and figures of the design the action led to, as progress.csv records them.
class RecordingAgent : public search::RandomAgent {
 public:
  using RandomAgent::RandomAgent;
  void tell(const search::Transition& t) override {
    told.push_back(t.evaluation);
    RandomAgent::tell(t);
  }
  std::vector<search::Evaluation> told;
};

TEST(Explorer, TellsTheAgentTheEvaluation) {
  const auto dir = fresh_dir("tell");
  const auto& w = world();
  search::Environment env(w.work, w.node, w.micro, w.scenario);
  RecordingAgent agent(env.action_dims(), 4);
  search::ExplorerConfig c;
  c.budget = 20;
  c.out_dir = dir;
  c.checkpoint_seconds = 0;
  search::Explorer ex(env, agent, c);
  ex.run();
  ASSERT_EQ(agent.told.size(), 20u);
  std::ifstream csv(dir / search::kProgressFile);
  std::string line;
  std::getline(csv, line);
  for (const auto& e : agent.told) {
    ASSERT_TRUE(std::getline(csv, line));
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    EXPECT_NEAR(e.score, std::stod(cells[3]), 1e-8);
    EXPECT_EQ(e.feasible, cells[4] == "1");
    EXPECT_NEAR(e.decode_tokens_per_second, std::stod(cells[7]), 1e-5 * e.decode_tokens_per_second);
    EXPECT_NEAR(e.power_w, std::stod(cells[8]), 1e-5 * e.power_w);
    EXPECT_EQ(e.x.size(), env.action_dims());
    EXPECT_EQ(e.feasible, e.violations == 0);
  }
}

}  // namespace

namespace {

// A design seen before is answered from the cache with the report the PPA model gives it; the ring
// forgets the oldest designs beyond its capacity.
TEST(BatchEvaluator, RepeatedDesignsComeFromTheCacheUnchanged) {
  const auto& w = world();
  search::Environment env(w.work, w.node, w.micro, w.scenario);
  search::BatchEvaluator batch(env, 2, 2);
  arch::Design a = env.actions().decode(Eigen::VectorXd::Constant(env.action_dims(), 0.1));
  arch::Design b = env.actions().decode(Eigen::VectorXd::Constant(env.action_dims(), -0.4));
  arch::Design c = env.actions().decode(Eigen::VectorXd::Constant(env.action_dims(), 0.7));
  ASSERT_FALSE(a == b);
  std::vector<ppa::Report> reports;
  batch.evaluate({&a, &b}, reports);
  EXPECT_EQ(batch.cache_hits(), 0);
  const double score_a = reports[0].ppa_score, score_b = reports[1].ppa_score;
  batch.evaluate({&b, &a, &a}, reports);
  EXPECT_EQ(batch.cache_hits(), 3);
  EXPECT_EQ(reports[0].ppa_score, score_b);
  EXPECT_EQ(reports[1].ppa_score, score_a);
  EXPECT_EQ(reports[2].ppa_score, ppa::evaluate(w.work, w.node, w.micro, a, w.scenario).ppa_score);
  EXPECT_EQ(reports[2].power_w, ppa::evaluate(w.work, w.node, w.micro, a, w.scenario).power_w);
  batch.evaluate({&c}, reports);  // capacity 2: c evicts the oldest (a)
  batch.evaluate({&a}, reports);
  EXPECT_EQ(batch.cache_hits(), 3);
  EXPECT_EQ(batch.evaluated(), 4);
}

}  // namespace
