// An ONNX model file: imported (checked, shape-inferred, costed) for one inference, or, for a model
// with a KV cache, for a decode step and for a prefill into an empty cache.
#include <cstdint>

#include "common/input_error.h"
#include "fuzz_common.h"
#include "workload/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshforge;
  const auto path = fuzz::write_input("model.onnx", data, size);
  try {
    workload::Scenario s;
    const auto graph = workload::import_onnx(path, s, {});
    if (graph.kv_cache_bytes_per_token > 0) {
      s.phase = workload::Phase::prefill;
      (void)workload::import_onnx(path, s, {});
    }
  } catch (const InputError&) {
  }
  return 0;
}
