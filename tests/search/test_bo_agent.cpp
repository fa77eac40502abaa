// Bayesian optimisation behind ask/tell: it optimises a smooth landscape with fewer evaluations
// than random search, one seed gives one sequence, load() continues it, and a batch of asks
// (--lanes) proposes distinct designs.
#include <gtest/gtest.h>

#include <sstream>

#include "toy_landscape.h"

#include "search/bo_agent.h"

namespace meshforge::search {
namespace {

double drive(Agent& agent, int n, std::vector<Eigen::VectorXd>* asked = nullptr) {
  double best = 0;
  for (int i = 0; i < n; ++i) {
    const Eigen::VectorXd x = agent.ask(Eigen::VectorXd(), true);
    if (asked) asked->push_back(x);
    Transition t;
    t.action = x;
    t.evaluation = evaluate_toy(x);
    best = std::max(best, t.evaluation.score + (t.evaluation.feasible ? 1.0 : 0.0));
    agent.tell(t);
  }
  return best;
}

BoConfig config(std::uint64_t seed = 3) {
  BoConfig c;
  c.action_dims = 6;
  c.seed = seed;
  c.initial_random = 10;
  return c;
}

TEST(BoAgent, BeatsItsOwnRandomStartOnASmoothLandscape) {
  BoAgent agent(config());
  const double random_phase = drive(agent, 10);
  const double after = drive(agent, 110);
  EXPECT_GT(after, random_phase);
  EXPECT_GT(after, 1.9);  // feasible and within a few percent of the optimum
  EXPECT_GT(agent.stats().updates, 100);
}

TEST(BoAgent, OneSeedOneSequenceAndLoadContinuesIt) {
  BoAgent a(config()), b(config()), c(config(4));
  std::vector<Eigen::VectorXd> xa, xb, xc;
  drive(a, 40, &xa);
  drive(b, 40, &xb);
  drive(c, 40, &xc);
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  std::stringstream saved;
  a.save(saved);
  BoAgent resumed(config());
  resumed.load(saved);
  std::vector<Eigen::VectorXd> ya, yr;
  drive(a, 10, &ya);
  drive(resumed, 10, &yr);
  EXPECT_EQ(ya, yr);
  std::stringstream garbage("not a checkpoint");
  BoAgent other(config());
  EXPECT_THROW(other.load(garbage), std::runtime_error);
}

TEST(BoAgent, ABatchOfAsksProposesDistinctDesigns) {
  BoAgent agent(config());
  drive(agent, 30);
  std::vector<Eigen::VectorXd> batch;
  for (int i = 0; i < 4; ++i) batch.push_back(agent.ask(Eigen::VectorXd(), true));
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < i; ++j) EXPECT_GT((batch[static_cast<std::size_t>(i)] - batch[static_cast<std::size_t>(j)]).norm(), 1e-6);
  std::stringstream out;
  EXPECT_THROW(agent.save(out), std::logic_error);  // a checkpoint is taken between batches
  for (const auto& x : batch) {
    Transition t;
    t.action = x;
    t.evaluation = evaluate_toy(x);
    agent.tell(t);
  }
  Transition stray;
  stray.evaluation = evaluate_toy(batch[0]);
  EXPECT_THROW(agent.tell(stray), std::logic_error);
  BoConfig bad = config();
  bad.window = 2;
  EXPECT_THROW(BoAgent{bad}, std::invalid_argument);
}

}  // namespace
}  // namespace meshforge::search
