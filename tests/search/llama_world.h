// What the explorer and results-database tests run on: Llama 3.1 8B at 7 nm in performance mode
// (short sequences keep an evaluation fast), scratch directories removed when the process exits.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "ppa/evaluate.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::testing {

struct LlamaWorld {
  ppa::Workload work;
  tech::Node node;
  ppa::Microarch micro;
  ppa::Scenario scenario;
  explicit LlamaWorld(std::int64_t seq_tokens) {
    const std::filesystem::path data = MESHFORGE_TEST_DATA_DIR;
    const auto file = workload::resolve_model("llama-3.1-8b", data);
    workload::Scenario s;
    s.seq_tokens = seq_tokens;
    s.phase = workload::Phase::prefill;
    work.prefill = workload::build_graph(file, s);
    s.phase = workload::Phase::decode;
    work.decode = workload::build_graph(file, s);
    node = tech::load_node("7nm", data);
    micro = ppa::load_microarch(data);
    scenario.budgets = ppa::defaults_for(scenario.mode);
  }
};
// One world per sequence length, built on first use.
inline const LlamaWorld& llama_world(std::int64_t seq_tokens) {
  static std::map<std::int64_t, std::unique_ptr<LlamaWorld>> worlds;
  auto& w = worlds[seq_tokens];
  if (!w) w = std::make_unique<LlamaWorld>(seq_tokens);
  return *w;
}

// An empty directory `name` under one directory per test process (tag names it), removed when
// the process exits.
inline std::filesystem::path fresh_dir(const std::string& tag, const std::string& name) {
  namespace fs = std::filesystem;
  struct Root {
    fs::path path;
    ~Root() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  };
  static const Root root{fs::temp_directory_path() / ("meshforge_" + tag + "_" + std::to_string(::getpid()))};
  const auto dir = root.path / name;
  fs::remove_all(dir);
  return dir;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace meshforge::testing
