// The results database from the command line: every run writes runs.db, real SIGKILLs at any moment
// leave it consistent and resumable to the rows of an uninterrupted run, and `meshforge top` lists
// and writes back what it holds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "run_binary.h"
#include "store/runs_db.h"

namespace {

namespace fs = std::filesystem;
using meshforge::testing::CommandResult;

fs::path scratch() { return meshforge::testing::scratch_dir("store_cli_test"); }
CommandResult run(const std::string& args) { return meshforge::testing::run_meshforge(args, scratch()); }

using meshforge::testing::slurp;

fs::path dir(const std::string& name) {
  const auto d = scratch() / name;
  fs::remove_all(d);
  return d;
}

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

std::string integrity(const fs::path& db) {
  sqlite3* h = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return result;
}

const char* const kRun[] = {"explore", "--model", "llama-3.1-8b", "--node", "7nm", "--agent", "random", "--seq", "64",
                            "--seed", "4", "--checkpoint-seconds", "0.05"};

// Starts explore (fresh into out, or resuming it) with an endless budget and SIGKILLs it once
// progress.csv has grown by `grow` bytes.
void run_and_kill(const fs::path& out, bool resume, std::uintmax_t grow) {
  auto size = [&] {
    std::error_code ec;
    const auto n = fs::file_size(out / "progress.csv", ec);
    return ec ? std::uintmax_t{0} : n;
  };
  const auto start = size();
  std::vector<std::string> args{"explore", "--resume", out.string(), "--budget", "100000000", "--checkpoint-seconds", "0.05"};
  if (!resume) {
    args.assign(std::begin(kRun), std::end(kRun));
    for (const char* a : {"--budget", "100000000", "--out"}) args.emplace_back(a);
    args.push_back(out.string());
  }
  const pid_t pid = meshforge::testing::spawn_meshforge(args);
  ASSERT_GE(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && size() < start + grow)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGKILL);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  ASSERT_TRUE(WIFSIGNALED(raw)) << "explore ended before it was killed";
}

TEST(StoreCli, KillNineAtAnyMomentLeavesAConsistentDatabaseThatResumesToTheUninterruptedRows) {
  const auto out = dir("killed");
  const auto db = out / meshforge::store::kRunsDbFile;
  std::int64_t last = 0;
  // Three kills, the later two while resumed runs are writing.
  for (const auto& [resume, grow] : {std::pair{false, 30000}, {true, 70000}, {true, 15000}}) {
    run_and_kill(out, resume, static_cast<std::uintmax_t>(grow));
    ASSERT_FALSE(testing::Test::HasFatalFailure());
    EXPECT_EQ(integrity(db), "ok");
    const auto rows = meshforge::store::run_rows(db);  // throws when the file is not a readable runs.db
    ASSERT_FALSE(rows.empty());
    for (std::size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i].evaluation, static_cast<std::int64_t>(i + 1));
    last = rows.back().evaluation;
  }
  const std::string total = std::to_string(last + 37);
  const auto r = run("explore --resume " + out.string() + " --budget " + total);
  ASSERT_EQ(r.status, 0) << r.err;

  const auto ref = dir("killed_ref");
  std::string args;
  for (const char* a : kRun) args += std::string(a) + " ";
  ASSERT_EQ(run(args + "--budget " + total + " --out " + ref.string()).status, 0);
  EXPECT_EQ(meshforge::store::run_rows(ref / meshforge::store::kRunsDbFile), meshforge::store::run_rows(db));
  EXPECT_EQ(slurp(ref / "progress.csv"), slurp(out / "progress.csv"));
}

TEST(StoreCli, TopListsTheBestDesignsAndWritesOneBackForEvaluate) {
  const auto out = dir("top");
  ASSERT_EQ(run("explore --model llama-3.1-8b --node 7nm --agent random --seq 64 --budget 120 --out " + out.string()).status, 0);
  auto r = run("top " + out.string() + " -k 3 --write 1 " + (out / "first.yaml").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 1 + 3 + 1) << r.out;  // header, three designs, "wrote"
  // The first listed score is best_design.yaml's, and evaluate reproduces it from the written file.
  const auto listed = r.out.substr(r.out.find('\n') + 1);
  std::istringstream row(listed);
  std::string rank, score;
  row >> rank >> score;
  const auto e = run("evaluate --model llama-3.1-8b --node 7nm --seq 64 --design " + (out / "first.yaml").string());
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_THAT(e.out, ::testing::HasSubstr("PPA score    " + score));

  // Bad input: one line, exit 2, nothing written.
  const auto empty = dir("not_a_run");
  fs::create_directories(empty);
  r = run("top " + empty.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("runs.db"));
  r = run("top " + (out / "progress.csv").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  r = run("top " + out.string() + " --write 9 " + (out / "nine.yaml").string() + " -k 3");
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(fs::exists(out / "nine.yaml"));
}

}  // namespace
