// The compare file (YAML; its format is in compare.cpp's header): agents, seeds, budgets, nodes
// and regimes of a comparison. A library function so that fuzz/ can feed it any bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/regimes.h"

namespace meshforge::cli {

// A wall-clock run's evaluation budget: larger than any run reaches in its time.
inline constexpr std::int64_t kUnboundedBudget = 1'000'000'000'000;

struct BudgetKind {
  std::string name;          // "evaluations" or "seconds"
  std::int64_t budget = 0;   // evaluations per run
  double time_budget_s = 0;  // wall-clock per run (0 = none)
};

struct CompareSpec {
  std::vector<std::string> nodes;
  std::vector<Regime> regimes;
  std::vector<std::string> agents;  // labels: the agent's name unless the file gives one
  struct AgentSpec {
    std::string agent;                 // registered name
    std::vector<std::string> params;   // explore --agent-param NAME=VALUE
  };
  std::map<std::string, AgentSpec> agent_of;  // label -> agent
  std::vector<std::uint64_t> seeds;
  std::vector<BudgetKind> kinds;
};

// Throws InputError(file, field) for anything malformed, unknown or out of range.
CompareSpec load_compare(const std::string& file, const std::filesystem::path& data);

}  // namespace meshforge::cli
