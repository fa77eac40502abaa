// The RV32I program each tile class runs, assembled by meshforge itself (no toolchain needed to
// generate RTL): the streaming GEMV kernel of docs/rtl.md ("Tile programs").
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "rtl/collateral.h"

namespace meshforge::rtl {
namespace {

// Register numbers of the ABI names the kernel uses.
enum Reg : std::uint32_t { zero = 0, a0 = 10, a1 = 11, a2 = 12, s0 = 8, s1 = 9, s2 = 18, t0 = 5, t1 = 6, t2 = 7, t3 = 28, t4 = 29, t5 = 30, t6 = 31 };

constexpr std::uint32_t kOpImm = 0x13, kOp = 0x33, kLui = 0x37, kBranch = 0x63, kJal = 0x6f, kCustom0 = 0x0b, kCustom1 = 0x2b;

class Assembler {
 public:
  std::size_t here() const { return words_.size(); }
  void emit(std::uint32_t w, std::string text) {
    lines_.push_back({here(), std::move(text)});
    words_.push_back(w);
  }
  void label(const std::string& name) { lines_.push_back({kNoWord, name + ":"}); }
  void r(std::uint32_t op, std::uint32_t f3, std::uint32_t f7, Reg rd, Reg rs1, Reg rs2, std::string text) {
    emit(f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | static_cast<std::uint32_t>(rd) << 7 | op, std::move(text));
  }
  void i(std::uint32_t f3, Reg rd, Reg rs1, std::int32_t imm, const char* mnemonic) {
    emit((static_cast<std::uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | static_cast<std::uint32_t>(rd) << 7 | kOpImm,
         fmt::format("{} x{}, x{}, {}", mnemonic, static_cast<int>(rd), static_cast<int>(rs1), imm));
  }
  void addi(Reg rd, Reg rs1, std::int32_t imm) { i(0, rd, rs1, imm, "addi"); }
  void andi(Reg rd, Reg rs1, std::int32_t imm) { i(7, rd, rs1, imm, "andi"); }
  void ori(Reg rd, Reg rs1, std::int32_t imm) { i(6, rd, rs1, imm, "ori"); }
  void slli(Reg rd, Reg rs1, int sh) { i(1, rd, rs1, sh, "slli"); }
  void srli(Reg rd, Reg rs1, int sh) { i(5, rd, rs1, sh, "srli"); }
  void add(Reg rd, Reg rs1, Reg rs2) { r(kOp, 0, 0, rd, rs1, rs2, fmt::format("add x{}, x{}, x{}", +rd, +rs1, +rs2)); }
  void or_(Reg rd, Reg rs1, Reg rs2) { r(kOp, 6, 0, rd, rs1, rs2, fmt::format("or x{}, x{}, x{}", +rd, +rs1, +rs2)); }
  // Any 32-bit constant: lui + addi (addi's immediate is sign-extended, so round the upper part).
  void li(Reg rd, std::int64_t value) {
    const auto v = static_cast<std::uint32_t>(value);
    const std::int32_t lo = static_cast<std::int32_t>(v << 20) >> 20;
    const std::uint32_t hi = (v - static_cast<std::uint32_t>(lo)) >> 12;
    if (hi != 0) {
      emit(hi << 12 | static_cast<std::uint32_t>(rd) << 7 | kLui, fmt::format("lui x{}, 0x{:x}", +rd, hi));
      if (lo != 0) addi(rd, rd, lo);
    } else {
      addi(rd, zero, lo);
    }
  }
  // Branches and jumps to a label defined earlier or later; patched in finish().
  void branch(std::uint32_t f3, Reg rs1, Reg rs2, const std::string& target, const char* mnemonic) {
    fixups_.push_back({here(), target, false});
    emit(rs2 << 20 | rs1 << 15 | f3 << 12 | kBranch, fmt::format("{} x{}, x{}, {}", mnemonic, +rs1, +rs2, target));
  }
  void beq(Reg a, Reg b, const std::string& t) { branch(0, a, b, t, "beq"); }
  void bne(Reg a, Reg b, const std::string& t) { branch(1, a, b, t, "bne"); }
  void blt(Reg a, Reg b, const std::string& t) { branch(4, a, b, t, "blt"); }
  void j(const std::string& target) {
    fixups_.push_back({here(), target, true});
    emit(kJal, "jal x0, " + target);
  }
  void define(const std::string& name) {
    labels_.push_back({name, here()});
    label(name);
  }
  Program finish() {
    for (const auto& f : fixups_) {
      const auto it = std::find_if(labels_.begin(), labels_.end(), [&](const auto& l) { return l.first == f.target; });
      const auto off = static_cast<std::uint32_t>(static_cast<std::int64_t>(it->second - f.at) * 4);
      std::uint32_t& w = words_[f.at];
      if (f.jal) {
        w |= (off >> 20 & 1) << 31 | (off >> 1 & 0x3ff) << 21 | (off >> 11 & 1) << 20 | (off >> 12 & 0xff) << 12;
      } else {
        w |= (off >> 12 & 1) << 31 | (off >> 5 & 0x3f) << 25 | (off >> 1 & 0xf) << 8 | (off >> 11 & 1) << 7;
      }
    }
    std::string listing;
    for (const auto& [at, text] : lines_)
      listing += at == kNoWord ? text + "\n" : fmt::format("{:6x}:  {:08x}  {}\n", at * 4, words_[at], text);
    return {words_, listing};
  }

 private:
  struct Fixup {
    std::size_t at;
    std::string target;
    bool jal;
  };
  static constexpr std::size_t kNoWord = ~std::size_t{0};
  std::vector<std::uint32_t> words_;
  std::vector<std::pair<std::size_t, std::string>> lines_;  // (word index or kNoWord for a label, text)
  std::vector<Fixup> fixups_;
  std::vector<std::pair<std::string, std::size_t>> labels_;
};

}  // namespace

Program tile_program(const arch::Design& d, std::size_t c) {
  const auto& t = d.tile_classes[c];
  const tech::MacFormat f = arch::widest_format(t.mac_formats);
  const int bits = static_cast<int>(tech::format_bits(f));
  const int lanes = t.vlen_bits / bits;
  const int rows = t.mac_rows;
  const std::int64_t word_bits = static_cast<std::int64_t>(rows) * t.vlen_bits;
  const std::int64_t wmem_words = t.wmem_bytes > 0 ? (t.wmem_bytes * 8 + word_bits - 1) / word_bits : 0;
  // x has `lanes` elements (a square layer); ROWS of them per MAC step.
  const std::int64_t ksteps = std::clamp<std::int64_t>(lanes / rows, 1, std::max<std::int64_t>(1, wmem_words));
  const std::int64_t in_bytes = static_cast<std::int64_t>(lanes) * bits / 8;
  const std::int64_t vbytes = t.vlen_bits / 8;
  const std::int64_t out_base = (in_bytes + vbytes - 1) / vbytes * vbytes;
  const std::int64_t out_flits = (static_cast<std::int64_t>(lanes) * 32 + d.noc.link_bits - 1) / d.noc.link_bits;
  const auto fcode = static_cast<std::uint32_t>(f);

  Assembler as;
  as.label(fmt::format("# tile class {} \"{}\": y = W^T x over {} MAC steps of {} rows, {} lanes of {}, then pass the "
                       "accumulators ({} flits) to the next tile of the snake", c, t.name, ksteps, rows, lanes,
                       tech::to_string(f), out_flits));
  as.r(kCustom1, 2, 0, a0, zero, zero, "whoami a0            # a0 = {y, x}");
  as.andi(t0, a0, 255);
  as.srli(t1, a0, 8);
  // Successor along the snake: even rows run east, odd rows west, then down; the last wraps to (0,0).
  as.andi(t2, t1, 1);
  as.li(t4, d.cols - 1);
  as.bne(t2, zero, "odd_row");
  as.blt(t0, t4, "east");
  as.j("down");
  as.define("east");
  as.addi(t0, t0, 1);
  as.j("have_next");
  as.define("odd_row");
  as.bne(t0, zero, "west");
  as.j("down");
  as.define("west");
  as.addi(t0, t0, -1);
  as.j("have_next");
  as.define("down");
  as.addi(t1, t1, 1);
  as.li(t4, d.rows);
  as.blt(t1, t4, "have_next");
  as.addi(t0, zero, 0);
  as.addi(t1, zero, 0);
  as.define("have_next");
  as.slli(t1, t1, 24);
  as.slli(t0, t0, 16);
  as.or_(s2, t1, t0);
  as.li(t3, out_flits);
  as.or_(s2, s2, t3);            // s2 = {dst_y, dst_x, flits}
  as.li(s0, 0);                  // input vector
  as.li(s1, out_base);           // accumulators
  as.bne(a0, zero, "loop");      // tile (0, 0) starts the chain
  as.r(kCustom1, 0, 0, zero, s1, s2, "send s1, s2");
  as.define("loop");
  as.r(kCustom1, 1, 0, a1, s0, zero, "recv a1, s0");
  as.r(kCustom0, 2, 0, zero, zero, zero, "vclr");
  as.li(t5, 0);
  as.li(t6, ksteps);
  as.addi(a2, s0, 0);
  as.define("kloop");
  as.r(kCustom0, 0, fcode, zero, t5, a2, fmt::format("vmac.{} t5, a2", tech::to_string(f)));
  as.addi(t5, t5, 1);
  as.li(t3, static_cast<std::int64_t>(rows) * bits / 8);
  as.add(a2, a2, t3);
  as.addi(t6, t6, -1);
  as.bne(t6, zero, "kloop");
  as.r(kCustom0, 3, 0, zero, s1, zero, "vst s1");
  as.r(kCustom1, 0, 0, zero, s1, s2, "send s1, s2");
  as.j("loop");
  return as.finish();
}

}  // namespace meshforge::rtl
