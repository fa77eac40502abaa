#include "cli/compare_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "common/input_error.h"
#include "search/agents.h"

namespace meshforge::cli {
namespace {

std::int64_t positive_integer(const YAML::Node& n, const std::string& file, const std::string& field) {
  const std::string text = scalar_text(n, file, field);
  try {
    std::size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw InputError(file, field, "expected a positive whole number, got '" + text + "'");
}

}  // namespace

CompareSpec load_compare(const std::string& file, const std::filesystem::path& data) {
  const YAML::Node root = load_yaml_map(file, {"agents", "budget", "nodes", "regimes", "seeds", "time_budget_s"}, "compare");
  CompareSpec c;
  const YAML::Node agents = root["agents"];
  if (!agents || !agents.IsSequence() || agents.size() == 0) throw InputError(file, "agents", "expected a non-empty list of agents");
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const std::string field = fmt::format("agents[{}]", i);
    CompareSpec::AgentSpec a;
    std::string label;
    if (agents[i].IsMap()) {
      for (const auto& kv : agents[i]) {
        const std::string key = scalar_text(kv.first, file, field + ".<key>");
        if (key != "agent" && key != "label" && key != "params")
          throw InputError(file, field + "." + key, "unknown field (agent, label, params)");
      }
      if (!agents[i]["agent"]) throw InputError(file, field + ".agent", "missing: the registered agent to run");
      a.agent = scalar_text(agents[i]["agent"], file, field + ".agent");
      label = agents[i]["label"] ? scalar_text(agents[i]["label"], file, field + ".label") : a.agent;
      const YAML::Node params = agents[i]["params"];
      if (params && !params.IsMap()) throw InputError(file, field + ".params", "expected a map of parameter: value");
      if (params)
        for (const auto& kv : params) {
          const std::string name = scalar_text(kv.first, file, field + ".params.<key>");
          a.params.push_back(name + "=" + scalar_text(kv.second, file, field + ".params." + name));
        }
    } else {
      a.agent = label = scalar_text(agents[i], file, field);
    }
    if (!search::find_agent(a.agent)) {
      std::string known;
      for (const auto& n : search::agent_names()) known += (known.empty() ? "" : ", ") + n;
      throw InputError(file, field, "unknown agent '" + a.agent + "' (known: " + known + ")");
    }
    if (label.empty() || label.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos ||
        label[0] == '.')
      throw InputError(file, field + ".label", "'" + label + "' must be letters, digits, '_', '-' or '.' (it names a directory)");
    if (std::find(c.agents.begin(), c.agents.end(), label) != c.agents.end())
      throw InputError(file, field, "agent " + label + " is listed twice (give each its own label)");
    ExploreSettings check;
    check.agent = a.agent;
    check.agent_params = a.params;
    try {
      check_agent_params(check);
    } catch (const InputError& e) {
      throw InputError(file, field + ".params", e.reason());
    }
    c.agents.push_back(label);
    c.agent_of[label] = a;
  }
  const YAML::Node seeds = root["seeds"];
  if (!seeds) {
    c.seeds = {1};
  } else if (seeds.IsScalar()) {
    const auto n = positive_integer(seeds, file, "seeds");
    if (n > 1000) throw InputError(file, "seeds", "at most 1000 seeds");
    for (std::int64_t s = 1; s <= n; ++s) c.seeds.push_back(static_cast<std::uint64_t>(s));
  } else if (seeds.IsSequence() && seeds.size() > 0) {
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      const auto s = static_cast<std::uint64_t>(positive_integer(seeds[i], file, fmt::format("seeds[{}]", i)));
      if (std::find(c.seeds.begin(), c.seeds.end(), s) != c.seeds.end())
        throw InputError(file, fmt::format("seeds[{}]", i), "seed listed twice");
      c.seeds.push_back(s);
    }
  } else {
    throw InputError(file, "seeds", "expected a number of seeds or a non-empty list of seeds");
  }
  if (root["budget"]) c.kinds.push_back({"evaluations", positive_integer(root["budget"], file, "budget"), 0});
  if (root["time_budget_s"]) {
    const std::string text = scalar_text(root["time_budget_s"], file, "time_budget_s");
    double t = 0;
    try {
      std::size_t used = 0;
      t = std::stod(text, &used);
      if (used != text.size()) t = 0;
    } catch (const std::exception&) {
    }
    if (!(t > 0) || !std::isfinite(t)) throw InputError(file, "time_budget_s", "expected a positive number of seconds, got '" + text + "'");
    c.kinds.push_back({"seconds", kUnboundedBudget, t});
  }
  if (c.kinds.empty()) throw InputError(file, "budget", "give budget (evaluations per run), time_budget_s (seconds per run) or both");
  c.nodes = parse_nodes(root["nodes"], file, data);
  c.regimes = parse_regimes(root["regimes"], file, ExploreSettings{}, {"agent", "agent-param", "budget", "seed", "node", "lanes"},
                            "is set by the compare file's agents, seeds and budget", data);
  for (const auto& label : c.agents) {
    ExploreSettings s;
    s.agent = c.agent_of.at(label).agent;
    try {
      resolve_lanes(s);
    } catch (const InputError& e) {
      throw InputError(file, "agents", e.reason());
    }
  }
  return c;
}

}  // namespace meshforge::cli
