// Campaign and compare files: nodes and regimes (regimes.h).
#include "cli/regimes.h"

#include <fmt/format.h>

#include "common/input_error.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::cli {

YAML::Node load_yaml_map(const std::string& file, const std::set<std::string>& keys, const std::string& what) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw InputError(file, "", "cannot open the " + what + " file");
  } catch (const YAML::Exception& e) {
    const std::string where = e.mark.is_null() ? std::string() : fmt::format("line {}, column {}", e.mark.line + 1, e.mark.column + 1);
    throw InputError(file, where, "malformed YAML: " + e.msg);
  }
  std::string expected;
  for (const auto& k : keys) expected += (expected.empty() ? "" : ", ") + k;
  if (!root.IsMap()) throw InputError(file, "", "expected a map with " + expected);
  for (const auto& kv : root) {
    const auto key = kv.first.Scalar();
    if (!keys.count(key)) throw InputError(file, key, "unknown key (expected " + expected + ")");
  }
  return root;
}

std::string scalar_text(const YAML::Node& n, const std::string& file, const std::string& field) {
  if (!n.IsScalar()) throw InputError(file, field, "expected a single value");
  return n.Scalar();
}

std::vector<std::string> parse_nodes(const YAML::Node& nodes, const std::string& file, const std::filesystem::path& data) {
  std::vector<std::string> out;
  if (!nodes) {
    out = tech::known_node_names();
  } else {
    if (!nodes.IsSequence() || nodes.size() == 0) throw InputError(file, "nodes", "expected a non-empty list of nodes");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const auto n = scalar_text(nodes[i], file, fmt::format("nodes[{}]", i));
      if (!seen.insert(n).second) throw InputError(file, fmt::format("nodes[{}]", i), "node " + n + " is listed twice");
      out.push_back(n);
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    try {
      tech::load_node(out[i], data);
    } catch (const InputError& e) {
      throw InputError(file, nodes ? fmt::format("nodes[{}]", i) : "nodes", e.reason());
    }
  }
  return out;
}

std::vector<Regime> parse_regimes(const YAML::Node& regimes, const std::string& file, const ExploreSettings& defaults,
                                  const std::set<std::string>& reserved, const std::string& reserved_reason,
                                  const std::filesystem::path& data) {
  if (!regimes || !regimes.IsMap() || regimes.size() == 0)
    throw InputError(file, "regimes", "expected a map of regime name -> explore options");
  const auto base = defaults.to_run_info();
  std::vector<Regime> out;
  for (const auto& kv : regimes) {
    Regime r;
    r.name = kv.first.Scalar();
    const std::string where = "regimes." + r.name;
    if (r.name.empty() || r.name.find_first_of("/\\ ") != std::string::npos || r.name == "." || r.name == "..")
      throw InputError(file, where, "a regime name must be a plain directory name");
    if (!kv.second.IsMap()) throw InputError(file, where, "expected a map of explore options (model, mode, precision, ...)");
    auto info = base;
    for (const auto& option : kv.second) {
      const auto key = option.first.Scalar();
      if (reserved.count(key))
        throw InputError(file, where + "." + key, reserved_reason);
      if (!info.count(key)) throw InputError(file, where + "." + key, "unknown option (the options of meshforge explore)");
      info[key] = scalar_text(option.second, file, where + "." + key);
    }
    try {
      r.settings = ExploreSettings::from_run_info(info, file);
    } catch (const InputError& e) {
      throw InputError(file, where + "." + e.field(), e.reason());
    }
    r.settings.scenario.images_given = static_cast<bool>(kv.second["images"]);
    // Named as the file's field, not as a command-line option or as the model's own file.
    try {
      check_explore_values(r.settings);
    } catch (const InputError& e) {
      const std::string key = e.field().rfind("--", 0) == 0 ? e.field().substr(2) : e.field();
      throw InputError(file, where + "." + key, e.reason());
    }
    try {
      workload::resolve_model(r.settings.model, data);
    } catch (const InputError& e) {
      throw InputError(file, where + ".model", e.file() + ": " + e.reason());
    }
    try {
      if (!r.settings.from.empty()) resolve_design(r.settings.from, data);
    } catch (const InputError& e) {
      throw InputError(file, where + ".from", e.file() + ": " + e.reason());
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace meshforge::cli
