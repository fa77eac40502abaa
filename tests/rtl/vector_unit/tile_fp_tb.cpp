// Verilator testbench of mf_tile's floating-point MAC path against the C++ reference (vu_ref.h):
// a program of vmacz / vmac steps and vst in every declared floating-point format, on a tile whose
// vector unit has FP_STAGES TT_FP_STAGES. With FP_STAGES > 1 vst must store the reduced sum of the
// partial accumulators (it issues op 3 and waits for it), and vmac after vst must continue from it.
//
// Built per configuration by tests/rtl/vector_unit.cmake (TT_VLEN, TT_ROWS, TT_FORMATS,
// TT_FP_STAGES; the tile's IMEM_INIT / WMEM_INIT are imem.hex / wmem.hex in the working directory,
// which this program writes before the model reads them).
//   tile_fp_tb [--seed S]
#include <verilated.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "Vmf_tile.h"
#include "Vmf_tile___024root.h"
#include "vu_ref.h"
#include "vu_stim.h"

using namespace vustim;

namespace {

constexpr int kVlen = TT_VLEN, kRows = TT_ROWS, kFpStages = TT_FP_STAGES;
constexpr unsigned kFormats = TT_FORMATS;
static_assert(kVlen == 64, "the AMEM access below reads 64-bit words");
constexpr int kSteps1 = 5, kSteps2 = 3;   // vmac steps before the first vst, then before the second
constexpr int kXBase = 0, kOutWord = 64;   // AMEM: x operands from byte 0, stores from word 64

// RV32I encodings (the subset the program needs) and the tile's custom-0 instructions
uint32_t r_type(uint32_t f7, int rs2, int rs1, uint32_t f3, int rd, uint32_t opcode) {
  return (f7 << 25) | (static_cast<uint32_t>(rs2) << 20) | (static_cast<uint32_t>(rs1) << 15) | (f3 << 12) |
         (static_cast<uint32_t>(rd) << 7) | opcode;
}
void li(std::vector<uint32_t>& p, int rd, uint32_t v) {
  const uint32_t lo = v & 0xfff, hi = (v + 0x800) >> 12;
  p.push_back((hi << 12) | (static_cast<uint32_t>(rd) << 7) | 0x37);                           // lui
  p.push_back((lo << 20) | (static_cast<uint32_t>(rd) << 15) | (static_cast<uint32_t>(rd) << 7) | 0x13);  // addi
}
void sw(std::vector<uint32_t>& p, int rs2, int rs1, uint32_t off) {
  p.push_back(((off >> 5) << 25) | (static_cast<uint32_t>(rs2) << 20) | (static_cast<uint32_t>(rs1) << 15) |
              (2u << 12) | ((off & 31) << 7) | 0x23);
}
void cop(std::vector<uint32_t>& p, uint32_t f3, uint32_t fmt, uint32_t a, uint32_t b) {  // a, b via x5, x6
  li(p, 5, a);
  li(p, 6, b);
  p.push_back(r_type(fmt, 6, 5, f3, 0, 0x0b));
}

struct Step {
  int fmt, op;
  std::vector<uint32_t> w, x;  // the unit's operands: rows * vlen / 32 words, rows words
};

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  unsigned long seed = 1;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--seed") seed = std::strtoul(argv[i + 1], nullptr, 0);
  Rng g(seed);

