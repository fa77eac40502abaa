// Shared pieces of the command-line front end: data directory, number formatting, options.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "common/format.h"  // si(), bytes(): every number printed for people
#include "ppa/evaluate.h"
#include "workload/graph.h"
#include "workload/onnx_import.h"

namespace meshforge::cli {

// Option checks for real numbers that must be finite (CLI11's PositiveNumber lets "nan" through):
// > 0, or >= 0. And a check for unsigned options that refuses a minus sign (CLI11 would wrap -1).
const CLI::Validator& finite_positive();
const CLI::Validator& finite_non_negative();
const CLI::Validator& no_minus_sign();
// Generous bound on evaluation budgets (far beyond any run; larger would overflow the counters).
inline constexpr std::int64_t kMaxBudget = 1'000'000'000'000;
// Generous bounds on a scenario (larger than any model's context or any serving batch), so that
// products such as batch x context x layers x hidden stay far inside 64 bits.
inline constexpr std::int64_t kMaxTokens = workload::kMaxScenarioTokens;  // 16.8 M tokens of prompt or context
inline constexpr std::int64_t kMaxBatch = std::int64_t{1} << 20;   // 1 M sequences
inline constexpr std::int64_t kMaxImages = workload::kMaxImagesPerSequence;
inline constexpr std::int64_t kMaxImageSplit = workload::kMaxImageTilesPerSide;  // 64 x 64 tiles per image

// Where shipped data lives: --data-dir, else $MESHFORGE_DATA_DIR, else <binary>/data,
// <binary>/../data or <binary>/../share/meshforge (an install), else the source tree's data/
// recorded at build time.
// <binary>/../share/meshforge, where `cmake --install` puts the data and the report script ("" if the
// binary's path is unknown).
std::filesystem::path installed_share_dir();

struct GlobalOptions {
  std::string data_dir;
  std::filesystem::path resolved_data_dir() const;
};

// Scenario options shared by analyze / evaluate / explore.
struct ScenarioOptions {
  std::string phase = "decode";
  std::int64_t seq = 512;
  std::int64_t ctx = 0;
  std::int64_t batch = 1;
  std::int64_t images = 1;
  std::int64_t image_split = 0;
  std::string precision = "fp16";
  std::string weight_precision, activation_precision, kv_precision;
  std::vector<std::string> dims;   // NAME=VALUE for ONNX symbolic dimensions
  std::string token_dim;           // ONNX: the symbolic dimension that counts tokens; empty = inferences
  bool images_given = false;       // --images was on the command line (not the default)

  void add_to(CLI::App& command);
  workload::Scenario scenario(workload::Phase phase_override) const;
  workload::Scenario scenario() const;
  workload::SymbolicDims symbolic_dims() const;
};

std::string with_commas(std::int64_t value);

// A child process (compare's runs, report's matplotlib script): argv[0] is the program's path;
// its stdout goes to `output` (stderr too when `with_stderr`), or stays the caller's when output is
// empty; `env` is set in the child only. Throws std::runtime_error when it cannot fork; an exec
// that fails exits the child with 127.
int start_process(const std::vector<std::string>& argv, const std::filesystem::path& output, bool with_stderr,
                  const std::vector<std::pair<std::string, std::string>>& env = {});
// Waits for it: its exit status, 128 + the signal that ended it.
int wait_process(int pid);

// A design file, or the name of a shipped one in data_dir/designs (InputError listing them).
std::filesystem::path resolve_design(const std::string& name_or_path, const std::filesystem::path& data_dir);
// The score scenario of a mode with its default budgets, overridden where a value is given
// (> 0 for the budgets, >= 0 for the throughput target and the fixed clock).
ppa::Scenario make_ppa_scenario(const std::string& mode, workload::Phase scored, double power_budget_w,
                                double area_budget_mm2, double min_tps, double fixed_clock_mhz,
                                double max_ttft_s = -1);
// Both phases of a model for the scenario options. Their warnings include options the model
// cannot honour: --images given for a model without a vision tower.
ppa::Workload build_workload(const std::filesystem::path& model_file, const ScenarioOptions& o);

}  // namespace meshforge::cli
