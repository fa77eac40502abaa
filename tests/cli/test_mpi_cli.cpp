// End-to-end under MPI: `mpirun -n 2 meshforge sweep | compare | campaign` on one machine
// (--oversubscribe) writes the same files as one process with the same seed, every run exactly
// once and the runs spread over both ranks (docs/scale.md). Skipped, saying why, when mpirun is
// not installed or the binary was built without MPI.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "run_binary.h"

namespace {

namespace fs = std::filesystem;
using meshforge::testing::CommandResult;
using meshforge::testing::slurp;

fs::path scratch() { return meshforge::testing::scratch_dir("mpi_cli_test"); }

// mpirun on the PATH (or Debian's /usr/bin/mpirun); empty when there is none.
std::string find_mpirun() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(std::string(path ? path : "") + ":/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const auto p = fs::path(dir) / "mpirun";
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return "";
}

// meshforge ARGS under `mpirun -n RANKS` (root needs --allow-run-as-root).
CommandResult run_ranks(int ranks, const std::string& args) {
  const std::string mpirun = find_mpirun();
  const std::string launcher = mpirun + " -n " + std::to_string(ranks) + " --oversubscribe" +
                               (::geteuid() == 0 ? " --allow-run-as-root" : "") + " -x MESHFORGE_REPORT=0 ";
  const auto err_file = scratch() / "stderr.txt";
  const std::string cmd = "MESHFORGE_REPORT=0 " + launcher + MESHFORGE_BINARY + " " + args + " 2>" + err_file.string();
  CommandResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = slurp(err_file);
  return r;
}

CommandResult run_one(const std::string& args) { return meshforge::testing::run_meshforge(args, scratch()); }

// Why there is nothing to test with: no mpirun, or a binary built without MPI ("" when it ran).
const char* const kNoMpirun = "mpirun not found (Debian openmpi-bin): MPI runs untested";
std::string built_without_mpi(const CommandResult& ranks) {
  return ranks.err.find("built without MPI") != std::string::npos
             ? "meshforge was built without MPI (MESHFORGE_MPI off): MPI runs untested"
             : "";
}
#define SKIP_WITHOUT_MPI()                                   \
  do {                                                       \
    if (find_mpirun().empty()) GTEST_SKIP() << kNoMpirun;    \
  } while (0)
#define SKIP_IF_BUILT_WITHOUT_MPI(result)                                          \
  do {                                                                             \
    if (const auto why = built_without_mpi(result); !why.empty()) GTEST_SKIP() << why; \
  } while (0)

// One command by one process into `one` and by two ranks into `two` (ARGS DIR); `skip` says why
// there is nothing to compare.
struct Pair {
  CommandResult one, two;
  std::string skip;
};
Pair run_pair(const std::string& args, const fs::path& one, const fs::path& two) {
  Pair p;
  if (find_mpirun().empty()) {
    p.skip = kNoMpirun;
    return p;
  }
  p.two = run_ranks(2, args + two.string());
  p.skip = built_without_mpi(p.two);
  if (p.skip.empty()) p.one = run_one(args + one.string());
  return p;
}

// Files that hold wall-clock or a process id, and so differ between any two runs with one seed
// (docs/scale.md): timeline.csv, the lock (its PID), the logs; runs.db's runs table (start time,
// command) too, so its evaluations and designs are compared row by row instead.
bool wall_clock_file(const fs::path& p) {
  const std::string name = p.filename().string();
  return name == "timeline.csv" || name == ".meshforge.lock" || name.rfind("runs.db", 0) == 0 || name == "stderr.txt" ||
         p.extension() == ".log";
}

// text with every `from` replaced by `to`.
std::string same_paths(std::string text, const fs::path& from, const fs::path& to) {
  for (auto at = text.find(from.string()); at != std::string::npos; at = text.find(from.string(), at + to.string().size()))
    text.replace(at, from.string().size(), to.string());
  return text;
}

// Every file below dir (relative path -> contents), but the wall-clock ones.
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && !wall_clock_file(e.path())) out[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return out;
}

// runs.db's evaluations and designs as text (its runs table holds the start time and the command,
// whose --out differs).
std::string db_rows(const fs::path& p) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(p.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open " + p.string();
  }
  for (const char* sql : {"SELECT * FROM evaluations ORDER BY run, evaluation", "SELECT hash, name FROM designs ORDER BY hash"}) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      out += "cannot read " + p.string();
      break;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const unsigned char* t = sqlite3_column_text(st, c);
        out += (t ? reinterpret_cast<const char*>(t) : "NULL") + std::string("|");
      }
      out += "\n";
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

