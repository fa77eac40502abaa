// Each sub-command registers its options and its action on the application.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>

#include "cli/common.h"

namespace meshforge::cli {

void add_analyze_command(CLI::App& app, const GlobalOptions& global);
void add_evaluate_command(CLI::App& app, const GlobalOptions& global);
void add_explore_command(CLI::App& app, const GlobalOptions& global);
void add_sweep_command(CLI::App& app, const GlobalOptions& global);
void add_campaign_command(CLI::App& app, const GlobalOptions& global);
void add_rtl_command(CLI::App& app, const GlobalOptions& global);

// Thrown by a command that stopped on Ctrl-C after saving its state; main prints the message and
// exits with status 130.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace meshforge::cli
