// A process-node file (data/nodes/*.yaml), loaded as the 7 nm node of a scratch data directory.
#include <cstdint>

#include "common/input_error.h"
#include "fuzz_common.h"
#include "tech/node.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshforge;
  fuzz::write_input("data/nodes/7nm.yaml", data, size);
  try {
    const auto node = tech::load_node("7nm", fuzz::scratch() / "data");
    (void)tech::max_frequency_hz(node, node.vdd_nominal);
  } catch (const InputError&) {
  }
  return 0;
}
