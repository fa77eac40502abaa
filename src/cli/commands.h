// Each sub-command registers its options and its action on the application.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "cli/common.h"

namespace meshforge::cli {

void add_analyze_command(CLI::App& app, const GlobalOptions& global);
void add_evaluate_command(CLI::App& app, const GlobalOptions& global);
void add_explore_command(CLI::App& app, const GlobalOptions& global);
void add_sweep_command(CLI::App& app, const GlobalOptions& global);
void add_campaign_command(CLI::App& app, const GlobalOptions& global);
void add_compare_command(CLI::App& app, const GlobalOptions& global);
void add_rtl_command(CLI::App& app, const GlobalOptions& global);

// meshforge rtl's work, shared with explore / sweep --rtl: the design's Verilog and collateral in
// out_dir, sized at node_name. Returns the top module's name; throws InputError (nothing
// written) for a design the generator cannot express.
std::string write_rtl(const std::string& design, const std::string& node_name, const std::filesystem::path& data_dir,
                      const std::filesystem::path& out_dir);

// Thrown by a command that stopped on Ctrl-C after saving its state; main prints the message and
// exits with status 130.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace meshforge::cli
