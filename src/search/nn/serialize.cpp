#include "search/nn/serialize.h"

#include <sstream>

#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>

namespace meshforge::search::nn::io {
namespace {

// Largest array a checkpoint may hold (2^31 doubles = 16 GiB): a bound that turns a corrupt size
// field into an error instead of an allocation failure.
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 31;

void write_bytes(std::ostream& out, const void* p, std::size_t n) {
  out.write(static_cast<const char*>(p), static_cast<std::streamsize>(n));
  if (!out) throw std::runtime_error("checkpoint: write failed");
}

void read_bytes(std::istream& in, void* p, std::size_t n) {
  in.read(static_cast<char*>(p), static_cast<std::streamsize>(n));
  if (!in || static_cast<std::size_t>(in.gcount()) != n)
    throw std::runtime_error("checkpoint: truncated (unexpected end of stream)");
}

Eigen::Index checked_dim(std::uint64_t d) {
  if (d > kMaxElements) throw std::runtime_error("checkpoint: corrupt array dimension");
  return static_cast<Eigen::Index>(d);
}

}  // namespace

void write_u64(std::ostream& out, std::uint64_t v) { write_bytes(out, &v, sizeof v); }
void write_i64(std::ostream& out, std::int64_t v) { write_bytes(out, &v, sizeof v); }
void write_f64(std::ostream& out, double v) { write_bytes(out, &v, sizeof v); }

void write_string(std::ostream& out, std::string_view s) {
  write_u64(out, s.size());
  write_bytes(out, s.data(), s.size());
}

void write_matrix(std::ostream& out, const Eigen::MatrixXd& m) {
  write_u64(out, static_cast<std::uint64_t>(m.rows()));
  write_u64(out, static_cast<std::uint64_t>(m.cols()));
  write_bytes(out, m.data(), static_cast<std::size_t>(m.size()) * sizeof(double));
}

void write_vector(std::ostream& out, const Eigen::VectorXd& v) {
  write_u64(out, static_cast<std::uint64_t>(v.size()));
  write_bytes(out, v.data(), static_cast<std::size_t>(v.size()) * sizeof(double));
}

std::uint64_t read_u64(std::istream& in) {
  std::uint64_t v = 0;
  read_bytes(in, &v, sizeof v);
  return v;
}

std::int64_t read_i64(std::istream& in) {
  std::int64_t v = 0;
  read_bytes(in, &v, sizeof v);
  return v;
}

double read_f64(std::istream& in) {
  double v = 0;
  read_bytes(in, &v, sizeof v);
  return v;
}

std::string read_string(std::istream& in, std::size_t max_size) {
  const std::uint64_t n = read_u64(in);
  if (n > max_size) throw std::runtime_error("checkpoint: corrupt string length");
  std::string s(n, '\0');
  read_bytes(in, s.data(), n);
  return s;
}

Eigen::MatrixXd read_matrix(std::istream& in) {
  const Eigen::Index rows = checked_dim(read_u64(in));
  const Eigen::Index cols = checked_dim(read_u64(in));
  if (rows != 0 && static_cast<std::uint64_t>(cols) > kMaxElements / static_cast<std::uint64_t>(rows))
    throw std::runtime_error("checkpoint: corrupt matrix size");
  Eigen::MatrixXd m(rows, cols);
  read_bytes(in, m.data(), static_cast<std::size_t>(m.size()) * sizeof(double));
  return m;
}

Eigen::VectorXd read_vector(std::istream& in) {
  const Eigen::Index n = checked_dim(read_u64(in));
  Eigen::VectorXd v(n);
  read_bytes(in, v.data(), static_cast<std::size_t>(n) * sizeof(double));
  return v;
}

void read_matrix_into(std::istream& in, Eigen::MatrixXd& m, std::string_view what) {
  const std::uint64_t rows = read_u64(in);
  const std::uint64_t cols = read_u64(in);
  if (rows != static_cast<std::uint64_t>(m.rows()) || cols != static_cast<std::uint64_t>(m.cols()))
    throw std::runtime_error("checkpoint: " + std::string(what) + " has " + std::to_string(rows) +
                             "x" + std::to_string(cols) + ", expected " +
                             std::to_string(m.rows()) + "x" + std::to_string(m.cols()));
  read_bytes(in, m.data(), static_cast<std::size_t>(m.size()) * sizeof(double));
}

void read_vector_into(std::istream& in, Eigen::VectorXd& v, std::string_view what) {
  const std::uint64_t n = read_u64(in);
  if (n != static_cast<std::uint64_t>(v.size()))
    throw std::runtime_error("checkpoint: " + std::string(what) + " has " + std::to_string(n) +
                             " values, expected " + std::to_string(v.size()));
  read_bytes(in, v.data(), static_cast<std::size_t>(v.size()) * sizeof(double));
}

void write_tag(std::ostream& out, std::string_view tag) { write_string(out, tag); }

void expect_tag(std::istream& in, std::string_view tag) {
  const std::string got = read_string(in, 256);
  if (got != tag)
    throw std::runtime_error("checkpoint: expected section '" + std::string(tag) + "', found '" +
                             got + "'");
}

void write_engine(std::ostream& out, const std::mt19937_64& engine) {
  std::ostringstream text;
  text << engine;
  write_string(out, text.str());
}

std::mt19937_64 read_engine(std::istream& in) {
  std::istringstream text(read_string(in, 1 << 16));
  std::mt19937_64 engine;
  text >> engine;
  if (!text) throw std::runtime_error("checkpoint: corrupt random engine state");
  return engine;
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace meshforge::search::nn::io
