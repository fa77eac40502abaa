// The explorer: runs an Agent against the Environment for a budget of evaluations, keeps the best
// design (highest score, feasible preferred) and writes the run to an output directory:
//
//   best_design.yaml  the best design (loadable by `meshforge evaluate`)
//   report.json       its PPA report (report::to_json) plus the run's settings
//   pareto.csv        the feasible designs no other evaluated feasible design dominates (pareto.h),
//   pareto/eN.yaml    each with its design; picked_design.yaml: the one --pick's weights choose
//   progress.csv      the deterministic trace: index, episode, step, score, reward, main metrics and
//                     the best so far, for every one of the first 10,000 evaluations, then for every
//                     evaluation that improves the best and a sample thinning tenfold per decade
//                     (progress_row_kept), so its size grows with the log of the budget; runs.db holds
//                     every evaluation. No wall-clock columns: one seed gives identical files, and a
//                     resumed run continues the same sequence.
//   runs.db           (when ExplorerConfig::log is the results database, store/runs_db.h) every
//                     evaluation with its design; made durable before each checkpoint
//   timeline.csv      wall-clock: evaluations done and the best score so far every 50 ms of run()
//                     (seconds continue across a resume); the one file that differs run to run
//   checkpoint.bin    agent + explorer + environment state and the random engine, written
//                     periodically, at the end and when stopped (Ctrl-C); --resume reads it.
//
// Episodes run side by side in `lanes`: each batch asks the agent for one action per lane (in lane
// order), evaluates the batch's designs on `threads` cores, then tells the agent in lane order. The
// lanes are part of the run (its results depend on them); the threads are not (same seed, same
// results whatever --threads is).
//
// Episodes start at the best design so far (probability start_from_best), else at a uniformly
// random design vector; the first at the seed design when one is given.
#pragma once

#include <Eigen/Core>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "arch/design.h"
#include "ppa/report.h"
#include "search/agent.h"
#include "search/batch_evaluator.h"
#include "search/environment.h"
#include "search/pareto.h"

namespace meshforge::report {
struct ParetoSummary;  // report/run_record.h
}

