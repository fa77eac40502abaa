// meshforge sweep: the explorer on each of several nodes with the same agent settings, and a
// summary table of the best design per node.
#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <memory>
#include <set>

#include "cli/commands.h"
#include "cli/explore_common.h"
#include "cli/ranks.h"
#include "dist/world.h"
#include "report/run_record.h"
#include "common/atomic_file.h"
#include "common/input_error.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::cli {
namespace {


struct SweepOptions {
  ExploreSettings settings;
  std::string nodes;
  std::string out, resume;
  bool force = false;
  bool rtl = false;
};

std::vector<std::string> split_nodes(const std::string& text) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find(',', start), text.size());
    std::string n = text.substr(start, end - start);
    n.erase(0, n.find_first_not_of(" \t"));
    n.erase(n.find_last_not_of(" \t") + 1);
    if (n.empty()) throw InputError("", "--nodes", "expected a comma-separated list of nodes, got '" + text + "'");
    if (!seen.insert(n).second) throw InputError("", "--nodes", "node " + n + " is listed twice");
    out.push_back(n);
    start = end + 1;
  }
  return out;
}

constexpr const char* kSweepFile = "sweep.json";

// OUT/sweep.json: what `sweep --resume OUT` needs to finish the sweep (its settings and nodes).
void write_sweep_file(const std::filesystem::path& out, const ExploreSettings& s, const std::vector<std::string>& nodes,
                      bool rtl) {
  nlohmann::ordered_json j;
  j["format"] = 1;
  j["nodes"] = nodes;
  j["settings"] = s.to_run_info();
  j["rtl"] = rtl;
  write_file_atomically(out / kSweepFile, j.dump(1) + "\n", "--out");
}

struct SavedSweep {
  ExploreSettings settings;
  std::vector<std::string> nodes;
  bool rtl = false;
};

SavedSweep read_sweep_file(const std::filesystem::path& dir) {
  const auto file = dir / kSweepFile;
  std::ifstream in(file);
  if (!in) throw InputError(file.string(), "--resume", "not a sweep directory (no sweep.json): nothing to resume");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw InputError(file.string(), "", std::string("malformed JSON: ") + e.what());
  }
  SavedSweep out;
  try {
    if (j.at("format").get<int>() != 1) throw InputError(file.string(), "format", "written by another meshforge version");
    out.nodes = j.at("nodes").get<std::vector<std::string>>();
    out.settings = ExploreSettings::from_run_info(j.at("settings").get<std::map<std::string, std::string>>(), file.string());
    out.rtl = j.value("rtl", false);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file.string(), "", std::string("corrupt sweep file: ") + e.what());
  }
  if (out.nodes.empty()) throw InputError(file.string(), "nodes", "no nodes");
  return out;
}

}  // namespace

std::string sweep_summary_header() { return report::sweep_summary_csv_header(); }

std::string sweep_summary_row(const std::string& node, const ExploreResult& r) {
  report::SweepSummaryRow row;
  row.node = node;
  if (r.best.found) {
    row.design = &r.best.design;
    row.report = &r.best.report;
    row.score = r.best.score;
    row.feasible = r.best.feasible;
    row.found_at_evaluation = r.best.evaluation;
  }
  row.evaluations = r.evaluations;
  std::string out;
  report::append_sweep_summary_csv_row(out, row);
  return out;
}

