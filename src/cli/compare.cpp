// meshforge compare: agents against each other on regimes x nodes x seeds, at equal evaluations
// and/or at equal wall-clock, with tables a reviewer asks for (mean +- sd, seed-pair wins, effort
// to reach 99% of the best anyone found) and anytime curves.
//
// The compare file (YAML):
//   nodes: [3nm, 12nm, 28nm]                  # as a campaign file (default: every node)
//   regimes:                                  # name -> explore options
//     llama:   {model: llama-3.1-8b, mode: performance}
//     smolvlm: {model: smolvlm-256m-instruct, mode: low-power, precision: int8}
//   agents: [sac, random-walk, de, bo]        # registered agent names, or an agent with
//                                             # hyperparameters under a label of its own:
//                                             #   {agent: de, label: de-tuned, params: {f: 0.5}}
//   seeds: 3                                  # seeds 1..3, or a list: [1, 5, 9]
//   budget: 10000                             # evaluations per run (the "evaluations" table)
//   time_budget_s: 60                         # and/or wall-clock per run (the "seconds" table)
//
// Every run is a `meshforge explore` process (one core each unless --threads), --jobs at a time,
// into OUT/<kind>/<regime>/<node>/<agent>/seed<S>/ with its log beside it. Re-running the same
// command continues: finished runs are kept, interrupted evaluation-budget runs resume from their
// checkpoint, interrupted wall-clock runs start again (resumed, they would get their time twice).
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/explore_common.h"
#include "cli/compare_file.h"
#include "cli/ranks.h"
#include "dist/world.h"
#include "cli/regimes.h"
#include "common/atomic_file.h"
#include "common/input_error.h"
#include "search/agents.h"
#include "search/explorer.h"

