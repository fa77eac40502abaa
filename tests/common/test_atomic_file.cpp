// Atomic file replacement: a write that fails part-way (here the file-size limit, as a full disk
// would) leaves the previous file intact and no temporary behind.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/atomic_file.h"
#include "common/input_error.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(AtomicFile, AFailedWriteKeepsThePreviousFileAndLeavesNoTemporary) {
  const auto dir = fs::temp_directory_path() / ("meshforge_atomic_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto file = dir / "checkpoint.bin";
  meshforge::write_file_atomically(file, "previous");
  ASSERT_EQ(slurp(file), "previous");

  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal, like ENOSPC
  rlimit small = old;
  small.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool threw = false;
  try {
    meshforge::write_file_atomically(file, std::string(1 << 20, 'x'));
  } catch (const meshforge::InputError& e) {
    threw = true;
    EXPECT_NE(std::string(e.what()).find("intact"), std::string::npos) << e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(threw);
  EXPECT_EQ(slurp(file), "previous");
  EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
  fs::remove_all(dir);
}

}  // namespace
