// A whole explorer checkpoint resumed as `explore --resume` resumes it: header, lanes, Pareto front,
// best design (decoded and evaluated again) and the agent's own state, into a run directory whose
// progress.csv reaches the checkpoint. Llama 3.1 8B on 7 nm, the agent the checkpoint names.
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "cli/explore_common.h"
#include "common/input_error.h"
#include "checkpoint_input.h"
#include "fuzz_common.h"
#include "report/run_record.h"
#include "search/agents.h"
#include "search/explorer.h"

namespace {

using namespace meshforge;

// One exploration set-up per agent, built on first use (the environment is the costly part).
cli::ExplorationSetup& setup_for(const cli::ExploreSettings& s) {
  static std::map<std::string, std::unique_ptr<cli::ExplorationSetup>> setups;
  auto& slot = setups[s.agent];
  if (!slot) slot = cli::make_exploration_setup(s, fuzz::data_dir(), false);
  return *slot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto dir = fuzz::scratch() / "run";
  const std::string bytes = fuzz::checkpoint_bytes(data, size, search::kCheckpointMagic);
  const auto path = fuzz::write_input("run/checkpoint.bin", reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  try {
    const auto info = search::read_checkpoint_info(path);
    if (!search::find_agent(info.agent_name)) return 0;  // the header check refuses it on resume
    cli::ExploreSettings s;
    s.agent = info.agent_name;
    s.threads = 1;
    auto& setup = setup_for(s);
    // progress.csv: the header and rows 1..n, enough for any checkpoint of up to 64 evaluations.
    {
      std::ofstream csv(dir / search::kProgressFile, std::ios::binary | std::ios::trunc);
      csv << report::progress_csv_header();
      for (int e = 1; e <= 64; ++e) csv << e << ",\n";
    }
    const auto agent = cli::make_agent(s, *setup.env);
    auto config = cli::make_explorer_config(s, setup, fuzz::data_dir(), {});  // no runs.db
    config.out_dir = dir;
    search::Explorer explorer(*setup.env, *agent, config);
    explorer.resume();
  } catch (const InputError&) {
  }
  return 0;
}