// The same files with the same bytes in both trees; a file missing from either names itself.
void expect_same_tree(const fs::path& one, const fs::path& two) {
  const auto a = tree(one), b = tree(two);
  std::vector<std::string> names_a, names_b;
  for (const auto& [k, v] : a) names_a.push_back(k);
  for (const auto& [k, v] : b) names_b.push_back(k);
  ASSERT_EQ(names_a, names_b) << one << " vs " << two;
  // best_design.yaml's header names its own path.
  for (const auto& [k, v] : a) EXPECT_EQ(v, same_paths(b.at(k), two, one)) << k << " differs between 1 process and 2 ranks";
  for (const auto& e : fs::recursive_directory_iterator(one))
    if (e.path().filename() == "runs.db") {
      const auto rel = fs::relative(e.path(), one);
      const std::string rows = db_rows(e.path());
      EXPECT_GT(rows.size(), 0u) << rel;
      EXPECT_EQ(rows, db_rows(two / rel)) << rel << " holds other evaluations";
    }
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(MpiCli, SweepOnTwoRanksEqualsOneProcessEachNodeOnce) {
  const std::string args = "sweep --model smolvlm-256m-instruct --precision int8 --mode low-power --nodes 7nm,12nm,28nm "
                           "--budget 120 --seed 5 --threads 1 --out ";
  const auto one = scratch() / "sweep1", two = scratch() / "sweep2";
  const auto [r1, r2, skip] = run_pair(args, one, two);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(r2.status, 0) << r2.err;
  ASSERT_EQ(r1.status, 0) << r1.err;
  expect_same_tree(one, two);
  // Every node's last progress line once, nodes 1 and 3 on rank 0, node 2 on rank 1.
  EXPECT_EQ(count(r2.err, "rank 0: [7nm 1/3] 120/120"), 1) << r2.err;
  EXPECT_EQ(count(r2.err, "rank 1: [12nm 2/3] 120/120"), 1) << r2.err;
  EXPECT_EQ(count(r2.err, "rank 0: [28nm 3/3] 120/120"), 1) << r2.err;
  EXPECT_EQ(count(r2.err, "120/120 evaluations"), 3) << r2.err;
  // Root alone prints the table: stdout as one process's (but for the directory's name).
  EXPECT_EQ(same_paths(r2.out, two, one), r1.out);
  EXPECT_EQ(count(slurp(two / "summary.csv"), "\n"), 4);
}

// `start DIR` by one process into both `one` and `two`; then `more --resume DIR` continues `one` in
// one process and `two` on two ranks.
Pair run_resumed_pair(const std::string& start, const std::string& more, const fs::path& one, const fs::path& two) {
  Pair p;
  if (find_mpirun().empty()) {
    p.skip = kNoMpirun;
    return p;
  }
  for (const auto& dir : {one, two}) {
    p.one = run_one(start + dir.string());
    if (p.one.status != 0) return p;
  }
  p.two = run_ranks(2, more + " --resume " + two.string());
  p.skip = built_without_mpi(p.two);
  if (p.skip.empty()) p.one = run_one(more + " --resume " + one.string());
  return p;
}

TEST(MpiCli, SweepResumedOnTwoRanksEqualsResumedOnOneProcess) {
  const auto one = scratch() / "resume1", two = scratch() / "resume2";
  // To 80 evaluations per node.
  const auto [r1, r2, skip] = run_resumed_pair("sweep --model smolvlm-256m-instruct --precision int8 --mode low-power "
                                               "--nodes 7nm,28nm --seed 2 --threads 1 --budget 40 --out ",
                                               "sweep --threads 1 --budget 80", one, two);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(r1.status, 0) << r1.err;
  ASSERT_EQ(r2.status, 0) << r2.err;
  expect_same_tree(one, two);
  EXPECT_EQ(count(r2.err, "80/80 evaluations"), 2) << r2.err;
}

TEST(MpiCli, ExploreOnTwoRanksEqualsOneProcessEachBatchSpread) {
  // pso evaluates a generation of 20 designs per batch: rank 0 evaluates half of each, rank 1 the other half.
  const std::string args = "explore --model llama-3.1-8b --node 3nm --agent pso --budget 200 --seed 4 --threads 1 --out ";
  const auto one = scratch() / "explore1", two = scratch() / "explore2";
  const auto [r1, r2, skip] = run_pair(args, one, two);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(r2.status, 0) << r2.err;
  ASSERT_EQ(r1.status, 0) << r1.err;
  expect_same_tree(one, two);
  // explore's stdout names its wall-clock ("explored ... in 0.2 s"): compared without it.
  auto without_seconds = [](std::string text) {
    const auto line = text.find("explored "), end = text.find('\n', line);
    const auto in = text.rfind(" in ", end);
    if (line != std::string::npos && in != std::string::npos && in > line) text.erase(in, end - in);
    return text;
  };
  EXPECT_EQ(without_seconds(same_paths(r2.out, two, one)), without_seconds(r1.out));
  EXPECT_THAT(r2.err, ::testing::HasSubstr("each batch of 20 designs is evaluated by 2 ranks"));
  EXPECT_EQ(count(r2.err, "200/200 evaluations"), 1) << r2.err;
  EXPECT_THAT(r2.err, ::testing::ContainsRegex("explore: [1-9][0-9]* of the 200 evaluations went to rank 1 "));
}

TEST(MpiCli, ExploreResumedOnTwoRanksEqualsResumedOnOneProcess) {
  const auto one = scratch() / "explore_resume1", two = scratch() / "explore_resume2";
  const auto [r1, r2, skip] = run_resumed_pair("explore --model smolvlm-256m-instruct --precision int8 --mode low-power "
                                               "--node 7nm --agent random --seed 6 --threads 1 --budget 60 --out ",
                                               "explore --threads 1 --budget 120", one, two);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(r1.status, 0) << r1.err;
  ASSERT_EQ(r2.status, 0) << r2.err;
  expect_same_tree(one, two);
  EXPECT_THAT(r2.err, ::testing::HasSubstr("each batch of 8 designs is evaluated by 2 ranks"));
}

const std::string kCompare =
    "nodes: [28nm]\n"
    "regimes:\n"
    "  small: {model: smolvlm-256m-instruct, mode: low-power, precision: int8}\n"
    "agents: [random, random-walk, de]\n"
    "seeds: [1, 2]\n"
    "budget: 60\n";

TEST(MpiCli, CompareOnTwoRanksEqualsOneProcessEachRunOnce) {
  const auto file = meshforge::testing::write_text(scratch(), "compare.yaml", kCompare);
  const auto one = scratch() / "compare1", two = scratch() / "compare2";
  const auto [r1, r2, skip] = run_pair("compare " + file.string() + " --jobs 1 --out ", one, two);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(r2.status, 0) << r2.err;
  ASSERT_EQ(r1.status, 0) << r1.err;
  // runs.csv, the tables and the anytime curves carry each run's seconds: compared without them.
  auto without_seconds = [](const fs::path& p) {
    std::string out;
    std::stringstream in(slurp(p));
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> cells;
      std::stringstream ss(line);
      for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
      if (cells.size() >= 10) cells[9] = "";    // seconds
      if (cells.size() >= 12) cells[11] = "";   // seconds_to_99
      for (const auto& c : cells) out += c + ",";
      out += "\n";
    }
    return out;
  };
  EXPECT_EQ(without_seconds(one / "runs.csv"), without_seconds(two / "runs.csv"));
  EXPECT_EQ(slurp(one / "curves_evaluations.csv"), slurp(two / "curves_evaluations.csv"));
  EXPECT_EQ(slurp(one / "compare.json"), slurp(two / "compare.json"));
  for (const char* agent : {"random", "random-walk", "de"})
    for (const char* seed : {"seed1", "seed2"}) {
      const auto rel = fs::path("evaluations/small/28nm") / agent / seed;
      SCOPED_TRACE(rel.string());
      expect_same_tree(one / rel, two / rel);
    }
  // 6 runs, each started once, by whichever rank had a free slot: both ranks ran some.
  EXPECT_EQ(count(r2.err, " done on this rank  "), 6) << r2.err;
  EXPECT_EQ(count(r2.err, "rank 0: compare: 1 run done on this rank  "), 1) << r2.err;
  EXPECT_EQ(count(r2.err, "rank 1: compare: 1 run done on this rank  "), 1) << r2.err;
  for (const char* agent : {" random ", " random-walk ", " de "})
    for (const char* seed : {"seed 1\n", "seed 2\n"})
      EXPECT_EQ(count(r2.err, std::string("small 28nm") + agent + seed), 1) << agent << seed << r2.err;
}