namespace meshforge::cli {
namespace {

// What identifies a comparison in OUT (compare.json): re-running with another spec is refused.
nlohmann::ordered_json spec_json(const CompareSpec& c) {
  nlohmann::ordered_json j;
  j["nodes"] = c.nodes;
  nlohmann::ordered_json regimes;
  for (const auto& r : c.regimes) regimes[r.name] = r.settings.to_run_info();
  j["regimes"] = regimes;
  j["agents"] = c.agents;
  // Agents under labels of their own, with their parameters (absent when every entry is a bare name,
  // so that comparisons started by earlier versions continue).
  nlohmann::ordered_json labelled;
  for (const auto& label : c.agents) {
    const auto& a = c.agent_of.at(label);
    if (label != a.agent || !a.params.empty()) labelled[label] = {{"agent", a.agent}, {"params", a.params}};
  }
  if (!labelled.is_null()) j["agent_specs"] = labelled;
  j["seeds"] = c.seeds;
  nlohmann::ordered_json kinds;
  for (const auto& k : c.kinds) kinds[k.name] = {{"budget", k.budget}, {"time_budget_s", k.time_budget_s}};
  j["kinds"] = kinds;
  return j;
}

struct RunSpec {
  const BudgetKind* kind = nullptr;
  const Regime* regime = nullptr;
  std::string node, agent;  // agent: the comparison's label
  std::uint64_t seed = 1;
  std::filesystem::path dir;
  std::string agent_name;                // the registered agent the label runs
  std::vector<std::string> agent_params; // its --agent-param values
};

// explore's options of a regime that differ from explore's defaults.
std::vector<std::string> regime_arguments(const ExploreSettings& s) {
  const auto mine = s.to_run_info(), base = ExploreSettings{}.to_run_info();
  std::vector<std::string> args;
  for (const auto& [key, value] : mine) {
    if (key == "agent" || key == "agent-param" || key == "budget" || key == "seed" || key == "node" || key == "lanes" || key == "dim")
      continue;
    if (value != base.at(key)) {
      args.push_back("--" + key);
      args.push_back(value);
    }
  }
  for (const auto& d : s.scenario.dims) {
    args.push_back("--dim");
    args.push_back(d);
  }
  return args;
}

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) return nullptr;
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// Whether the run in dir has finished (its report says the budget ended it).
bool finished(const RunSpec& r) {
  const auto j = read_json(r.dir / search::kReportFile);
  if (j.is_null() || !j.contains("search")) return false;
  const auto& s = j["search"];
  const std::string ended = s.value("ended_on", "");
  if (r.kind->time_budget_s > 0) return ended == "time_budget" || ended == "budget";
  return ended == "budget" && s.value("evaluations", std::int64_t{0}) == r.kind->budget;
}

std::vector<std::string> command_of(const RunSpec& r, const std::filesystem::path& data, int threads) {
  std::vector<std::string> cmd{"--data-dir", data.string(), "explore"};
  const bool resumable = r.kind->time_budget_s <= 0 && std::filesystem::exists(r.dir / search::kCheckpointFile);
  if (resumable) {
    cmd.insert(cmd.end(), {"--resume", r.dir.string(), "--budget", std::to_string(r.kind->budget)});
  } else {
    const auto args = regime_arguments(r.regime->settings);
    cmd.insert(cmd.end(), args.begin(), args.end());
    cmd.insert(cmd.end(), {"--node", r.node, "--agent", r.agent_name, "--seed", std::to_string(r.seed), "--budget",
                           std::to_string(r.kind->budget), "--out", r.dir.string(), "--force"});
    for (const auto& p : r.agent_params) cmd.insert(cmd.end(), {"--agent-param", p});
    if (r.kind->time_budget_s > 0) cmd.insert(cmd.end(), {"--time-budget", fmt::format("{}", r.kind->time_budget_s)});
  }
  cmd.insert(cmd.end(), {"--threads", std::to_string(threads)});
  return cmd;
}

// Starts `self cmd...` with stdout and stderr in log; returns its pid. The comparison's runs need
// no HTML page each.
pid_t spawn(const std::string& self, const std::vector<std::string>& cmd, const std::filesystem::path& log) {
  std::vector<std::string> argv{self};
  argv.insert(argv.end(), cmd.begin(), cmd.end());
  return start_process(argv, log, true, {{"MESHFORGE_REPORT", "0"}, {dist::kNotARankVariable, "1"}});
}

std::string last_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line, last;
  while (std::getline(in, line)) {
    const auto cr = line.rfind('\r');  // progress lines refreshed in place
    if (cr != std::string::npos) line = line.substr(cr + 1);
    if (!line.empty()) last = line;
  }
  return last;
}


// ---- results ----

struct Curve {
  std::vector<std::int64_t> evaluations;
  std::vector<double> seconds;
  std::vector<double> best;        // best feasible score so far (-1: none feasible yet)
};

struct Result {
  const RunSpec* run = nullptr;
  bool ok = false;
  double score = 0;
  bool feasible = false;
  double hypervolume = 0;
  std::int64_t evaluations = 0;
  double seconds = 0;
  Curve by_evaluation, by_seconds;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
  return cells;
}

Result read_result(const RunSpec& r) {
  Result out;
  out.run = &r;
  const auto j = read_json(r.dir / search::kReportFile);
  if (j.is_null()) return out;
  out.ok = true;
  out.score = j.value("ppa_score", 0.0);
  out.feasible = j.value("feasible", false);
  out.evaluations = j["search"].value("evaluations", std::int64_t{0});
  out.hypervolume = j["search"].contains("pareto") ? j["search"]["pareto"].value("hypervolume", 0.0) : 0.0;
  {
    std::ifstream in(r.dir / search::kProgressFile);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto c = split(line);
      if (c.size() < 12) continue;
      const double best = c[11] == "1" ? std::stod(c[10]) : -1.0;
      if (!out.by_evaluation.best.empty() && best == out.by_evaluation.best.back() && in.peek() != EOF) continue;
      out.by_evaluation.evaluations.push_back(std::stoll(c[0]));
      out.by_evaluation.best.push_back(best);
    }
  }
  {
    std::ifstream in(r.dir / search::kTimelineFile);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto c = split(line);
      if (c.size() < 4) continue;
      out.by_seconds.evaluations.push_back(std::stoll(c[0]));
      out.by_seconds.seconds.push_back(std::stod(c[1]));
      out.by_seconds.best.push_back(c[3] == "1" ? std::stod(c[2]) : -1.0);
    }
    if (!out.by_seconds.seconds.empty()) out.seconds = out.by_seconds.seconds.back();
  }
  return out;
}

