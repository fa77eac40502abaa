// SacMoeAgent: Soft Actor-Critic with a mixture-of-experts actor behind the ask/tell Agent
// interface (docs/agent.md).
//
//   SacConfig c;  c.state_dims = 52;  c.action_dims = 30;  c.gate_begin = 0;  c.gate_end = 12;
//   SacMoeAgent agent(c);
//   Eigen::VectorXd a = agent.ask(s, true);   // uniform random until learning_starts tells
//   agent.tell({s, a, reward, s_next, done}); // stores; updates_per_step gradient steps per tell
//
// Deterministic: the whole run is a function of config.seed and the sequence of asks and tells.
// save()/load() capture the complete state (networks, optimiser moments, temperature, replay
// buffer, random engine, counters), so a loaded agent continues bit for bit.
#pragma once

#include <memory>

#include "search/agent.h"
#include "search/sac/config.h"

namespace meshforge::search::sac {

class SacLearner;
class ReplayBuffer;

class SacMoeAgent : public Agent {
 public:
  explicit SacMoeAgent(const SacConfig& config);  // throws std::invalid_argument on a bad config
  ~SacMoeAgent() override;
  SacMoeAgent(const SacMoeAgent&) = delete;
  SacMoeAgent& operator=(const SacMoeAgent&) = delete;

  std::string name() const override;  // "sac-moe" (K > 1) or "sac" (K = 1)
  // Throws std::invalid_argument on a state of the wrong size or with non-finite entries.
  Eigen::VectorXd ask(const Eigen::VectorXd& state, bool explore) override;
  // Stores the transition; from the learning_starts-th tell on, runs updates_per_step updates.
  // Throws std::runtime_error if an update produces a NaN/Inf loss or parameter.
  void tell(const Transition& transition) override;
  AgentStats stats() const override;
  // Binary checkpoint with a checksum; load() throws std::runtime_error on a corrupt or
  // incompatible checkpoint (different dimensions, network sizes, experts, gate range or buffer
  // capacity) and then leaves the agent unchanged. Other hyperparameters (learning rates, ...)
  // are taken from this agent's config, not the checkpoint.
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

  const SacConfig& config() const;
  // One gradient step now, on a batch from the replay buffer (which must not be empty).
  void update();
  // The gate's weights (K) for a state; records nothing.
  Eigen::VectorXd gate_weights(const Eigen::VectorXd& state) const;
  // The gate's mean weight per expert over the last gate_usage_window asks (K zeros before any).
  Eigen::VectorXd gate_usage() const;
  // {"gate": gate_weights(state)}.
  std::map<std::string, Eigen::VectorXd> explain(const Eigen::VectorXd& state) const override;
  std::int64_t transitions() const;  // tells so far
  const ReplayBuffer& replay_buffer() const;
  SacLearner& learner();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meshforge::search::sac
