// meshforge explore: search the design space of one model on one node with an agent (SAC with a
// mixture of experts, or random), evaluating every candidate with the PPA model. Also the
// exploration run shared with meshforge sweep.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <thread>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "arch/design.h"
#include "cli/commands.h"
#include "cli/explore_common.h"
#include "cli/peers.h"
#include "cli/ranks.h"
#include "common/input_error.h"
#include "dist/world.h"
#include "search/agents.h"
#include "store/runs_db.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int sig) {
  g_interrupted = sig;
  std::signal(sig, SIG_DFL);  // a second one ends the process at once
}

std::string number(double v) { return fmt::format("{:.17g}", v); }

std::string join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(1, sep)) + s;
  return out;
}

std::string clock_text(double seconds) {
  if (seconds < 10) return fmt::format("{:.1f} s", seconds);
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

// One line of progress: refreshed in place on a terminal, printed every 10 s otherwise.
class ProgressLine {
 public:
  explicit ProgressLine(std::string label) : label_(std::move(label)), tty_(::isatty(::fileno(stderr)) != 0) {}

  void update(const search::Progress& p, bool final) {
    const auto now = std::chrono::steady_clock::now();
    if (!tty_ && !final && now - last_ < std::chrono::seconds(10)) return;
    last_ = now;
    // Done share: of the evaluations, or of the wall-clock when --time-budget ends the run first.
    double done = p.budget > 0 ? static_cast<double>(p.evaluations) / static_cast<double>(p.budget) : 1.0;
    if (p.seconds_elapsed + p.seconds_left > 0)
      done = std::max(done, p.seconds_elapsed / (p.seconds_elapsed + p.seconds_left));
    std::string line = fmt::format("{}{}/{} evaluations ({:.0f}%)", label_, p.evaluations, p.budget, 100.0 * std::min(done, 1.0));
    if (p.best && p.best->found) {
      const auto& r = p.best->report;
      const std::string_view units = workload::plural(r.unit);
      line += fmt::format("  best {:.4f}{}  decode {} {}/s  prefill {} {}/s  {}  {}", p.best->score,
                          p.best->feasible ? "" : " (infeasible)", si(r.decode.tokens_per_second), units,
                          si(r.prefill.tokens_per_second), units, si(r.power_w, "W"), fmt::format("{:.4g} mm2", r.area_mm2));
    }
    line += fmt::format("  {:.0f} eval/s", p.evaluations_per_second);
    if (!final && p.evaluations_per_second > 0) line += "  left " + clock_text(p.seconds_left);
    if (tty_) {
      std::cerr << "\r" << line << "\x1b[K";
      if (final) std::cerr << "\n";
    } else {
      std::cerr << line << "\n";
    }
    std::cerr.flush();
  }

 private:
  std::string label_;
  bool tty_;
  std::chrono::steady_clock::time_point last_{};
};

std::string design_summary(const arch::Design& d) {
  std::string s = fmt::format("{}x{} mesh, {} tile class{}, {} MHz", d.rows, d.cols, d.tile_classes.size(),
                              d.tile_classes.size() == 1 ? "" : "es", fmt::format("{:g}", d.clock_hz / 1e6));
  if (d.supply_v > 0) s += fmt::format(" at {:g} V", d.supply_v);
  s += d.dram.kind == "none" ? ", no DRAM" : fmt::format(", {} x{}", d.dram.kind, d.dram.channels);
  return s;
}

// The evaluate command line that reproduces the run's scenario for a design file.
std::string evaluate_command(const ExploreSettings& s, const std::filesystem::path& design) {
  const ExploreSettings defaults;
  const auto mine = s.to_run_info(), base = defaults.to_run_info();
  std::string cmd = fmt::format("meshforge evaluate --model {} --node {} --mode {}", s.model, s.node, s.mode);
  for (const char* key : {"phase", "seq", "ctx", "batch", "images", "image-split", "precision", "weight-precision",
                          "activation-precision", "kv-precision", "token-dim", "power-budget", "area-budget",
                          "min-tokens-per-second", "fixed-clock-mhz", "max-ttft-s"})
    if (mine.at(key) != base.at(key)) cmd += fmt::format(" --{} {}", key, mine.at(key));
  for (const auto& d : s.scenario.dims) cmd += " --dim " + d;
  return cmd + " --design " + design.string();
}

}  // namespace

void install_interrupt_handler() {
  g_interrupted = 0;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_sigint);
}

void restore_default_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);
}

bool interrupt_requested() { return g_interrupted != 0; }

int interrupt_exit_status() { return 128 + (g_interrupted != 0 ? static_cast<int>(g_interrupted) : SIGINT); }

