// Bit-exact C++ reference of mf_vector_unit (docs/rtl.md, section mf_vector_unit).
//
// Floating point: fma(a, b, c) is computed exactly (a * b + c as a wide integer times a power of
// two, no intermediate rounding) and then rounded once: round to nearest even, denormal inputs are
// zero (exponent field 0, whatever the fraction), a result below the smallest normal flushes to a
// signed zero, an exponent beyond the largest becomes the Inf encoding, an all-ones exponent on
// input is an ordinary exponent (no Inf/NaN semantics), an exact zero sum is +0. This is an
// independent formulation of the rules (not a model of the RTL's window/shift/LZC datapath); it is
// cross-checked against bench/synth/synth.py's exact-rational Python reference by
// check_ref_python.py.
#pragma once

#include <cstdint>
#include <vector>

namespace vuref {

enum Format { kFp32 = 0, kFp16 = 1, kBf16 = 2, kFp8 = 3, kInt8 = 4, kInt4 = 5, kFormats = 6 };

struct FpFormat {
  int e;  // exponent bits
  int m;  // fraction bits
};

const char* format_name(int f);
int format_bits(int f);          // operand bits: 32 16 16 8 8 4
int acc_bits(int f);             // accumulator bits: 32 32 32 16 32 16
bool is_int(int f);
FpFormat operand_format(int f);  // floating formats only
FpFormat acc_format(int f);

// r = round(a * b + c): a, b in format `in`, c and r in format `acc` (low bits of the words)
uint32_t fma(uint32_t a, uint32_t b, uint32_t c, FpFormat in, FpFormat acc);
// r = round(a + b) in format f with the same rules: fma(1.0, b, a), the reduction's adder
uint32_t add(uint32_t a, uint32_t b, FpFormat f);
// a double rounded to the format with the same rules (RNE, FTZ, overflow to Inf)
uint32_t encode(double v, FpFormat f);
double decode(uint32_t bits, FpFormat f);  // denormals read as zero, all-ones exponent ordinary

int lanes(int vlen, int f);
int acc_lanes(int vlen, unsigned formats);

// The unit's architectural state: ACC_LANES 32-bit accumulator words in acc_out's encoding, and
// with fp_stages S > 1 the S partial accumulators of the floating-point lanes (docs/rtl.md,
// mf_vector_unit, FP_STAGES): floating-point op t since the last MAC from zero, CLEAR, reduction or
// integer / undeclared op accumulates into partial t mod S (op 1 into partial 0, the others cleared);
// op 3 in a declared floating-point format reduces, sum = p0; sum = sum + p_k for k = 1 .. S-1 (one
// rounding each), and leaves acc = p0 = sum, the other partials 0. A floating-point MAC also
// writes its chain's result (the partial it wrote) to acc.
class Unit {
 public:
  Unit(int vlen, int rows, unsigned formats, int fp_stages = 1);
  void reset();
  // w: rows * vlen / 32 words (row r's vector at bit r*vlen), x: rows words (low bits used)
  void op(int op, int fmt, const uint32_t* w, const uint32_t* x);
  // op 3 in a declared floating-point format with fp_stages > 1: a reduction, whose result the RTL
  // shows later than an ordinary op's (REDUCE_LATENCY) and during which it drops new ops
  bool reduces(int op, int fmt) const;
  // what a floating-point op `op` would start its chain from, lane by lane (acc at fp_stages 1)
  std::vector<uint32_t> chain_base(int op) const;
  const std::vector<uint32_t>& acc() const { return acc_; }
  int acc_lanes() const { return static_cast<int>(acc_.size()); }

  // element l of row r's W vector in format f
  uint32_t w_elem(const uint32_t* w, int r, int l, int f) const;

  int vlen() const { return vlen_; }
  int rows() const { return rows_; }
  unsigned formats() const { return formats_; }

 private:
  void clear_partials();
  void reduce(int fmt);
  int vlen_, rows_;
  unsigned formats_;
  int fp_stages_;
  std::vector<uint32_t> acc_;
  std::vector<std::vector<uint32_t>> part_;  // fp_stages_ > 1: the partial accumulators
  int next_ = 0;                             // the next floating-point op's partial
};

}  // namespace vuref
