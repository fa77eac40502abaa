// Writers of ppa::Report: JSON (for machines and for explore's report.json) and a readable table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ppa/report.h"

namespace meshforge::report {

// Version of the JSON to_json writes (its first key, "schema_version"; report.json, evaluate --json).
// Bumped when a key changes meaning or goes; adding keys keeps it. meshforge report refuses newer ones.
inline constexpr int kReportSchemaVersion = 1;
nlohmann::ordered_json to_json(const ppa::Report& report);
std::string to_table(const ppa::Report& report);
// Several designs side by side, one column each (names[i] heads reports[i]'s column): the main
// metrics, every power and area part, then each design's violations.
std::string to_comparison_table(const std::vector<std::string>& names, const std::vector<ppa::Report>& reports);

}  // namespace meshforge::report
