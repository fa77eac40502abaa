// The checkpoint harnesses' input (fuzz_checkpoint, fuzz_resume).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "search/checkpoint_file.h"

namespace meshforge::fuzz {

// A checkpoint file from fuzz input: an even first byte frames the rest as a payload (magic, size,
// checksum computed here, so mutations reach the payload's parser past the checksum); an odd
// one writes the rest as it is (the framing itself is fuzzed).
inline std::string checkpoint_bytes(const std::uint8_t* data, std::size_t size, std::string_view magic) {
  if (size == 0) return {};
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  return data[0] % 2 == 0 ? search::checkpoint::frame(magic, rest) : std::string(rest);
}

}  // namespace meshforge::fuzz
