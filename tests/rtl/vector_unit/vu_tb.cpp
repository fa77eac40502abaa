// Verilator testbench of mf_vector_unit against the C++ reference (vu_ref.h).
//
// Built once per configuration (VU_VLEN, VU_ROWS, VU_FORMATS, VU_FP_STAGES, VU_LATENCY and
// VU_REDUCE_LATENCY = the RTL's LATENCY and REDUCE_LATENCY localparams, all from
// tests/rtl/vector_unit.cmake). Every cycle it compares out_valid and the whole acc_out with the
// reference's state LATENCY cycles after the op that produced it (REDUCE_LATENCY after a
// reduction, op 3 in a floating-point format at FP_STAGES > 1; ops presented while one is in flight
// are dropped, in the reference too), so a wrong value, a wrong lane, an early or a late result all
// fail.
//
//   vu_tb --scenario NAME [--seed S] [--corrupt]
//     ops        op 0 / 1 / 2 / 3 semantics, idle cycles, reset, latency, undeclared formats; at
//                FP_STAGES > 1 reductions after MAC runs, op 1, CLEAR, each other, with an op
//                dropped during one, and MACs continuing from a reduced sum
//     gemv_FMT   GEMV tiles y = W^T x (K = ROWS x steps, op 1 then op 0 back to back), Gaussian
//                and random-bit operands; int formats also against a direct dot product; at
//                FP_STAGES > 1 each fp tile ends with op 3 (the reduction)
//     random_FMT random ops and gaps; random-bit, cancellation, underflow and overflow operands
//     switch     random formats and ops on a multi-format unit (MAC after a format switch too)
//     --corrupt  flips one expected bit: the run must fail (a CTest WILL_FAIL test)
#include <verilated.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "Vmf_vector_unit.h"
#include "vu_ref.h"
#include "vu_stim.h"

#ifndef VU_VLEN
#error "VU_VLEN, VU_ROWS, VU_FORMATS, VU_LATENCY must be defined"
#endif
#ifndef VU_FP_STAGES
#define VU_FP_STAGES 1
#endif
#ifndef VU_REDUCE_LATENCY
#define VU_REDUCE_LATENCY VU_LATENCY
#endif

using vuref::FpFormat;
using namespace vustim;

namespace {

constexpr int kVlen = VU_VLEN, kRows = VU_ROWS, kLatency = VU_LATENCY;
constexpr int kFpStages = VU_FP_STAGES, kReduceLatency = VU_REDUCE_LATENCY;
constexpr unsigned kFormats = VU_FORMATS;
constexpr int kWWords = kRows * kVlen / 32;


// --- wide port access (IData / QData / VlWide) ---
inline void put(IData& p, const uint32_t* v) { p = v[0]; }
inline void put(QData& p, const uint32_t* v) { p = v[0] | (static_cast<QData>(v[1]) << 32); }
template <std::size_t N>
inline void put(VlWide<N>& p, const uint32_t* v) {
  for (std::size_t i = 0; i < N; ++i) p[i] = v[i];
}
inline void get(const QData& p, uint32_t* v) {
  v[0] = static_cast<uint32_t>(p);
  v[1] = static_cast<uint32_t>(p >> 32);
}
template <std::size_t N>
inline void get(const VlWide<N>& p, uint32_t* v) {
  for (std::size_t i = 0; i < N; ++i) v[i] = p[i];
}
inline int port_words(const QData*) { return 2; }
inline int port_words(const IData*) { return 1; }
template <std::size_t N>
inline int port_words(const VlWide<N>*) { return N; }

struct Op {
  bool valid = false;
  int op = 0, fmt = 0;
  std::vector<uint32_t> w = std::vector<uint32_t>(kWWords, 0);
  std::vector<uint32_t> x = std::vector<uint32_t>(kRows, 0);
};

class Bench {
 public:
  explicit Bench(bool corrupt) : ref_(kVlen, kRows, kFormats, kFpStages), corrupt_(corrupt) {
    top_ = new Vmf_vector_unit;
    if (port_words(&top_->acc_out) != ref_.acc_lanes()) {
      std::printf("FAIL: acc_out has %d words, the reference %d lanes\n", port_words(&top_->acc_out),
                  ref_.acc_lanes());
      std::exit(1);
    }
    top_->clk = 0;
    top_->rst = 1;
    top_->in_valid = 0;
    top_->eval();
    for (int i = 0; i < 2; ++i) step(Op(), true);
    top_->rst = 0;
  }
  ~Bench() {
    top_->final();
    delete top_;
  }
  const vuref::Unit& ref() const { return ref_; }

