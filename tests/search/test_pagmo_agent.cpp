// pagmo2's optimisers behind ask/tell: they optimise, one seed gives one sequence, a saved agent
// continues the same sequence after load() (--resume), and bad configurations are refused.
#include <gtest/gtest.h>

#include <sstream>

#include "toy_landscape.h"

#include "search/pagmo_agent.h"

namespace meshforge::search {
namespace {

// asks and tells n times; returns the asked vectors.
std::vector<Eigen::VectorXd> drive(PagmoAgent& agent, int n, double* best = nullptr) {
  std::vector<Eigen::VectorXd> asked;
  for (int i = 0; i < n; ++i) {
    const Eigen::VectorXd x = agent.ask(Eigen::VectorXd(), true);
    asked.push_back(x);
    Transition t;
    t.action = x;
    t.evaluation = evaluate_toy(x);
    if (best) *best = std::max(*best, t.evaluation.score);
    agent.tell(t);
  }
  return asked;
}

PagmoConfig config(const std::string& algorithm, std::uint64_t seed = 3) {
  PagmoConfig c;
  c.algorithm = algorithm;
  c.action_dims = 6;
  c.seed = seed;
  if (algorithm == "sa") c.population = 1;
  return c;
}

class EveryPagmoAlgorithm : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryPagmoAlgorithm, OptimisesAToyLandscape) {
  PagmoAgent agent(config(GetParam()));
  double first = 0, later = 0;
  drive(agent, 20, &first);
  drive(agent, 1500, &later);
  EXPECT_GT(later, first) << GetParam();
  EXPECT_GT(later, 0.9) << GetParam();
  EXPECT_EQ(agent.stats().updates, 1520);
}

TEST_P(EveryPagmoAlgorithm, OneSeedOneSequenceAndResumeContinuesIt) {
  PagmoAgent a(config(GetParam())), b(config(GetParam()));
  const auto xa = drive(a, 300);
  const auto xb = drive(b, 300);
  for (std::size_t i = 0; i < xa.size(); ++i) ASSERT_EQ(xa[i], xb[i]) << GetParam() << " at " << i;
  // A third agent does 137 evaluations, is saved; a fresh one loads it and continues: the same
  // design vectors as the uninterrupted run.
  PagmoAgent c(config(GetParam()));
  drive(c, 137);
  std::stringstream saved;
  c.save(saved);
  PagmoAgent d(config(GetParam()));
  d.load(saved);
  const auto xd = drive(d, 300 - 137);
  for (std::size_t i = 0; i < xd.size(); ++i) ASSERT_EQ(xd[i], xa[137 + i]) << GetParam() << " at " << 137 + i;
  // Another seed searches elsewhere.
  PagmoAgent e(config(GetParam(), 4));
  EXPECT_NE(drive(e, 30).back(), xa[29]);
}

INSTANTIATE_TEST_SUITE_P(Pagmo, EveryPagmoAlgorithm, ::testing::Values("sga", "sa", "cmaes", "pso", "de", "nsga2"));

TEST(PagmoAgent, NsgaTwoSeesFiveObjectivesAndFeasibleFirst) {
  Evaluation e;
  e.feasible = true;
  e.decode_tokens_per_second = 100;
  e.time_to_first_token_s = 0.1;
  e.power_w = 10;
  e.area_mm2 = 1000;
  e.energy_per_token_j = 0.01;
  const auto f = PagmoAgent::fitness_of(e, 5);
  ASSERT_EQ(f.size(), 5u);
  EXPECT_DOUBLE_EQ(f[0], -2);
  EXPECT_DOUBLE_EQ(f[1], -1);
  EXPECT_DOUBLE_EQ(f[2], 1);
  EXPECT_DOUBLE_EQ(f[3], 3);
  EXPECT_DOUBLE_EQ(f[4], -2);
  e.feasible = false;
  const auto g = PagmoAgent::fitness_of(e, 5);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(g[i], f[i] + 30);
  EXPECT_EQ(PagmoAgent::fitness_of(e, 1).size(), 1u);
  auto c = config("nsga2");
  c.population = 18;  // not a multiple of 4
  EXPECT_THROW(PagmoAgent{c}, std::invalid_argument);
}

// nsga2 and pso hand out a generation at once: asked in batches (as --lanes does) and told in ask
// order, they propose the same designs as asked one at a time; more asks than a generation holds
// is an error, not a deadlock, and so is a second ask of an agent that does not batch.
TEST(PagmoAgent, BatchingAgentsHandOutAGenerationAtOnce) {
  for (const char* algorithm : {"nsga2", "pso"}) {
    PagmoAgent one(config(algorithm)), batched(config(algorithm));
    const auto sequential = drive(one, 80);
    std::vector<Eigen::VectorXd> asked;
    for (int batch = 0; batch < 8; ++batch) {
      std::vector<Eigen::VectorXd> xs;
      for (int i = 0; i < 10; ++i) xs.push_back(batched.ask(Eigen::VectorXd(), true));
      for (const auto& x : xs) {
        Transition t;
        t.action = x;
        t.evaluation = evaluate_toy(x);
        batched.tell(t);
        asked.push_back(x);
      }
    }
    ASSERT_EQ(asked.size(), sequential.size());
    for (std::size_t i = 0; i < asked.size(); ++i) EXPECT_EQ(asked[i], sequential[i]) << algorithm << " design " << i;
    PagmoAgent greedy(config(algorithm));
    for (int i = 0; i < 20; ++i) greedy.ask(Eigen::VectorXd(), true);
    EXPECT_THROW(greedy.ask(Eigen::VectorXd(), true), std::logic_error) << algorithm;
  }
  PagmoAgent de(config("de"));
  de.ask(Eigen::VectorXd(), true);
  EXPECT_THROW(de.ask(Eigen::VectorXd(), true), std::logic_error);
}

TEST(PagmoAgent, RefusesWhatItCannotRun) {
  EXPECT_THROW(PagmoAgent(config("nelder-mead")), std::invalid_argument);
  auto c = config("de");
  c.population = 3;  // DE needs 5
  EXPECT_THROW(PagmoAgent{c}, std::invalid_argument);
  c = config("sga");
  c.action_dims = 0;
  EXPECT_THROW(PagmoAgent{c}, std::invalid_argument);
  PagmoAgent a(config("sga"));
  EXPECT_THROW(a.tell(Transition{}), std::logic_error);  // tell before ask
  std::stringstream junk("xx");
  PagmoAgent b(config("sga"));
  EXPECT_THROW(b.load(junk), std::runtime_error);
}

// Destroying an agent mid-search (pagmo blocked in fitness) returns promptly.
TEST(PagmoAgent, DestroyedMidSearch) {
  auto agent = std::make_unique<PagmoAgent>(config("cmaes"));
  (void)agent->ask(Eigen::VectorXd(), true);
  agent.reset();
  SUCCEED();
}

}  // namespace
}  // namespace meshforge::search