// The first evaluation (or second) at which the best feasible score reached target; -1: never.
double effort_to(const Curve& c, double target, bool in_seconds) {
  for (std::size_t i = 0; i < c.best.size(); ++i)
    if (c.best[i] >= target) return in_seconds ? c.seconds[i] : static_cast<double>(c.evaluations[i]);
  return -1;
}

std::string mean_sd(const std::vector<double>& v, const char* format) {
  if (v.empty()) return "—";
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  const double sd = v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : 0.0;
  return fmt::format(fmt::runtime(format), mean) + " ± " + fmt::format(fmt::runtime(format), sd);
}

std::string median_text(std::vector<double> v, std::size_t runs, const char* format) {
  std::vector<double> reached;
  for (double x : v)
    if (x >= 0) reached.push_back(x);
  if (reached.empty()) return "never";
  std::sort(reached.begin(), reached.end());
  const std::size_t n = reached.size();
  const double m = n % 2 ? reached[n / 2] : 0.5 * (reached[n / 2 - 1] + reached[n / 2]);
  return fmt::format(fmt::runtime(format), m) + (n < runs ? fmt::format(" ({}/{} runs)", n, runs) : "");
}

// (feasible, score) ordering, as the explorer ranks designs.
bool beats(const Result& a, const Result& b) {
  if (a.feasible != b.feasible) return a.feasible;
  return a.score > b.score;
}

struct CompareOptions {
  std::string file, out;
  int jobs = 0, threads = 1;
  bool force = false;
};

