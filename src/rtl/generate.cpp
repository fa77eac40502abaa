// The generated mesh top: routers and tiles in generate loops, tile parameters chosen by the class
// map, links between neighbours, DRAM ports on the east and south edges. The modules it
// instantiates are the hand-written library (src/rtl/verilog/, docs/rtl.md).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/atomic_file.h"
#include "rtl/collateral.h"
#include "rtl/rtl.h"

namespace meshforge::rtl {

std::vector<std::string> check_expressible(const arch::Design& d) {
  std::vector<std::string> out;
  // Coordinates are 8 bits and DRAM ports sit one step beyond the last row / column.
  if (d.rows > 255) out.push_back(fmt::format("mesh.rows: {} rows; the generated NoC addresses at most 255", d.rows));
  if (d.cols > 255) out.push_back(fmt::format("mesh.cols: {} columns; the generated NoC addresses at most 255", d.cols));
  if (d.noc.link_bits < 32)
    out.push_back(fmt::format("noc.link_bits: {} bits; a head flit needs 32 (destination and source)", d.noc.link_bits));
  if (d.tile_classes.size() > 16)
    out.push_back(fmt::format("tile_classes: {} classes; the generator handles at most 16", d.tile_classes.size()));
  if (d.dram.kind != "none" && d.dram.channels > d.rows + d.cols)
    out.push_back(fmt::format("dram.channels: {} channels; the east and south edges have {} router ports for DRAM",
                              d.dram.channels, d.rows + d.cols));
  for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
    const auto& t = d.tile_classes[c];
    if (t.mac_formats == 0) out.push_back(fmt::format("tile_classes[{}].mac_formats: empty", c));
    if (t.vlen_bits < 64) out.push_back(fmt::format("tile_classes[{}].vlen_bits: {}; the vector unit needs at least 64", c, t.vlen_bits));
    if (t.wmem_bytes * 8 / (static_cast<std::int64_t>(t.mac_rows) * t.vlen_bits) > (std::int64_t{1} << 20))
      out.push_back(fmt::format("tile_classes[{}].wmem_bytes: {} words of ROWS x VLEN bits; vmac addresses 2^20", c,
                                t.wmem_bytes * 8 / (static_cast<std::int64_t>(t.mac_rows) * t.vlen_bits)));
    if (t.imem_bytes < 64 || t.imem_bytes % 4 != 0)
      out.push_back(fmt::format("tile_classes[{}].imem_bytes: {}; IMEM holds whole 32-bit instructions, at least 16", c, t.imem_bytes));
    if (t.mac_array == arch::MacArray::systolic && t.mac_rows > 1)
      out.push_back(fmt::format("tile_classes[{}].mac_array: systolic; the generator builds adder-tree MAC rows only", c));
    if (arch::widest_format(t.mac_formats) == tech::MacFormat::int4 && t.mac_rows % 2 != 0)
      out.push_back(fmt::format("tile_classes[{}].mac_rows: {}; an int4-only tile steps its input by whole bytes, so mac_rows must be even", c, t.mac_rows));
    // The tile program's input vector (one VLEN word) and its stored accumulators (up to 8).
    if (t.amem_bytes * 8 < 9LL * t.vlen_bits)
      out.push_back(fmt::format("tile_classes[{}].amem_bytes: {}; AMEM must hold at least 9 VLEN words (input and accumulators)", c, t.amem_bytes));
  }
  return out;
}

std::string top_module_name(const arch::Design& d) {
  std::string name;
  for (char ch : d.name) {
    const auto u = static_cast<unsigned char>(ch);
    name += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) name = "mesh_" + name;
  return name + "_top";
}

