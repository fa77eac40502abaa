// A campaign or compare file: the same YAML shape (nodes, regimes, and for compare agents, seeds
// and budgets), parsed by both loaders as `meshforge campaign` and `meshforge compare` do.
#include <cstdint>

#include "cli/campaign_file.h"
#include "cli/compare_file.h"
#include "common/input_error.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshforge;
  const auto path = fuzz::write_input("campaign.yaml", data, size).string();
  try {
    (void)cli::load_campaign(path, cli::ExploreSettings{}, fuzz::data_dir());
  } catch (const InputError&) {
  }
  try {
    (void)cli::load_compare(path, fuzz::data_dir());
  } catch (const InputError&) {
  }
  return 0;
}