void write_tables(const CompareSpec& spec, const std::vector<RunSpec>& runs, const std::filesystem::path& out) {
  std::vector<Result> results;
  results.reserve(runs.size());
  for (const auto& r : runs) results.push_back(read_result(r));
  std::string runs_csv = "kind,regime,node,agent,seed,score,feasible,hypervolume,evaluations,seconds,evaluations_to_99,seconds_to_99\n";
  std::string curves_eval = "kind,regime,node,agent,seed,evaluation,best_feasible_score\n";
  std::string curves_sec = "kind,regime,node,agent,seed,seconds,evaluation,best_feasible_score\n";
  for (const auto& kind : spec.kinds) {
    std::string md = fmt::format("# meshforge compare: {} per run\n\n", kind.time_budget_s > 0 ? fmt::format("{} s of wall-clock", kind.time_budget_s)
                                                                                                  : fmt::format("{} evaluations", kind.budget));
    md += "Best score: mean ± sd over seeds (feasible runs / runs). Wins: seeds on which the row's agent found a better design "
          "(feasible first, then score) than the column's. To 99%: median evaluations and seconds until the best feasible score "
          "reached 99% of the best any run of this regime and node found.\n\n";
    std::string header = "| regime | node | agent | best score | hypervolume |";
    std::string rule = "|---|---|---|---|---|";
    for (const auto& a : spec.agents) {
      header += " wins vs " + a + " |";
      rule += "---|";
    }
    md += header + " evaluations to 99% | seconds to 99% |\n" + rule + "---|---|\n";
    for (const auto& regime : spec.regimes) {
      for (const auto& node : spec.nodes) {
        std::vector<const Result*> cell;
        for (const auto& res : results)
          if (res.ok && res.run->kind == &kind && res.run->regime == &regime && res.run->node == node) cell.push_back(&res);
        double target = -1;
        for (const auto* res : cell)
          if (res->feasible) target = std::max(target, res->score);
        target *= 0.99;
        for (const auto& agent : spec.agents) {
          std::vector<double> scores, hv, evals, secs;
          int feasible = 0;
          std::map<std::uint64_t, const Result*> by_seed;
          for (const auto* res : cell) {
            if (res->run->agent != agent) continue;
            scores.push_back(res->score);
            hv.push_back(res->hypervolume);
            feasible += res->feasible ? 1 : 0;
            by_seed[res->run->seed] = res;
            const double e = target > 0 ? effort_to(res->by_evaluation, target, false) : -1;
            const double t = target > 0 ? effort_to(res->by_seconds, target, true) : -1;
            evals.push_back(e);
            secs.push_back(t);
            runs_csv += fmt::format("{},{},{},{},{},{:.6f},{},{:.6g},{},{:.3f},{},{}\n", kind.name, regime.name, node, agent,
                                    res->run->seed, res->score, res->feasible ? 1 : 0, res->hypervolume, res->evaluations,
                                    res->seconds, e >= 0 ? fmt::format("{:.0f}", e) : "", t >= 0 ? fmt::format("{:.2f}", t) : "");
            const auto& ce = res->by_evaluation;
            for (std::size_t i = 0; i < ce.best.size(); ++i)
              curves_eval += fmt::format("{},{},{},{},{},{},{:.6f}\n", kind.name, regime.name, node, agent, res->run->seed,
                                         ce.evaluations[i], ce.best[i]);
            const auto& cs = res->by_seconds;
            for (std::size_t i = 0; i < cs.best.size(); ++i)
              if (i == 0 || i + 1 == cs.best.size() || cs.best[i] != cs.best[i - 1])
                curves_sec += fmt::format("{},{},{},{},{},{:.3f},{},{:.6f}\n", kind.name, regime.name, node, agent,
                                          res->run->seed, cs.seconds[i], cs.evaluations[i], cs.best[i]);
          }
          std::string row = fmt::format("| {} | {} | {} | {} ({}/{}) | {} |", regime.name, node, agent, mean_sd(scores, "{:.4f}"),
                                        feasible, scores.size(), mean_sd(hv, "{:.3g}"));
          for (const auto& other : spec.agents) {
            if (other == agent) {
              row += " — |";
              continue;
            }
            int wins = 0, pairs = 0;
            for (const auto* res : cell) {
              if (res->run->agent != other || !by_seed.count(res->run->seed)) continue;
              ++pairs;
              wins += beats(*by_seed[res->run->seed], *res) ? 1 : 0;
            }
            row += fmt::format(" {}/{} |", wins, pairs);
          }
          row += fmt::format(" {} | {} |\n", median_text(evals, scores.size(), "{:.0f}"), median_text(secs, scores.size(), "{:.1f}"));
          md += row;
        }
      }
    }
    write_file_atomically(out / (kind.name + ".md"), md);
    std::cout << md << "\n";
  }
  write_file_atomically(out / "runs.csv", runs_csv);
  write_file_atomically(out / "curves_evaluations.csv", curves_eval);
  write_file_atomically(out / "curves_seconds.csv", curves_sec);
  std::cout << fmt::format("wrote        {}, runs.csv, curves_evaluations.csv, curves_seconds.csv in {}\n",
                           [&] {
                             std::string s;
                             for (const auto& k : spec.kinds) s += (s.empty() ? "" : ", ") + k.name + ".md";
                             return s;
                           }(),
                           out.string());
}

}  // namespace

