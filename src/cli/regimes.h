// The part of campaign and compare files they share: the YAML file itself, its `nodes` list and
// its `regimes` (name -> explore options). Every error names the file and the field.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "cli/explore_common.h"

namespace meshforge::cli {

struct Regime {
  std::string name;
  ExploreSettings settings;  // node filled per run
};

// The file's root map, whose keys must all be in `keys` (what is the file's own field).
YAML::Node load_yaml_map(const std::string& file, const std::set<std::string>& keys, const std::string& what);
// A scalar's text; InputError(file, field) for anything else.
std::string scalar_text(const YAML::Node& n, const std::string& file, const std::string& field);
// `nodes`: every known node when absent; each one loadable, none twice.
std::vector<std::string> parse_nodes(const YAML::Node& nodes, const std::string& file, const std::filesystem::path& data);
// `regimes`: each one explore's options over `defaults` (its model resolvable); options in
// `reserved` are set elsewhere (reserved_reason says where) and refused in a regime.
std::vector<Regime> parse_regimes(const YAML::Node& regimes, const std::string& file, const ExploreSettings& defaults,
                                  const std::set<std::string>& reserved, const std::string& reserved_reason,
                                  const std::filesystem::path& data);

}  // namespace meshforge::cli
