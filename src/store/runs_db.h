// The results database: every evaluation of a run in DIR/runs.db (SQLite), so that any design a
// search saw can be listed and written back long after the run, not only the best one.
//
// Schema (version kSchemaVersion, in PRAGMA user_version; docs/store.md has the tables):
//   runs(id, started_utc, command, model, node, mode, agent, seed, meshforge_version, settings_json)
//   designs(hash, name, yaml_deflate)        one row per distinct design, its canonical YAML as raw
//                                            deflate against meta.design_dictionary (schema 1: yaml text)
//   evaluations(run, evaluation, episode, design, score, feasible, violations, <metrics>)
// Crash safety: WAL journal, rows committed in batches (at most kBatchRows, and at every explorer
// checkpoint); a kill -9 loses at most the open batch and leaves the file consistent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "search/explorer.h"

namespace meshforge::store {

inline constexpr int kSchemaVersion = 2;  // 2: designs deflated against a stored dictionary
inline constexpr const char* kRunsDbFile = "runs.db";
inline constexpr int kBatchRows = 1024;

// The log an explorer writes into `db` (explorer.h's EvaluationLog). A fresh run replaces the file;
// a resumed one continues its run, dropping rows after the checkpoint. Rows are written by a
// background thread (serialising designs costs as much as evaluating them). `command` and the
// version are stored with the run. Errors surface as InputError naming the file, from start(),
// add() or flush().
std::shared_ptr<search::EvaluationLog> open_run_log(const std::filesystem::path& db, const std::string& command,
                                                    const std::string& meshforge_version);

// One stored evaluation, as `meshforge top` lists it.
struct StoredEvaluation {
  std::filesystem::path db;
  std::int64_t run = 0, evaluation = 0;
  std::string model, node, mode, agent;
  std::int64_t seed = 0;
  std::string design_hash, design_name;
  double score = 0;
  bool feasible = false;
  int violations = 0;
  double decode_tokens_per_second = 0, prefill_tokens_per_second = 0, time_to_first_token_s = 0;
  double power_w = 0, area_mm2 = 0, decode_energy_per_token_j = 0, clock_hz = 0;
  int tiles = 0;
};

struct TopQuery {
  std::string model, node, mode;  // empty = any
  int k = 10;
  bool feasible_only = false;
};

// The k best distinct designs (feasible first, then score) of one database. InputError naming the
// file when it is not a meshforge runs database, is corrupt, or has a newer schema.
std::vector<StoredEvaluation> top(const std::filesystem::path& db, const TopQuery& query);
// The canonical YAML of a stored design (InputError when the hash is not in the database).
std::string design_yaml(const std::filesystem::path& db, const std::string& hash);
// Rows of one run, in evaluation order (for tests and `top --run`): evaluation, design hash, score.
struct RunRow {
  std::int64_t evaluation = 0;
  std::string design_hash;
  double score = 0;
  bool operator==(const RunRow&) const = default;
};
std::vector<RunRow> run_rows(const std::filesystem::path& db, std::int64_t run = 1);

}  // namespace meshforge::store
