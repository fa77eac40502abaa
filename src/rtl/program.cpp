// The RV32I program each tile class runs, assembled by meshforge itself (no toolchain needed to
// generate RTL): the streaming GEMV kernel of docs/rtl.md ("Tile programs").
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "rtl/assembler.h"
#include "rtl/collateral.h"

namespace meshforge::rtl {

using namespace assembler;

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
