// What a run adds around a design's ppa::Report, as plain data, and its writers: report.json's
// run keys (model, node, design, mode, search) and progress.csv's rows. The explorer and the CLI
// fill these structs; the keys, columns and formats live only here, under kReportSchemaVersion.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arch/design.h"
#include "ppa/report.h"

namespace meshforge::report {

// Which model, node, design and mode a report is of.
struct RunContext {
  std::string model, node, design, mode;
};

// The Pareto front a search kept (search/pareto.h), as report.json summarises it.
struct ParetoSummary {
  std::size_t points = 0;
  std::string file;          // pareto.csv, relative to the run directory
  double hypervolume = 0;
  // Objective name -> {worst, best} of the hypervolume's normalising box.
  std::vector<std::pair<std::string, std::array<double, 2>>> box_worst_best;
  struct Picked {
    std::array<double, 3> weights{};  // performance, power, area
    std::int64_t evaluation = 0;
    std::string file;
  };
  std::optional<Picked> picked;
};

// How the search that found the design ran.
struct SearchSummary {
  std::string agent;
  std::uint64_t seed = 0;
  std::int64_t evaluations = 0, found_at_evaluation = 0, episodes = 0;
  std::int64_t cache_hits_this_session = 0;  // answered by the design cache since the run (or resume) started
  std::string ended_on;                      // "budget", "time_budget" (not reproducible), or "stop"
  std::optional<double> time_budget_s;
  std::vector<std::pair<std::string, std::string>> settings;  // the run's options, as given
  // The agent's learning figures and named vectors (SAC-MoE: gate_usage, gate).
  std::int64_t agent_updates = 0;
  double critic_loss = 0, actor_loss = 0, entropy_temperature = 0;
  std::vector<std::pair<std::string, std::vector<double>>> agent_vectors;
  ParetoSummary pareto;
};

// report.json: to_json(report), then the context's keys, then "search" when given.
nlohmann::ordered_json to_json(const ppa::Report& report, const RunContext& context, const SearchSummary* search = nullptr);

// One row of progress.csv: an evaluation and the best design so far.
struct ProgressRow {
  std::int64_t evaluation = 0, episode = 0, step = 0;
  double score = 0;
  bool feasible = false;
  double reward = 0;
  double prefill_tokens_per_second = 0, decode_tokens_per_second = 0, power_w = 0, area_mm2 = 0;
  double best_score = 0;
  bool best_feasible = false;
  std::int64_t best_evaluation = 0;
  double best_prefill_tokens_per_second = 0, best_decode_tokens_per_second = 0, best_power_w = 0, best_area_mm2 = 0;
};
std::string progress_csv_header();                     // with its newline
void append_progress_csv_row(std::string& out, const ProgressRow& row);  // one line, with its newline

// One node's row of a sweep's summary.csv (sweep and campaign): the best design found there, or
// none (design null: the node columns only).
struct SweepSummaryRow {
  std::string node;
  const arch::Design* design = nullptr;
  const ppa::Report* report = nullptr;
  double score = 0;
  bool feasible = false;
  std::int64_t evaluations = 0, found_at_evaluation = 0;
};
inline constexpr int kSweepSummaryClasses = 3;  // tile classes with their own columns (class0_.. class2_)
std::string sweep_summary_csv_header();
void append_sweep_summary_csv_row(std::string& out, const SweepSummaryRow& row);

}  // namespace meshforge::report