TileParameters tile_parameters(const Inputs& in, std::size_t c) {
  const arch::Design& d = in.design;
  const auto& t = d.tile_classes[c];
  const std::int64_t word_bits = static_cast<std::int64_t>(t.mac_rows) * t.vlen_bits;
  TileParameters p;
  p.vlen = t.vlen_bits;
  p.rows = t.mac_rows;
  p.formats = static_cast<int>(t.mac_formats);
  p.fetch_width = t.fetch_width;
  // The lanes are cut as the model prices them. Integer: at a clock the node reaches that is at most
  // 2 stages (ppa lane_stages: int8's path is ~1.5 cycles of fmax). Floating point: the most any
  // declared fp format needs, at most 8 and at most a cut after every FMA phase (4 per row;
  // mf_vector_unit FP_STAGES, docs/rtl.md).
  if (c < in.tile_areas.size()) {
    const auto& stages = in.tile_areas[c].mac_lane_stages;
    p.int_stages = std::clamp(std::max(stages[static_cast<std::size_t>(tech::MacFormat::int8)],
                                       stages[static_cast<std::size_t>(tech::MacFormat::int4)]),
                              1, 2);
    int fp = 1;
    for (const auto f : {tech::MacFormat::fp32, tech::MacFormat::fp16, tech::MacFormat::bf16, tech::MacFormat::fp8})
      fp = std::max(fp, stages[static_cast<std::size_t>(f)]);
    p.fp_stages = std::clamp(fp, 1, std::min(kMaxFpStages, 4 * std::max(1, t.mac_rows)));
  }
  p.imem_words = t.imem_bytes / 4;
  p.wmem_words = t.wmem_bytes > 0 ? (t.wmem_bytes * 8 + word_bits - 1) / word_bits : 0;
  p.amem_words = t.amem_bytes * 8 / t.vlen_bits;
  p.weight_rom = t.weight_storage == arch::WeightStorage::rom ? 1 : 0;
  p.imem_init = fmt::format("programs/{}.hex", class_block_name(d, c));
  if (in.model.graph) {  // programs per tile: a class's first tile stands for it (the top picks each tile's)
    for (int tile = 0; tile < d.tiles(); ++tile)
      if (static_cast<std::size_t>(d.class_of(tile / d.cols, tile % d.cols)) == c) {
        p.imem_init = tile_program_file(tile);
        break;
      }
  }
  p.wmem_init = p.weight_rom ? fmt::format("weights/{}.hex", class_block_name(d, c)) : "";
  return p;
}

