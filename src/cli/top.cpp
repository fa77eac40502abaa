// meshforge top: the best designs any run stored in its runs.db (store/runs_db.h), across one run,
// a sweep or a comparison, and any of them written back as a design YAML.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <utility>

#include "cli/commands.h"
#include "common/atomic_file.h"
#include "common/format.h"
#include "common/input_error.h"
#include "store/runs_db.h"

namespace meshforge::cli {
namespace {

struct TopOptions {
  std::string path;
  store::TopQuery query;
  std::pair<int, std::string> write{0, ""};
  bool write_given = false;
};

// PATH itself when it is a file; else every runs.db below the directory, in path order.
std::vector<std::filesystem::path> databases(const std::string& path) {
  namespace fs = std::filesystem;
  if (!fs::exists(path)) throw InputError(path, "", "no such file or directory");
  if (!fs::is_directory(path)) return {path};
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied))
    if (e.is_regular_file() && e.path().filename() == store::kRunsDbFile) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  if (out.empty()) throw InputError(path, "", fmt::format("not a run: no {} in it or below it", store::kRunsDbFile));
  return out;
}

void run_top(const TopOptions& o) {
  std::vector<store::StoredEvaluation> all;
  for (const auto& db : databases(o.path)) {
    auto rows = store::top(db, o.query);
    all.insert(all.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.feasible != b.feasible ? a.feasible : a.score > b.score;
  });
  // A design several runs found is listed once, at its best.
  std::vector<store::StoredEvaluation> best;
  for (auto& e : all) {
    if (static_cast<int>(best.size()) >= o.query.k) break;
    if (std::none_of(best.begin(), best.end(), [&](const auto& b) { return b.design_hash == e.design_hash; }))
      best.push_back(std::move(e));
  }
  if (best.empty()) throw InputError(o.path, "", "no evaluation matches (--model / --node / --mode / --feasible)");

  const auto root = std::filesystem::is_directory(o.path) ? std::filesystem::path(o.path) : std::filesystem::path();
  std::cout << fmt::format("{:>4}  {:>7}  {:>8}  {:>11}  {:>11}  {:>9}  {:>10}  {:>5}  {:<24} {:<5} {:<11} {:<11} {:>4}  {}\n",
                           "rank", "score", "feasible", "decode/s", "prefill/s", "power", "area", "tiles", "model", "node",
                           "mode", "agent", "seed", "run / evaluation / design");
  for (std::size_t i = 0; i < best.size(); ++i) {
    const auto& e = best[i];
    const auto dir = e.db.parent_path();
    const std::string where = root.empty() ? dir.string() : std::filesystem::relative(dir, root).string();
    std::cout << fmt::format("{:>4}  {:>7.4f}  {:>8}  {:>11}  {:>11}  {:>9}  {:>10}  {:>5}  {:<24} {:<5} {:<11} {:<11} {:>4}  {} #{} {}\n",
                             i + 1, e.score, e.feasible ? "yes" : fmt::format("no ({})", e.violations),
                             si(e.decode_tokens_per_second), si(e.prefill_tokens_per_second), si(e.power_w, "W"),
                             fmt::format("{:.4g} mm2", e.area_mm2), e.tiles, e.model, e.node, e.mode, e.agent, e.seed,
                             where.empty() ? "." : where, e.evaluation, e.design_hash);
  }
  const auto& [rank, file] = o.write;
  if (!o.write_given) return;
  if (rank < 1 || rank > static_cast<int>(best.size()))
    throw InputError("", "--write", fmt::format("rank {} is not listed (1-{})", rank, best.size()));
  const auto& e = best[static_cast<std::size_t>(rank - 1)];
  const std::string header = fmt::format(
      "# Design {} from {} (run {}, evaluation {}): {} on {}, {} mode, agent {} seed {}; score {:.6g}{}.\n"
      "# Evaluate: meshforge evaluate --model {} --node {} --mode {} --design {}\n",
      e.design_hash, e.db.string(), e.run, e.evaluation, e.model, e.node, e.mode, e.agent, e.seed, e.score,
      e.feasible ? "" : " (infeasible)", e.model, e.node, e.mode, file);
  write_file_atomically(file, header + store::design_yaml(e.db, e.design_hash), "--write");
  std::cout << fmt::format("wrote {} (rank {})\n", file, rank);
}

}  // namespace

void add_top_command(CLI::App& app, const GlobalOptions& /*global*/) {
  auto o = std::make_shared<TopOptions>();
  CLI::App* c = app.add_subcommand("top", "The best designs stored in a run's runs.db (explore, sweep, campaign or compare), written back as YAML on request");
  c->footer(
      "PATH is a runs.db file or a run directory; a directory is searched for every runs.db below it\n"
      "(a sweep's nodes, a comparison's runs). Every evaluation of a run is stored there; each design\n"
      "is listed once, at its best evaluation: feasible designs first, then by PPA score.\n"
      "Example: meshforge top out/sweep-llama --node 7nm -k 5 --write 2 second.yaml");
  c->add_option("path", o->path, "A runs.db file or a directory holding runs")->required();
  c->add_option("--model", o->query.model, "Only runs of this model (the name runs.db stores, e.g. llama-3.1-8b)");
  c->add_option("--node", o->query.node, "Only runs on this node (e.g. 7nm)");
  c->add_option("--mode", o->query.mode, "Only runs in this mode (performance or low-power)");
  c->add_option("-k", o->query.k, "How many designs to list")->check(CLI::Range(1, 1000000))->capture_default_str();
  c->add_flag("--feasible", o->query.feasible_only, "Only feasible designs");
  c->add_option("--write", o->write, "RANK FILE: write the listed design of this rank as a design YAML");
  c->callback([o, c] {
    o->write_given = c->get_option("--write")->count() > 0;
    run_top(*o);
  });
}

}  // namespace meshforge::cli
