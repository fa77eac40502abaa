// Each sub-command registers its options and its action on the application.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace meshforge::cli {

void add_analyze_command(CLI::App& app, const GlobalOptions& global);
void add_evaluate_command(CLI::App& app, const GlobalOptions& global);

}  // namespace meshforge::cli
