// Runs the meshforge binary as a user would and captures its exit status, stdout and stderr.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace meshforge::testing {

struct CommandResult {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A scratch directory of this test process, created once and emptied at first use.
// A directory that lives as long as the test process and is removed when it exits.
struct ScratchDir {
  std::filesystem::path path;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

inline std::filesystem::path scratch_dir(const std::string& tag) {
  static const ScratchDir dir{[&] {
    auto d = std::filesystem::temp_directory_path() / ("meshforge_" + tag + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
  }()};
  return dir.path;
}

// Starts the binary with these arguments, its stdout and stderr to /dev/null, and returns its pid
// (-1 when fork fails), for tests that signal a running command.
inline pid_t spawn_meshforge(const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(MESHFORGE_BINARY)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(MESHFORGE_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

// html_report: let explore and sweep write report.html (seconds of matplotlib per run; off unless a
// test is about it).
inline CommandResult run_meshforge(const std::string& args, const std::filesystem::path& scratch, bool html_report = false) {
  const auto err_file = scratch / "stderr.txt";
  const std::string cmd = std::string(html_report ? "MESHFORGE_REPORT=1 " : "MESHFORGE_REPORT=0 ") + MESHFORGE_BINARY + " " +
                          args + " 2>" + err_file.string();
  CommandResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream e(err_file);
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  return r;
}

// A file's whole contents ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes text to dir/name and returns the path.
inline std::filesystem::path write_text(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

}  // namespace meshforge::testing