OutputLock::OutputLock(const std::filesystem::path& dir, const std::string& option) {
  const auto file = dir / ".meshforge.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw InputError(file.string(), option, "cannot create the lock file: " + std::string(std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    const auto n = ::pread(fd_, buf, sizeof buf - 1, 0);
    ::close(fd_);
    fd_ = -1;
    const std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "?";
    throw InputError(dir.string(), option, "another meshforge (PID " + pid + ") is writing here; wait for it or choose another directory");
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the PID in it; only the message of a second run would lack it.
  }
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays (removing it would race a waiting run)
}

std::map<std::string, std::string> ExploreSettings::to_run_info() const {
  std::map<std::string, std::string> m;
  m["model"] = model;
  m["node"] = node;
  m["mode"] = mode;
  m["agent"] = agent;
  m["budget"] = std::to_string(budget);
  m["seed"] = std::to_string(seed);
  m["experts"] = std::to_string(experts);
  m["episode-steps"] = std::to_string(episode_steps);
  m["lanes"] = std::to_string(lanes);
  m["from"] = from;
  m["warm-start"] = warm_start;
  m["phase"] = scenario.phase;
  m["seq"] = std::to_string(scenario.seq);
  m["ctx"] = std::to_string(scenario.ctx);
  m["batch"] = std::to_string(scenario.batch);
  m["images"] = std::to_string(scenario.images);
  m["image-split"] = std::to_string(scenario.image_split);
  m["precision"] = scenario.precision;
  m["weight-precision"] = scenario.weight_precision;
  m["activation-precision"] = scenario.activation_precision;
  m["kv-precision"] = scenario.kv_precision;
  m["dim"] = join(scenario.dims, ';');
  m["token-dim"] = scenario.token_dim;
  m["power-budget"] = number(power_budget_w);
  m["area-budget"] = number(area_budget_mm2);
  m["min-tokens-per-second"] = number(min_tokens_per_second);
  m["fixed-clock-mhz"] = number(fixed_clock_mhz);
  m["max-ttft-s"] = number(max_ttft_s);
  // Sorted by name, so that the same parameters in another order are the same run setting.
  std::string params;
  for (const auto& [k, v] : agent_param_map()) params += fmt::format("{}{}={}", params.empty() ? "" : ";", k, v);  // shortest exact form
  m["agent-param"] = params;
  return m;
}

