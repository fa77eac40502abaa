// Every hyperparameter of the SAC + mixture-of-experts agent, with its default. docs/agent.md
// explains each choice.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "search/nn/layers.h"

namespace meshforge::search::sac {

struct SacConfig {
  // --- problem size (required) -------------------------------------------------------------
  int state_dims = 0;   // length of the state vectors the agent is asked about
  int action_dims = 0;  // actions are in [-1, 1]^action_dims

  // --- mixture of experts -------------------------------------------------------------------
  int experts = 4;  // K Gaussian expert heads; K = 1 is plain SAC (the gate is constant 1)
  // The gate sees only state features [gate_begin, gate_end) (the workload / node / mode
  // features), so regimes are routed by what distinguishes them; gate_end = -1 means state_dims.
  int gate_begin = 0;
  int gate_end = -1;
  std::vector<int> gate_hidden{64};  // hidden layer sizes of the gating network
  // With K > 1 the expert trunk does not see the gate's features: the regime reaches the policy
  // only through the gate, so routing is what adapts it (true: the trunk sees the whole state, as
  // it always does with K = 1).
  bool trunk_sees_gate_features = false;
  // Weight of the routing loss  mean_b H(g_b) - H(mean_b g_b)  (minus the mutual information of
  // state and expert over a batch): it pushes each regime to a confident gate and different
  // regimes to different experts. Exactly zero, with zero gradient, when every state of a batch
  // has one gate (a single regime).
  double gate_routing_weight = 0.05;

  // --- networks -----------------------------------------------------------------------------
  std::vector<int> actor_hidden{256, 256};   // shared actor trunk; K heads of 2 * action_dims
  std::vector<int> critic_hidden{256, 256};  // each of the twin Q networks on [state; action]
  nn::Activation activation = nn::Activation::relu;  // hidden activation of every network
  double log_std_min = -20.0;  // each expert's log-std is clamped to [log_std_min, log_std_max]
  double log_std_max = 2.0;

  // --- optimisation -------------------------------------------------------------------------
  double actor_lr = 3e-4;   // Adam, actor trunk/heads and gate
  double critic_lr = 3e-4;  // Adam, both critics
  double alpha_lr = 3e-4;   // Adam, log of the entropy temperature
  double gamma = 0.99;      // discount
  double tau = 0.005;       // Polyak coefficient of the target critics, every update
  int batch_size = 128;     // transitions per gradient step, sampled uniformly with replacement
  int buffer_capacity = 100'000;  // replay ring buffer; the oldest transition is overwritten
  int learning_starts = 1000;     // uniform random actions and no updates before this many tells
  int updates_per_step = 1;       // gradient steps per tell once learning has started (UTD ratio)
  double reward_scale = 10.0;     // rewards are multiplied by this in the critic targets (SAC v1's
                                  // reward scale: how much reward weighs against entropy; scores
                                  // in [0, 1] are small against a 39-dim action's entropy)

  // --- entropy temperature ------------------------------------------------------------------
  double initial_alpha = 1.0;  // alpha at the start (stable-baselines3's "auto" starts at 1)
  bool learn_alpha = true;     // false: alpha stays at initial_alpha
  std::optional<double> target_entropy;  // default -action_dims (Haarnoja et al. 2018b)

  // --- bookkeeping --------------------------------------------------------------------------
  int gate_usage_window = 1000;  // stats().gate_usage averages the gates of this many last asks
  std::uint64_t seed = 0;        // the one seed: initialisation, exploration, replay sampling

  int resolved_gate_end() const { return gate_end < 0 ? state_dims : gate_end; }
  int gate_dims() const { return resolved_gate_end() - gate_begin; }
  double resolved_target_entropy() const {
    return target_entropy ? *target_entropy : -static_cast<double>(action_dims);
  }
};

// Throws std::invalid_argument naming the first bad field.
void validate(const SacConfig& config);

}  // namespace meshforge::search::sac
