// The first baseline: uniform random actions in [-1, 1]^action_dims from a seeded engine. It
// learns nothing; tell() only counts. ask(state, explore) ignores both arguments.
#pragma once

#include <cstdint>
#include <random>

#include "search/agent.h"

namespace meshforge::search {

class RandomAgent : public Agent {
 public:
  RandomAgent(int action_dims, std::uint64_t seed);

  std::string name() const override { return "random"; }
  Eigen::VectorXd ask(const Eigen::VectorXd& state, bool explore) override;
  void tell(const Transition& transition) override;
  AgentStats stats() const override;  // all zero, no gate
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

  std::int64_t transitions() const { return transitions_; }

 private:
  int action_dims_;
  std::mt19937_64 rng_;
  std::int64_t transitions_ = 0;
};

}  // namespace meshforge::search
