// Coordinate grid search behind ask/tell: the first sweep walks one coordinate over the whole
// box, it converges on a smooth landscape, one seed gives one sequence, and load() continues it.
#include <gtest/gtest.h>

#include <sstream>

#include "search/grid_agent.h"
#include "toy_landscape.h"

namespace meshforge::search {
namespace {

GridConfig config(std::uint64_t seed = 3) {
  GridConfig c;
  c.action_dims = 6;
  c.seed = seed;
  return c;
}

double tell(Agent& agent, const Eigen::VectorXd& x) {
  Transition t;
  t.action = x;
  t.evaluation = evaluate_toy(x);
  agent.tell(t);
  return t.evaluation.score + (t.evaluation.feasible ? 1.0 : 0.0);
}

TEST(GridAgent, SweepsOneCoordinateOverTheBoxThenConverges) {
  GridAgent agent(config());
  std::vector<Eigen::VectorXd> first;
  for (int i = 0; i < 9; ++i) first.push_back(agent.ask(Eigen::VectorXd(), true));  // no tell needed in a sweep
  int moved = -1;
  for (int c = 0; c < 6; ++c)
    if (first[0](c) != 0) moved = c;
  ASSERT_GE(moved, 0);
  for (int i = 0; i < 9; ++i) {
    EXPECT_DOUBLE_EQ(first[static_cast<std::size_t>(i)](moved), -1.0 + 0.25 * i);
    EXPECT_DOUBLE_EQ(first[static_cast<std::size_t>(i)].norm(), std::abs(first[static_cast<std::size_t>(i)](moved)));
  }
  for (const auto& x : first) tell(agent, x);
  double best = 0;
  for (int i = 0; i < 600; ++i) best = std::max(best, tell(agent, agent.ask(Eigen::VectorXd(), true)));
  EXPECT_GT(best, 1.99);
  EXPECT_GT(agent.stats().updates, 5);
}

TEST(GridAgent, OneSeedOneSequenceAndLoadContinuesIt) {
  GridAgent a(config()), b(config()), c(config(4));
  std::vector<Eigen::VectorXd> xa, xb, xc;
  for (int i = 0; i < 70; ++i) {
    xa.push_back(a.ask(Eigen::VectorXd(), true));
    tell(a, xa.back());
    xb.push_back(b.ask(Eigen::VectorXd(), true));
    tell(b, xb.back());
    xc.push_back(c.ask(Eigen::VectorXd(), true));
    tell(c, xc.back());
  }
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  std::stringstream saved;
  a.save(saved);
  GridAgent resumed(config());
  resumed.load(saved);
  for (int i = 0; i < 20; ++i) {
    const auto x = a.ask(Eigen::VectorXd(), true), y = resumed.ask(Eigen::VectorXd(), true);
    EXPECT_EQ(x, y);
    tell(a, x);
    tell(resumed, y);
  }
  std::stringstream garbage("nonsense");
  GridAgent other(config());
  EXPECT_THROW(other.load(garbage), std::runtime_error);
  GridConfig even = config();
  even.levels = 8;
  EXPECT_THROW(GridAgent{even}, std::invalid_argument);
}

}  // namespace
}  // namespace meshforge::search
