#include "search/sac/config.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace meshforge::search::sac {
namespace {

void require(bool ok, const char* field, const std::string& why) {
  if (!ok) throw std::invalid_argument(std::string("SacConfig.") + field + ": " + why);
}

void require_sizes(const std::vector<int>& sizes, const char* field, bool allow_empty) {
  require(allow_empty || !sizes.empty(), field, "needs at least one hidden layer");
  for (const int s : sizes) require(s > 0, field, "hidden sizes must be positive");
}

}  // namespace

void validate(const SacConfig& c) {
  require(c.state_dims > 0, "state_dims", "must be positive");
  require(c.action_dims > 0, "action_dims", "must be positive");
  require(c.experts >= 1, "experts", "must be at least 1");
  require(c.gate_begin >= 0 && c.gate_begin < c.state_dims, "gate_begin",
          "must index a state feature");
  require(c.resolved_gate_end() > c.gate_begin && c.resolved_gate_end() <= c.state_dims,
          "gate_end", "gate range must be a non-empty subrange of the state");
  require_sizes(c.gate_hidden, "gate_hidden", true);
  require_sizes(c.actor_hidden, "actor_hidden", false);
  require_sizes(c.critic_hidden, "critic_hidden", false);
  require(c.log_std_min < c.log_std_max, "log_std_min", "must be below log_std_max");
  require(c.actor_lr > 0 && c.critic_lr > 0 && c.alpha_lr > 0, "actor_lr",
          "learning rates must be positive");
  require(c.gamma >= 0 && c.gamma <= 1, "gamma", "must be in [0, 1]");
  require(c.tau > 0 && c.tau <= 1, "tau", "must be in (0, 1]");
  require(c.batch_size > 0, "batch_size", "must be positive");
  require(c.buffer_capacity > 0, "buffer_capacity", "must be positive");
  require(c.learning_starts >= 1, "learning_starts", "must be at least 1 (updates need data)");
  require(c.updates_per_step >= 1, "updates_per_step", "must be at least 1");
  require(c.initial_alpha > 0 && std::isfinite(c.initial_alpha), "initial_alpha",
          "must be positive");
  require(!c.target_entropy || std::isfinite(*c.target_entropy), "target_entropy",
          "must be finite");
  require(c.gate_routing_weight >= 0 && std::isfinite(c.gate_routing_weight), "gate_routing_weight",
          "must be >= 0");
  require(c.reward_scale > 0 && std::isfinite(c.reward_scale), "reward_scale", "must be positive");
  require(c.gate_usage_window >= 1, "gate_usage_window", "must be at least 1");
}

}  // namespace meshforge::search::sac