namespace {

// "model int8 2, fp16 4; generated integer 2, floating point 4": what the area model prices per
// declared format at the design's clock, and what this RTL builds.
std::string lane_stage_note(const Inputs& in, std::size_t c, const TileParameters& p) {
  if (c >= in.tile_areas.size()) return "not modelled";
  std::string model, generated;
  bool has_fp = false, has_int = false;
  for (std::size_t f = 0; f < in.tile_areas[c].mac_lane_stages.size(); ++f) {
    const int st = in.tile_areas[c].mac_lane_stages[f];
    if (st <= 0) continue;
    const auto format = static_cast<tech::MacFormat>(f);
    (format == tech::MacFormat::int8 || format == tech::MacFormat::int4 ? has_int : has_fp) = true;
    if (!model.empty()) model += ", ";
    model += fmt::format("{} {}", tech::to_string(format), st);
  }
  if (has_int) generated += fmt::format("integer {}", p.int_stages);
  if (has_fp) generated += fmt::format("{}floating point {}", has_int ? ", " : "", p.fp_stages);
  return "model " + model + "; generated " + generated;
}

// Where each DRAM channel attaches: east edge rows first (spread evenly), then south edge columns.
struct DramPort {
  bool east = true;  // east edge: router (row, cols-1) port 2; south: router (rows-1, col) port 3
  int index = 0;     // row (east) or column (south)
};
std::vector<DramPort> dram_ports(const arch::Design& d) {
  std::vector<DramPort> ports;
  if (d.dram.kind == "none") return ports;
  const int n = d.dram.channels;
  const int east = std::min(n, d.rows);
  for (int i = 0; i < east; ++i) ports.push_back({true, (2 * i + 1) * d.rows / (2 * east)});
  const int south = n - east;
  for (int i = 0; i < south; ++i) ports.push_back({false, (2 * i + 1) * d.cols / (2 * south)});
  return ports;
}

std::string bitmask_literal(int bits, const std::vector<bool>& set) {
  std::string s = fmt::format("{}'b", bits);
  for (int i = bits - 1; i >= 0; --i) s += set[static_cast<std::size_t>(i)] ? '1' : '0';
  return s;
}

std::string mesh_top(const Inputs& in) {
  const arch::Design& d = in.design;
  const int vcb = d.noc.virtual_channels > 1 ? static_cast<int>(std::ceil(std::log2(d.noc.virtual_channels))) : 1;
  const auto ports = dram_ports(d);
  std::vector<bool> east_rows(static_cast<std::size_t>(d.rows), false), south_cols(static_cast<std::size_t>(d.cols), false);
  for (const auto& p : ports) (p.east ? east_rows : south_cols)[static_cast<std::size_t>(p.index)] = true;

  std::string v = header_comment(in, "Mesh top: routers, tiles (by class map), links, DRAM ports");
  const std::string top = top_module_name(d);
  v += fmt::format("module {} (\n  input wire clk,\n  input wire rst,\n", top);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    v += fmt::format(
        "  // DRAM channel {} ({} edge, {} {}): AXI-style single-beat stub, mf_dram_port\n"
        "  output wire dram{}_awvalid, input wire dram{}_awready, output wire [31:0] dram{}_awaddr,\n"
        "  output wire dram{}_wvalid, input wire dram{}_wready, output wire [{}:0] dram{}_wdata,\n"
        "  input wire dram{}_bvalid, output wire dram{}_bready,\n"
        "  output wire dram{}_arvalid, input wire dram{}_arready, output wire [31:0] dram{}_araddr,\n"
        "  input wire dram{}_rvalid, output wire dram{}_rready, input wire [{}:0] dram{}_rdata,\n",
        i, ports[i].east ? "east" : "south", ports[i].east ? "row" : "column", ports[i].index, i, i, i, i, i,
        d.noc.link_bits - 1, i, i, i, i, i, i, i, i, d.noc.link_bits - 1, i);
  }
  v += "  output wire all_halted,            // every tile's core executed ebreak\n"
       "  output wire any_fault              // some core hit an illegal instruction or misaligned access\n);\n\n";
  v += fmt::format(
      "  localparam ROWS = {rows};\n  localparam COLS = {cols};\n  localparam TILES = ROWS * COLS;\n"
      "  localparam LINK_BITS = {link};  // noc.link_bits\n  localparam VCS = {vcs};  // noc.virtual_channels\n"
      "  localparam VCB = {vcb};\n  localparam DEPTH = {depth};  // noc.buffer_depth_flits\n"
      "  localparam ROUTING = {routing};  // noc.routing = {routing_name} (0 XY, 1 YX, 2 west-first)\n",
      fmt::arg("rows", d.rows), fmt::arg("cols", d.cols), fmt::arg("link", d.noc.link_bits),
      fmt::arg("vcs", d.noc.virtual_channels), fmt::arg("vcb", vcb), fmt::arg("depth", d.noc.buffer_depth_flits),
      fmt::arg("routing", static_cast<int>(d.noc.routing)), fmt::arg("routing_name", arch::to_string(d.noc.routing)));
  // The class map as a constant: 4 bits per tile, tile (y, x) at [(y*COLS+x)*4 +: 4].
  std::string map_hex;
  {
    const int nibbles = d.tiles();
    map_hex.reserve(static_cast<std::size_t>(nibbles));
    for (int t = nibbles - 1; t >= 0; --t) map_hex += "0123456789abcdef"[d.class_of(t / d.cols, t % d.cols)];
  }
  v += fmt::format("  // class_map: tile (y, x) -> tile class, 4 bits at [(y*COLS+x)*4 +: 4]\n"
                   "  localparam [TILES*4-1:0] CLASS_MAP = {}'h{};\n", d.tiles() * 4, map_hex);
  v += fmt::format("  // DRAM ports: east edge rows, south edge columns\n  localparam [ROWS-1:0] DRAM_EAST = {};\n"
                   "  localparam [COLS-1:0] DRAM_SOUTH = {};\n\n",
                   bitmask_literal(d.rows, east_rows), bitmask_literal(d.cols, south_cols));
  v += "  // Router port p of tile t at [(t*5+p)*N +: N]; ports 0 local, 1 north, 2 east, 3 south, 4 west.\n"
       "  // rin_*: what each router receives (and the credits it returns); rout_*: what it sends (and the\n"
       "  // credits it gets). What edge ports send goes nowhere, hence the lint waiver.\n"
       "  wire [TILES*5-1:0] rin_valid, rin_head, rin_tail;\n"
       "  wire [TILES*5*VCB-1:0] rin_vc;\n"
       "  wire [TILES*5*LINK_BITS-1:0] rin_data;\n"
       "  wire [TILES*5*VCS-1:0] rout_credit;\n"
       "  /* verilator lint_off UNUSEDSIGNAL */\n"
       "  wire [TILES*5-1:0] rout_valid, rout_head, rout_tail;\n"
       "  wire [TILES*5*VCB-1:0] rout_vc;\n"
       "  wire [TILES*5*LINK_BITS-1:0] rout_data;\n"
       "  wire [TILES*5*VCS-1:0] rin_credit;\n"
       "  /* verilator lint_on UNUSEDSIGNAL */\n"
       "  wire [TILES-1:0] halted, fault;\n"
       "  assign all_halted = &halted;\n"
       "  assign any_fault = |fault;\n\n";
  if (in.model.graph) {
    // Programs derived from the mapping: one per tile. A constant function picks tile T's IMEM file;
    // every name has the same width, so the string needs no padding (Icarus reads it as a file name).
    const int chars = static_cast<int>(tile_program_file(0).size());
    v += fmt::format("  // Tile T's program (mapped from the model; programs/*.lst say what each one does)\n"
                     "  function [8*{}-1:0] tile_program(input integer t);\n    case (t)\n", chars);
    for (int t = 0; t < d.tiles(); ++t) v += fmt::format("      {}: tile_program = \"{}\";\n", t, tile_program_file(t));
    v += fmt::format("      default: tile_program = \"{}\";\n    endcase\n  endfunction\n\n", tile_program_file(0));
  }
  // Link p of tile t is driven by the neighbour's opposite port, or tied off at the mesh edge.
  v += R"(  genvar y, x;
  generate
    for (y = 0; y < ROWS; y = y + 1) begin : row
      for (x = 0; x < COLS; x = x + 1) begin : col
        localparam T = y * COLS + x;
        localparam [3:0] CLASS = CLASS_MAP[T*4 +: 4];
        localparam [7:0] X8 = x;
        localparam [7:0] Y8 = y;
        mf_router #(.LINK_BITS(LINK_BITS), .VCS(VCS), .DEPTH(DEPTH), .ROUTING(ROUTING)) router (
          .clk(clk), .rst(rst), .my_x(X8), .my_y(Y8),
          .in_valid(rin_valid[T*5 +: 5]), .in_head(rin_head[T*5 +: 5]), .in_tail(rin_tail[T*5 +: 5]),
          .in_vc(rin_vc[T*5*VCB +: 5*VCB]), .in_data(rin_data[T*5*LINK_BITS +: 5*LINK_BITS]),
          .in_credit(rin_credit[T*5*VCS +: 5*VCS]),
          .out_valid(rout_valid[T*5 +: 5]), .out_head(rout_head[T*5 +: 5]), .out_tail(rout_tail[T*5 +: 5]),
          .out_vc(rout_vc[T*5*VCB +: 5*VCB]), .out_data(rout_data[T*5*LINK_BITS +: 5*LINK_BITS]),
          .out_credit(rout_credit[T*5*VCS +: 5*VCS]));
        // North (1) <- the router above's south (3) port; south (3) <- the one below's north (1).
        if (y > 0) begin : north
          `MF_LINK(T, 1, T - COLS, 3)
        end else begin : north_edge
          `MF_TIE(T, 1)
        end
        if (x < COLS - 1) begin : east
          `MF_LINK(T, 2, T + 1, 4)
        end else if (!DRAM_EAST[y]) begin : east_edge
          `MF_TIE(T, 2)
        end
        if (y < ROWS - 1) begin : south
          `MF_LINK(T, 3, T + COLS, 1)
        end else if (!DRAM_SOUTH[x]) begin : south_edge
          `MF_TIE(T, 3)
        end
        if (x > 0) begin : west
          `MF_LINK(T, 4, T - 1, 2)
        end else begin : west_edge
          `MF_TIE(T, 4)
        end
)";
  for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
    const TileParameters p = tile_parameters(in, c);
    v += fmt::format(
        "        {} (CLASS == {}) begin : {}  // tile class {} \"{}\"; MAC lane stages {}\n"
        "          mf_tile #(.VLEN({}), .ROWS({}), .FORMATS(6'b{:06b}), .INT_STAGES({}), .FP_STAGES({}), .FETCH_WIDTH({}),  // formats: {}\n"
        "                    .IMEM_WORDS({}), .WMEM_WORDS({}), .AMEM_WORDS({}), .WEIGHT_ROM({}),\n"
        "                    .IMEM_INIT({}), .WMEM_INIT(\"{}\"),\n"
        "                    .LINK_BITS(LINK_BITS), .VCS(VCS), .DEPTH(DEPTH)) tile (\n"
        "            .clk(clk), .rst(rst), .my_x(X8), .my_y(Y8),\n"
        "            `MF_TILE_PORTS(T));\n"
        "        end\n",
        c == 0 ? "if" : "else if", c, class_block_name(d, c), c, d.tile_classes[c].name, lane_stage_note(in, c, p),
        p.vlen, p.rows, p.formats, p.int_stages, p.fp_stages, p.fetch_width, arch::format_mac_formats(d.tile_classes[c].mac_formats), p.imem_words, p.wmem_words,
        p.amem_words, p.weight_rom, in.model.graph ? std::string("tile_program(T)") : "\"" + p.imem_init + "\"", p.wmem_init);
  }
  v += "      end\n    end\n  endgenerate\n";
  // DRAM ports: each is a network endpoint one step beyond the edge (x = COLS or y = ROWS).
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const auto& p = ports[i];
    const std::string t = p.east ? fmt::format("{}", p.index * d.cols + d.cols - 1) : fmt::format("{}", (d.rows - 1) * d.cols + p.index);
    const int port = p.east ? 2 : 3;
    v += fmt::format(
        "\n  // DRAM channel {}: network coordinates ({}, {})\n"
        "  mf_dram_port #(.LINK_BITS(LINK_BITS), .VCS(VCS), .DEPTH(DEPTH)) dram{} (\n"
        "    .clk(clk), .rst(rst), .my_x(8'd{}), .my_y(8'd{}),\n"
        "    .in_valid(rout_valid[{t}*5+{p}]), .in_head(rout_head[{t}*5+{p}]), .in_tail(rout_tail[{t}*5+{p}]),\n"
        "    .in_vc(rout_vc[({t}*5+{p})*VCB +: VCB]), .in_data(rout_data[({t}*5+{p})*LINK_BITS +: LINK_BITS]),\n"
        "    .in_credit(rout_credit[({t}*5+{p})*VCS +: VCS]),\n"
        "    .out_valid(rin_valid[{t}*5+{p}]), .out_head(rin_head[{t}*5+{p}]), .out_tail(rin_tail[{t}*5+{p}]),\n"
        "    .out_vc(rin_vc[({t}*5+{p})*VCB +: VCB]), .out_data(rin_data[({t}*5+{p})*LINK_BITS +: LINK_BITS]),\n"
        "    .out_credit(rin_credit[({t}*5+{p})*VCS +: VCS]),\n"
        "    .awvalid(dram{i}_awvalid), .awready(dram{i}_awready), .awaddr(dram{i}_awaddr),\n"
        "    .wvalid(dram{i}_wvalid), .wready(dram{i}_wready), .wdata(dram{i}_wdata),\n"
        "    .bvalid(dram{i}_bvalid), .bready(dram{i}_bready),\n"
        "    .arvalid(dram{i}_arvalid), .arready(dram{i}_arready), .araddr(dram{i}_araddr),\n"
        "    .rvalid(dram{i}_rvalid), .rready(dram{i}_rready), .rdata(dram{i}_rdata));\n",
        i, p.east ? d.cols : p.index, p.east ? p.index : d.rows, i, p.east ? d.cols : p.index, p.east ? p.index : d.rows,
        fmt::arg("t", t), fmt::arg("p", port), fmt::arg("i", i));
  }
  v += "\nendmodule\n";
  // The connection macros keep the generate body short; defined before the module, undefined after.
  const std::string macros = R"(// Link macros: router port P of tile T receives what router port Q of tile U sends, and the