void add_sweep_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* c = app.add_subcommand("sweep", "Run the explorer on several nodes and tabulate the best design per node");
  c->footer(
      "Each node gets a fresh agent with the same settings and seed; its explorer output goes to OUT/<node>/\n"
      "(meshforge sweep --resume OUT finishes an interrupted sweep: finished nodes are kept, the interrupted one\n"
      "continues from its checkpoint, the rest run; the summary equals an uninterrupted sweep's). OUT/summary.csv has one row\n"
      "per node: node, mesh_rows, mesh_cols, tokens_per_second_prefill, tokens_per_second_decode, power_w,\n"
      "area_mm2, ppa_score, feasible, clock, supply, DRAM, evaluations, throughput_unit (tokens, or inferences\n"
      "for an ONNX model without --token-dim) and per tile class (class0..class2) its tile count,\n"
      "fetch_width, vlen_bits, mac_rows, imem/wmem/amem bytes and weight storage.\n"
      "Example: meshforge sweep --model llama-3.1-8b --nodes 3nm,7nm,28nm --mode performance --budget 1000");
  c->add_option("--nodes", o->nodes, "Comma-separated nodes (default: all seven, 3nm..28nm)");
  add_explore_options(*c, o->settings);
  c->add_option("--out", o->out, "Output directory (default: sweep-MODEL-MODE)");
  c->add_option("--resume", o->resume, "Finish the sweep saved in this directory (its sweep.json and each node's checkpoint); "
                                       "--budget sets a new total per node");
  c->add_flag("--force", o->force, "Overwrite previous runs in --out");
  c->add_flag("--rtl", o->rtl, "Also write each node's best design as Verilog and collateral to OUT/NODE/rtl/");
  c->callback([o, c, &global] {
    // Under mpirun each rank runs every size-th node (dist::share_of) into OUT/<node>/; root writes
    // sweep.json, summary.csv and everything on stdout (docs/scale.md). The runs are independent:
    // the same files as one process gives.
    dist::World& world = this_launch();
    const auto data = global.resolved_data_dir();
    ExploreSettings s = o->settings;
    std::vector<std::string> nodes;
    std::filesystem::path out;
    bool rtl = o->rtl;
    const bool resume = !o->resume.empty();
    on_every_rank(world, [&] {
      if (resume) {
        out = o->resume;
        if (!o->out.empty() && std::filesystem::path(o->out) != out)
          throw InputError("", "--out", "not used with --resume: the sweep continues in " + out.string());
        if (!o->nodes.empty()) throw InputError("", "--nodes", "not used with --resume: the sweep keeps its nodes");
        SavedSweep saved = read_sweep_file(out);
        s = resumed_settings(*c, o->settings, saved.settings, (out / kSweepFile).string(), "sweep");
        nodes = saved.nodes;
        rtl = rtl || saved.rtl;
      } else {
        nodes = o->nodes.empty() ? tech::known_node_names() : split_nodes(o->nodes);
        out = o->out.empty() ? std::filesystem::path(fmt::format("sweep-{}-{}", std::filesystem::path(s.model).stem().string(), s.mode))
                             : std::filesystem::path(o->out);
      }
      for (const auto& n : nodes) tech::load_node(n, data);  // every node is known before anything runs
      workload::resolve_model(s.model, data);
      if (!s.from.empty()) resolve_design(s.from, data);
      if (!s.pick.empty()) parse_pick(s.pick);
      resolve_lanes(s);
      check_agent_params(s);
      check_warm_start(s);
      if (s.budget <= 0) s.budget = kDefaultBudget;
    });
    if (world.distributed() && s.threads <= 0) s.threads = cores_per_rank(world);  // not a run setting
    const auto summary_file = out / "summary.csv";
    const std::string header = sweep_summary_header();
    on_root(world, [&] {
      if (!resume) {
        for (const auto& n : nodes) check_fresh_output(out / n, o->force);
        check_writable(out, "--out");
        write_sweep_file(out, s, nodes, rtl);
      }
      write_file_atomically(summary_file, header, "--out");
    });

    // This rank's nodes, each to its end, an interruption or an error (which stops this rank's
    // share, as it stops a sweep of one process).
    struct NodeRun {
      std::size_t index = 0;
      std::string row;          // summary.csv's row, when finished
      Outcome outcome;          // how it ended otherwise
      std::int64_t evaluations = 0;
    };
    std::vector<NodeRun> mine;
    std::exception_ptr own_error;  // the exception itself when one of this rank's nodes failed
    std::vector<std::string> node_rows(nodes.size());  // summary.csv's row of each finished node
    auto write_summary = [&] {
      std::string summary = header;
      for (const auto& r : node_rows) summary += r;
      write_file_atomically(summary_file, summary, "--out");
    };
    install_interrupt_handler();
    for (const std::size_t i : dist::share_of(nodes.size(), world.rank(), world.size())) {
      NodeRun run;
      run.index = i;
      try {
        s.node = nodes[i];
        const auto dir = out / s.node;
        check_writable(dir, "--out");
        const std::string label = fmt::format("{}[{} {}/{}] ", rank_prefix(world), s.node, i + 1, nodes.size());
        // Resumed: a node with a checkpoint continues it (a finished one only rewrites its outputs).
        const bool continue_node = resume && std::filesystem::exists(dir / search::kCheckpointFile);
        if (continue_node) {
          const auto info = search::read_checkpoint_info(dir / search::kCheckpointFile);
          if (info.evaluations > s.budget)
            throw InputError((dir / search::kCheckpointFile).string(), "--budget",
                             fmt::format("{} is below the {} evaluations node {} already did", s.budget, info.evaluations, s.node));
        }
        const ExploreResult r = run_exploration(s, data, dir, continue_node, label);
        run.evaluations = r.evaluations;
        if (r.status == search::ExploreStatus::interrupted) {
          run.outcome = {Outcome::Kind::interrupted, interrupt_exit_status(), ""};
        } else {
          run.row = sweep_summary_row(s.node, r);
          node_rows[i] = run.row;
          if (rtl && r.best.found) write_best_rtl(dir, s.node, data);
          if (r.best.found) write_run_report(dir);
          if (!world.distributed()) write_summary();
        }
      } catch (...) {
        if (!world.distributed()) throw;
        own_error = std::current_exception();
        run.outcome = Outcome::of(own_error);
      }
      mine.push_back(run);
      if (!run.outcome.ok()) break;
    }
    restore_default_signals();

    // Every rank learns every node's end; root writes the summary of the finished ones.
    std::vector<NodeRun> all = mine;
    if (world.distributed()) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& r : mine)
        j.push_back({{"index", r.index}, {"row", r.row}, {"outcome", r.outcome.to_json()}, {"evaluations", r.evaluations}});
      all.clear();
      for (const auto& text : world.all_gather(j.dump()))
        for (const auto& e : nlohmann::json::parse(text)) {
          NodeRun r;
          r.index = e.at("index").get<std::size_t>();
          r.row = e.at("row").get<std::string>();
          r.outcome = Outcome::from_json(e.at("outcome"));
          r.evaluations = e.at("evaluations").get<std::int64_t>();
          if (r.index >= nodes.size()) throw std::runtime_error("MPI: a rank sent a node outside the sweep");
          all.push_back(r);
        }
      std::sort(all.begin(), all.end(), [](const NodeRun& a, const NodeRun& b) { return a.index < b.index; });
      std::vector<bool> seen(nodes.size(), false);
      for (const auto& r : all) {
        if (seen[r.index]) {
          if (!world.root()) throw ExitStatus(3);
          throw std::runtime_error("MPI: node " + nodes[r.index] + " was run by two ranks");
        }
        seen[r.index] = true;
        node_rows[r.index] = r.row;
      }
      if (world.root()) write_summary();
    }
    const std::size_t finished_nodes = static_cast<std::size_t>(
        std::count_if(node_rows.begin(), node_rows.end(), [](const std::string& r) { return !r.empty(); }));
    // The first failure in node order is the sweep's error (the exception itself on the rank that
    // ran it, when that is root); else the interrupted nodes; non-root ranks exit with root's status.
    for (const auto& r : all) {
      if (r.outcome.ok() || r.outcome.kind == Outcome::Kind::interrupted) continue;
      if (!world.root()) throw ExitStatus(r.outcome.status);
      if (own_error && mine.back().index == r.index) std::rethrow_exception(own_error);
      r.outcome.rethrow();
    }
    std::string stopped;
    std::int64_t stopped_evaluations = 0;
    int stopped_count = 0;
    for (const auto& r : all) {
      if (r.outcome.kind != Outcome::Kind::interrupted) continue;
      stopped += (stopped.empty() ? "" : ", ") + nodes[r.index];
      stopped_evaluations += r.evaluations;
      ++stopped_count;
    }
    if (stopped_count > 0) {
      if (!world.root()) throw ExitStatus(interrupt_exit_status());
      throw Interrupted(fmt::format("interrupted on node{} {} after {} evaluations; summary.csv has the {} finished node(s); "
                                    "finish the sweep with: meshforge sweep --resume {}",
                                    stopped_count > 1 ? "s" : "", stopped, stopped_evaluations, finished_nodes, out.string()));
    }
    if (finished_nodes != nodes.size()) {
      if (!world.root()) throw ExitStatus(3);
      throw std::runtime_error(fmt::format("sweep: {} of {} nodes came back from the ranks", finished_nodes, nodes.size()));
    }
    if (!world.root()) return;

    // The summary as a table.
    fmt::print("sweep of {} ({} mode), {} evaluations per node; best design per node:\n", s.model, s.mode,
               s.budget > 0 ? s.budget : kDefaultBudget);
    std::ifstream in(summary_file);
    std::string line;
    std::getline(in, line);
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
      if (f.size() > 16 && !f[1].empty()) rows.push_back(std::move(f));
    }
    const std::string unit = rows.empty() ? "tokens" : rows.front()[16];  // one model: one unit
    fmt::print("{:>5}  {:>7}  {:>16}  {:>16}  {:>10}  {:>10}  {:>6}  {}\n", "node", "mesh", "prefill " + unit + "/s",
               "decode " + unit + "/s", "power", "area mm2", "score", "feasible");
    for (const auto& f : rows)
      fmt::print("{:>5}  {:>7}  {:>16}  {:>16}  {:>10}  {:>10}  {:>6}  {}\n", f[0], f[1] + "x" + f[2], si(std::stod(f[3])),
                 si(std::stod(f[4])), si(std::stod(f[5]), "W"), fmt::format("{:.4g}", std::stod(f[6])), f[7].substr(0, 6),
                 f[8] == "1" ? "yes" : "no");
    fmt::print("wrote        {} and the explorer output of each node in {}/<node>/\n", summary_file.string(), out.string());
    if (write_run_report(out)) fmt::print("report       {}\n", (out / "report.html").string());
  });
}

}  // namespace meshforge::cli
