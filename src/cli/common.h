// Shared pieces of the command-line front end: data directory, number formatting, options.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "workload/graph.h"
#include "workload/onnx_import.h"

namespace meshforge::cli {

// Where shipped data lives: --data-dir, else $MESHFORGE_DATA_DIR, else <binary>/../data or the
// source tree's data/ recorded at build time.
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

  void add_to(CLI::App& command);
  workload::Scenario scenario(workload::Phase phase_override) const;
  workload::Scenario scenario() const;
  workload::SymbolicDims symbolic_dims() const;
};

// 1.23 G, 456 M, ... with a unit suffix; "0" for zero.
std::string si(double value, const std::string& unit = "");
// Bytes in binary units: 1.5 GiB, 64 KiB.
std::string bytes(double value);
std::string with_commas(std::int64_t value);

}  // namespace meshforge::cli
