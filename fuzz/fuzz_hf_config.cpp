// A Hugging Face config.json: parsed, its parameters counted and its graph built for a prefill and
// a decode step.
#include <cstdint>
#include <string>

#include "common/input_error.h"
#include "fuzz_common.h"
#include "workload/hf_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshforge;
  try {
    const auto spec = workload::parse_hf_config_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    (void)workload::count_parameters(spec);
    workload::Scenario s;
    s.seq_tokens = 16;
    s.phase = workload::Phase::prefill;
    (void)workload::build_hf_graph(spec, s);
    s.phase = workload::Phase::decode;
    (void)workload::build_hf_graph(spec, s);
  } catch (const InputError&) {
  }
  return 0;
}