std::map<std::string, double> ExploreSettings::agent_param_map() const {
  std::map<std::string, double> out;
  for (const auto& p : agent_params) {
    const auto eq = p.find('=');
    double v = 0;
    bool ok = eq != std::string::npos && eq > 0 && eq + 1 < p.size();
    if (ok) {
      try {
        std::size_t used = 0;
        v = std::stod(p.substr(eq + 1), &used);
        ok = used == p.size() - eq - 1 && std::isfinite(v);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) throw InputError("", "--agent-param", "expected NAME=VALUE with a finite number, got '" + p + "'");
    if (!out.emplace(p.substr(0, eq), v).second) throw InputError("", "--agent-param", "'" + p.substr(0, eq) + "' given twice");
  }
  return out;
}

void check_explore_values(const ExploreSettings& s) {
  auto within = [](const char* option, std::int64_t v, std::int64_t lo, std::int64_t hi) {
    if (v < lo || v > hi) throw InputError("", option, fmt::format("{} is outside [{}, {}]", v, lo, hi));
  };
  within("--seq", s.scenario.seq, 1, kMaxTokens);
  within("--ctx", s.scenario.ctx, 0, kMaxTokens);
  within("--batch", s.scenario.batch, 1, kMaxBatch);
  within("--images", s.scenario.images, 0, kMaxImages);
  within("--image-split", s.scenario.image_split, 0, kMaxImageSplit);
  within("--budget", s.budget, 0, kMaxBudget);
  within("--experts", s.experts, 1, 16);
  within("--episode-steps", s.episode_steps, 1, 1000);
  within("--lanes", s.lanes, 0, 4096);
  (void)make_ppa_scenario(s.mode, *workload::parse_phase(s.scenario.phase), s.power_budget_w, s.area_budget_mm2,
                          s.min_tokens_per_second, s.fixed_clock_mhz, s.max_ttft_s);
  check_agent_params(s);
}

ExploreSettings ExploreSettings::from_run_info(const std::map<std::string, std::string>& info, const std::string& file) {
  auto get = [&](const std::string& key) -> const std::string& {
    const auto it = info.find(key);
    if (it == info.end()) throw InputError(file, key, "missing from the checkpoint's run settings");
    return it->second;
  };
  auto integer = [&](const std::string& key) {
    const auto& v = get(key);
    try {
      std::size_t used = 0;
      const long long x = std::stoll(v, &used);
      if (used == v.size()) return static_cast<std::int64_t>(x);
    } catch (const std::exception&) {
    }
    throw InputError(file, key, "expected an integer, got '" + v + "'");
  };
  auto real = [&](const std::string& key) {
    const auto& v = get(key);
    try {
      std::size_t used = 0;
      const double x = std::stod(v, &used);
      if (used == v.size()) return x;
    } catch (const std::exception&) {
    }
    throw InputError(file, key, "expected a number, got '" + v + "'");
  };
  ExploreSettings s;
  s.model = get("model");
  s.node = get("node");
  s.mode = get("mode");
  s.agent = get("agent");
  if (!search::find_agent(s.agent)) throw InputError(file, "agent", "unknown agent '" + s.agent + "'");
  if (s.mode != "performance" && s.mode != "low-power") throw InputError(file, "mode", "unknown mode '" + s.mode + "'");
  s.budget = integer("budget");
  s.seed = static_cast<std::uint64_t>(integer("seed"));
  s.experts = static_cast<int>(integer("experts"));
  s.episode_steps = static_cast<int>(integer("episode-steps"));
  s.lanes = info.count("lanes") ? static_cast<int>(integer("lanes")) : 1;
  s.from = get("from");
  s.warm_start = info.count("warm-start") ? info.at("warm-start") : "";
  if (info.count("agent-param")) {  // absent in checkpoints of earlier versions: no parameters
    const auto& params = info.at("agent-param");
    for (std::size_t start = 0; start < params.size();) {
      const auto end = std::min(params.find(';', start), params.size());
      s.agent_params.push_back(params.substr(start, end - start));
      start = end + 1;
    }
    try {
      s.agent_param_map();
    } catch (const InputError& e) {
      throw InputError(file, "agent-param", e.reason());
    }
  }
  s.scenario.phase = get("phase");
  s.scenario.seq = integer("seq");
  s.scenario.ctx = integer("ctx");
  s.scenario.batch = integer("batch");
  s.scenario.images = integer("images");
  s.scenario.image_split = integer("image-split");
  s.scenario.precision = get("precision");
  s.scenario.weight_precision = get("weight-precision");
  s.scenario.activation_precision = get("activation-precision");
  s.scenario.kv_precision = get("kv-precision");
  for (const auto& p : {s.scenario.precision, s.scenario.weight_precision, s.scenario.activation_precision, s.scenario.kv_precision})
    if (!p.empty() && !workload::parse_precision(p)) throw InputError(file, "precision", "unknown precision '" + p + "'");
  if (!workload::parse_phase(s.scenario.phase)) throw InputError(file, "phase", "unknown phase '" + s.scenario.phase + "'");
  s.scenario.dims.clear();
  const auto& dims = get("dim");
  for (std::size_t start = 0; start < dims.size();) {
    const auto end = std::min(dims.find(';', start), dims.size());
    s.scenario.dims.push_back(dims.substr(start, end - start));
    start = end + 1;
  }
  // Checkpoints written before --token-dim existed counted ONNX models in tokens of --seq; resumed,
  // such a run counts inferences.
  s.scenario.token_dim = info.count("token-dim") ? info.at("token-dim") : "";
  s.power_budget_w = real("power-budget");
  s.area_budget_mm2 = real("area-budget");
  s.min_tokens_per_second = real("min-tokens-per-second");
  s.fixed_clock_mhz = real("fixed-clock-mhz");
  s.max_ttft_s = info.count("max-ttft-s") ? real("max-ttft-s") : -1;  // absent from older checkpoints
  return s;
}

std::string agent_option_help() {
  std::string help;
  for (const auto& e : search::agent_registry()) help += (help.empty() ? "" : "; ") + e.name + ": " + e.help;
  return help;
}

std::string agent_param_help() {
  std::string help = "NAME=VALUE: one hyperparameter of the agent (repeat for more; defaults shown)";
  for (const auto& e : search::agent_registry()) {
    if (e.params.empty()) continue;
    help += "; " + e.name + ":";
    for (const auto& p : e.params) help += fmt::format(" {} {:g}", p.name, p.default_value) + (&p == &e.params.back() ? "" : ",");
  }
  return help + " (docs/mdp.md, Agents' hyperparameters)";
}

void add_explore_options(CLI::App& c, ExploreSettings& s) {
  c.add_option("--model", s.model, "Model: config.json, .onnx or shipped short name")->capture_default_str();
  c.add_option("--mode", s.mode,
               "performance: tokens/s under power and area budgets; low-power: least power at a fixed clock "
               "(10 MHz by default) meeting a throughput target")
      ->check(CLI::IsMember({"performance", "low-power"}))
      ->capture_default_str();
  c.add_option("--agent", s.agent, agent_option_help())
      ->check(CLI::IsMember(search::agent_names()))
      ->capture_default_str();
  c.add_option("--agent-param", s.agent_params, agent_param_help());
  c.add_option("--budget", s.budget,
               fmt::format("Evaluations to spend (default {}: a few seconds with de, about a minute and a half with "
                           "sac on one core); with --resume, the new total",
                           kDefaultBudget))
      ->check(CLI::Range(std::int64_t{1}, kMaxBudget));
  c.add_option("--time-budget", s.time_budget_s,
               "Also stop after this many seconds of wall-clock (whichever budget is spent first ends the run; "
               "a run cut by the clock is not reproducible evaluation for evaluation)")
      ->check(finite_positive());
  c.add_option("--seed", s.seed, "Seed of every random choice (agent and episode starts): one seed, one result")
      ->check(no_minus_sign())
      ->capture_default_str();
  c.add_option("--experts", s.experts, "SAC: mixture-of-experts heads K (1 = plain SAC)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  c.add_option("--episode-steps", s.episode_steps, "Refinement steps per episode (each one evaluation)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c.add_option("--lanes", s.lanes,
               "Episodes (random, pagmo: designs) evaluated side by side as one batch (default: the agent's, 1); "
               "part of the run: its results depend on the lanes, not on --threads")
      ->check(CLI::Range(1, 4096));
  c.add_option("--checkpoint-seconds", s.checkpoint_seconds,
               "Wall-clock between periodic checkpoints (checkpoint.bin; runs.db is made durable at each); a run "
               "killed outright loses at most this much work")
      ->check(finite_positive())
      ->capture_default_str();
  c.add_option("--checkpoint-every", s.checkpoint_every,
               "Also checkpoint once N evaluations have passed since the last one, at the end of a batch (0 = by "
               "wall-clock only); with N = --lanes a kill loses at most one batch")
      ->check(CLI::Range(std::int64_t{0}, kMaxBudget))
      ->capture_default_str();
  c.add_option("--threads", s.threads,
               "Cores evaluating a batch of --lanes designs (default: all cores); one seed gives the same results "
               "at any thread count")
      ->check(CLI::Range(1, 1024));
  c.add_option("--from", s.from, "Start the first episode from this design (YAML file or shipped design name)");
  c.add_option("--warm-start", s.warm_start,
               "Continue the agent of a previous run (its directory) on this model and node: sac's networks, "
               "replay buffer and temperature, not its designs");
  s.scenario.add_to(c);
  c.add_option("--power-budget", s.power_budget_w, "Power budget in W (performance default 75)")->check(finite_positive());
  c.add_option("--area-budget", s.area_budget_mm2, "Area budget in mm2 (default 858, one reticle)")->check(finite_positive());
  c.add_option("--min-tokens-per-second", s.min_tokens_per_second, "Low-power throughput target of the scored phase (default 1)")->check(finite_non_negative());
  c.add_option("--fixed-clock-mhz", s.fixed_clock_mhz, "Low-power mode clock in MHz (default 10; 0 = any)")->check(finite_non_negative());
  c.add_option("--max-ttft-s", s.max_ttft_s, "Time-to-first-token budget in s (default 1 in performance mode, 10 in low-power mode; 0 = none)")->check(finite_non_negative());
  c.add_option("--pick", s.pick,
               "W_PERF,W_POWER,W_AREA: also write picked_design.yaml, the point of the Pareto front (pareto.csv) "
               "with the best weighted sum of its log-normalised decode throughput, power and area (e.g. 1,1,0)");
}

std::array<double, 3> parse_pick(const std::string& text) {
  std::array<double, 3> w{};
  std::size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    const auto comma = text.find(',', at);
    if ((i < 2) != (comma != std::string::npos))
      throw InputError("", "--pick", fmt::format("'{}': expected three weights W_PERF,W_POWER,W_AREA", text));
    const std::string part = text.substr(at, i < 2 ? comma - at : std::string::npos);
    try {
      std::size_t used = 0;
      w[static_cast<std::size_t>(i)] = std::stod(part, &used);
      if (used != part.size()) throw std::invalid_argument(part);
    } catch (const std::exception&) {
      throw InputError("", "--pick", fmt::format("'{}' is not a number", part));
    }
    if (!(w[static_cast<std::size_t>(i)] >= 0) || !std::isfinite(w[static_cast<std::size_t>(i)]))
      throw InputError("", "--pick", fmt::format("'{}': weights must be finite and >= 0", part));
    at = comma + 1;
  }
  if (w[0] + w[1] + w[2] <= 0) throw InputError("", "--pick", "the weights are all 0");
  return w;
}

void check_fresh_output(const std::filesystem::path& out_dir, bool force) {
  const auto checkpoint = out_dir / search::kCheckpointFile;
  if (!force && std::filesystem::exists(checkpoint))
    throw InputError(checkpoint.string(), "--out",
                     "holds a previous run; continue it with --resume " + out_dir.string() +
                         ", choose another --out, or pass --force to overwrite it");
}

void check_writable(const std::filesystem::path& out_dir, const std::string& option) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError(out_dir.string(), option, "cannot create the output directory: " + ec.message());
  const auto probe = out_dir / ".meshforge-write-test";
  {
    std::ofstream out(probe);
    if (!out || !(out << "x") || !out.flush())
      throw InputError(out_dir.string(), option, "cannot write in the output directory: " + std::string(std::strerror(errno)));
  }
  std::filesystem::remove(probe, ec);
}

