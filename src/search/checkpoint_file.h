// The framing every meshforge checkpoint file shares (explore's checkpoint.bin, campaign's
// campaign_checkpoint.bin): an 8-byte magic, the payload's size and FNV-1a 64 checksum (u64 each,
// native byte order: checkpoints are for --resume on one machine), then the payload. And the
// binary writer and reader their payloads are made of; every read failure names its section.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

namespace meshforge::search::checkpoint {

// magic + size + checksum + payload.
std::string frame(std::string_view magic, std::string_view payload);
// The payload of framed bytes. InputError naming the file: "not a meshforge <what>" for another
// magic, "corrupt <what>: ..." for a wrong size (truncated) or checksum.
std::string unframe(const std::filesystem::path& file, std::string_view bytes, std::string_view magic, const std::string& what);
// The whole file (InputError naming it when it cannot be read).
std::string read_file(const std::filesystem::path& path);

struct Writer {
  std::string buf;
  void raw(const void* p, std::size_t n) { buf.append(static_cast<const char*>(p), n); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    buf.append(s);
  }
  void vec(const Eigen::VectorXd& v) {
    u64(static_cast<std::uint64_t>(v.size()));
    raw(v.data(), sizeof(double) * static_cast<std::size_t>(v.size()));
  }
};

// Reads a payload; failures throw std::runtime_error, and `field` says which section was being read
// (callers turn it into the InputError's field).
struct Reader {
  std::string_view data;
  std::size_t pos = 0;
  std::string field = "header";
  void need(std::size_t n) const;
  void raw(void* p, std::size_t n) {
    need(n);
    std::memcpy(p, data.data() + pos, n);
    pos += n;
  }
  std::uint64_t u64() { std::uint64_t v; raw(&v, sizeof v); return v; }
  std::int64_t i64() { std::int64_t v; raw(&v, sizeof v); return v; }
  double f64() { double v; raw(&v, sizeof v); return v; }
  std::string str(std::size_t max = std::size_t{1} << 34);
  Eigen::VectorXd vec(std::int64_t expected);
};

}  // namespace meshforge::search::checkpoint