  // One cycle: present `o`, clock edge, compare. With rst the reference state is cleared.
  void step(const Op& o, bool rst = false) {
    top_->rst = rst;
    top_->in_valid = o.valid;
    top_->in_op = static_cast<CData>(o.op);
    top_->in_fmt = static_cast<CData>(o.fmt);
    put(top_->in_w, o.w.data());
    put(top_->in_x, o.x.data());
    top_->clk = 1;
    top_->eval();
    top_->clk = 0;
    top_->eval();
    ++cycle_;
    if (rst) {  // the reset edge clears out_valid and the accumulators; nothing is in flight
      ref_.reset();
      pipe_.clear();
      busy_left_ = reduce_in_ = 0;
      for (int i = 0; i < kLatency - 1; ++i) pipe_.push_back({false, ref_.acc()});
      check({false, ref_.acc()});
      return;
    }
    // the op's result is visible LATENCY edges after the edge that sampled it (this one); a
    // reduction's REDUCE_LATENCY edges after, and the unit drops ops until then
    const bool accepted = o.valid && busy_left_ == 0;
    if (busy_left_ > 0) --busy_left_;
    const bool reduce_now = reduce_in_ > 0 && --reduce_in_ == 0;
    if (o.valid && !accepted) ++dropped_;
    if (accepted && ref_.reduces(o.op, o.fmt)) {
      busy_left_ = kReduceLatency - 1;
      reduce_in_ = kReduceLatency - kLatency;
      reduce_ = o;
      pipe_.push_back({false, ref_.acc()});
    } else if (reduce_now) {
      ref_.op(reduce_.op, reduce_.fmt, reduce_.w.data(), reduce_.x.data());
      pipe_.push_back({true, ref_.acc()});
    } else {
      if (accepted) ref_.op(o.op, o.fmt, o.w.data(), o.x.data());
      pipe_.push_back({accepted, ref_.acc()});
    }
    const Expect e = pipe_.front();
    pipe_.pop_front();
    check(e);
  }
  void idle(int n) {
    for (int i = 0; i < n; ++i) step(Op());
  }
  void drain() { idle(kReduceLatency + 1); }
  long checks() const { return checks_; }
  long dropped() const { return dropped_; }
  long errors() const { return errors_; }
  long ops() const { return ops_; }
  void count_op() { ++ops_; }
  std::vector<uint32_t> acc_now() const {
    std::vector<uint32_t> v(ref_.acc_lanes());
    get(top_->acc_out, v.data());
    return v;
  }

