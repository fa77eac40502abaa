// meshforge: from an AI model to an optimised mesh-of-TCCs ASIC architecture.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <utility>

#include "cli/commands.h"
#include "cli/explore_common.h"
#include "common/input_error.h"

int main(int argc, char** argv) {
  using namespace meshforge;
  CLI::App app{
      "meshforge " MESHFORGE_VERSION
      " - turns an AI model into an optimised ASIC architecture: a 2D mesh of RISC-V\n"
      "Tensor Compute Cores, its network-on-chip, memories and workload mapping, scored by a\n"
      "physical power/performance/area model of a 3-28 nm process node.\n\n"
      "Models are Hugging Face config.json files (llama, mistral, qwen2, phi3, gemma2, idefics3 /\n"
      "SmolVLM) or ONNX files, given by path or by shipped short name (e.g. llama-3.1-8b).\n"
      "Run 'meshforge COMMAND --help' for the options of a command.",
      "meshforge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(MESHFORGE_VERSION));
  cli::GlobalOptions global;
  app.add_option("--data-dir", global.data_dir,
                 "Directory of shipped data (models/, nodes/, designs/); default: $MESHFORGE_DATA_DIR, "
                 "else the data/ directory next to the build")
      ->check(CLI::ExistingDirectory);

  cli::add_analyze_command(app, global);
  cli::add_evaluate_command(app, global);
  cli::add_explore_command(app, global);
  cli::add_sweep_command(app, global);
  cli::add_campaign_command(app, global);
  cli::add_compare_command(app, global);
  cli::add_rtl_command(app, global);
  cli::add_report_command(app, global);
  cli::add_top_command(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // A word where the command belongs: name it (CLI11 says only that a subcommand is required).
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--data-dir") {
        ++i;
        continue;
      }
      if (arg.rfind("-", 0) == 0) break;
      bool known = false;
      std::string commands;
      for (const CLI::App* c : std::as_const(app).get_subcommands([](const CLI::App*) { return true; })) {
        known = known || c->get_name() == arg;
        commands += (commands.empty() ? "" : ", ") + c->get_name();
      }
      if (app.get_subcommands().empty() && !known) {
        std::cerr << "meshforge: error: unknown command '" << arg << "' (commands: " << commands << ")\n";
        return 2;
      }
      break;
    }
    // A bad option is bad input like any other: one line naming it, status 2.
    std::cerr << "meshforge: error: " << e.what() << " (--help lists the options)\n";
    return 2;
  } catch (const cli::ExitStatus& e) {
    return e.status();
  } catch (const cli::Interrupted& e) {
    std::cerr << "meshforge: " << e.what() << "\n";
    return cli::interrupt_exit_status();
  } catch (const InputError& e) {
    std::cerr << "meshforge: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "meshforge: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
