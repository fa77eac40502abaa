// The results database: every evaluation of an explorer run in runs.db, the same rows after a
// resume as without one, top-k by score, designs written back, and bad files as one-line errors
// that change nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "arch/design.h"
#include "common/input_error.h"
#include "search/explorer.h"
#include "search/nn/serialize.h"
#include "search/random_agent.h"
#include "store/runs_db.h"
#include "workload/model.h"
#include "../search/llama_world.h"

namespace {

using namespace meshforge;
namespace fs = std::filesystem;
const fs::path kData = MESHFORGE_TEST_DATA_DIR;

const meshforge::testing::LlamaWorld& world() { return meshforge::testing::llama_world(64); }
fs::path fresh_dir(const std::string& name) {
  auto dir = meshforge::testing::fresh_dir("store_test", name);
  fs::create_directories(dir);
  return dir;
}
using meshforge::testing::slurp;

// A random-agent run of `budget` evaluations into dir with its runs.db (resumed when asked).
std::int64_t explore(const fs::path& dir, std::int64_t budget, bool resume = false) {
  const auto& w = world();
  search::EnvironmentConfig ec;
  ec.episode_steps = 4;
  search::Environment env(w.work, w.node, w.micro, w.scenario, ec);
  search::RandomAgent agent(env.action_dims(), 3);
  search::ExplorerConfig c;
  c.budget = budget;
  c.seed = 3;
  c.out_dir = dir;
  c.checkpoint_seconds = 0;
  c.run_info = {{"model", "llama-3.1-8b"}, {"node", "7nm"}, {"mode", "performance"}, {"agent", "random"}, {"seed", "3"}};
  c.log = store::open_run_log(dir / store::kRunsDbFile, "test", "0.0");
  search::Explorer explorer(env, agent, c);
  if (resume) explorer.resume();
  explorer.run();
  return explorer.evaluations();
}

// The score column of progress.csv (its 4th), one per evaluation.
std::vector<double> progress_scores(const fs::path& dir) {
  std::ifstream in(dir / search::kProgressFile);
  std::string line;
  std::getline(in, line);
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string cell;
    for (int i = 0; i < 4; ++i) std::getline(s, cell, ',');
    out.push_back(std::stod(cell));
  }
  return out;
}

void sql(const fs::path& db, const std::string& statement) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

TEST(RunsDb, HoldsEveryEvaluationOfTheRunAsProgressCsvDoes) {
  const auto dir = fresh_dir("every");
  ASSERT_EQ(explore(dir, 60), 60);
  const auto rows = store::run_rows(dir / store::kRunsDbFile);
  const auto scores = progress_scores(dir);
  ASSERT_EQ(rows.size(), 60u);
  ASSERT_EQ(scores.size(), 60u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].evaluation, static_cast<std::int64_t>(i + 1));
    EXPECT_NEAR(rows[i].score, scores[i], 1e-8 * std::max(1.0, scores[i]));
  }
}

TEST(RunsDb, TopListsDistinctDesignsBestFirstAndWritesThemBack) {
  const auto dir = fresh_dir("top");
  explore(dir, 80);
  const auto db = dir / store::kRunsDbFile;
  store::TopQuery q;
  q.k = 5;
  const auto best = store::top(db, q);
  ASSERT_EQ(best.size(), 5u);
  for (std::size_t i = 1; i < best.size(); ++i) {
    EXPECT_TRUE(best[i - 1].feasible >= best[i].feasible);
    if (best[i - 1].feasible == best[i].feasible) {
      EXPECT_GE(best[i - 1].score, best[i].score);
    }
    EXPECT_NE(best[i - 1].design_hash, best[i].design_hash);
  }
  EXPECT_EQ(best[0].model, "llama-3.1-8b");
  EXPECT_EQ(best[0].node, "7nm");
  EXPECT_EQ(best[0].agent, "random");
  EXPECT_EQ(best[0].seed, 3);
  // The best stored design is the run's best design.
  const arch::Design stored = arch::parse_design_yaml(store::design_yaml(db, best[0].design_hash), "runs.db");
  arch::Design saved = arch::load_design(dir / search::kBestDesignFile);
  saved.name = stored.name;
  EXPECT_EQ(stored, saved);
  // Filters.
  q.node = "3nm";
  EXPECT_TRUE(store::top(db, q).empty());
  EXPECT_THROW(store::design_yaml(db, "0000000000000000"), InputError);
}

