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
void add_report_command(CLI::App& app, const GlobalOptions& global);
void add_top_command(CLI::App& app, const GlobalOptions& global);

// explore / sweep: DIR/report.html of a finished run (meshforge report), unless MESHFORGE_REPORT=0.
// A missing script, interpreter or matplotlib is a warning on stderr; returns whether it was written.
bool write_run_report(const std::filesystem::path& run_dir);

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

// Thrown by a command whose helper process already printed its one-line error: main exits with
// this status and prints nothing more.
class ExitStatus : public std::runtime_error {
 public:
  explicit ExitStatus(int status) : std::runtime_error("exit"), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace meshforge::cli
