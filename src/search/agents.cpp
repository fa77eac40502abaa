// The registry of search agents (agents.h).
#include "search/agents.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <variant>

#include "search/bo_agent.h"
#include "search/grid_agent.h"
#include "search/pagmo_agent.h"
#include "search/random_agent.h"
#include "search/sac/sac_agent.h"

namespace meshforge::search {

namespace {

// A hyperparameter bound to its field of an agent's config struct C.
template <typename C>
struct Binding {
  const char* name;
  const char* help;
  std::variant<double C::*, int C::*> field;
  double min, max;
};

template <typename C>
std::vector<AgentParam> describe(const std::vector<Binding<C>>& bindings, const C& defaults) {
  std::vector<AgentParam> out;
  for (const auto& b : bindings) {
    AgentParam p{b.name, b.help, 0, std::holds_alternative<int C::*>(b.field), b.min, b.max};
    p.default_value = std::visit([&](auto field) { return static_cast<double>(defaults.*field); }, b.field);
    out.push_back(p);
  }
  return out;
}

// Sets the fields `params` names (check_agent_params has vetted names and values).
template <typename C>
void apply(const std::vector<Binding<C>>& bindings, const std::map<std::string, double>& params, C& c) {
  for (const auto& b : bindings) {
    const auto it = params.find(b.name);
    if (it == params.end()) continue;
    if (std::holds_alternative<int C::*>(b.field))
      c.*std::get<int C::*>(b.field) = static_cast<int>(it->second);
    else
      c.*std::get<double C::*>(b.field) = it->second;
  }
}

sac::SacConfig sac_defaults() {
  sac::SacConfig c;
  c.actor_hidden = c.critic_hidden = {128, 128};  // 2.8x the updates/s of 2 x 256, same results (docs/mdp.md)
  c.learning_starts = 500;
  return c;
}

const std::vector<Binding<sac::SacConfig>>& sac_bindings() {
  using C = sac::SacConfig;
  static const std::vector<Binding<C>> b{
      {"actor_lr", "Adam learning rate of the actor and the gate", &C::actor_lr, 1e-7, 1},
      {"critic_lr", "Adam learning rate of the twin critics", &C::critic_lr, 1e-7, 1},
      {"alpha_lr", "Adam learning rate of the entropy temperature", &C::alpha_lr, 1e-7, 1},
      {"gamma", "discount", &C::gamma, 0, 1},
      {"tau", "Polyak coefficient of the target critics", &C::tau, 1e-6, 1},
      {"batch_size", "transitions per gradient step", &C::batch_size, 1, 4096},
      {"learning_starts", "tells of uniform random actions before learning", &C::learning_starts, 1, 1e9},
      {"updates_per_step", "gradient steps per tell (update-to-data ratio)", &C::updates_per_step, 1, 64},
      {"reward_scale", "reward multiplier in the critic targets", &C::reward_scale, 1e-6, 1e6},
      {"initial_alpha", "entropy temperature at the start", &C::initial_alpha, 1e-6, 100},
      {"gate_routing_weight", "weight of the gate's routing loss (K > 1)", &C::gate_routing_weight, 0, 10},
  };
  return b;
}

std::unique_ptr<Agent> make_sac(const Environment& env, const AgentOptions& o) {
  sac::SacConfig c = sac_defaults();
  apply(sac_bindings(), o.params, c);
  c.state_dims = env.state_dims();
  c.action_dims = env.action_dims();
  c.experts = o.experts;
  c.gate_begin = Observation::context_begin();
  c.gate_end = Observation::context_end();
  c.seed = o.seed;
  return std::make_unique<sac::SacMoeAgent>(c);
}

// pagmo's parameters of one algorithm (PagmoConfig's fields); a population only where a run's
// lanes do not follow it (the generational pso and nsga2 evaluate a generation per batch).
std::vector<Binding<PagmoConfig>> pagmo_bindings(const std::string& algorithm) {
  using C = PagmoConfig;
  const Binding<C> population{"population", "individuals", &C::population, 5, 10000};
  if (algorithm == "de")
    return {{"f", "weight F", &C::de_f, 0, 1}, {"cr", "crossover probability CR", &C::de_cr, 0, 1},
            {"variant", "mutation variant (pagmo de: 1-10; 2 = rand/1/exp)", &C::de_variant, 1, 10}, population};
  if (algorithm == "sga")
    return {{"cr", "crossover probability", &C::sga_cr, 0, 1}, {"eta_c", "SBX distribution index", &C::sga_eta_c, 1, 100},
            {"m", "mutation probability per gene (0 = 1/D)", &C::sga_m, 0, 1},
            {"param_m", "polynomial mutation distribution index", &C::sga_param_m, 1, 100},
            {"param_s", "tournament size", &C::sga_param_s, 2, 20}, population};
  if (algorithm == "sa")
    return {{"ts", "start temperature (fitness units; the fitness range is 2)", &C::sa_ts, 1e-9, 100},
            {"tf", "final temperature", &C::sa_tf, 1e-12, 100},
            {"start_range", "initial neighbourhood, share of the box", &C::sa_start_range, 1e-6, 1}};
  if (algorithm == "cmaes") return {{"sigma0", "initial step size, share of the box", &C::cmaes_sigma0, 1e-6, 1}, population};
  if (algorithm == "pso")
    return {{"omega", "inertia (constriction factor)", &C::pso_omega, 0, 1}, {"eta1", "cognitive weight", &C::pso_eta1, 0, 4},
            {"eta2", "social weight", &C::pso_eta2, 0, 4}, {"max_vel", "maximum velocity, share of the box", &C::pso_max_vel, 1e-6, 1},
            {"variant", "pagmo pso variant (1-6)", &C::pso_variant, 1, 6}};
  if (algorithm == "nsga2")
    return {{"cr", "crossover probability", &C::nsga2_cr, 0, 0.999}, {"eta_c", "SBX distribution index", &C::nsga2_eta_c, 1, 99},
            {"m", "mutation probability per gene (0 = 1/D)", &C::nsga2_m, 0, 1},
            {"eta_m", "mutation distribution index", &C::nsga2_eta_m, 1, 99}};
  return {};
}

AgentEntry pagmo_entry(const char* algorithm, const char* help) {
  // pagmo asks for the next design after the last one's fitness came back (one lane), or, with a
  // batch evaluator, for a generation (a divisor of it; a whole one by default).
  PagmoConfig defaults;
  defaults.algorithm = algorithm;
  if (defaults.algorithm == "sa") defaults.population = 1;
  const int lanes = defaults.batches() ? defaults.population : 1;
  AgentEntry e{algorithm, help, ActionMode::absolute, false, lanes, lanes, defaults.batches(), false,
               [algorithm](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
                 PagmoConfig c;
                 c.algorithm = algorithm;
                 if (c.algorithm == "sa") c.population = 1;
                 apply(pagmo_bindings(algorithm), o.params, c);
                 c.action_dims = env.action_dims();
                 c.seed = o.seed;
                 return std::make_unique<PagmoAgent>(c);
               },
               describe(pagmo_bindings(algorithm), defaults)};
  return e;
}

const std::vector<Binding<BoConfig>>& bo_bindings() {
  using C = BoConfig;
  static const std::vector<Binding<C>> b{
      {"initial_random", "uniform random designs before the first Gaussian process", &C::initial_random, 2, 1e6},
      {"window", "observations the Gaussian process is fitted to", &C::window, 8, 4096},
      {"random_candidates", "uniform candidates per ask", &C::random_candidates, 0, 1e5},
      {"local_candidates", "candidates around the best per ask", &C::local_candidates, 0, 1e5},
      {"local_sigma", "spread of the local candidates, share of the box", &C::local_sigma, 1e-6, 2},
      {"xi", "expected improvement's exploration margin", &C::xi, 0, 1},
  };
  return b;
}

}  // namespace

void check_agent_params(const AgentEntry& agent, const std::map<std::string, double>& params) {
  for (const auto& [name, value] : params) {
    const AgentParam* p = nullptr;
    for (const auto& q : agent.params)
      if (q.name == name) p = &q;
    if (!p) {
      std::string known;
      for (const auto& q : agent.params) known += (known.empty() ? "" : ", ") + q.name;
      throw std::invalid_argument(agent.name + " has no parameter '" + name + "' (" +
                                  (known.empty() ? std::string("it takes none") : "it takes: " + known) + ")");
    }
    if (!std::isfinite(value) || value < p->min || value > p->max)
      throw std::invalid_argument(fmt::format("{} {}: {} is outside [{:g}, {:g}]", agent.name, name, value, p->min, p->max));
    if (p->integer && value != std::floor(value))
      throw std::invalid_argument(fmt::format("{} {}: expected an integer, got {}", agent.name, name, value));
  }
}

const std::vector<AgentEntry>& agent_registry() {
  // The default first: differential evolution, which beat every other agent at equal evaluations in
  // all six regimes of docs/results.md's comparison and at equal wall-clock in five.
  static const std::vector<AgentEntry> registry{
      pagmo_entry("de", "differential evolution (pagmo2 de, rand/1/exp; population 20) over whole designs"),
      {"sac", "Soft Actor-Critic with a mixture of experts (--experts heads) refining designs in episodes",
       ActionMode::delta, true, 1, 0, false, true, make_sac, describe(sac_bindings(), sac_defaults())},
      {"random", "random search: every evaluation an independent uniformly random design (baseline)",
       // 8 lanes: the same designs in the same order as one (the agent ignores the state), evaluated
       // on every core.
       ActionMode::absolute, true, 8, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         return std::make_unique<RandomAgent>(env.action_dims(), o.seed, "random");
       },
       {}},
      {"random-walk", "uniform random moves in sac's refinement episodes: a stochastic hill-climber (baseline)",
       ActionMode::delta, true, 1, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         return std::make_unique<RandomAgent>(env.action_dims(), o.seed, "random-walk");
       },
       {}},
      pagmo_entry("sga", "genetic algorithm (pagmo2 sga: tournament selection, SBX crossover, polynomial mutation; population 20) over whole designs"),
      pagmo_entry("sa", "simulated annealing (pagmo2, Corana's adaptive neighbourhood; restarts when cold) over whole designs"),
      pagmo_entry("cmaes", "CMA-ES (pagmo2; population 20, restarts from a new seed when converged) over whole designs"),
      pagmo_entry("pso", "particle swarm (pagmo2 pso_gen: generational, constriction variant; 20 particles, a generation evaluated as one batch) over whole designs"),
      {"bo", "Bayesian optimisation (Gaussian process on a 128-evaluation window + expected improvement; a constant-liar batch per --lanes) over whole designs",
       ActionMode::absolute, false, 1, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         BoConfig c;
         apply(bo_bindings(), o.params, c);
         c.action_dims = env.action_dims();
         c.seed = o.seed;
         return std::make_unique<BoAgent>(c);
       },
       describe(bo_bindings(), BoConfig{})},
      {"grid", "coordinate grid search: one design coordinate at a time over 9 levels around the best so far, the grid halving every pass (a full factorial cannot be walked in 39 dimensions)",
       ActionMode::absolute, false, 1, 0, false, false,
       [](const Environment& env, const AgentOptions& o) -> std::unique_ptr<Agent> {
         GridConfig c;
         c.action_dims = env.action_dims();
         c.seed = o.seed;
         return std::make_unique<GridAgent>(c);
       },
       {}},
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
