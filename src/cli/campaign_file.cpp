#include "cli/campaign_file.h"

#include <set>

namespace meshforge::cli {
namespace {

// Options of a regime that belong to the agent (shared) or to the node list.
const std::set<std::string> kAgentKeys{"agent", "agent-param", "budget", "seed", "experts", "episode-steps", "node"};

}  // namespace

Campaign load_campaign(const std::string& file, const ExploreSettings& agent_settings, const std::filesystem::path& data) {
  const YAML::Node root = load_yaml_map(file, {"nodes", "regimes"}, "campaign");
  Campaign c;
  c.nodes = parse_nodes(root["nodes"], file, data);
  c.regimes = parse_regimes(root["regimes"], file, agent_settings, kAgentKeys,
                            "is an option of the shared agent: give it on the command line", data);
  return c;
}

}  // namespace meshforge::cli
