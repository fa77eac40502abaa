// Pieces shared by explore and sweep: the explorer run (settings, agent construction, terminal
// progress). The scenario set-up they share with evaluate is in cli/common.h.
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "cli/common.h"
#include "ppa/evaluate.h"
#include "search/environment.h"
#include "search/explorer.h"
#include "tech/node.h"

namespace meshforge::cli {

// Everything that defines an exploration run (explore's and sweep's options). Stored in the
// checkpoint as text (to_run_info) so that --resume rebuilds the same run.
struct ExploreSettings {
  std::string model = "llama-3.1-8b";
  std::string node;
  std::string mode = "performance";
  std::string agent = "de";          // the registry's first (search/agents.h; docs/results.md says why)
  std::int64_t budget = 0;           // 0 = the default for the agent
  double time_budget_s = 0;          // --time-budget: wall-clock seconds (0 = none); not a run setting
  std::uint64_t seed = 1;
  int experts = 4;
  int episode_steps = 8;
  int lanes = 0;                     // --lanes: episodes side by side (0 = the agent's default)
  int threads = 0;                   // --threads: cores evaluating a batch (0 = all); not a run setting
  double checkpoint_seconds = 30;    // --checkpoint-seconds: between periodic checkpoints; not a run setting
  std::int64_t checkpoint_every = 0; // --checkpoint-every: also after N evaluations (0 = by time only); not a run setting
  std::string from;                  // seed design (shipped name or file); empty = none
  std::string warm_start;            // --warm-start: a previous run's directory whose agent this run continues
  ScenarioOptions scenario;
  double power_budget_w = 0, area_budget_mm2 = 0, min_tokens_per_second = -1, fixed_clock_mhz = -1, max_ttft_s = -1;
  std::string pick;                  // --pick "w_perf,w_power,w_area" (empty = none); not a run setting
  std::vector<std::string> agent_params;  // --agent-param NAME=VALUE, as given (agent_param_map parses them)

  // NAME -> value of --agent-param; InputError for a malformed or repeated entry.
  std::map<std::string, double> agent_param_map() const;

  std::map<std::string, std::string> to_run_info() const;
  // Throws InputError(file, key, reason) for a missing or malformed entry.
  static ExploreSettings from_run_info(const std::map<std::string, std::string>& info, const std::string& file);
};

// Default evaluation budget, the same for every agent (agents compare at equal budget): a few
// seconds with the default agent (de), about a minute and a half with SAC on this 2-core machine.
inline constexpr std::int64_t kDefaultBudget = 10000;

// --agent's help: every registered agent (search/agents.h) with its one-line description.
std::string agent_option_help();
// --agent-param's help: every agent's hyperparameters with their defaults.
std::string agent_param_help();

// Registers the options common to explore and sweep (all but --node/--nodes, --out, --resume).
void add_explore_options(CLI::App& command, ExploreSettings& settings);

// What one exploration runs on; the environment keeps references into the rest, so a setup lives
// on the heap and is not moved.
struct ExplorationSetup {
  tech::Node node;
  ppa::Microarch micro;
  ppa::Workload work;
  ppa::Scenario scenario;
  std::unique_ptr<search::Environment> env;
};
// Loads node, microarchitecture and model, builds the workload and scenario and the environment
// (InputError naming the file and field on bad input).
std::unique_ptr<ExplorationSetup> make_exploration_setup(const ExploreSettings& settings, const std::filesystem::path& data_dir,
                                                         bool show_warnings);
// The agent of settings.agent for this environment (SAC-MoE with the documented defaults, or a
// random baseline).
std::unique_ptr<search::Agent> make_agent(const ExploreSettings& settings, const search::Environment& env);
// --lanes as the run uses it: the agent's default when not given; InputError naming --lanes when the
// agent cannot run that many.
int resolve_lanes(const ExploreSettings& settings);
// --warm-start: the agent may continue another run's state, and DIR holds a checkpoint of it
// (InputError naming --warm-start or the file otherwise).
void check_warm_start(const ExploreSettings& settings);
// InputError naming --agent-param when the agent does not take one of them or a value is out of range.
void check_agent_params(const ExploreSettings& settings);
// The checks the command line applies to explore's options, for settings read from a campaign or
// compare file's regime: InputError naming the option ("--seq", "--power-budget", ...).
void check_explore_values(const ExploreSettings& settings);
// --threads as the run uses it: all cores when not given.
int resolve_threads(const ExploreSettings& settings);
// --resume of an explore run or a sweep (`what`, as the message says it): the saved settings, the
// options the command line gave again checked against them (InputError naming the file and the
// option when one differs), and the per-session ones taken from the command line: --budget (a new
// total, when given), --time-budget, --threads, --checkpoint-seconds, --pick.
ExploreSettings resumed_settings(const CLI::App& command, const ExploreSettings& given, const ExploreSettings& saved,
                                 const std::string& file, const std::string& what);
// The explorer's configuration of a run writing to out_dir.
search::ExplorerConfig make_explorer_config(const ExploreSettings& settings, const ExplorationSetup& setup,
                                            const std::filesystem::path& data_dir, const std::filesystem::path& out_dir);

// Outcome of one exploration.
// --pick's three weights (performance, power, area); InputError naming --pick when malformed.
std::array<double, 3> parse_pick(const std::string& text);

struct ExploreResult {
  search::ExploreStatus status = search::ExploreStatus::finished;
  std::int64_t evaluations = 0;
  search::BestDesign best;
  bool time_budget_spent = false;    // ended on --time-budget before --budget
  std::size_t pareto_points = 0;
  double hypervolume = 0;
  double seconds = 0;
  std::string agent_name;
};

// Runs (or, with resume, continues) one exploration into out_dir, showing progress on stderr.
// label prefixes the progress line (the node in a sweep). peers (an MPI launch's other ranks)
// share each batch's evaluations; the run is the same without them.
ExploreResult run_exploration(const ExploreSettings& settings, const std::filesystem::path& data_dir,
                              const std::filesystem::path& out_dir, bool resume, const std::string& label,
                              std::shared_ptr<search::EvaluationPeers> peers = nullptr);

// The sweep table (summary.csv): header, and one node's row (kept by sweep and campaign alike).
std::string sweep_summary_header();
std::string sweep_summary_row(const std::string& node, const ExploreResult& result);

// SIGINT, SIGTERM and SIGHUP: the first asks the running exploration to stop and save; a second
// one kills the process (the last checkpoint on disk is intact: files are replaced atomically).
void install_interrupt_handler();
void restore_default_signals();
bool interrupt_requested();
// The exit status of a command stopped by a signal: 128 + its number (130 for Ctrl-C).
int interrupt_exit_status();

// An exclusive lock on a run directory (flock on DIR/.meshforge.lock, which holds the PID), held
// for the lifetime of the object: a second meshforge writing into the same directory is refused
// with an InputError naming the option and the first one's PID. Released when the process dies.
class OutputLock {
 public:
  OutputLock(const std::filesystem::path& dir, const std::string& option);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_ = -1;
};

// Refuses to overwrite a previous run's checkpoint in out_dir unless force is set.
void check_fresh_output(const std::filesystem::path& out_dir, bool force);

// Makes sure out_dir exists and is writable before any work starts (InputError naming --out).
void check_writable(const std::filesystem::path& out_dir, const std::string& option);

// explore / sweep --rtl: RUN_DIR/rtl/ for RUN_DIR/best_design.yaml; a design the generator cannot
// express is a warning on stderr (the search's outputs stand).
void write_best_rtl(const std::filesystem::path& run_dir, const std::string& node, const std::filesystem::path& data_dir);

}  // namespace meshforge::cli
