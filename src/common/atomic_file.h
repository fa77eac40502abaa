// Replaces a file's content through a temporary file and a rename, so a crash or Ctrl-C never
// leaves half a file (checkpoints, reports, summaries). Throws InputError(path, field, reason).
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "common/input_error.h"

namespace meshforge {

inline void write_file_atomically(const std::filesystem::path& path, const std::string& content,
                                  const std::string& field = "") {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path.string(), field, "cannot write: " + std::string(std::strerror(errno)));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw InputError(path.string(), field, "cannot write: " + std::string(std::strerror(errno)));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path.string(), field, "cannot write: " + ec.message());
}

}  // namespace meshforge
