// The baselines: uniform random actions in [-1, 1]^action_dims from a seeded engine. They learn
// nothing; tell() only counts. ask(state, explore) ignores both arguments. In an environment with
// absolute actions this is random search (every evaluation an independent uniform design, agent
// name "random"); with delta actions it is a random walk from the episode starts ("random-walk").
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "search/agent.h"

namespace meshforge::search {

class RandomAgent : public Agent {
 public:
  RandomAgent(int action_dims, std::uint64_t seed, std::string name = "random");

  std::string name() const override { return name_; }
  Eigen::VectorXd ask(const Eigen::VectorXd& state, bool explore) override;
  void tell(const Transition& transition) override;
  AgentStats stats() const override;  // all zero, no gate
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

  std::int64_t transitions() const { return transitions_; }

 private:
  int action_dims_;
  std::string name_;
  std::mt19937_64 rng_;
  std::int64_t transitions_ = 0;
};

}  // namespace meshforge::search
