// A design YAML: parsed and validated against the 7 nm node.
#include <cstdint>
#include <string>

#include "arch/design.h"
#include "common/input_error.h"
#include "fuzz_common.h"
#include "tech/node.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshforge;
  static const tech::Node node = tech::load_node("7nm", fuzz::data_dir());
  try {
    const auto d = arch::parse_design_yaml(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
    (void)arch::validate(d, node);
    (void)arch::to_yaml(d);
  } catch (const InputError&) {
  }
  return 0;
}
