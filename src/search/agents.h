// Every search agent by name: the CLI (explore, sweep, campaign), benchmark scripts and a future
// Python module list and build agents from here without knowing each one. An entry says which
// environment the agent searches (refinement episodes or whole designs) and builds it from the
// options every agent may read.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search/agent.h"
#include "search/environment.h"

namespace meshforge::search {

// What the command line gives every agent; each factory reads what applies to it.
struct AgentOptions {
  std::uint64_t seed = 1;
  int experts = 4;  // SAC: mixture-of-experts heads (1 = plain SAC)
  // Hyperparameters by name (AgentEntry::params), overriding the agent's defaults (--agent-param).
  std::map<std::string, double> params;
};

// A hyperparameter an agent takes by name: its field in the agent's config struct, as --help and
// the tuning benchmark (bench/tune_agents.py) see it.
struct AgentParam {
  std::string name;
  std::string help;
  double default_value = 0;
  bool integer = false;
  double min = 0, max = 0;  // accepted range, inclusive
};

struct AgentEntry {
  std::string name;
  std::string help;            // one sentence for --help
  ActionMode action_mode;      // delta: refines a design per episode; absolute: proposes whole designs
  // Whether one instance may serve several regimes at once (a campaign interleaves their
  // episodes): true for the learner and the memoryless baselines; false for an optimiser that
  // models one landscape (pagmo's), which interleaved regimes would mix.
  bool shares_across_regimes = true;
  // Lanes (episodes or designs evaluated side by side in one batch, explorer.h) the agent runs by
  // default, and the most it can run (0 = any): an optimiser that proposes one design only after
  // the last one's fitness came back runs one lane; one that proposes a generation at a time
  // runs a divisor of the generation (lanes_divide_max).
  int default_lanes = 1;
  int max_lanes = 0;
  bool lanes_divide_max = false;
  // Whether its state (a learned policy) may start a run on another model or node (--warm-start);
  // an optimiser's state is the history of one landscape, which would mislead it on another.
  bool warm_starts = false;
  std::function<std::unique_ptr<Agent>(const Environment& env, const AgentOptions& options)> make;
  std::vector<AgentParam> params;  // what --agent-param may set; make() applies options.params
};

// Throws std::invalid_argument naming the parameter when `params` holds a name the agent does not
// take, a fraction for an integer, or a value outside its range.
void check_agent_params(const AgentEntry& agent, const std::map<std::string, double>& params);

// In the order --help lists them; the first is explore's and sweep's default (campaign's is sac,
// the one agent that learns across regimes).
const std::vector<AgentEntry>& agent_registry();
// nullptr when no agent has that name.
const AgentEntry* find_agent(const std::string& name);
std::vector<std::string> agent_names();

}  // namespace meshforge::search
