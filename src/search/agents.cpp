// The registry of search agents (agents.h).
#include "search/agents.h"

#include "search/bo_agent.h"
#include "search/grid_agent.h"
#include "search/pagmo_agent.h"
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

AgentEntry pagmo_entry(const char* algorithm, const char* help) {
  // pagmo asks for the next design after the last one's fitness came back (one lane), or, with a
  // batch evaluator, for a generation (a divisor of it; a whole one by default).
  PagmoConfig defaults;
  defaults.algorithm = algorithm;
  const int lanes = defaults.batches() ? defaults.population : 1;
  return {algorithm, help, ActionMode::absolute, false, lanes, lanes, defaults.batches(), false, [algorithm](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
            PagmoConfig c;
            c.algorithm = algorithm;
            c.action_dims = env.action_dims();
            c.seed = o.seed;
            if (c.algorithm == "sa") c.population = 1;
            return std::make_unique<PagmoAgent>(c);
          }};
}

}  // namespace

const std::vector<AgentEntry>& agent_registry() {
  // The default first: differential evolution, which beat every other agent at equal evaluations in
  // all six regimes of docs/results.md's comparison and at equal wall-clock in five.
  static const std::vector<AgentEntry> registry{
      pagmo_entry("de", "differential evolution (pagmo2 de, rand/1/exp; population 20) over whole designs"),
      {"sac", "Soft Actor-Critic with a mixture of experts (--experts heads) refining designs in episodes",
       ActionMode::delta, true, 1, 0, false, true, make_sac},
      {"random", "random search: every evaluation an independent uniformly random design (baseline)",
       // 8 lanes: the same designs in the same order as one (the agent ignores the state), evaluated
       // on every core.
       ActionMode::absolute, true, 8, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         return std::make_unique<RandomAgent>(env.action_dims(), o.seed, "random");
       }},
      {"random-walk", "uniform random moves in sac's refinement episodes: a stochastic hill-climber (baseline)",
       ActionMode::delta, true, 1, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         return std::make_unique<RandomAgent>(env.action_dims(), o.seed, "random-walk");
       }},
      pagmo_entry("sga", "genetic algorithm (pagmo2 sga: tournament selection, SBX crossover, polynomial mutation; population 20) over whole designs"),
      pagmo_entry("sa", "simulated annealing (pagmo2, Corana's adaptive neighbourhood; restarts when cold) over whole designs"),
      pagmo_entry("cmaes", "CMA-ES (pagmo2; population 20, restarts from a new seed when converged) over whole designs"),
      pagmo_entry("pso", "particle swarm (pagmo2 pso_gen: generational, constriction variant; 20 particles, a generation evaluated as one batch) over whole designs"),
      {"bo", "Bayesian optimisation (Gaussian process on a 128-evaluation window + expected improvement; a constant-liar batch per --lanes) over whole designs",
       ActionMode::absolute, false, 1, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         BoConfig c;
         c.action_dims = env.action_dims();
         c.seed = o.seed;
         return std::make_unique<BoAgent>(c);
       }},
      {"grid", "coordinate grid search: one design coordinate at a time over 9 levels around the best so far, the grid halving every pass (a full factorial cannot be walked in 39 dimensions)",
       ActionMode::absolute, false, 1, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         GridConfig c;
         c.action_dims = env.action_dims();
         c.seed = o.seed;
         return std::make_unique<GridAgent>(c);
       }},
      pagmo_entry("nsga2", "NSGA-II (pagmo2; population 20, a generation evaluated as one batch), multi-objective over the Pareto front's five objectives"),
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
