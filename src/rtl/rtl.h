// meshforge rtl: synthesisable Verilog of a design's mesh and the collateral a back-end flow needs
// (constraints, memory-macro list, floorplan, tile programs). Reads arch, tech and ppa's area
// model; never search. docs/rtl.md is the contract with the hand-written modules.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "arch/design.h"
#include "mapping/plan.h"
#include "ppa/evaluate.h"
#include "rtl/module_library.h"
#include "tech/node.h"

namespace meshforge::rtl {

// What a generated file's header records about where it came from.
struct Provenance {
  std::string design_source;     // the design file as given
  std::string meshforge_version;
};

// A model to run on the mesh. With one, every tile gets its own program derived from the mapping
// (which slice of which GEMM it holds, where its inputs come from, where its results go) and sim/
// holds a self-checking testbench of one inference; docs/rtl.md, "Tile programs from the mapping".
struct ModelRun {
  const workload::Graph* graph = nullptr;  // none: each class runs the streaming kernel
  const mapping::Plan* plan = nullptr;     // mapping::make_plan of graph on the design
  std::uint64_t seed = 1;                  // the testbench's pseudo-random int8 weights and input
};

// Everything the generator reads, checked once.
struct Inputs {
  const arch::Design& design;
  const tech::Node& node;
  std::vector<ppa::TileArea> tile_areas;  // per class, from ppa::tile_areas at this node
  Provenance provenance;
  ModelRun model{};
};

// "field: reason" for each part of the design the generator cannot express (mesh larger than the
// 8-bit coordinates, a link narrower than the head flit, more DRAM channels than edge ports, ...).
// Empty = generate() will succeed. Checked before any file is written.
std::vector<std::string> check_expressible(const arch::Design& design);

// "field: reason" for each part of a model run the programs cannot express (an op other than a
// batch-1 int8 MatMul chain with optional Relu, a weight slice beyond a tile's WMEM, ...). Empty =
// generate() will write the mapped programs. Checked before any file is written.
std::vector<std::string> check_mappable(const arch::Design& design, const ModelRun& model);

// The Verilog module name of the mesh top: the design name reduced to [a-z0-9_], "_top".
std::string top_module_name(const arch::Design& design);

// All files of the output directory, relative paths: rtl/ (the module library and the generated
// top), constraints.sdc, macros.csv, floorplan.json, floorplan.svg, programs/, filelist.f.
// Precondition: check_expressible(inputs.design) is empty.
std::vector<File> generate(const Inputs& inputs);

// Writes each file under dir (created if needed), each one atomically.
void write_files(const std::vector<File>& files, const std::filesystem::path& dir);

}  // namespace meshforge::rtl
