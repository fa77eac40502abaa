// mf_fma alone against the C++ reference fma (vu_ref.h), in the vector unit's four floating-point
// format pairs: random-bit operands and accumulators (any bit pattern: exponent-0 patterns with
// fraction bits, all-ones exponents), cancellation (b ~ -c / a), underflow and overflow operands,
// accumulator chains. The vector-unit benches reach only accumulators the unit itself produced.
//   vu_fma_tb N SEED [--dump]
// --dump also prints every case as "fmt a b c r" (hex, r = the reference) for check_ref_python.py.
#include <verilated.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "Vvu_fma_top.h"
#include "vu_ref.h"
#include "vu_stim.h"

using namespace vustim;

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::strtol(argv[1], nullptr, 0) : 200000;
  Rng g(argc > 2 ? std::strtoul(argv[2], nullptr, 0) : 5);
  const bool dump = argc > 3 && std::strcmp(argv[3], "--dump") == 0;
  Vvu_fma_top top;
  long bad = 0, cases[4] = {0, 0, 0, 0};
  uint32_t c[4] = {0, 0, 0, 0};
  for (long i = 0; i < n; ++i) {
    const int f = static_cast<int>(i % 4);
    const FpFormat fi = vuref::operand_format(f), fa = vuref::acc_format(f);
    const uint32_t am = mask(vuref::acc_bits(f));
    // accumulator: the previous result (a chain), any bits, a small or an exponent-0 pattern
    const int k = static_cast<int>(g() % 16);
    if (k == 0) c[f] = static_cast<uint32_t>(g()) & am;
    if (k == 1) c[f] = static_cast<uint32_t>(g()) & am & ~(mask(fa.e) << fa.m);  // exponent 0
    if (k == 2) c[f] = (static_cast<uint32_t>(g()) & am & ~(mask(fa.e) << fa.m)) | (1u << fa.m);
    if (k == 3) c[f] = 0;
    const uint32_t a = bits_operand(g, f);
    const uint32_t b = partner_operand(g, f, a, c[f]);
    uint32_t r = 0;
    switch (f) {
      case 0: top.a0 = a; top.b0 = b; top.c0 = c[f]; top.eval(); r = top.r0; break;
      case 1: top.a1 = a; top.b1 = b; top.c1 = c[f]; top.eval(); r = top.r1; break;
      case 2: top.a2 = a; top.b2 = b; top.c2 = c[f]; top.eval(); r = top.r2; break;
      default: top.a3 = a; top.b3 = b; top.c3 = c[f]; top.eval(); r = top.r3; break;
    }
    const uint32_t want = vuref::fma(a, b, c[f], fi, fa);
    ++cases[f];
    if (dump) std::printf("%d %x %x %x %x\n", f, a, b, c[f], want);
    if (r != want && ++bad <= 10)
      std::printf("MISMATCH %s a=%x b=%x c=%x: rtl %x ref %x\n", vuref::format_name(f), a, b, c[f], r, want);
    c[f] = want;
  }
  top.final();
  for (int f = 0; f < 4; ++f) std::printf("%s: %ld fma cases\n", vuref::format_name(f), cases[f]);
  std::printf("%ld mismatches\n%s\n", bad, bad ? "FAIL" : "PASS");
  return bad ? 1 : 0;
}