namespace meshforge::search {

// Where an explorer sends every evaluation beside progress.csv (the results database of store/
// implements it; search does not know where the rows go). Calls come from the explorer's thread.
class EvaluationLog {
 public:
  virtual ~EvaluationLog() = default;
  // A fresh run starts (kept = 0), or a resumed one continues after its checkpoint's `kept`
  // evaluations (rows logged after those are dropped: the resumed run evaluates them again).
  virtual void start(const std::map<std::string, std::string>& run_info, std::int64_t kept) = 0;
  // The run's evaluation number `evaluation` (1-based) of `episode`: its design and report.
  virtual void add(std::int64_t evaluation, std::int64_t episode, const arch::Design& design, const ppa::Report& report,
                   double score) = 0;
  // Every row added so far is durable when this returns (called before each checkpoint is written,
  // so the log never holds fewer evaluations than the checkpoint).
  virtual void flush() = 0;
};

struct ExplorerConfig {
  std::int64_t budget = 2000;           // total evaluations, counting those before a resume
  double time_budget_seconds = 0;       // also stop after this much wall-clock in run() (0 = none);
                                        // whichever of the two budgets is spent first ends the run
  std::uint64_t seed = 1;
  int lanes = 1;                        // episodes run side by side (a batch of evaluations)
  int threads = 1;                      // cores evaluating a batch (results do not depend on it)
  double start_from_best = 0.25;       // share of episodes starting at the best design so far (docs/mdp.md)
  std::optional<Eigen::VectorXd> seed_design;   // start of the first episode
  std::filesystem::path out_dir;        // empty: nothing is written
  double checkpoint_seconds = 30;       // wall-clock interval of periodic checkpoints (0 = never)
  std::int64_t checkpoint_every = 0;    // also every N evaluations (0 = never); for tests
  bool write_checkpoint = true;         // false: no checkpoint.bin at all (an agent shared by
                                        // several explorers is saved by none of them)
  std::string design_name = "explored"; // name of best_design.yaml's design
  std::string evaluate_command;         // how to evaluate best_design.yaml (written in its header)
  // Settings of the run (model, node, mode, scenario, agent, ...): stored in the checkpoint so that
  // --resume can rebuild the same run, and copied into report.json.
  std::map<std::string, std::string> run_info;
  std::set<std::string> unreported_settings;  // run_info keys report.json's settings leave out
  // --pick: weights (performance, power, area) choosing picked_design.yaml from the Pareto front.
  std::optional<std::array<double, 3>> pick;
  // Also send every evaluation here (the run's runs.db); null = progress.csv only.
  std::shared_ptr<EvaluationLog> log;
  // Other processes sharing each batch's evaluations (an MPI launch's ranks); null = this one
  // alone. Results do not depend on them, as on threads.
  std::shared_ptr<EvaluationPeers> peers;
};

struct BestDesign {
  bool found = false;
  Eigen::VectorXd x;
  arch::Design design;
  ppa::Report report;
  double score = 0;
  bool feasible = false;
  std::int64_t evaluation = 0;          // 1-based index of the evaluation that found it
};

struct Progress {
  std::int64_t evaluations = 0, budget = 0, episodes = 0;
  const BestDesign* best = nullptr;
  double evaluations_per_second = 0;    // of this session (since start or resume)
  double seconds_elapsed = 0;           // of this session
  double seconds_left = 0;              // estimate at the current rate
  AgentStats agent;
  bool finished = false;                // the last call of a run (budget spent or stopped)
};

enum class ExploreStatus { finished, interrupted };

// What a checkpoint says about its run, read without loading the agent.
struct CheckpointInfo {
  std::map<std::string, std::string> run_info;
  std::int64_t evaluations = 0;
  std::string agent_name;
};
// Throws InputError(file, field, reason) when the file is missing, not a checkpoint, or corrupt.
CheckpointInfo read_checkpoint_info(const std::filesystem::path& file);
// The agent's own state in a checkpoint (what Agent::load reads), for --warm-start: a new run
// continues from another run's agent. InputError naming the file and the field when the file is
// missing or corrupt, of another agent than agent_name, or of other state/action dimensions.
std::string read_checkpoint_agent_state(const std::filesystem::path& file, const std::string& agent_name,
                                        const Environment& env);

inline constexpr const char* kCheckpointFile = "checkpoint.bin";
// checkpoint.bin's magic (search/checkpoint_file.h frames the payload). Format 2 added the Pareto
// front after the best design; format 3 the lanes (one environment state per episode running side
// by side) in place of the one environment state.
inline constexpr std::string_view kCheckpointMagic{"MFXCKPT\x03", 8};
inline constexpr const char* kProgressFile = "progress.csv";
// progress.csv keeps every evaluation up to here; beyond, evaluation e is kept when it improves the
// best or is a multiple of 10^(digits(e) - 4): every 10th of 10^4 .. 10^5, every 100th to 10^6, ...
inline constexpr std::int64_t kProgressFullRows = 10000;
bool progress_row_kept(std::int64_t evaluation, bool improves_best);
// The last evaluation <= e that progress.csv keeps whatever the scores (e itself up to kProgressFullRows).
std::int64_t last_sampled_progress_row(std::int64_t e);
inline constexpr const char* kTimelineFile = "timeline.csv";
inline constexpr const char* kBestDesignFile = "best_design.yaml";
inline constexpr const char* kReportFile = "report.json";
inline constexpr const char* kParetoFile = "pareto.csv";
inline constexpr const char* kParetoDir = "pareto";
inline constexpr const char* kPickedDesignFile = "picked_design.yaml";

class Explorer {
 public:
  // A lane: one episode in progress (its environment state) and the number of that episode.
  struct Lane {
    EnvironmentState state;
    std::int64_t episode = 0;           // 0: no episode started yet
  };

