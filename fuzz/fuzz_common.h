// Shared by the libFuzzer harnesses (fuzz/README.md): bad input must surface as InputError; any
// other exception, a crash, a sanitizer report, a hang or runaway memory is a finding.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace meshforge::fuzz {

// A scratch directory of this fuzzing process.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("meshforge_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// Writes the input to `name` in the scratch directory (for readers that take a path).
inline std::filesystem::path write_input(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const auto path = scratch() / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// The shipped data directory ($MESHFORGE_DATA_DIR, else the source tree's).
inline std::filesystem::path data_dir() {
  if (const char* env = std::getenv("MESHFORGE_DATA_DIR"); env && *env) return env;
  return MESHFORGE_FUZZ_DATA_DIR;
}

}  // namespace meshforge::fuzz