std::unique_ptr<ExplorationSetup> make_exploration_setup(const ExploreSettings& s, const std::filesystem::path& data_dir,
                                                         bool show_warnings) {
  auto setup = std::make_unique<ExplorationSetup>();
  setup->node = tech::load_node(s.node, data_dir);
  setup->micro = ppa::load_microarch(data_dir);
  setup->work = build_workload(workload::resolve_model(s.model, data_dir), s.scenario);
  if (show_warnings)
    for (const auto& w : setup->work.decode.warnings) std::cerr << "meshforge: warning: " << w << "\n";
  setup->scenario = make_ppa_scenario(s.mode, *workload::parse_phase(s.scenario.phase), s.power_budget_w,
                                      s.area_budget_mm2, s.min_tokens_per_second, s.fixed_clock_mhz, s.max_ttft_s);
  search::EnvironmentConfig ec;
  ec.episode_steps = s.episode_steps;
  // Random search proposes complete designs; the other agents refine one (docs/mdp.md).
  const auto* entry = search::find_agent(s.agent);
  if (!entry) throw InputError("", "--agent", "unknown agent '" + s.agent + "'");
  ec.action_mode = entry->action_mode;
  setup->env = std::make_unique<search::Environment>(setup->work, setup->node, setup->micro, setup->scenario, ec);
  return setup;
}