  // the program, the weights and the expected stores, format by format
  std::vector<uint32_t> prog, wmem_words;      // wmem: kRows * 2 32-bit words per WMEM word
  std::vector<std::vector<uint32_t>> expect;   // per vst: the stored 32-bit words
  std::vector<int> store_word;                 // per vst: its first AMEM word
  vuref::Unit ref(kVlen, kRows, kFormats, kFpStages);
  int wword = 0, xbyte = kXBase, out = kOutWord;
  for (int f = 0; f < 4; ++f) {
    if (!((kFormats >> f) & 1)) continue;
    const int bits = vuref::format_bits(f), nl = vuref::lanes(kVlen, f);
    auto vst = [&]() {
      cop(prog, 3, 0, static_cast<uint32_t>(out * 8), 0);
      if (ref.reduces(3, f)) ref.op(3, f, nullptr, nullptr);
      expect.emplace_back(ref.acc().begin(), ref.acc().begin() + nl);
      store_word.push_back(out);
      out += nl * 32 / kVlen;
    };
    for (int s = 0; s < kSteps1 + kSteps2; ++s) {
      Step st{f, s == 0 ? 1 : 0, std::vector<uint32_t>(kRows * kVlen / 32, 0), std::vector<uint32_t>(kRows, 0)};
      for (int r = 0; r < kRows; ++r) {
        st.x[r] = gauss_operand(g, f);
        for (int l = 0; l < nl; ++l) {
          const long bit = static_cast<long>(r) * kVlen + static_cast<long>(l) * bits;
          st.w[bit / 32] |= (bits_operand(g, f) & mask(bits)) << (bit % 32);
        }
      }
      // x: kRows elements packed from byte xbyte, written by the core with sw
      std::vector<uint32_t> xw((kRows * bits + 31) / 32, 0);
      for (int r = 0; r < kRows; ++r) xw[r * bits / 32] |= (st.x[r] & mask(bits)) << ((r * bits) % 32);
      for (std::size_t j = 0; j < xw.size(); ++j) {
        li(prog, 7, xw[j]);
        li(prog, 8, static_cast<uint32_t>(xbyte + 4 * j));
        sw(prog, 7, 8, 0);
      }
      wmem_words.insert(wmem_words.end(), st.w.begin(), st.w.end());
      cop(prog, st.op == 1 ? 1 : 0, static_cast<uint32_t>(f), static_cast<uint32_t>(wword), static_cast<uint32_t>(xbyte));
      ref.op(st.op, f, st.w.data(), st.x.data());
      ++wword;
      xbyte += 8;
      if (s == kSteps1 - 1) vst();
    }
    vst();
  }
  prog.push_back(0x00100073);  // ebreak

  {
    std::ofstream im("imem.hex"), wm("wmem.hex");
    for (uint32_t w : prog) im << std::hex << w << "\n";
    const int per = kRows * kVlen / 32;
    for (int i = 0; i < wword; ++i) {  // one WMEM word a line, most significant 32 bits first
      for (int j = per - 1; j >= 0; --j) {
        char b[9];
        std::snprintf(b, sizeof b, "%08x", wmem_words[static_cast<std::size_t>(i * per + j)]);
        wm << b;
      }
      wm << "\n";
    }
  }

  auto* top = new Vmf_tile;
  top->clk = 0;
  top->rst = 1;
  top->my_x = 0;
  top->my_y = 0;
  top->in_valid = 0;
  top->out_credit = 0;
  long cycles = 0;
  auto tick = [&]() {
    top->clk = 1;
    top->eval();
    top->clk = 0;
    top->eval();
    ++cycles;
  };
  tick();
  tick();
  top->rst = 0;
  while (!top->halted && cycles < 200000) tick();
  int errors = 0;
  if (!top->halted || top->fault) {
    std::printf("FAIL: halted %d fault %d after %ld cycles\n", top->halted, top->fault, cycles);
    return 1;
  }
  const auto& amem = top->rootp->mf_tile__DOT__amem__DOT__mem;
  long checked = 0;
  for (std::size_t v = 0; v < expect.size(); ++v)
    for (std::size_t l = 0; l < expect[v].size(); ++l) {
      const uint64_t word = amem[static_cast<std::size_t>(store_word[v]) + l / 2];
      const uint32_t got = static_cast<uint32_t>(word >> (32 * (l % 2)));
      ++checked;
      if (got != expect[v][l] && ++errors <= 8)
        std::printf("MISMATCH vst %zu lane %zu: rtl %08x ref %08x\n", v, l, got, expect[v][l]);
    }
  std::printf("tile FP_STAGES %d ROWS %d FORMATS 0x%02x: %zu instructions, %zu vst, %ld lanes checked, %d mismatches, "
              "%ld cycles\n",
              kFpStages, kRows, kFormats, prog.size(), expect.size(), checked, errors, cycles);
  top->final();
  delete top;
  std::printf(errors ? "FAIL\n" : "PASS\n");
  return errors ? 1 : 0;
}
