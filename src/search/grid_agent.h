// Grid search behind ask/tell, as an architect sweeps parameters: one design coordinate at a
// time over `levels` evenly spaced values around the best design so far (the others held), the
// grid's span halving after every pass over all coordinates, back to the whole box once it is
// finer than `min_span` (a compass / pattern search). A full factorial grid cannot be walked in 39
// dimensions (two levels each would be 5.5e11 designs); this is the grid baseline that can. Whole
// design vectors (absolute actions); the order of coordinates is shuffled per pass by the seed.
// Asks need no tell in between (--lanes): the sweep's points do not depend on their results.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "search/agent.h"

namespace meshforge::search {

// Every hyperparameter of the grid agent.
struct GridConfig {
  int action_dims = 0;
  std::uint64_t seed = 1;
  int levels = 9;           // values per coordinate sweep, centre included (odd)
  double shrink = 0.5;      // span factor per pass
  double min_span = 1e-3;   // below this the span restarts at 1 (the whole box around the best)
};

class GridAgent : public Agent {
 public:
  explicit GridAgent(GridConfig config);  // throws std::invalid_argument for a bad config

  std::string name() const override { return "grid"; }
  Eigen::VectorXd ask(const Eigen::VectorXd& state, bool explore) override;  // state and explore unused
  void tell(const Transition& transition) override;
  AgentStats stats() const override;  // updates = passes completed
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

 private:
  void new_pass();

  GridConfig config_;
  std::mt19937_64 rng_;
  Eigen::VectorXd best_x_;
  double best_y_ = -1;           // feasible + score of best_x_ (< 0: nothing told yet)
  std::vector<int> order_;       // this pass's coordinate order
  int coordinate_ = 0, level_ = 0;  // position in the pass
  double span_ = 1;
  std::int64_t passes_ = 0, outstanding_ = 0;
};

}  // namespace meshforge::search