std::unique_ptr<search::Agent> make_agent(const ExploreSettings& s, const search::Environment& env) {
  const auto* entry = search::find_agent(s.agent);
  if (!entry) throw InputError("", "--agent", "unknown agent '" + s.agent + "'");
  check_agent_params(s);
  try {
    return entry->make(env, {s.seed, s.experts, s.agent_param_map()});
  } catch (const std::invalid_argument& e) {  // a combination the agent's own config check refuses
    throw InputError("", "--agent-param", e.what());
  }
}

int resolve_lanes(const ExploreSettings& s) {
  const auto* entry = search::find_agent(s.agent);
  if (!entry) throw InputError("", "--agent", "unknown agent '" + s.agent + "'");
  const int lanes = s.lanes > 0 ? s.lanes : entry->default_lanes;
  if (entry->lanes_divide_max && entry->max_lanes % lanes != 0)
    throw InputError("", "--lanes",
                     fmt::format("{} with agent {}: it proposes a generation of {} designs at a time, so its lanes "
                                 "divide {}",
                                 lanes, s.agent, entry->max_lanes, entry->max_lanes));
  if (entry->max_lanes > 0 && lanes > entry->max_lanes)
    throw InputError("", "--lanes",
                     fmt::format("{} with agent {}: it proposes a design only after the last one's fitness came "
                                 "back, so it runs at most {} lane{}",
                                 lanes, s.agent, entry->max_lanes, entry->max_lanes == 1 ? "" : "s"));
  return lanes;
}

void check_agent_params(const ExploreSettings& s) {
  const auto* entry = search::find_agent(s.agent);
  if (!entry) throw InputError("", "--agent", "unknown agent '" + s.agent + "'");
  try {
    search::check_agent_params(*entry, s.agent_param_map());
  } catch (const std::invalid_argument& e) {
    throw InputError("", "--agent-param", e.what());
  }
}

void check_warm_start(const ExploreSettings& s) {
  if (s.warm_start.empty()) return;
  const auto* entry = search::find_agent(s.agent);
  if (entry && !entry->warm_starts)
    throw InputError("", "--warm-start",
                     "agent " + s.agent + " keeps no learned state that transfers to another model or node (sac does)");
  const auto file = std::filesystem::path(s.warm_start) / search::kCheckpointFile;
  if (!std::filesystem::exists(file))
    throw InputError(file.string(), "--warm-start", "no checkpoint here: give the directory of a previous explore run");
  const auto info = search::read_checkpoint_info(file);  // InputError naming the file when it is not one
  // The agent and its structure must be the same (the networks' shapes follow --experts).
  for (const auto& [key, mine] : {std::pair<std::string, std::string>{"agent", s.agent}, {"experts", std::to_string(s.experts)}}) {
    const auto it = info.run_info.find(key);
    if (it != info.run_info.end() && it->second != mine)
      throw InputError(file.string(), key, fmt::format("the run to continue has {} {}, this run {}", key, it->second, mine));
  }
}