  // Touches no file: run() starts a fresh run in out_dir (creating it and progress.csv; InputError
  // naming --out when it cannot), unless resume() was called first.
  Explorer(Environment& env, Agent& agent, ExplorerConfig config);
  ~Explorer();

  // Restores agent, explorer and environment from out_dir/checkpoint.bin and cuts progress.csv
  // back to the checkpoint's evaluations. Throws InputError naming the file and the field when the
  // checkpoint is missing, corrupt or belongs to another kind of run; nothing is modified then.
  void resume();

  // Runs until the budget is spent or stop_requested() returns true (checked before every
  // evaluation). Saves the checkpoint and the outputs at the end either way.
  ExploreStatus run(const std::function<void(const Progress&)>& on_progress = {},
                    const std::function<bool()>& stop_requested = {});

  // The same run one evaluation at a time, for several explorers sharing one agent (a campaign
  // interleaves their episodes): begin() once, step() while it returns true, then finish().
  void begin();                                  // opens the outputs (unless resumed)
  bool step();                                   // one batch (lanes evaluations, fewer at the end
                                                 // of the budget); false once the budget is spent
  bool episode_done() const { return env_.episode_done(); }  // of the last lane stepped
  void finish();                                 // checkpoint (when enabled) and outputs
  bool budget_spent() const { return evaluations_ >= config_.budget; }
  bool time_budget_spent() const { return time_budget_spent_; }  // the last run() ended on the clock
  Progress progress() const;                     // without wall-clock fields

  const BestDesign& best() const { return best_; }
  const ParetoFront& front() const { return front_; }
  // The front's hypervolume as the last write_outputs() computed it (0 before any).
  double front_hypervolume() const { return front_hypervolume_; }
  std::int64_t evaluations() const { return evaluations_; }
  std::int64_t episodes() const { return episodes_; }
  const ExplorerConfig& config() const { return config_; }

  void save_checkpoint();   // flushes progress.csv and the log first; with write_checkpoint off only flushes
  // A campaign's checkpoint of this explorer (the bytes checkpoint.bin would hold; without the
  // agent's state when with_agent is false: the campaign saves its shared agent once), and its
  // restore: resume() from these bytes (path names them in errors); the agent is left as it is
  // unless with_agent. Both flush / cut back progress.csv and the log as save_checkpoint / resume do.
  std::string checkpoint_bytes(bool with_agent);
  void resume_from(const std::string& bytes, const std::filesystem::path& path, bool with_agent);
  void write_outputs();     // best_design.yaml, report.json, pareto.csv + pareto/ (+ picked_design.yaml)

 private:
  void open_fresh();
  void start_episode();
  void record(const StepResult& step, std::int64_t episode);
  std::string serialize(bool with_agent) const;
  void flush_outputs();     // progress.csv, timeline.csv, the log
  report::ParetoSummary write_pareto();  // pareto.csv, pareto/*.yaml, picked_design.yaml; report.json's part
  std::filesystem::path file(const char* name) const { return config_.out_dir / name; }

  Environment& env_;
  Agent& agent_;
  ExplorerConfig config_;
  std::mt19937_64 rng_;
  std::int64_t evaluations_ = 0, episodes_ = 0;
  std::vector<Lane> lanes_;
  BatchEvaluator batch_;
  std::vector<ppa::Report> batch_reports_;
  BestDesign best_;
  ParetoFront front_;
  double front_hypervolume_ = 0;
  ReportFeatures best_features_{};
  std::ofstream progress_;
  std::string progress_line_;  // one progress.csv row, reused
  std::ofstream timeline_;
  double seconds_before_ = 0;           // wall-clock of the sessions before a resume (timeline.csv)
  bool opened_ = false;
  bool time_budget_spent_ = false;
};

}  // namespace meshforge::search
