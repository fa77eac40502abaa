// Episodes: bounded refinement steps, one evaluation each, the documented reward, terminal at the
// horizon, and an exact snapshot / restore.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>

#include "search/environment.h"
#include "workload/model.h"

namespace {

using namespace meshforge;
const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

struct World {
  ppa::Workload work;
  tech::Node node;
  ppa::Microarch micro;
  ppa::Scenario scenario;
  World(const std::string& model, const std::string& node_name, ppa::Mode mode) {
    const auto file = workload::resolve_model(model, kData);
    workload::Scenario s;
    s.phase = workload::Phase::prefill;
    work.prefill = workload::build_graph(file, s);
    s.phase = workload::Phase::decode;
    work.decode = workload::build_graph(file, s);
    node = tech::load_node(node_name, kData);
    micro = ppa::load_microarch(kData);
    scenario.mode = mode;
    scenario.budgets = ppa::defaults_for(mode);
  }
};

const World& llama() {
  static const World s("llama-3.1-8b", "5nm", ppa::Mode::performance);
  return s;
}

Eigen::VectorXd random_vector(std::mt19937_64& rng, int n) {
  std::uniform_real_distribution<double> u(-1, 1);
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i) v[i] = u(rng);
  return v;
}

TEST(Environment, DeltaStepsAreBoundedAndRewardIsScorePlusImprovement) {
  const auto& s = llama();
  search::EnvironmentConfig cfg;
  cfg.episode_steps = 5;
  cfg.delta_scale = 0.25;
  cfg.improvement_bonus = 1.0;
  search::Environment env(s.work, s.node, s.micro, s.scenario, cfg);
  std::mt19937_64 rng(5);
  env.reset(random_vector(rng, env.action_dims()));
  ppa::Evaluator check(s.work, s.node, s.micro);
  double best = -1;
  for (int t = 0; t < cfg.episode_steps; ++t) {
    ASSERT_FALSE(env.episode_done());
    const Eigen::VectorXd before = env.snapshot().x;
    const auto a = random_vector(rng, env.action_dims());
    const auto step = env.step(a);
    EXPECT_EQ(step.state.size(), env.state_dims());
    EXPECT_EQ(step.next_state.size(), env.state_dims());
    EXPECT_LE((step.x - before).cwiseAbs().maxCoeff(), cfg.delta_scale + 1e-12);
    EXPECT_LE(step.x.cwiseAbs().maxCoeff(), 1.0);
    EXPECT_EQ(step.design, env.actions().decode(step.x));
    // The report is the evaluator's for the decoded design.
    const auto r = check.evaluate(step.design, s.scenario);
    EXPECT_DOUBLE_EQ(step.report->ppa_score, r.ppa_score);
    const double score = r.ppa_score;
    EXPECT_DOUBLE_EQ(step.reward, score + std::max(0.0, score - std::max(0.0, best)));
    best = std::max(best, score);
    EXPECT_EQ(step.terminal, t == cfg.episode_steps - 1);
    // The next state carries the new design and its report.
    const auto& obs = env.observation();
    EXPECT_EQ(step.next_state.segment(obs.design_begin(), env.action_dims()), step.x);
    EXPECT_EQ(step.next_state[obs.report_begin()], 1.0);
    EXPECT_DOUBLE_EQ(step.next_state[obs.report_begin() + 1], 2 * score - 1);
    EXPECT_DOUBLE_EQ(step.next_state[obs.episode_begin() + 1], 2 * best - 1);
  }
  EXPECT_TRUE(env.episode_done());
}

TEST(Environment, AbsoluteModeProposesWholeDesigns) {
  const auto& s = llama();
  search::EnvironmentConfig cfg;
  cfg.action_mode = search::ActionMode::absolute;
  search::Environment env(s.work, s.node, s.micro, s.scenario, cfg);
  std::mt19937_64 rng(9);
  env.reset(Eigen::VectorXd::Zero(env.action_dims()));
  const auto a = random_vector(rng, env.action_dims());
  const auto step = env.step(a);
  EXPECT_EQ(step.x, a);
  EXPECT_EQ(step.design, env.actions().decode(a));
}

TEST(Environment, StartingFromAnEvaluatedDesignSetsTheEpisodeBest) {
  const auto& s = llama();
  search::Environment env(s.work, s.node, s.micro, s.scenario);
  std::mt19937_64 rng(2);
  const auto x = random_vector(rng, env.action_dims());
  const auto& r = env.evaluate(x);
  const auto features = search::report_features(r);
  const double score = r.ppa_score;
  env.reset(x, &features, score);
  const auto state = env.state();
  EXPECT_EQ(state[env.observation().report_begin()], 1.0);
  EXPECT_DOUBLE_EQ(state[env.observation().episode_begin() + 1], 2 * score - 1);
  // Standing still earns the score but no improvement bonus.
  const auto step = env.step(Eigen::VectorXd::Zero(env.action_dims()));
  EXPECT_DOUBLE_EQ(step.report->ppa_score, score);
  EXPECT_DOUBLE_EQ(step.reward, score);
}

TEST(Environment, SnapshotRestoreContinuesIdentically) {
  const auto& s = llama();
  search::Environment a(s.work, s.node, s.micro, s.scenario);
  search::Environment b(s.work, s.node, s.micro, s.scenario);
  std::mt19937_64 rng(4);
  a.reset(random_vector(rng, a.action_dims()));
  for (int i = 0; i < 3; ++i) a.step(random_vector(rng, a.action_dims()));
  b.restore(a.snapshot());
  EXPECT_EQ(a.state(), b.state());
  const auto act = random_vector(rng, a.action_dims());
  const auto sa = a.step(act);
  const auto sb = b.step(act);
  EXPECT_EQ(sa.next_state, sb.next_state);
  EXPECT_EQ(sa.reward, sb.reward);
  EXPECT_EQ(sa.terminal, sb.terminal);
}

TEST(Environment, LowPowerEpisodesKeepTheFixedClock) {
  const World s("smolvlm-256m-instruct", "28nm", ppa::Mode::low_power);
  search::Environment env(s.work, s.node, s.micro, s.scenario);
  std::mt19937_64 rng(8);
  env.reset(random_vector(rng, env.action_dims()));
  while (!env.episode_done()) {
    const auto step = env.step(random_vector(rng, env.action_dims()));
    EXPECT_EQ(step.design.clock_hz, 10e6);
    EXPECT_TRUE(arch::validate(step.design, s.node).empty());
    EXPECT_GE(step.reward, 0.0);
    EXPECT_LE(step.reward, 2.0);
  }
}

}  // namespace
