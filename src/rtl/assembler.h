// meshforge's own RV32I assembler (private to src/rtl): the few instructions the tile programs
// use, labels with forward references, and a listing. No toolchain is needed to generate RTL.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rtl/collateral.h"

namespace meshforge::rtl::assembler {

// Register numbers of the ABI names the kernel uses.
enum Reg : std::uint32_t { zero = 0, ra = 1, s3 = 19, s4 = 20, s5 = 21, s6 = 22, s7 = 23, a3 = 13, a4 = 14, a0 = 10, a1 = 11, a2 = 12, s0 = 8, s1 = 9, s2 = 18, t0 = 5, t1 = 6, t2 = 7, t3 = 28, t4 = 29, t5 = 30, t6 = 31 };

constexpr std::uint32_t kLoad = 0x03, kStore = 0x23, kJalr = 0x67, kOpImm = 0x13, kOp = 0x33, kLui = 0x37, kBranch = 0x63, kJal = 0x6f, kCustom0 = 0x0b, kCustom1 = 0x2b;

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
  void srai(Reg rd, Reg rs1, int sh) { i(5, rd, rs1, 0x400 | sh, "srai"); }
  void lw(Reg rd, Reg base, std::int32_t off) {
    emit((static_cast<std::uint32_t>(off) & 0xfff) << 20 | base << 15 | 2u << 12 | static_cast<std::uint32_t>(rd) << 7 | kLoad,
         fmt::format("lw x{}, {}(x{})", +rd, off, +base));
  }
  void store(std::uint32_t f3, Reg src, Reg base, std::int32_t off, const char* mnemonic) {
    const auto imm = static_cast<std::uint32_t>(off) & 0xfff;
    emit((imm >> 5) << 25 | src << 20 | base << 15 | f3 << 12 | (imm & 0x1f) << 7 | kStore,
         fmt::format("{} x{}, {}(x{})", mnemonic, +src, off, +base));
  }
  void sw(Reg src, Reg base, std::int32_t off) { store(2, src, base, off, "sw"); }
  void sb(Reg src, Reg base, std::int32_t off) { store(0, src, base, off, "sb"); }
  void ret() { emit(static_cast<std::uint32_t>(ra) << 15 | kJalr, "jalr x0, 0(x1)"); }
  void ebreak() { emit(0x00100073, "ebreak"); }
  // jal ra, target: a call.
  void call(const std::string& target) {
    fixups_.push_back({here(), target, true});
    emit(static_cast<std::uint32_t>(ra) << 7 | kJal, "jal x1, " + target);
  }
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

}  // namespace meshforge::rtl::assembler
