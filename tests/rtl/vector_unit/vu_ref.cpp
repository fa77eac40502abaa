#include "vu_ref.h"

#include <cmath>
#include <cstring>

namespace vuref {

namespace {

// Unsigned fixed-width integer of 640 bits: wide enough for a * b + c of any fp32 operands
// exactly (product LSB weight 2^-298, largest MSB weight 2^257: 556 bits).
struct Big {
  static constexpr int kWords = 10;
  uint64_t w[kWords];
  Big() { std::memset(w, 0, sizeof w); }
  static Big shifted(uint64_t v, int s) {  // v << s
    Big b;
    const int q = s / 64, r = s % 64;
    b.w[q] = v << r;
    if (r && q + 1 < kWords) b.w[q + 1] = v >> (64 - r);
    return b;
  }
  bool zero() const {
    for (uint64_t x : w)
      if (x) return false;
    return true;
  }
  int msb() const {  // -1 if zero
    for (int i = kWords - 1; i >= 0; --i)
      if (w[i]) return i * 64 + 63 - __builtin_clzll(w[i]);
    return -1;
  }
  bool bit(int i) const { return (w[i / 64] >> (i % 64)) & 1; }
  bool any_below(int n) const {  // any of bits [0, n)
    for (int i = 0; i < n / 64; ++i)
      if (w[i]) return true;
    return (n % 64) && (w[n / 64] & ((uint64_t{1} << (n % 64)) - 1));
  }
  uint64_t bits(int lo, int n) const {  // bits [lo, lo + n), n <= 32, lo >= 0
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{bit(lo + i)} << i;
    return v;
  }
  int cmp(const Big& o) const {
    for (int i = kWords - 1; i >= 0; --i)
      if (w[i] != o.w[i]) return w[i] < o.w[i] ? -1 : 1;
    return 0;
  }
  Big add(const Big& o) const {
    Big r;
    uint64_t carry = 0;
    for (int i = 0; i < kWords; ++i) {
      const uint64_t s = w[i] + o.w[i];
      const uint64_t t = s + carry;
      carry = (s < w[i]) || (t < s);
      r.w[i] = t;
    }
    return r;
  }
  Big sub(const Big& o) const {  // *this >= o
    Big r;
    unsigned borrow = 0;
    for (int i = 0; i < kWords; ++i) {
      const uint64_t d = w[i] - o.w[i] - borrow;
      borrow = (w[i] < o.w[i] || (w[i] == o.w[i] && borrow)) ? 1 : 0;
      r.w[i] = d;
    }
    return r;
  }
};

// Round sign * mag * 2^lo to format f (RNE on the unbounded exponent, then FTZ / overflow).
uint32_t round_pack(bool neg, const Big& mag, int lo, FpFormat f) {
  const int h = mag.msb();
  if (h < 0) return 0;  // exact zero: +0
  int e = h + lo;       // unbiased exponent of the leading one
  uint64_t kept;
  if (h >= f.m) {
    const int sh = h - f.m;
    kept = mag.bits(sh, f.m + 1);
    const bool guard = sh > 0 && mag.bit(sh - 1);
    const bool sticky = sh > 1 && mag.any_below(sh - 1);
    if (guard && (sticky || (kept & 1))) ++kept;
    if (kept >> (f.m + 1)) {
      kept >>= 1;
      ++e;
    }
  } else {
    kept = mag.bits(0, h + 1) << (f.m - h);
  }
  const uint32_t sign = neg ? (uint32_t{1} << (f.e + f.m)) : 0;
  const int bias = (1 << (f.e - 1)) - 1;
  const int eb = e + bias;
  if (eb <= 0) return sign;                                                    // flush to zero
  if (eb >= (1 << f.e) - 1) return sign | (((uint32_t{1} << f.e) - 1) << f.m);  // Inf encoding
  return sign | (static_cast<uint32_t>(eb) << f.m) |
         static_cast<uint32_t>(kept & ((uint64_t{1} << f.m) - 1));
}

struct Term {  // sign * mag * 2^exp, or zero
  bool zero, neg;
  uint64_t mag;
  int exp;
};

Term unpack(uint32_t bits, FpFormat f) {
  const uint32_t ef = (bits >> f.m) & ((1u << f.e) - 1);
  Term t{};
  t.zero = (ef == 0);
  t.neg = (bits >> (f.e + f.m)) & 1;
  t.mag = (uint64_t{1} << f.m) | (bits & ((uint64_t{1} << f.m) - 1));
  t.exp = static_cast<int>(ef) - ((1 << (f.e - 1)) - 1) - f.m;
  return t;
}

uint32_t mask(int bits) { return bits >= 32 ? 0xffffffffu : ((1u << bits) - 1); }

int64_t sext(uint32_t v, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  const uint64_t x = v & ((uint64_t{1} << bits) - 1);
  return static_cast<int64_t>(x ^ m) - static_cast<int64_t>(m);
}

}  // namespace

const char* format_name(int f) {
  static const char* n[] = {"fp32", "fp16", "bf16", "fp8", "int8", "int4"};
  return (f >= 0 && f < kFormats) ? n[f] : "?";
}
int format_bits(int f) {
  static const int b[] = {32, 16, 16, 8, 8, 4};
  return b[f];
}
int acc_bits(int f) {
  static const int b[] = {32, 32, 32, 16, 32, 16};
  return b[f];
}
bool is_int(int f) { return f == kInt8 || f == kInt4; }
FpFormat operand_format(int f) {
  static const FpFormat t[] = {{8, 23}, {5, 10}, {8, 7}, {4, 3}};
  return t[f];
}
FpFormat acc_format(int f) { return f == kFp8 ? FpFormat{5, 10} : FpFormat{8, 23}; }

uint32_t fma(uint32_t a, uint32_t b, uint32_t c, FpFormat in, FpFormat acc) {
  const Term ta = unpack(a, in), tb = unpack(b, in), tc = unpack(c, acc);
  Term tp{};
  tp.zero = ta.zero || tb.zero;
  tp.neg = ta.neg != tb.neg;
  tp.mag = ta.mag * tb.mag;
  tp.exp = ta.exp + tb.exp;
  if (tp.zero && tc.zero) return 0;
  if (tp.zero) return round_pack(tc.neg, Big::shifted(tc.mag, 0), tc.exp, acc);
  if (tc.zero) return round_pack(tp.neg, Big::shifted(tp.mag, 0), tp.exp, acc);
  const int lo = tp.exp < tc.exp ? tp.exp : tc.exp;
  const Big bp = Big::shifted(tp.mag, tp.exp - lo), bc = Big::shifted(tc.mag, tc.exp - lo);
  if (tp.neg == tc.neg) return round_pack(tp.neg, bp.add(bc), lo, acc);
  const int k = bp.cmp(bc);
  if (k == 0) return 0;
  return k > 0 ? round_pack(tp.neg, bp.sub(bc), lo, acc) : round_pack(tc.neg, bc.sub(bp), lo, acc);
}

uint32_t add(uint32_t a, uint32_t b, FpFormat f) {
  const uint32_t one = static_cast<uint32_t>((1 << (f.e - 1)) - 1) << f.m;
  return fma(one, b, a, f, f);
}

uint32_t encode(double v, FpFormat f) {
  if (v == 0.0 || std::isnan(v)) return 0;
  const bool neg = v < 0;
  int ex;
  const double fr = std::frexp(std::fabs(v), &ex);  // |v| = fr * 2^ex, fr in [0.5, 1)
  const uint32_t sign = neg ? (uint32_t{1} << (f.e + f.m)) : 0;
  if (std::isinf(v) || ex > 1024) return sign | (((uint32_t{1} << f.e) - 1) << f.m);
  if (ex < -600) return sign;
  const uint64_t mag = static_cast<uint64_t>(std::ldexp(fr, 53));  // exact
  return round_pack(neg, Big::shifted(mag, 0), ex - 53, f);
}

double decode(uint32_t bits, FpFormat f) {
  const Term t = unpack(bits, f);
  if (t.zero) return t.neg ? -0.0 : 0.0;
  const double v = std::ldexp(static_cast<double>(t.mag), t.exp);
  return t.neg ? -v : v;
}

int lanes(int vlen, int f) { return vlen / format_bits(f); }

int acc_lanes(int vlen, unsigned formats) {
  int n = 0;
  for (int f = 0; f < kFormats; ++f)
    if ((formats >> f) & 1)
      if (lanes(vlen, f) > n) n = lanes(vlen, f);
  return n;
}

Unit::Unit(int vlen, int rows, unsigned formats, int fp_stages)
    : vlen_(vlen),
      rows_(rows),
      formats_(formats),
      fp_stages_(fp_stages),
      acc_(vuref::acc_lanes(vlen, formats), 0),
      part_(static_cast<std::size_t>(fp_stages > 1 ? fp_stages : 0), acc_) {}

void Unit::reset() {
  for (auto& a : acc_) a = 0;
  clear_partials();
}

void Unit::clear_partials() {
  for (auto& p : part_)
    for (auto& a : p) a = 0;
  next_ = 0;
}

uint32_t Unit::w_elem(const uint32_t* w, int r, int l, int f) const {
  const int b = format_bits(f);
  const long bit = static_cast<long>(r) * vlen_ + static_cast<long>(l) * b;
  return (w[bit / 32] >> (bit % 32)) & mask(b);
}

bool Unit::reduces(int op, int fmt) const {
  return op == 3 && fp_stages_ > 1 && fmt >= 0 && fmt < kFormats && !is_int(fmt) && ((formats_ >> fmt) & 1);
}

std::vector<uint32_t> Unit::chain_base(int op) const {
  if (op == 1) return std::vector<uint32_t>(acc_.size(), 0);
  return fp_stages_ > 1 ? part_[static_cast<std::size_t>(next_)] : acc_;
}

void Unit::reduce(int fmt) {
  const int nl = lanes(vlen_, fmt);
  const FpFormat af = acc_format(fmt);
  const uint32_t am = mask(acc_bits(fmt));
  for (int l = 0; l < acc_lanes(); ++l) {
    uint32_t s = 0;
    if (l < nl) {
      s = part_[0][l] & am;
      for (std::size_t k = 1; k < part_.size(); ++k) s = add(s, part_[k][l] & am, af);
    }
    acc_[l] = s;
  }
  clear_partials();
  part_[0] = acc_;
}

void Unit::op(int op, int fmt, const uint32_t* w, const uint32_t* x) {
  if (reduces(op, fmt)) {
    reduce(fmt);
    return;
  }
  if (op == 3) return;  // reserved: no change
  const bool declared = fmt >= 0 && fmt < kFormats && ((formats_ >> fmt) & 1);
  if (op == 2 || !declared) {  // CLEAR, or an undeclared format: every lane 0
    reset();
    return;
  }
  const bool piped = fp_stages_ > 1 && !is_int(fmt);
  if (fp_stages_ > 1 && is_int(fmt)) clear_partials();
  int slot = 0;
  if (piped) {
    if (op == 1) clear_partials();
    slot = next_;
    next_ = (next_ + 1) % fp_stages_;
  }
  std::vector<uint32_t>& state = piped ? part_[static_cast<std::size_t>(slot)] : acc_;
  const int nl = lanes(vlen_, fmt), b = format_bits(fmt), ab = acc_bits(fmt);
  for (int l = 0; l < acc_lanes(); ++l) {
    if (l >= nl) {
      state[l] = 0;
      continue;
    }
    const uint32_t base = (op == 1) ? 0 : state[l];
    if (is_int(fmt)) {
      int64_t s = sext(base, ab);
      for (int r = 0; r < rows_; ++r) s += sext(w_elem(w, r, l, fmt), b) * sext(x[r] & mask(b), b);
      state[l] = static_cast<uint32_t>(sext(static_cast<uint32_t>(s), ab));
    } else {
      uint32_t p = base & mask(ab);
      for (int r = 0; r < rows_; ++r)
        p = fma(w_elem(w, r, l, fmt), x[r] & mask(b), p, operand_format(fmt), acc_format(fmt));
      state[l] = p;
    }
  }
  if (piped) acc_ = state;
}

}  // namespace vuref