ExploreSettings resumed_settings(const CLI::App& command, const ExploreSettings& given, const ExploreSettings& saved,
                                 const std::string& file, const std::string& what) {
  const auto mine = given.to_run_info(), stored = saved.to_run_info();
  for (const auto& [key, value] : mine) {
    if (key == "budget") continue;
    const auto* opt = command.get_option_no_throw("--" + key);
    if (opt && opt->count() > 0 && stored.at(key) != value)
      throw InputError(file, "--" + key, fmt::format("'{}' differs from the {} being resumed ('{}')", value, what, stored.at(key)));
  }
  ExploreSettings s = saved;
  if (given.budget > 0) s.budget = given.budget;
  s.pick = given.pick;
  s.time_budget_s = given.time_budget_s;
  s.checkpoint_seconds = given.checkpoint_seconds;
  s.checkpoint_every = given.checkpoint_every;
  s.threads = given.threads;
  return s;
}

int resolve_threads(const ExploreSettings& s) {
  if (s.threads > 0) return s.threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

search::ExplorerConfig make_explorer_config(const ExploreSettings& s, const ExplorationSetup& setup,
                                            const std::filesystem::path& data_dir, const std::filesystem::path& out_dir) {
  search::ExplorerConfig xc;
  xc.budget = s.budget > 0 ? s.budget : kDefaultBudget;
  xc.seed = s.seed;
  xc.lanes = resolve_lanes(s);
  xc.threads = resolve_threads(s);
  xc.out_dir = out_dir;
  xc.run_info = s.to_run_info();
  xc.run_info["lanes"] = std::to_string(xc.lanes);
  // Their "0 = the mode's default" placeholders would hide what the run was scored against:
  // report.json has the effective values in its budgets.
  xc.unreported_settings = {"power-budget", "area-budget", "min-tokens-per-second", "fixed-clock-mhz"};
  xc.design_name = fmt::format("{}-{}-{}", setup.work.decode.model_name, setup.node.name, s.mode);
  xc.evaluate_command = evaluate_command(s, out_dir / search::kBestDesignFile);
  if (!s.from.empty()) xc.seed_design = setup.env->actions().encode(arch::load_design(resolve_design(s.from, data_dir)));
  if (!s.pick.empty()) xc.pick = parse_pick(s.pick);
  xc.time_budget_seconds = s.time_budget_s;
  xc.checkpoint_seconds = s.checkpoint_seconds;
  xc.checkpoint_every = s.checkpoint_every;
  // Every evaluation also goes to OUT/runs.db (store/runs_db.h; `meshforge top` reads it).
  if (!out_dir.empty()) xc.log = store::open_run_log(out_dir / store::kRunsDbFile, xc.evaluate_command, MESHFORGE_VERSION);
  return xc;
}

ExploreResult run_exploration(const ExploreSettings& s, const std::filesystem::path& data_dir,
                              const std::filesystem::path& out_dir, bool resume, const std::string& label,
                              std::shared_ptr<search::EvaluationPeers> peers) {
  const auto setup = make_exploration_setup(s, data_dir, !resume);
  check_writable(out_dir, "--out");
  const OutputLock lock(out_dir, "--out");  // one writer per run directory
  const auto agent = make_agent(s, *setup->env);
  search::ExplorerConfig config = make_explorer_config(s, *setup, data_dir, out_dir);
  config.peers = std::move(peers);
  search::Explorer explorer(*setup->env, *agent, std::move(config));
  if (resume) {
    explorer.resume();
  } else if (!s.warm_start.empty()) {
    std::istringstream state(search::read_checkpoint_agent_state(std::filesystem::path(s.warm_start) / search::kCheckpointFile,
                                                                 agent->name(), *setup->env));
    try {
      agent->load(state);
    } catch (const std::exception& e) {
      throw InputError((std::filesystem::path(s.warm_start) / search::kCheckpointFile).string(), "agent",
                       std::string("cannot continue its agent: ") + e.what());
    }
  }

  ProgressLine line(label);
  const auto t0 = std::chrono::steady_clock::now();
  ExploreResult result;
  result.status = explorer.run([&](const search::Progress& p) { line.update(p, p.finished); }, interrupt_requested);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.evaluations = explorer.evaluations();
  result.best = explorer.best();
  result.time_budget_spent = explorer.time_budget_spent();
  result.pareto_points = explorer.front().points().size();
  result.hypervolume = explorer.front_hypervolume();  // computed once, when the outputs were written
  result.agent_name = agent->name();
  return result;
}

namespace {

struct ExploreOptions {
  ExploreSettings settings;
  std::string out, resume;
  bool force = false;
  bool rtl = false;
};

void print_result(const ExploreSettings& s, const ExploreResult& r, const std::filesystem::path& out) {
  fmt::print("explored     {} evaluations of {} on {} ({} mode, {} agent, seed {}) in {}{}\n", r.evaluations, s.model,
             s.node, s.mode, r.agent_name, s.seed, clock_text(r.seconds),
             r.time_budget_spent ? fmt::format(" (--time-budget {} s reached before --budget {})", s.time_budget_s, s.budget) : "");
  if (!r.best.found) return;
  const auto& b = r.best;
  fmt::print("best         PPA score {:.4f} ({}), found at evaluation {}\n", b.score, b.feasible ? "feasible" : "infeasible",
             b.evaluation);
  fmt::print("design       {}\n", design_summary(b.design));
  const std::string_view units = workload::plural(b.report.unit);
  fmt::print("performance  decode {} {}/s, prefill {} {}/s, {}, {:.4g} mm2\n", si(b.report.decode.tokens_per_second), units,
             si(b.report.prefill.tokens_per_second), units, si(b.report.power_w, "W"), b.report.area_mm2);
  for (const auto& v : b.report.violations) fmt::print("  violation  {}\n", v);
  fmt::print("pareto       {} feasible designs on the front (decode tok/s, time to first token, power, area, energy/token), "
             "hypervolume {:.4g}: {}\n",
             r.pareto_points, r.hypervolume, (out / search::kParetoFile).string());
  if (!s.pick.empty() && r.pareto_points > 0)
    fmt::print("picked       {} (--pick {})\n", (out / search::kPickedDesignFile).string(), s.pick);
  fmt::print("wrote        {}, {}, {}, {}, {} (meshforge top {} lists its designs)\n", (out / search::kBestDesignFile).string(),
             (out / search::kReportFile).string(), (out / search::kProgressFile).string(), (out / store::kRunsDbFile).string(),
             (out / search::kCheckpointFile).string(), out.string());
}

}  // namespace

void write_best_rtl(const std::filesystem::path& run_dir, const std::string& node, const std::filesystem::path& data_dir) {
  try {
    const auto top = write_rtl((run_dir / search::kBestDesignFile).string(), node, data_dir, run_dir / "rtl");
    fmt::print("rtl          {} in {}\n", top, (run_dir / "rtl").string());
  } catch (const InputError& e) {
    // The search's outputs stand; only the hardware is missing.
    std::cerr << "meshforge: warning: no RTL for the best design: " << e.what() << "\n";
  }
}

void add_explore_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<ExploreOptions>();
  CLI::App* c = app.add_subcommand("explore", "Search for the best design of a model on a node (differential evolution by default; SAC-MoE, BO and other baselines)");
  c->footer(
      "An episode refines a design for --episode-steps steps; every step is one evaluation of the PPA model\n"
      "(docs/mdp.md: state, action, reward). The best design (highest score, feasible first) and the run are\n"
      "written to --out: best_design.yaml (for meshforge evaluate), report.json, pareto.csv and pareto/ (the\n"
      "feasible designs no other dominates in decode tok/s, time to first token, power, area and energy per\n"
      "token, each with its YAML; --pick W_PERF,W_POWER,W_AREA chooses one as picked_design.yaml), progress.csv (every\n"
      "evaluation up to 10,000, then each improvement and a thinning sample; identical for one seed), runs.db (every evaluation with its design, SQLite: meshforge top lists\n"
      "the best and writes any back as YAML), timeline.csv (against wall-clock), checkpoint.bin and report.html\n"
      "(meshforge report: the page an architect looks at). Ctrl-C stops cleanly and saves; --resume DIR\n"
      "continues a stopped run where it left off (give --budget to extend a finished one), also after a kill.\n"
      "Under mpirun -n N, rank 0 runs the search and every rank evaluates a share of each batch of --lanes designs\n"
      "(the same files as one process; on one machine --threads is faster: docs/scale.md).\n"
      "Example: meshforge explore --model llama-3.1-8b --node 3nm --mode performance --budget 2000 --out runs/3nm");
  c->add_option("--node", o->settings.node, "Process node: 3nm 5nm 7nm 12nm 16nm 22nm 28nm (required unless --resume)");
  add_explore_options(*c, o->settings);
  c->add_option("--out", o->out, "Output directory (default: explore-MODEL-NODE-MODE)");
  c->add_option("--resume", o->resume, "Continue the run saved in this directory (its checkpoint.bin)");
  c->add_flag("--force", o->force, "Overwrite a previous run in --out");
  c->add_flag("--rtl", o->rtl, "Also write the best design's Verilog and collateral to OUT/rtl/ (as meshforge rtl does)");
  c->callback([o, c, &global] {
    const auto data = global.resolved_data_dir();
    ExploreSettings s = o->settings;
    std::filesystem::path out;
    const bool resume = !o->resume.empty();
    // The run's settings and directory, every input checked before anything is created.
    auto prepare = [&] {
      if (resume) {
        out = o->resume;
        if (!o->out.empty() && std::filesystem::path(o->out) != out)
          throw InputError("", "--out", "not used with --resume: the run continues in " + out.string());
        const auto file = (out / search::kCheckpointFile).string();
        const auto info = search::read_checkpoint_info(out / search::kCheckpointFile);
        s = resumed_settings(*c, o->settings, ExploreSettings::from_run_info(info.run_info, file), file, "run");
        if (s.budget <= 0) s.budget = kDefaultBudget;
        if (s.budget < info.evaluations)
          throw InputError(file, "--budget", fmt::format("{} is below the {} evaluations already done", s.budget, info.evaluations));
      } else {
        if (s.node.empty()) throw InputError("", "--node", "required (or --resume DIR to continue a saved run)");
        if (!s.pick.empty()) parse_pick(s.pick);  // malformed weights: fail before creating anything
        resolve_lanes(s);                        // more lanes than the agent runs: likewise
        check_agent_params(s);
        check_warm_start(s);
        tech::load_node(s.node, data);         // unknown node: fail before creating anything
        workload::resolve_model(s.model, data);
        if (!s.from.empty()) resolve_design(s.from, data);
        if (s.budget <= 0) s.budget = kDefaultBudget;
        out = o->out.empty() ? std::filesystem::path(fmt::format("explore-{}-{}-{}", std::filesystem::path(s.model).stem().string(), s.node, s.mode))
                             : std::filesystem::path(o->out);
        check_fresh_output(out, o->force);
        check_writable(out, "--out");
      }
    };
    // What the run found, on stdout, and what follows from it.
    auto finish = [&](const ExploreResult& r) {
      restore_default_signals();
      print_result(s, r, out);
      if (o->rtl && r.best.found && r.status != search::ExploreStatus::interrupted)
        write_best_rtl(out, s.node, data);
      if (r.best.found && r.status != search::ExploreStatus::interrupted && write_run_report(out))
        fmt::print("report       {}\n", (out / "report.html").string());
      if (r.status == search::ExploreStatus::interrupted)
        throw Interrupted(fmt::format("interrupted after {} evaluations; saved {}; continue with: meshforge explore --resume {}",
                                      r.evaluations, (out / search::kCheckpointFile).string(), out.string()));
    };
    dist::World& world = this_launch();
    if (!world.distributed()) {
      prepare();
      install_interrupt_handler();
      finish(run_exploration(s, data, out, resume, ""));
      return;
    }
    // Under mpirun, rank 0 runs the search and writes everything; every rank, rank 0 too,
    // evaluates a share of each batch of designs (cli/peers.h). Reports do not depend on where a
    // design was evaluated, so the run's files are those of one process (docs/scale.md).
    on_root(world, prepare);
    const auto shared = nlohmann::json::parse(
        world.broadcast(nlohmann::json{{"settings", s.to_run_info()}, {"out", out.string()}}.dump()));
    if (!world.root()) {
      s = ExploreSettings::from_run_info(shared.at("settings").get<std::map<std::string, std::string>>(), "rank 0's settings");
      s.threads = o->settings.threads;  // not a run setting: this rank's own
      out = shared.at("out").get<std::string>();
    }
    if (s.threads <= 0) s.threads = cores_per_rank(world);  // not a run setting
    install_interrupt_handler();  // a worker goes on serving until rank 0 has saved and says stop
    std::unique_ptr<ExplorationSetup> setup;
    on_every_rank(world, [&] {
      if (!world.root()) setup = make_exploration_setup(s, data, false);
    });
    on_every_rank(world, [&] {
      if (!world.root()) {
        serve_evaluations(world, *setup->env, s.threads);
        return;
      }
      const auto peers = std::make_shared<RankPeers>(world);  // its end (also by an exception) stops the workers
      const int lanes = resolve_lanes(s);
      if (lanes == 1)
        std::cerr << fmt::format("meshforge: warning: agent {} evaluates one design at a time, so the other {} rank{} have nothing "
                                 "to evaluate (give --lanes, or run one process)\n",
                                 s.agent, world.size() - 1, world.size() == 2 ? "" : "s");
      else
        std::cerr << fmt::format("explore: rank 0 runs the search; each batch of {} designs is evaluated by {} ranks (docs/scale.md)\n",
                                 lanes, std::min(lanes, world.size()));
      const ExploreResult r = run_exploration(s, data, out, resume, "", peers);
      peers->stop();
      std::cerr << fmt::format("explore: {} of the {} evaluations went to rank{} 1{} (the rest rank 0 evaluated or its cache answered)\n",
                               peers->designs_sent(), r.evaluations, world.size() == 2 ? "" : "s",
                               world.size() == 2 ? "" : fmt::format("-{}", world.size() - 1));
      finish(r);
    });
  });
}

}  // namespace meshforge::cli