TEST(MpiCli, CampaignOnTwoRanksEqualsOneProcess) {
  const auto file = meshforge::testing::write_text(scratch(), "campaign.yaml",
                                                   "nodes: [7nm, 28nm]\n"
                                                   "regimes:\n"
                                                   "  small: {model: smolvlm-256m-instruct, mode: low-power, precision: int8}\n"
                                                   "  big: {model: llama-3.1-8b, mode: performance, seq: 64}\n");
  const auto one = scratch() / "campaign1", two = scratch() / "campaign2";
  const std::string args = "campaign " + file.string() + " --budget 16 --experts 2 --seed 3 --out ";
  const auto [r1, r2, skip] = run_pair(args, one, two);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(r2.status, 0) << r2.err;
  ASSERT_EQ(r1.status, 0) << r1.err;
  expect_same_tree(one, two);
  EXPECT_EQ(same_paths(r2.out, two, one), r1.out);
  EXPECT_THAT(r2.err, ::testing::HasSubstr("rank 0 runs it"));
}

TEST(MpiCli, BadInputIsOneLineFromOneRank) {
  SKIP_WITHOUT_MPI();
  const auto r = run_ranks(2, "sweep --model llama-3.1-8b --nodes 7nm,9nm --budget 10 --out " + (scratch() / "bad").string());
  SKIP_IF_BUILT_WITHOUT_MPI(r);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(count(r.err, "meshforge: error:"), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("9nm"));
  EXPECT_FALSE(fs::exists(scratch() / "bad" / "sweep.json"));
}

}  // namespace