// credits go back the other way.
`define MF_LINK(T, P, U, Q) \
  assign rin_valid[(T)*5+(P)] = rout_valid[(U)*5+(Q)]; \
  assign rin_head[(T)*5+(P)] = rout_head[(U)*5+(Q)]; \
  assign rin_tail[(T)*5+(P)] = rout_tail[(U)*5+(Q)]; \
  assign rin_vc[((T)*5+(P))*VCB +: VCB] = rout_vc[((U)*5+(Q))*VCB +: VCB]; \
  assign rin_data[((T)*5+(P))*LINK_BITS +: LINK_BITS] = rout_data[((U)*5+(Q))*LINK_BITS +: LINK_BITS]; \
  assign rout_credit[((T)*5+(P))*VCS +: VCS] = rin_credit[((U)*5+(Q))*VCS +: VCS];
// An edge port: nothing arrives, and no credits, so the router never sends off the mesh.
`define MF_TIE(T, P) \
  assign rin_valid[(T)*5+(P)] = 1'b0; \
  assign rin_head[(T)*5+(P)] = 1'b0; \
  assign rin_tail[(T)*5+(P)] = 1'b0; \
  assign rin_vc[((T)*5+(P))*VCB +: VCB] = {VCB{1'b0}}; \
  assign rin_data[((T)*5+(P))*LINK_BITS +: LINK_BITS] = {LINK_BITS{1'b0}}; \
  assign rout_credit[((T)*5+(P))*VCS +: VCS] = {VCS{1'b0}};
