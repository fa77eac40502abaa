// Writers of ppa::Report: JSON (for machines and for explore's report.json) and a readable table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ppa/report.h"

namespace meshforge::report {

nlohmann::ordered_json to_json(const ppa::Report& report);
std::string to_table(const ppa::Report& report);

}  // namespace meshforge::report
