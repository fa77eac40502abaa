// What accompanies the Verilog (private to src/rtl): the provenance header of generated files,
// SDC constraints, the memory-macro list, the floorplan (JSON and SVG) and the tile programs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtl/rtl.h"

namespace meshforge::rtl {

// A Verilog comment block naming the design, its source file, the node and the meshforge version,
// and the parameters that produced the file.
std::string header_comment(const Inputs& in, const std::string& title);

// The generate-block name of tile class c: "c<c>_<name reduced to [a-z0-9_]>".
std::string class_block_name(const arch::Design& d, std::size_t c);

// The most pipeline stages mf_vector_unit's floating-point lanes support (FP_STAGES).
inline constexpr int kMaxFpStages = 8;

// The mf_tile parameters of tile class c, as the mesh top passes them.
struct TileParameters {
  int vlen = 0, rows = 0, formats = 0, fetch_width = 0, weight_rom = 0;
  int int_stages = 1;  // the integer MAC lanes' pipeline stages (1 or 2), as the area model prices them
  int fp_stages = 1;   // the floating-point MAC lanes' pipeline stages (1 .. kMaxFpStages, at most 4 * rows)
  std::int64_t imem_words = 0, wmem_words = 0, amem_words = 0;
  std::string imem_init, wmem_init;  // paths relative to the output directory ("" = none)
};
TileParameters tile_parameters(const Inputs& in, std::size_t c);

// Appends lint.sh and lint/: a hierarchical Verilator lint (lint.cpp).
void add_lint_plan(const Inputs& in, std::vector<File>& files);

// Appends constraints.sdc, macros.csv, floorplan.json, floorplan.svg and programs/*.
void add_collateral(const Inputs& in, std::vector<File>& files);

// The program of tile class c as RV32I machine words (program.cpp), and its listing.
struct Program {
  std::vector<std::uint32_t> words;
  std::string listing;  // one line per instruction: address, word, assembly
};
Program tile_program(const arch::Design& d, std::size_t c);

// With a model run (mapped.cpp; precondition: check_mappable is empty): every tile's program
// (programs/tNNNNN.hex, .lst), layer_map.csv (which slice of which layer each tile holds) and sim/
// (the self-checking testbench, its W and x data, run.sh).
void add_mapped_programs(const Inputs& in, std::vector<File>& files);

// Tile t's IMEM file when programs are per tile: "programs/t00012.hex", one width for every tile
// (the mesh top picks it with a constant function returning a fixed-width string).
std::string tile_program_file(int tile);

}  // namespace meshforge::rtl
