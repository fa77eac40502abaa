// The campaign file (YAML; its format is in campaign.cpp's header): the nodes and the regimes
// one shared agent explores. A library function so that fuzz/ can feed it any bytes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli/explore_common.h"
#include "cli/regimes.h"

namespace meshforge::cli {

struct Campaign {
  std::vector<std::string> nodes;
  std::vector<Regime> regimes;
};

// Throws InputError(file, field) for anything malformed, unknown or out of range.
Campaign load_campaign(const std::string& file, const ExploreSettings& agent_settings, const std::filesystem::path& data);

}  // namespace meshforge::cli
