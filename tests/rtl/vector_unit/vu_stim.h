// Operand generators shared by the vector-unit and FMA testbenches.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "vu_ref.h"

namespace vustim {

using vuref::FpFormat;

inline uint32_t mask(int bits) { return bits >= 32 ? 0xffffffffu : ((1u << bits) - 1); }

using Rng = std::mt19937_64;

inline uint32_t gauss_operand(Rng& g, int f) {
  std::normal_distribution<double> n(0.0, 1.0);
  if (f == vuref::kInt8) return static_cast<uint32_t>(std::max(-128L, std::min(127L, std::lround(32.0 * n(g))))) & 0xff;
  if (f == vuref::kInt4) return static_cast<uint32_t>(std::max(-8L, std::min(7L, std::lround(2.0 * n(g))))) & 0xf;
  return vuref::encode(n(g), vuref::operand_format(f));
}

// random bits: exponent near the bias (3 % exponent 0 with random fraction bits: DAZ), 3 % any bits
inline uint32_t bits_operand(Rng& g, int f) {
  const uint32_t any = static_cast<uint32_t>(g()) & mask(vuref::format_bits(f));
  if (vuref::is_int(f)) return any;
  const FpFormat ff = vuref::operand_format(f);
  const int u = static_cast<int>(g() % 100);
  if (u < 3) return any;
  const int bias = (1 << (ff.e - 1)) - 1;
  int e = bias + static_cast<int>(g() % 9) - 4;
  if (u < 6) e = 0;
  if (e < 0) e = 0;
  if (e > (1 << ff.e) - 2) e = (1 << ff.e) - 2;
  const uint32_t s = static_cast<uint32_t>(g() & 1);
  return (s << (ff.e + ff.m)) | (static_cast<uint32_t>(e) << ff.m) |
         (static_cast<uint32_t>(g()) & ((1u << ff.m) - 1));
}

// a tiny operand (the product underflows or lands near the accumulator's smallest normal)
inline uint32_t tiny_operand(Rng& g, int f) {
  const FpFormat ff = vuref::operand_format(f), fa = vuref::acc_format(f);
  const int bias = (1 << (ff.e - 1)) - 1, abias = (1 << (fa.e - 1)) - 1;
  // |w * x| ~ 2^(ew - bias) with x ~ 1: aim at the accumulator's smallest normal 2^(1 - abias)
  int e = bias + 1 - abias + static_cast<int>(g() % 5) - 2;
  if (e < 1) e = 1 + static_cast<int>(g() % 2);
  if (e > (1 << ff.e) - 2) e = (1 << ff.e) - 2;
  return (static_cast<uint32_t>(g() & 1) << (ff.e + ff.m)) | (static_cast<uint32_t>(e) << ff.m) |
         (static_cast<uint32_t>(g()) & ((1u << ff.m) - 1));
}

// a huge operand (overflow of the product or the sum to the Inf encoding)
inline uint32_t huge_operand(Rng& g, int f) {
  const FpFormat ff = vuref::operand_format(f);
  const int e = (1 << ff.e) - 1 - static_cast<int>(g() % 3);
  return (static_cast<uint32_t>(g() & 1) << (ff.e + ff.m)) | (static_cast<uint32_t>(e) << ff.m) |
         (static_cast<uint32_t>(g()) & ((1u << ff.m) - 1));
}

// The mixed-stimulus partner of operand `a` (format f) in a * b + c: with probability 0.35 a b that
// cancels c (b ~ -c / a, so that c + a * b loses most leading bits), 0.07 tiny, 0.03 huge, else
// random bits.
inline uint32_t partner_operand(Rng& g, int f, uint32_t a, uint32_t c) {
  const FpFormat fi = vuref::operand_format(f), fa = vuref::acc_format(f);
  const int q = static_cast<int>(g() % 100);
  const double av = vuref::decode(a, fi), cv = vuref::decode(c, fa);
  if (q < 35 && av != 0.0 && cv != 0.0) {
    const double jitter = 1.0 + static_cast<double>(static_cast<int>(g() % 17) - 8) * std::ldexp(1.0, -(fi.m + 2));
    return vuref::encode(-cv / av * jitter, fi);
  }
  if (q < 42) return tiny_operand(g, f);
  if (q < 45) return huge_operand(g, f);
  return bits_operand(g, f);
}

}  // namespace vustim
