// Little binary stream helpers for checkpoints: fixed-width integers, doubles and Eigen arrays in
// the machine's native byte order (checkpoints are for --resume on the same machine type, not an
// interchange format). Every read checks the stream and throws std::runtime_error on a short or
// inconsistent read, so a truncated checkpoint is reported rather than half-loaded.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <iosfwd>
#include <random>
#include <string>
#include <string_view>

namespace meshforge::search::nn::io {

void write_u64(std::ostream& out, std::uint64_t v);
void write_i64(std::ostream& out, std::int64_t v);
void write_f64(std::ostream& out, double v);
void write_string(std::ostream& out, std::string_view s);
// Dimensions, then the coefficients in column-major order.
void write_matrix(std::ostream& out, const Eigen::MatrixXd& m);
void write_vector(std::ostream& out, const Eigen::VectorXd& v);

std::uint64_t read_u64(std::istream& in);
std::int64_t read_i64(std::istream& in);
double read_f64(std::istream& in);
std::string read_string(std::istream& in, std::size_t max_size = std::size_t{1} << 20);
Eigen::MatrixXd read_matrix(std::istream& in);
Eigen::VectorXd read_vector(std::istream& in);
// Reads into an existing matrix/vector whose dimensions must match the stored ones; throws
// std::runtime_error naming `what` otherwise.
void read_matrix_into(std::istream& in, Eigen::MatrixXd& m, std::string_view what);
void read_vector_into(std::istream& in, Eigen::VectorXd& v, std::string_view what);

// A random engine's complete state (its text form, as a string); read_engine throws
// std::runtime_error when the state does not parse.
void write_engine(std::ostream& out, const std::mt19937_64& engine);
std::mt19937_64 read_engine(std::istream& in);

// Writes a tag and checks it on reading (cheap framing that catches misaligned reads).
void write_tag(std::ostream& out, std::string_view tag);
void expect_tag(std::istream& in, std::string_view tag);

// 64-bit FNV-1a, for checkpoint checksums.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ULL);

}  // namespace meshforge::search::nn::io