// A tile on its router's local port 0.
`define MF_TILE_PORTS(T) \
  .out_valid(rin_valid[(T)*5]), .out_head(rin_head[(T)*5]), .out_tail(rin_tail[(T)*5]), \
  .out_vc(rin_vc[(T)*5*VCB +: VCB]), .out_data(rin_data[(T)*5*LINK_BITS +: LINK_BITS]), \
  .out_credit(rin_credit[(T)*5*VCS +: VCS]), \
  .in_valid(rout_valid[(T)*5]), .in_head(rout_head[(T)*5]), .in_tail(rout_tail[(T)*5]), \
  .in_vc(rout_vc[(T)*5*VCB +: VCB]), .in_data(rout_data[(T)*5*LINK_BITS +: LINK_BITS]), \
  .in_credit(rout_credit[(T)*5*VCS +: VCS]), \
  .halted(halted[T]), .fault(fault[T])

)";
  const auto body = v.find("module " + top);
  v.insert(body, macros);
  v += "`undef MF_LINK\n`undef MF_TIE\n`undef MF_TILE_PORTS\n";
  return v;
}

}  // namespace

std::vector<File> generate(const Inputs& in) {
  std::vector<File> files;
  std::vector<std::string> list;
  for (const auto& m : module_library()) {
    files.push_back({"rtl/" + m.path, m.text});
    list.push_back("rtl/" + m.path);
  }
  const std::string top = top_module_name(in.design);
  files.push_back({"rtl/" + top + ".v", mesh_top(in)});
  list.push_back("rtl/" + top + ".v");
  std::string filelist = "// Verilog sources of " + top + ", in reading order (verilator -f, yosys read_verilog)\n";
  for (const auto& f : list) filelist += f + "\n";
  files.push_back({"filelist.f", filelist});
  add_collateral(in, files);
  if (in.model.graph) add_mapped_programs(in, files);
  add_lint_plan(in, files);
  return files;
}

void write_files(const std::vector<File>& files, const std::filesystem::path& dir) {
  std::set<std::filesystem::path> made;
  for (const auto& f : files) {
    const auto path = dir / f.path;
    const auto parent = path.parent_path();
    if (made.insert(parent).second) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) throw InputError(parent.string(), "--out", "cannot create directory: " + ec.message());
    }
    write_file_atomically(path, f.text, "--out");
  }
}

}  // namespace meshforge::rtl
