// Both phases of a shipped model for one scenario, as the ppa tests need them.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "ppa/evaluate.h"
#include "workload/hf_config.h"

namespace meshforge::ppa::testing {

// The shipped micro-architecture and node libraries, loaded once per test program.
inline const Microarch& micro() {
  static const Microarch m = load_microarch(MESHFORGE_TEST_DATA_DIR);
  return m;
}

inline const tech::Node& node(const std::string& name) {
  static std::map<std::string, tech::Node> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, tech::load_node(name, MESHFORGE_TEST_DATA_DIR)).first;
  return it->second;
}

inline Workload shipped_workload(const std::string& model, workload::Precision precision,
                                 std::int64_t batch, std::int64_t seq_tokens, std::int64_t images = 1) {
  const auto spec = workload::parse_hf_config(std::filesystem::path(MESHFORGE_TEST_DATA_DIR) / "models" / (model + ".json"));
  workload::Scenario s;
  s.seq_tokens = seq_tokens;
  s.batch = batch;
  s.images = images;
  s.weight_precision = s.activation_precision = s.kv_precision = precision;
  s.phase = workload::Phase::prefill;
  Workload w{workload::build_hf_graph(spec, s), {}};
  s.phase = workload::Phase::decode;
  w.decode = workload::build_hf_graph(spec, s);
  return w;
}

}  // namespace meshforge::ppa::testing
