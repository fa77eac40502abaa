#include "search/checkpoint_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/input_error.h"
#include "search/nn/serialize.h"

namespace meshforge::search::checkpoint {

std::string frame(std::string_view magic, std::string_view payload) {
  std::string bytes(magic);
  const std::uint64_t size = payload.size(), sum = nn::io::fnv1a(payload);
  bytes.append(reinterpret_cast<const char*>(&size), 8);
  bytes.append(reinterpret_cast<const char*>(&sum), 8);
  bytes += payload;
  return bytes;
}

std::string unframe(const std::filesystem::path& file, std::string_view bytes, std::string_view magic, const std::string& what) {
  if (bytes.size() < magic.size() + 16 || bytes.substr(0, magic.size()) != magic)
    throw InputError(file.string(), "", "not a meshforge " + what);
  std::uint64_t size = 0, sum = 0;
  std::memcpy(&size, bytes.data() + magic.size(), 8);
  std::memcpy(&sum, bytes.data() + magic.size() + 8, 8);
  const std::string_view payload = bytes.substr(magic.size() + 16);
  if (payload.size() != size)
    throw InputError(file.string(), "", fmt::format("corrupt {}: {} payload bytes, the header says {} (truncated?)", what, payload.size(), size));
  if (nn::io::fnv1a(payload) != sum) throw InputError(file.string(), "", "corrupt " + what + ": checksum mismatch");
  return std::string(payload);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "", "cannot read: " + std::string(std::strerror(errno)));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Reader::need(std::size_t n) const {
  if (data.size() - pos < n) throw std::runtime_error("truncated");
}

std::string Reader::str(std::size_t max) {
  const auto n = u64();
  if (n > max) throw std::runtime_error("implausible string length");
  need(n);
  std::string s(data.substr(pos, n));
  pos += n;
  return s;
}

Eigen::VectorXd Reader::vec(std::int64_t expected) {
  const auto n = u64();
  if (expected >= 0 && n != static_cast<std::uint64_t>(expected))
    throw std::runtime_error(fmt::format("vector of {} values, expected {}", n, expected));
  if (n > (std::uint64_t{1} << 24)) throw std::runtime_error("implausible vector length");
  Eigen::VectorXd v(static_cast<Eigen::Index>(n));
  raw(v.data(), sizeof(double) * n);
  return v;
}

}  // namespace meshforge::search::checkpoint
