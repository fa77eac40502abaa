// Episodes of the design MDP (docs/mdp.md). An episode starts from a design (the best so far, a
// shipped design, or a random point: the explorer decides) and refines it for `episode_steps`
// steps; every step is one evaluation.
//
// Action semantics (default: delta): the agent's action a in [-1, 1]^D moves the current design
// vector x by a bounded step, x' = clip(x + delta_scale * a, -1, 1); the decoder turns x' into a
// design. (absolute: x' = a, every step proposes a complete design.) x stays continuous between
// steps, so small moves accumulate until a discrete field (VLEN, FETCH, ...) changes.
//
// Reward of a step that leads to design x' with score s' (in [0, 1]):
//     r = s' + improvement_bonus * max(0, s' - b)
// where b is the best score seen so far in this episode (including its start, when evaluated;
// 0 before any). The first term is dense and Markov; the second pays for finding something
// better than this episode has seen, not for sitting on a good design. The state carries b and the
// step count, so the reward is a function of (state, action, next state). The last step of an
// episode is terminal (the state holds the steps taken, so the horizon is part of the MDP).
#pragma once

#include <Eigen/Core>
#include <functional>

#include "arch/design.h"
#include "ppa/evaluate.h"
#include "ppa/report.h"
#include "search/action_space.h"
#include "search/observation.h"

namespace meshforge::search {

enum class ActionMode { delta, absolute };

struct EnvironmentConfig {
  int episode_steps = 8;
  ActionMode action_mode = ActionMode::delta;
  double delta_scale = 0.25;        // largest move per step, per coordinate (range is 2)
  double improvement_bonus = 1.0;
};

// Everything the environment carries between steps: enough to continue an episode after a resume.
struct EnvironmentState {
  Eigen::VectorXd x;                // current design vector
  bool has_report = false;
  ReportFeatures report{};          // features of x's report when has_report
  double score = 0;                 // x's score when has_report
  int step = 0;                     // steps taken in this episode
  double episode_best = -1;         // < 0: nothing evaluated in this episode yet
};

// The first half of a step: where the action leads, before the design is evaluated (the explorer
// evaluates a batch of proposals at once, on several threads, then commits each).
struct Proposal {
  Eigen::VectorXd state, action;    // the state the action was asked in; the action, clamped
  Eigen::VectorXd x;                // the new design vector
  arch::Design design;              // decode(x)
};

struct StepResult {
  Eigen::VectorXd state, next_state;
  double reward = 0;
  bool terminal = false;
  Eigen::VectorXd x;                // the new design vector
  arch::Design design;              // decode(x)
  const ppa::Report* report = nullptr;  // valid until the next step
};

class Environment {
 public:
  // The references must outlive the environment (the evaluator keeps them).
  Environment(const ppa::Workload& workload, const tech::Node& node, const ppa::Microarch& microarch,
              const ppa::Scenario& scenario, EnvironmentConfig config = {});

  const ActionSpace& actions() const { return actions_; }
  const Observation& observation() const { return observation_; }
  const EnvironmentConfig& config() const { return config_; }
  int state_dims() const { return observation_.dims(); }
  int action_dims() const { return actions_.dims(); }

  // Starts an episode at x; report_of_x: its report features and score when already evaluated.
  void reset(const Eigen::VectorXd& x, const ReportFeatures* report_of_x = nullptr, double score_of_x = 0);
  bool episode_done() const { return state_.step >= config_.episode_steps; }
  Eigen::VectorXd state() const;

  // One refinement: applies the action, evaluates the design (one evaluation), returns the
  // transition. Actions outside [-1, 1] are clamped. The same as commit(propose(action), report of
  // the proposal's design).
  StepResult step(const Eigen::VectorXd& action);
  Proposal propose(const Eigen::VectorXd& action) const;
  // Advances the episode to the proposal's design, whose report is given; the result points at it.
  StepResult commit(Proposal proposal, const ppa::Report& report);

  // A further evaluator of this environment's workload on its node (one per thread: an evaluator
  // keeps scratch buffers), and the scenario its designs are evaluated in.
  ppa::Evaluator make_evaluator() const { return ppa::Evaluator(workload_, node_, microarch_); }
  const ppa::Scenario& scenario() const { return scenario_; }

  // Evaluates a design vector without moving the episode (for the final report of the best).
  const ppa::Report& evaluate(const Eigen::VectorXd& x);

  const EnvironmentState& snapshot() const { return state_; }
  void restore(const EnvironmentState& s) { state_ = s; }

 private:
  const ppa::Workload& workload_;
  const tech::Node& node_;
  const ppa::Microarch& microarch_;
  EnvironmentConfig config_;
  ppa::Scenario scenario_;
  ActionSpace actions_;
  Observation observation_;
  ppa::Evaluator evaluator_;
  ppa::Report report_;
  EnvironmentState state_;
};

}  // namespace meshforge::search