 private:
  struct Expect {
    bool valid;
    std::vector<uint32_t> acc;
  };
  void check(Expect e) {
    ++checks_;
    if (corrupt_ && checks_ == 40) e.acc[0] ^= 1u;
    const bool v = top_->out_valid;
    const std::vector<uint32_t> got = acc_now();
    const bool bad = (v != e.valid) || (got != e.acc);
    if (!bad) return;
    if (++errors_ <= 8) {
      std::printf("MISMATCH cycle %ld: out_valid %d expected %d\n", cycle_, v, e.valid);
      for (int l = 0; l < ref_.acc_lanes(); ++l)
        if (got[l] != e.acc[l])
          std::printf("  lane %d: rtl %08x ref %08x\n", l, got[l], e.acc[l]);
    }
  }
  Vmf_vector_unit* top_;
  vuref::Unit ref_;
  std::deque<Expect> pipe_;
  bool corrupt_;
  long cycle_ = 0, checks_ = 0, errors_ = 0, ops_ = 0, dropped_ = 0;
  int busy_left_ = 0;   // cycles the unit still drops ops (a reduction in flight)
  int reduce_in_ = 0;   // cycles until the reduction's result enters the expected pipe
  Op reduce_;           // the reduction in flight
};

void set_w(Op& o, int r, int l, int f, uint32_t v) {
  const int b = vuref::format_bits(f);
  const long bit = static_cast<long>(r) * kVlen + static_cast<long>(l) * b;
  const uint32_t m = mask(b);
  uint32_t& word = o.w[bit / 32];
  word = (word & ~(m << (bit % 32))) | ((v & m) << (bit % 32));
}

enum Kind { kGauss, kBits, kMixed };

// Operands of one op. kMixed: random-bit scalars, and per lane and row a weight from
// partner_operand against the running chain value (cancellation, tiny, huge or random bits).
// `base` is the chain start of each lane (the accumulators before the op).
void fill(Rng& g, Op& o, int f, Kind k, const std::vector<uint32_t>& base) {
  const int nl = vuref::lanes(kVlen, f);
  const uint32_t xm = mask(vuref::format_bits(f));
  for (int r = 0; r < kRows; ++r)  // the slot bits above the format's width: garbage to ignore
    o.x[r] = (k == kGauss ? gauss_operand(g, f) : bits_operand(g, f)) | (static_cast<uint32_t>(g()) & ~xm);
  for (int l = 0; l < nl; ++l) {
    uint32_t p = (o.op == 1) ? 0 : base[l];
    const bool fp = !vuref::is_int(f);
    if (fp) p &= mask(vuref::acc_bits(f));
    for (int r = 0; r < kRows; ++r) {
      const uint32_t xs = o.x[r] & xm;
      uint32_t w;
      if (fp && k == kMixed) {  // per row of the chain: cancel the running value, tiny, huge, bits
        w = partner_operand(g, f, xs, p);
        p = vuref::fma(w, xs, p, vuref::operand_format(f), vuref::acc_format(f));
      } else {
        w = (k == kGauss) ? gauss_operand(g, f) : bits_operand(g, f);
      }
      set_w(o, r, l, f, w);
    }
  }
}

int fmt_bit_count() {
  int n = 0;
  for (int f = 0; f < vuref::kFormats; ++f) n += (kFormats >> f) & 1;
  return n;
}

int pick_format(Rng& g) {
  for (;;) {
    const int f = static_cast<int>(g() % vuref::kFormats);
    if ((kFormats >> f) & 1) return f;
  }
}

int run_ops(Bench& b, Rng& g) {
  for (int f = 0; f < vuref::kFormats; ++f) {
    if (!((kFormats >> f) & 1)) continue;
    Op o;
    o.valid = true;
    o.fmt = f;
    auto issue = [&](int op, Kind k) {
      o.op = op;
      fill(g, o, f, k, b.ref().chain_base(op));
      b.step(o);
      b.count_op();
    };
    // latency: one op after idle cycles; the result must appear exactly LATENCY cycles later
    b.idle(3);
    issue(1, kGauss);
    b.idle(kLatency + 2);
    issue(0, kGauss);
    issue(0, kGauss);       // back to back
    issue(3, kGauss);       // reserved: no change
    b.idle(1);
    issue(0, kBits);
    issue(2, kGauss);       // CLEAR
    issue(0, kGauss);       // MAC onto cleared accumulators
    issue(1, kBits);        // MAC from zero discards them
    issue(1, kBits);
    b.idle(2);
    // reset while ops are in flight
    issue(0, kGauss);
    b.step(Op(), true);
    b.idle(kLatency + 1);
    issue(0, kGauss);       // MAC after reset: from zero
    issue(0, kGauss);
    for (int i = 0; i < 20; ++i) issue(static_cast<int>(g() % 3), kBits);
    b.drain();
    if (kFpStages > 1 && !vuref::is_int(f)) {
      // reductions: after a MAC run (partials in every slot), at once after op 1 (one partial),
      // right after CLEAR (all zero), twice in a row, and MACs continuing from a reduced sum
      for (int i = 0; i < 2 * kFpStages + 1; ++i) issue(i == 0 ? 1 : 0, kGauss);
      issue(3, kGauss);
      b.drain();
      issue(0, kGauss);
      issue(0, kBits);
      issue(3, kGauss);
      b.drain();
      issue(3, kGauss);
      b.drain();
      issue(1, kGauss);
      issue(3, kGauss);
      issue(0, kGauss);     // dropped: the reduction is in flight
      b.drain();
      issue(2, kGauss);
      issue(3, kGauss);
      b.drain();
    }
  }
  // undeclared formats (and codes 6, 7): every lane becomes 0
  for (int f = 0; f < 8; ++f) {
    if (f < vuref::kFormats && ((kFormats >> f) & 1)) continue;
    Op o;
    o.valid = true;
    o.fmt = pick_format(g);
    o.op = 1;
    fill(g, o, o.fmt, kGauss, b.ref().chain_base(o.op));
    b.step(o);
    o.fmt = f;
    o.op = 0;
    b.step(o);
    b.count_op();
    b.drain();
  }
  return 0;
}

int run_gemv(Bench& b, Rng& g, int f) {
  const int steps = 24, tiles = 12;
  long exact_checks = 0, exact_errors = 0;
  double max_rel = 0;
  for (int t = 0; t < tiles; ++t) {
    const Kind k = (t % 3 == 2) ? kBits : kGauss;
    const int nl = vuref::lanes(kVlen, f);
    std::vector<int64_t> dot(nl, 0);
    std::vector<double> dotd(nl, 0.0);
    for (int s = 0; s < steps; ++s) {
      Op o;
      o.valid = true;
      o.fmt = f;
      o.op = (s == 0) ? 1 : 0;
      fill(g, o, f, k, b.ref().chain_base(o.op));
      const int bits = vuref::format_bits(f);
      for (int l = 0; l < nl; ++l)
        for (int r = 0; r < kRows; ++r) {
          const uint32_t w = b.ref().w_elem(o.w.data(), r, l, f);
          const uint32_t x = o.x[r] & mask(bits);
          if (vuref::is_int(f)) {
            auto sx = [bits](uint32_t v) { return static_cast<int64_t>(v ^ (1u << (bits - 1))) - (1 << (bits - 1)); };
            dot[l] += sx(w) * sx(x);
          } else {
            const FpFormat fi = vuref::operand_format(f);
            dotd[l] += vuref::decode(w, fi) * vuref::decode(x, fi);
          }
        }
      b.step(o);
      b.count_op();
    }
    if (kFpStages > 1 && !vuref::is_int(f)) {  // combine the partial accumulators
      b.idle(static_cast<int>(g() % 3));
      Op red;
      red.valid = true;
      red.op = 3;
      red.fmt = f;
      b.step(red);
    }
    b.drain();
    const std::vector<uint32_t> got = b.acc_now();
    for (int l = 0; l < nl; ++l) {
      if (vuref::is_int(f)) {
        const int ab = vuref::acc_bits(f);
        const uint64_t m = (ab == 32) ? 0xffffffffull : 0xffffull;
        const uint64_t w = static_cast<uint64_t>(dot[l]) & m;
        const int64_t sv = (w & (uint64_t{1} << (ab - 1))) ? static_cast<int64_t>(w) - static_cast<int64_t>(m) - 1 : static_cast<int64_t>(w);
        ++exact_checks;
        if (got[l] != static_cast<uint32_t>(sv)) {
          if (++exact_errors <= 4)
            std::printf("GEMV tile %d lane %d: rtl %08x direct dot product %08x\n", t, l, got[l], static_cast<uint32_t>(sv));
        }
      } else if (k == kGauss) {
        const double v = vuref::decode(got[l], vuref::acc_format(f));
        const double rel = std::fabs(v - dotd[l]) / std::max(1.0, std::fabs(dotd[l]));
        if (rel > max_rel) max_rel = rel;
      }
    }
  }
  if (vuref::is_int(f))
    std::printf("gemv %s: %ld lanes vs direct dot products, %ld wrong\n", vuref::format_name(f), exact_checks, exact_errors);
  else
    std::printf("gemv %s: max |rtl - double dot| / max(1, |dot|) = %.3g (information)\n", vuref::format_name(f), max_rel);
  return exact_errors ? 1 : 0;
}

int run_random(Bench& b, Rng& g, int f, bool switching) {
  const int n = 8000;
  for (int i = 0; i < n; ++i) {
    const int u = static_cast<int>(g() % 100);
    if (u < 12) {
      b.idle(1 + static_cast<int>(g() % 3));
      continue;
    }
    Op o;
    o.valid = true;
    o.fmt = switching ? pick_format(g) : f;
    o.op = u < 80 ? 0 : u < 92 ? 1 : u < 97 ? 2 : 3;
    fill(g, o, o.fmt, kMixed, b.ref().chain_base(o.op));
    b.step(o);
    b.count_op();
    if (g() % 400 == 0) b.step(Op(), true);  // occasional reset
  }
  b.drain();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  std::string scenario;
  unsigned long seed = 1;
  bool corrupt = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--scenario" && i + 1 < argc) scenario = argv[++i];
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoul(argv[++i], nullptr, 0);
    else if (a == "--corrupt") corrupt = true;
  }
  Rng g(seed);

