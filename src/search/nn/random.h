// Portable random draws from a std::mt19937_64. The <random> distributions are not used: their
// algorithms differ between standard libraries and std::normal_distribution caches a second value
// that is not part of the engine's state, which would break bit-exact save/load. Everything here is
// stateless, so the engine alone is the complete random state of an agent.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace meshforge::search::nn {

using Rng = std::mt19937_64;

// Uniform in [0, 1) with 53 random bits.
inline double uniform01(Rng& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Uniform in [lo, hi).
inline double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

// Unbiased uniform integer in [0, n), n > 0 (rejection of the incomplete top block).
inline std::uint64_t uniform_index(Rng& rng, std::uint64_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // multiple of n
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

// Standard normal by Box-Muller (one value per two uniforms; the sine half is discarded so that no
// state is cached between calls).
inline double standard_normal(Rng& rng) {
  const double u1 = 1.0 - uniform01(rng);  // (0, 1]: log is finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// Fills m with independent standard normals, column by column.
template <typename Derived>
void fill_standard_normal(Eigen::DenseBase<Derived>& m, Rng& rng) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = standard_normal(rng);
}

// Fills m with independent uniforms in [lo, hi), column by column.
template <typename Derived>
void fill_uniform(Eigen::DenseBase<Derived>& m, Rng& rng, double lo, double hi) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = uniform(rng, lo, hi);
}

}  // namespace meshforge::search::nn
