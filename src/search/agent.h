// The ask/tell interface every search agent implements (SAC-MoE, random, ...). The explorer only
// sees this: it asks for an action in a state, evaluates the design the action decodes to, and
// tells the agent what happened. Agents know nothing of designs, nodes or models.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>

namespace meshforge::search {

// What the evaluation of the design an action led to said, for optimisers that are not RL: they
// rank designs by score and feasibility, not by SAC's shaped reward.
struct Evaluation {
  Eigen::VectorXd x;                   // the design vector evaluated (after the action was applied)
  double score = 0;                    // PPA score in [0, 1]
  bool feasible = false;
  int violations = 0;                  // how many constraints the design breaks
  double decode_tokens_per_second = 0, prefill_tokens_per_second = 0, time_to_first_token_s = 0;
  double power_w = 0, area_mm2 = 0, energy_per_token_j = 0;
};

// The explorer's order of designs as one number to maximise: every feasible design above every
// infeasible one, then by score (in [0, 2]). What the optimisers that are not RL rank by.
inline double ranking_value(const Evaluation& e) { return (e.feasible ? 1.0 : 0.0) + e.score; }

// One step of experience, as stable-baselines3 records it, with the evaluation behind the reward.
struct Transition {
  Eigen::VectorXd state;
  Eigen::VectorXd action;      // in [-1, 1]^action_dims
  double reward = 0;
  Eigen::VectorXd next_state;
  bool terminal = false;       // episode ended (no bootstrapping from next_state)
  Evaluation evaluation;
};

// Statistics an agent reports for progress displays and logs.
struct AgentStats {
  std::int64_t updates = 0;          // gradient steps taken (or what an agent counts instead)
  double critic_loss = 0, actor_loss = 0, entropy_temperature = 0;
  // Further named figures of its own, written as they are into report.json (SAC-MoE: gate_usage,
  // the mean gate weight per expert over its recent asks).
  std::map<std::string, Eigen::VectorXd> vectors;
  // For the run's time estimate: tells still to come before the agent starts learning (SAC's
  // warm-up, whose asks are far cheaper than those after it), and the agent's own measure of the
  // seconds each tell will add once it learns (0 = the cost does not change).
  std::int64_t warmup_tells_left = 0;
  double seconds_per_tell_after_warmup = 0;
};

class Agent {
 public:
  virtual ~Agent() = default;
  virtual std::string name() const = 0;
  // An action in [-1, 1]^action_dims for this state. explore = false asks for the agent's best
  // guess (deterministic), true for an exploratory sample.
  virtual Eigen::VectorXd ask(const Eigen::VectorXd& state, bool explore) = 0;
  // Experience of the last action; the agent may learn from it (SAC: store and update).
  virtual void tell(const Transition& transition) = 0;
  virtual AgentStats stats() const = 0;
  // What the agent can say about a state besides an action, as named vectors for reports (SAC-MoE:
  // "gate", its gate's weight per expert); empty for agents without such internals.
  virtual std::map<std::string, Eigen::VectorXd> explain(const Eigen::VectorXd& /*state*/) const { return {}; }
  // Complete state for --resume: parameters, optimiser moments, replay buffer, random engine.
  virtual void save(std::ostream& out) const = 0;
  virtual void load(std::istream& in) = 0;  // throws std::runtime_error on a corrupt checkpoint
};

}  // namespace meshforge::search