  Bench b(corrupt);
  int rc = 0;
  auto fmt_of = [](const std::string& s) {
    for (int f = 0; f < vuref::kFormats; ++f)
      if (s == vuref::format_name(f)) return f;
    return -1;
  };
  if (scenario == "ops") {
    rc = run_ops(b, g);
  } else if (scenario.rfind("gemv_", 0) == 0 || scenario.rfind("random_", 0) == 0) {
    const bool gemv = scenario[0] == 'g';
    const int f = fmt_of(scenario.substr(gemv ? 5 : 7));
    if (f < 0 || !((kFormats >> f) & 1)) {
      std::printf("FAIL: format of '%s' not declared in FORMATS=0x%x\n", scenario.c_str(), kFormats);
      return 2;
    }
    rc = gemv ? run_gemv(b, g, f) : run_random(b, g, f, false);
  } else if (scenario == "switch") {
    if (fmt_bit_count() < 2) {
      std::printf("FAIL: 'switch' needs two declared formats\n");
      return 2;
    }
    rc = run_random(b, g, 0, true);
  } else {
    std::printf("usage: %s --scenario ops|gemv_FMT|random_FMT|switch [--seed S] [--corrupt]\n", argv[0]);
    return 2;
  }
  std::printf("%s: VLEN %d ROWS %d FORMATS 0x%02x FP_STAGES %d LATENCY %d REDUCE_LATENCY %d: %ld ops (%ld dropped "
              "during reductions), %ld cycle checks, %ld mismatches\n",
              scenario.c_str(), kVlen, kRows, kFormats, kFpStages, kLatency, kReduceLatency, b.ops(), b.dropped(),
              b.checks(), b.errors());
  if (b.errors() || rc) {
    std::printf("FAIL\n");
    return 1;
  }
  std::printf("PASS\n");
  return 0;
}