// Designs are deflated against the database's first design: every one reads back as the exact
// canonical YAML of the evaluated design, at a fraction of its size; a schema-1 database (text
// YAML) still reads; a damaged design is an error naming the file and column.
TEST(RunsDb, DesignsAreStoredCompressedAndReadBackExactly) {
  const auto dir = fresh_dir("compressed");
  explore(dir, 120);
  const auto db = dir / store::kRunsDbFile;
  store::TopQuery q;
  q.k = 1000;
  const auto all = store::top(db, q);
  ASSERT_GT(all.size(), 50u);
  std::size_t text_bytes = 0;
  for (const auto& e : all) {
    const std::string yaml = store::design_yaml(db, e.design_hash);
    EXPECT_EQ(fmt::format("{:016x}", search::nn::io::fnv1a(yaml)), e.design_hash);  // the exact canonical text
    text_bytes += yaml.size();
  }
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT sum(length(yaml_deflate)), count(*) FROM designs", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const auto stored_bytes = static_cast<std::size_t>(sqlite3_column_int64(st, 0));
  EXPECT_EQ(static_cast<std::size_t>(sqlite3_column_int64(st, 1)), all.size());
  sqlite3_finalize(st);
  sqlite3_close(h);
  EXPECT_LT(stored_bytes * 4, text_bytes) << stored_bytes << " bytes stored for " << text_bytes << " of YAML";

  // Schema 1: the same database with its designs as text.
  const auto old_db = dir / "v1.db";
  fs::copy_file(db, old_db);
  const std::string hash = all.front().design_hash, yaml = store::design_yaml(db, hash);
  std::string quoted;
  for (char c : yaml) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  sql(old_db, "CREATE TABLE designs1(hash TEXT NOT NULL UNIQUE, name TEXT, yaml TEXT NOT NULL);"
              "INSERT INTO designs1 VALUES ('" + hash + "', 'design', '" + quoted + "');"
              "DROP TABLE designs; ALTER TABLE designs1 RENAME TO designs; PRAGMA user_version = 1;");
  EXPECT_EQ(store::design_yaml(old_db, hash), yaml);

  // A damaged design.
  sql(db, "UPDATE designs SET yaml_deflate = x'00ff00ff' WHERE hash = '" + hash + "'");
  try {
    store::design_yaml(db, hash);
    ADD_FAILURE() << "read a damaged design";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("runs.db"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("yaml_deflate"), std::string::npos) << e.what();
  }
}

TEST(RunsDb, ResumeAfterACrashGivesTheRowsOfAnUninterruptedRun) {
  const auto whole = fresh_dir("whole"), split = fresh_dir("split");
  explore(whole, 40);
  explore(split, 30);
  // A crash after the checkpoint of evaluation 30: the database went on to 50, the checkpoint did not.
  const auto checkpoint = slurp(split / search::kCheckpointFile);
  explore(split, 50, true);
  std::ofstream(split / search::kCheckpointFile, std::ios::binary | std::ios::trunc) << checkpoint;
  ASSERT_EQ(store::run_rows(split / store::kRunsDbFile).size(), 50u);
  // Resumed to a total below what the database reached: the rows after the checkpoint are dropped.
  explore(split, 40, true);
  EXPECT_EQ(store::run_rows(split / store::kRunsDbFile).size(), 40u);
  EXPECT_EQ(store::run_rows(whole / store::kRunsDbFile), store::run_rows(split / store::kRunsDbFile));
  EXPECT_EQ(slurp(whole / search::kProgressFile), slurp(split / search::kProgressFile));
}

TEST(RunsDb, BadFilesAreOneLineErrorsNamingTheFileAndChangeNothing) {
  const auto dir = fresh_dir("bad");
  auto expect_error = [](const fs::path& file, const std::string& says) {
    const std::string before = fs::exists(file) ? slurp(file) : "";
    try {
      store::top(file, {});
      ADD_FAILURE() << file << " was read";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(file.string()), std::string::npos) << what;
      EXPECT_NE(what.find(says), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
    if (fs::exists(file)) {
      EXPECT_EQ(slurp(file), before);
    }
  };
  expect_error(dir / "missing.db", "no such file");
  std::ofstream(dir / "text.db") << "index,score\n1,0.5\n";
  expect_error(dir / "text.db", "not a meshforge runs database");
  // Another program's SQLite database.
  sql(dir / "other.db", "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
  expect_error(dir / "other.db", "not a meshforge runs database");
  // A runs.db whose pages were overwritten (its header survives).
  const auto run = fresh_dir("bad_run");
  explore(run, 30);
  const auto whole = slurp(run / store::kRunsDbFile);
  std::ofstream(dir / "garbage.db", std::ios::binary) << whole.substr(0, 100) << std::string(8192, '\x5a');
  expect_error(dir / "garbage.db", "runs database");
  // A database from a newer meshforge.
  fs::copy_file(run / store::kRunsDbFile, dir / "newer.db");
  sql(dir / "newer.db", "PRAGMA user_version = 99;");
  expect_error(dir / "newer.db", "newer");
}

}  // namespace
