// meshforge report DIR: the HTML report of a run (scripts/meshforge_report.py draws it with
// matplotlib, Debian's python3-matplotlib, for /usr/bin/python3). explore and sweep call it for
// every run they finish, unless MESHFORGE_REPORT=0.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "common/input_error.h"
#include "search/explorer.h"

namespace meshforge::cli {

namespace {

// $MESHFORGE_REPORT_SCRIPT, else the installed copy beside the shipped data (<prefix>/share/meshforge),
// else the source tree's, recorded at build time.
std::string report_script() {
  if (const char* env = std::getenv("MESHFORGE_REPORT_SCRIPT")) return env;
  if (const auto share = installed_share_dir(); !share.empty() && std::filesystem::exists(share / "meshforge_report.py"))
    return (share / "meshforge_report.py").string();
  return MESHFORGE_REPORT_SCRIPT;
}

// Runs the script on dir; returns its exit status (127: could not start it). quiet: its stdout
// (the "wrote" line) is the caller's to print; errors still reach stderr.
int run_script(const std::filesystem::path& dir, bool quiet) {
  try {
    return wait_process(start_process({"/usr/bin/python3", report_script(), dir.string()}, quiet ? "/dev/null" : "", false));
  } catch (const std::runtime_error&) {
    return 127;
  }
}

}  // namespace

bool write_run_report(const std::filesystem::path& run_dir) {
  if (const char* env = std::getenv("MESHFORGE_REPORT"); env && std::string(env) == "0") return false;
  if (!std::filesystem::exists(report_script()) || !std::filesystem::exists("/usr/bin/python3")) {
    std::cerr << "meshforge: warning: no report.html: " << report_script() << " or /usr/bin/python3 is missing\n";
    return false;
  }
  const int status = run_script(run_dir, true);
  if (status != 0) {
    std::cerr << fmt::format("meshforge: warning: no report.html for {} (the report script exited {}; is python3-matplotlib "
                             "installed? scripts/setup.sh installs it)\n",
                             run_dir.string(), status);
    return false;
  }
  return true;
}

void add_report_command(CLI::App& app, const GlobalOptions& /*global*/) {
  auto dir = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("report", "The HTML report of a run: explore (metrics, mesh heatmaps, breakdowns, convergence, Pareto front), sweep or compare");
  c->footer(
      "DIR is an explore run's directory (sweep: OUT/<node>). Writes DIR/report.html, one self-contained page\n"
      "(figures inline as SVG), and each figure as SVG and PNG in DIR/report/: the design's metrics and\n"
      "violations, prefill and decode side by side with their bottlenecks, mesh heatmaps of the per-tile class,\n"
      "VLEN, MAC rows, FETCH, WMEM, AMEM, IMEM and weight storage, power and area breakdowns, pipeline\n"
      "stages, convergence against evaluations and seconds, the Pareto front with the best design marked, and\n"
      "the floorplan when --rtl wrote one. A sweep's directory gets the best design's metrics and mesh against\n"
      "the node, a comparison's its tables and anytime curves (median over seeds, min-max band). explore, sweep\n"
      "and compare write it when they finish (MESHFORGE_REPORT=0: not).\n"
      "Drawn by scripts/meshforge_report.py with matplotlib (/usr/bin/python3, Debian python3-matplotlib).\n"
      "Example: meshforge report out/llama-3.1-8b-3nm");
  c->add_option("dir", *dir, "An explore run's, a sweep's or a comparison's directory")->required();
  c->callback([dir] {
    const std::filesystem::path d = *dir;
    if (!std::filesystem::is_directory(d)) throw InputError(d.string(), "", "not a directory");
    if (!std::filesystem::exists(d / search::kReportFile) && !std::filesystem::exists(d / "sweep.json") &&
        !std::filesystem::exists(d / "compare.json"))
      throw InputError((d / search::kReportFile).string(), "", "missing: not an explore, sweep or compare directory");
    if (!std::filesystem::exists(report_script()))
      throw InputError(report_script(), "", "the report script is missing (MESHFORGE_REPORT_SCRIPT names another)");
    const int status = run_script(d, false);
    if (status != 0) throw ExitStatus(status == 127 ? 2 : status);
  });
}

}  // namespace meshforge::cli
