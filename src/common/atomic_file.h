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
  // On failure (a full disk, say) the half-written temporary goes and the old file stays intact.
  auto fail = [&](const std::string& why) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw InputError(path.string(), field, "cannot write: " + why + " (the previous version of the file is intact)");
  };
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail(std::strerror(errno));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) fail(std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) fail(ec.message());
}

}  // namespace meshforge
