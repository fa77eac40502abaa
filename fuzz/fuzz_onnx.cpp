// An ONNX model file: imported (checked, shape-inferred, costed) for one inference.
#include <cstdint>

#include "common/input_error.h"
#include "fuzz_common.h"
#include "workload/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshforge;
  const auto path = fuzz::write_input("model.onnx", data, size);
  try {
    (void)workload::import_onnx(path, workload::Scenario{}, {});
  } catch (const InputError&) {
  }
  return 0;
}
