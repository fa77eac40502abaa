// An explorer checkpoint (checkpoint.bin): its header read as `explore --resume` reads it first.
#include <cstdint>
#include <string>

#include "common/input_error.h"
#include "checkpoint_input.h"
#include "fuzz_common.h"
#include "search/explorer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshforge;
  const std::string bytes = fuzz::checkpoint_bytes(data, size, search::kCheckpointMagic);
  const auto path = fuzz::write_input("checkpoint.bin", reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  try {
    (void)search::read_checkpoint_info(path);
  } catch (const InputError&) {
  }
  return 0;
}