void add_compare_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* c = app.add_subcommand("compare", "Agents against each other: regimes x nodes x agents x seeds, tables and anytime curves");
  c->footer(
      "FILE (YAML) lists nodes, regimes (name -> explore options, as a campaign file), agents (names, or\n"
      "{agent: de, label: de-tuned, params: {f: 0.5}} for an agent with --agent-param values), seeds (a count\n"
      "or a list) and budget (evaluations per run) and/or time_budget_s (wall-clock per run); each budget\n"
      "kind gets its own set of runs and table. Every run is a meshforge explore process in\n"
      "OUT/<kind>/<regime>/<node>/<agent>/seed<S>/ (its log beside it), --jobs at a time. Writes OUT/<kind>.md\n"
      "(best score mean +- sd, hypervolume, seed-pair wins against each agent, evaluations and seconds to 99%\n"
      "of the best any run found), OUT/runs.csv and the anytime curves OUT/curves_evaluations.csv and\n"
      "OUT/curves_seconds.csv. Re-running the same command continues an interrupted comparison.\n"
      "Example: meshforge compare data/compare/llama-3nm.yaml --out runs/compare");
  c->add_option("file", o->file, "Compare file (YAML)")->required();
  c->add_option("--out", o->out, "Output directory (default: compare-FILE)");
  c->add_option("--jobs", o->jobs, "Runs at a time (default: the cores / --threads; equal wall-clock budgets are fair only "
                                   "when jobs x threads <= cores)")
      ->check(CLI::Range(1, 1024));
  c->add_option("--threads", o->threads, "Cores per run (explore --threads)")->check(CLI::Range(1, 1024))->capture_default_str();
  c->add_flag("--force", o->force, "Discard a comparison of another file in --out and start afresh");
  c->callback([o, &global] {
    // Under mpirun root decides which runs are left and each rank starts every size-th of them
    // (dist::share_of), --jobs at a time on its machine; root writes compare.json, the tables and
    // everything on stdout (docs/scale.md).
    dist::World& world = this_launch();
    const auto data = global.resolved_data_dir();
    CompareSpec spec;
    std::filesystem::path out;
    on_every_rank(world, [&] {
      spec = load_compare(o->file, data);
      out = o->out.empty() ? std::filesystem::path("compare-" + std::filesystem::path(o->file).stem().string()) : std::filesystem::path(o->out);
    });
    const auto identity = spec_json(spec);
    on_root(world, [&] {
      const auto saved = read_json(out / "compare.json");
      if (!saved.is_null() && nlohmann::json(identity) != saved) {
        if (!o->force)
          throw InputError((out / "compare.json").string(), "",
                           "--out holds a comparison of another spec: use another --out, or --force to discard it");
        std::error_code ec;
        for (const auto& k : {"evaluations", "seconds"}) std::filesystem::remove_all(out / k, ec);
      }
      check_writable(out, "--out");
      write_file_atomically(out / "compare.json", identity.dump(1) + "\n");
    });

    std::vector<RunSpec> runs;
    for (const auto& kind : spec.kinds)
      for (const auto& regime : spec.regimes)
        for (const auto& node : spec.nodes)
          for (const auto& agent : spec.agents)
            for (const auto seed : spec.seeds)
              runs.push_back({&kind, &regime, node, agent, seed,
                              out / kind.name / regime.name / node / agent / fmt::format("seed{}", seed),
                              spec.agent_of.at(agent).agent, spec.agent_of.at(agent).params});
    const int cores = world.distributed() ? cores_per_rank(world) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int jobs = o->jobs > 0 ? o->jobs : std::max(1, cores / o->threads);
    char self_path[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0) throw std::runtime_error("compare: cannot find the meshforge binary (/proc/self/exe)");
    const std::string self(self_path, static_cast<std::size_t>(n));

    // The runs left, as root sees them (one view of the files for every rank).
    std::vector<std::size_t> left;
    for (std::size_t i = 0; i < runs.size(); ++i)
      if (world.root() && !finished(runs[i])) left.push_back(i);
    if (world.distributed()) left = nlohmann::json::parse(world.broadcast(nlohmann::json(left).dump())).get<std::vector<std::size_t>>();
    for (const std::size_t i : left)
      if (i >= runs.size()) throw std::runtime_error("MPI: root sent a run outside the comparison");
    if (world.root())
      std::cerr << fmt::format("compare: {} runs ({} done before), {} at a time{}\n", runs.size(), runs.size() - left.size(), jobs,
                               world.distributed() ? fmt::format(" on each of {} ranks", world.size()) : "");
    // The runs left go to the ranks as their slots free (RunQueue): unequal runs keep every rank busy.
    RunQueue queue(world, left.size());
    const std::string prefix = rank_prefix(world);
    install_interrupt_handler();  // SIGINT, SIGTERM, SIGHUP (explore_common.h)
    std::map<pid_t, const RunSpec*> running;
    std::vector<std::string> failures;
    std::vector<std::size_t> ran;  // the runs this rank started and saw end, by index in runs
    std::size_t done = world.distributed() ? 0 : runs.size() - left.size();
    bool stopping = false;
    for (;;) {
      if (interrupt_requested() && !stopping) {
        // Each run saves its checkpoint and exits 130 (a terminal's Ctrl-C reaches them too; a
        // SIGTERM or SIGHUP sent to compare alone reaches them only this way).
        stopping = true;
        queue.stop();
        for (const auto& [pid, run] : running) ::kill(pid, SIGINT);
      }
      queue.serve();
      while (!stopping && static_cast<int>(running.size()) < jobs) {
        const auto item = queue.next();
        if (!item) break;
        const RunSpec* r = &runs[left[*item]];
        std::filesystem::create_directories(r->dir.parent_path());
        const pid_t pid = spawn(self, command_of(*r, data, o->threads), r->dir.string() + ".log");
        running[pid] = r;
      }
      if (running.empty()) {
        if (stopping || queue.closed()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // an answer from root on its way
        continue;
      }
      int status = 0;
      // Polled, so that a signal to compare alone is forwarded at once (std::signal restarts a
      // blocking wait).
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      if (pid < 0) {
        if (errno == EINTR) continue;
        break;
      }
      const auto it = running.find(pid);
      if (it == running.end()) continue;
      const RunSpec* r = it->second;
      running.erase(it);
      ran.push_back(static_cast<std::size_t>(r - runs.data()));
      ++done;
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (code != 0 && !(stopping && code == 130))
        failures.push_back(fmt::format("{} (exit {}): {}", r->dir.string(), code, last_line(r->dir.string() + ".log")));
      // Without MPI: runs done of all; under mpirun each rank counts its own.
      std::cerr << fmt::format("{}compare: {}  {} {} {} {} seed {}{}\n", prefix,
                               world.distributed() ? fmt::format("{} run{} done on this rank", done, done == 1 ? "" : "s")
                                                   : fmt::format("{}/{} runs", done, runs.size()),
                               r->kind->name, r->regime->name, r->node, r->agent, r->seed,
                               code == 0 ? "" : fmt::format("  (exit {})", code));
    }
    queue.finish();
    restore_default_signals();
    if (world.distributed()) {
      // Every rank's end: any rank stopped, every failure in rank order; all exit as root does.
      const auto all = world.all_gather(nlohmann::json{{"stopping", stopping}, {"failures", failures}, {"ran", ran}}.dump());
      stopping = false;
      failures.clear();
      std::vector<int> times(runs.size(), 0);
      for (const auto& text : all) {
        const auto j = nlohmann::json::parse(text);
        stopping = stopping || j.at("stopping").get<bool>();
        for (const auto& f : j.at("failures")) failures.push_back(f.get<std::string>());
        for (const auto& i : j.at("ran")) times.at(i.get<std::size_t>()) += 1;
      }
      // Every run left was run exactly once (an interrupted comparison starts fewer).
      for (const std::size_t i : left)
        if (times[i] != 1 && !(stopping && times[i] == 0))
          failures.push_back(fmt::format("{}: run {} times by the ranks", runs[i].dir.string(), times[i]));
      if (!world.root() && stopping) throw ExitStatus(interrupt_exit_status());
      if (!world.root() && !failures.empty()) throw ExitStatus(3);
    }
    if (stopping)
      throw Interrupted(fmt::format("interrupted; finished runs are kept and the rest continue when the same command runs again "
                                    "(meshforge compare {} --out {})",
                                    o->file, out.string()));
    if (!failures.empty())
      throw std::runtime_error(fmt::format("{} run{} failed, e.g. {}", failures.size(), failures.size() == 1 ? "" : "s", failures.front()));
    if (!world.root()) return;
    write_tables(spec, runs, out);
    if (write_run_report(out)) fmt::print("report       {}\n", (out / "report.html").string());
  });
}

}  // namespace meshforge::cli
