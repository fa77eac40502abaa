// The registry of search agents (agents.h).
#include "search/agents.h"

#include "search/random_agent.h"
#include "search/sac/sac_agent.h"

namespace meshforge::search {

namespace {

std::unique_ptr<Agent> make_sac(const Environment& env, const AgentOptions& o) {
  sac::SacConfig c;
  c.state_dims = env.state_dims();
  c.action_dims = env.action_dims();
  c.experts = o.experts;
  c.gate_begin = Observation::context_begin();
  c.gate_end = Observation::context_end();
  c.actor_hidden = c.critic_hidden = {128, 128};  // 2.8x the updates/s of 2 x 256, same results (docs/mdp.md)
  c.learning_starts = 500;
  c.seed = o.seed;
  return std::make_unique<sac::SacMoeAgent>(c);
}

}  // namespace

const std::vector<AgentEntry>& agent_registry() {
  static const std::vector<AgentEntry> registry{
      {"sac", "Soft Actor-Critic with a mixture of experts (--experts heads) refining designs in episodes",
       ActionMode::delta, make_sac},
      {"random", "random search: every evaluation an independent uniformly random design (baseline)",
       ActionMode::absolute,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         return std::make_unique<RandomAgent>(env.action_dims(), o.seed, "random");
       }},
      {"random-walk", "uniform random moves in sac's refinement episodes: a stochastic hill-climber (baseline)",
       ActionMode::delta,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         return std::make_unique<RandomAgent>(env.action_dims(), o.seed, "random-walk");
       }},
  };
  return registry;
}

const AgentEntry* find_agent(const std::string& name) {
  for (const auto& e : agent_registry())
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> agent_names() {
  std::vector<std::string> names;
  for (const auto& e : agent_registry()) names.push_back(e.name);
  return names;
}

}  // namespace meshforge::search
