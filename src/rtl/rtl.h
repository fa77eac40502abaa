// meshforge rtl: synthesisable Verilog of a design's mesh and the collateral a back-end flow needs
// (constraints, memory-macro list, floorplan, tile programs). Reads arch, tech and ppa's area
// model; never search. docs/rtl.md is the contract with the hand-written modules.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "arch/design.h"
#include "ppa/evaluate.h"
#include "rtl/module_library.h"
#include "tech/node.h"

namespace meshforge::rtl {

// What a generated file's header records about where it came from.
struct Provenance {
  std::string design_source;     // the design file as given
  std::string meshforge_version;
};

// Everything the generator reads, checked once.
struct Inputs {
  const arch::Design& design;
  const tech::Node& node;
  std::vector<ppa::TileArea> tile_areas;  // per class, from ppa::tile_areas at this node
  Provenance provenance;
};

// "field: reason" for each part of the design the generator cannot express (mesh larger than the
// 8-bit coordinates, a link narrower than the head flit, more DRAM channels than edge ports, ...).
// Empty = generate() will succeed. Checked before any file is written.
std::vector<std::string> check_expressible(const arch::Design& design);

// The Verilog module name of the mesh top: the design name reduced to [a-z0-9_], "_top".
std::string top_module_name(const arch::Design& design);

// All files of the output directory, relative paths: rtl/ (the module library and the generated
// top), constraints.sdc, macros.csv, floorplan.json, floorplan.svg, programs/, filelist.f.
// Precondition: check_expressible(inputs.design) is empty.
std::vector<File> generate(const Inputs& inputs);

// Writes each file under dir (created if needed), each one atomically.
void write_files(const std::vector<File>& files, const std::filesystem::path& dir);

}  // namespace meshforge::rtl
