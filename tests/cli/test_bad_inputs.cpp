// The bad-input corpus (tests/bad_inputs/, written by make_corpus.py; issue 10): every input through
// the command its kind names must end with exactly one line on stderr, "meshforge: error: ...",
// naming the input's file (where the message can) and its field, exit status 1 or 2 — never a
// signal, never an internal error — and, for campaign and compare files, nothing created.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_binary.h"

namespace {

namespace fs = std::filesystem;
const fs::path kCorpus = fs::path(MESHFORGE_TESTS_DIR) / "bad_inputs";
const fs::path kData = MESHFORGE_TEST_DATA_DIR;

fs::path scratch() { return meshforge::testing::scratch_dir("bad_inputs_test"); }

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A data directory whose nodes/7nm.yaml is `node` (the rest links to the shipped data).
fs::path data_with_node(const fs::path& node) {
  const auto d = scratch() / "data";
  fs::remove_all(d);
  fs::create_directories(d / "nodes");
  for (const auto& e : fs::directory_iterator(kData)) {
    if (e.path().filename() == "nodes") continue;
    fs::create_symlink(e.path(), d / e.path().filename());
  }
  for (const auto& e : fs::directory_iterator(kData / "nodes")) fs::copy_file(e.path(), d / "nodes" / e.path().filename());
  fs::copy_file(node, d / "nodes" / "7nm.yaml", fs::copy_options::overwrite_existing);
  return d;
}

struct Case {
  std::string kind, file, field;
};

std::vector<Case> manifest() {
  std::ifstream in(kCorpus / "manifest.tsv");
  std::vector<Case> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream s(line);
    Case c;
    std::getline(s, c.kind, '\t');
    std::getline(s, c.file, '\t');
    std::getline(s, c.field, '\t');
    out.push_back(c);
  }
  return out;
}

TEST(BadInputs, EveryInputOfTheCorpusIsOneLineNamingFileAndField) {
  const auto cases = manifest();
  ASSERT_GE(cases.size(), 150u) << "the corpus holds at least 150 inputs (issue 10)";
  int checked = 0;
  for (const auto& c : cases) {
    const fs::path file = kCorpus / c.file;
    ASSERT_TRUE(fs::exists(file)) << c.file;
    const fs::path out = scratch() / "out";
    fs::remove_all(out);
    std::string args;
    bool names_file = true;
    if (c.kind == "config" || c.kind == "onnx") {
      args = "analyze " + shell_quoted(file.string());
    } else if (c.kind == "design") {
      args = "evaluate --model llama-3.1-8b --node 7nm --design " + shell_quoted(file.string());
    } else if (c.kind == "node") {
      args = "--data-dir " + shell_quoted(data_with_node(file).string()) + " evaluate --model llama-3.1-8b --node 7nm --design small-4x4";
      names_file = false;  // the message names the scratch copy, nodes/7nm.yaml
    } else if (c.kind == "campaign" || c.kind == "compare") {
      args = c.kind + " " + shell_quoted(file.string()) + " --out " + shell_quoted(out.string());
    } else if (c.kind == "checkpoint") {
      const auto run = scratch() / "run";
      fs::remove_all(run);
      fs::create_directories(run);
      fs::copy_file(file, run / "checkpoint.bin");
      args = "explore --resume " + shell_quoted(run.string());
      names_file = false;  // named as the run's checkpoint.bin
    } else if (c.kind == "cli") {
      std::ifstream in(file);
      for (std::string a; std::getline(in, a);) args += shell_quoted(a) + " ";
      names_file = false;
    } else {
      ADD_FAILURE() << "unknown kind " << c.kind << " in manifest.tsv";
      continue;
    }
    const auto r = meshforge::testing::run_meshforge(args, scratch());
    std::vector<std::string> lines;
    std::stringstream err(r.err);
    for (std::string l; std::getline(err, l);)
      if (l.rfind("meshforge: warning:", 0) != 0) lines.push_back(l);
    const std::string where = c.file + " (" + args + ")";
    EXPECT_TRUE(r.status == 1 || r.status == 2) << where << ": status " << r.status << "\n" << r.err;
    ASSERT_EQ(lines.size(), 1u) << where << ":\n" << r.err;
    EXPECT_EQ(lines[0].rfind("meshforge: error: ", 0), 0u) << where << ": " << lines[0];
    EXPECT_EQ(lines[0].find("internal error"), std::string::npos) << where << ": " << lines[0];
    if (names_file) {
      EXPECT_NE(lines[0].find(file.filename().string()), std::string::npos) << where << ": " << lines[0];
    }
    if (!c.field.empty()) {
      EXPECT_NE(lines[0].find(c.field), std::string::npos) << where << ": " << lines[0] << " (field " << c.field << ")";
    }
    if (c.kind == "campaign" || c.kind == "compare") {
      EXPECT_FALSE(fs::exists(out)) << where << ": created " << out;
    }
    if (c.kind == "checkpoint") {
      EXPECT_NE(lines[0].find("checkpoint.bin"), std::string::npos) << where << ": " << lines[0];
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(cases.size()));
}

}  // namespace
