// meshforge rtl: a design -> synthesisable Verilog of its mesh, constraints, macros, floorplan,
// tile programs (docs/rtl.md).
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <memory>

#include "arch/design.h"
#include "cli/commands.h"
#include "common/input_error.h"
#include "ppa/evaluate.h"
#include "ppa/microarch.h"
#include "rtl/rtl.h"
#include "tech/node.h"
#include "mapping/plan.h"
#include "workload/model.h"

namespace meshforge::cli {
namespace {

struct RtlOptions {
  std::string design;
  std::string node = "7nm";
  std::string out;
  std::string model;       // empty: the streaming kernel in every class
  std::uint64_t seed = 1;  // the testbench's weights and input
};

// The model's own figure for one inference of the mapped model on the design, in clock cycles.
struct ModelPrediction {
  double step_latency_s = 0;
  double cycles = 0;
};

}  // namespace

namespace {

// The design's RTL in out_dir; returns the top module's name. With model_file, every tile runs its
// part of that model's mapping (one inference, batch 1, int8) and prediction gets the evaluator's
// latency for the same step.
std::string write_design_rtl(const arch::Design& d, const std::filesystem::path& design_file, const std::string& source,
                             const std::string& node_name, const std::filesystem::path& data_dir,
                             const std::filesystem::path& out_dir, const std::filesystem::path& model_file = {},
                             std::uint64_t seed = 1, ModelPrediction* prediction = nullptr) {
  const auto node = tech::load_node(node_name, data_dir);
  const auto micro = ppa::load_microarch(data_dir);
  // Everything the generator cannot express is reported before any file is written.
  if (const auto problems = rtl::check_expressible(d); !problems.empty()) {
    const auto& p = problems.front();
    throw InputError(design_file.string(), p.substr(0, p.find(':')),
                     p.substr(p.find(':') + 2) + " (the RTL generator cannot express it)");
  }
  rtl::Inputs inputs{d, node, ppa::tile_areas(d, node, micro), {source, MESHFORGE_VERSION}};
  ppa::Workload work;
  mapping::Plan plan;
  if (!model_file.empty()) {
    ScenarioOptions scenario;  // one inference: batch 1, int8 (what the vector unit's integer lanes run)
    scenario.phase = "prefill";
    scenario.precision = "int8";
    scenario.images = 0;
    work = build_workload(model_file, scenario);
    plan = mapping::make_plan(work.prefill, d, micro.amem_activation_reserve);
    inputs.model = {&work.prefill, &plan, seed};
    if (const auto problems = rtl::check_mappable(d, inputs.model); !problems.empty()) {
      const auto& p = problems.front();
      throw InputError(model_file.string(), p.substr(0, p.find(':')),
                       p.substr(p.find(':') + 2) + " (on design " + design_file.string() + ")");
    }
    if (prediction) {
      ppa::Evaluator evaluator(work, node, micro);
      const auto report = evaluator.evaluate(d, make_ppa_scenario("performance", workload::Phase::prefill, 0, 0, -1, -1));
      prediction->step_latency_s = report.prefill.step_latency_s;
      prediction->cycles = report.prefill.step_latency_s * d.clock_hz;
    }
  }
  rtl::write_files(rtl::generate(inputs), out_dir);
  return rtl::top_module_name(d);
}

}  // namespace

std::string write_rtl(const std::string& design, const std::string& node_name, const std::filesystem::path& data_dir,
                      const std::filesystem::path& out_dir) {
  const auto design_file = resolve_design(design, data_dir);
  return write_design_rtl(arch::load_design(design_file), design_file, design, node_name, data_dir, out_dir);
}

void add_rtl_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<RtlOptions>();
  CLI::App* c = app.add_subcommand("rtl", "Write synthesisable Verilog of a design's mesh, with constraints, macros and floorplan");
  c->footer(
      "Writes to --out: rtl/ (the module library: router, network interface, RV32I core, vector unit,\n"
      "tile, memory wrappers, DRAM port; and <design>_top.v, the mesh top generated from the design),\n"
      "filelist.f (reading order), constraints.sdc (clock at the design's frequency), macros.csv (every\n"
      "memory: words x bits x count x kind, for a memory compiler), floorplan.json and floorplan.svg (tiles\n"
      "sized by the area model at --node), programs/ (each tile class's RV32I program: .hex for IMEM, .lst),\n"
      "With --model M.onnx (a chain of MatMul layers, Relu allowed): programs/ holds every tile's own program,\n"
      "derived from the mapping meshforge evaluate prices (each GEMM's output columns over the stage's tiles,\n"
      "then its K rows, partial sums reduced, int8 requantised between layers); layer_map.csv says which\n"
      "slice each tile holds; sim/ a testbench that runs one inference on pseudo-random int8 weights and\n"
      "input (--seed) and compares every output with meshforge's C++ reference (sh <out>/sim/run.sh).\n"
      "lint.sh and lint/ (a hierarchical Verilator lint: the top against port-exact shells of its modules,\n"
      "then each distinct module instance in full; memory of the largest module, so any mesh size).\n"
      "Lint: bash <out>/lint.sh; or flat, for small meshes: verilator --lint-only -Wall -f filelist.f\n"
      "--top-module <design>_top (run in --out; Verilator flattens, memory grows with every lane).\n"
      "Synthesis: yosys with -DSYNTHESIS (memories become black boxes; macros.csv lists them).\n"
      "What the modules do and how they talk: docs/rtl.md.\n"
      "Example: meshforge rtl --design small-4x4 --out small-4x4-rtl");
  c->add_option("--design", o->design, "Design YAML file or shipped design name (data/designs/)")->required();
  c->add_option("--node", o->node, "Process node for the floorplan's tile sizes: 3nm 5nm 7nm 12nm 16nm 22nm 28nm")
      ->capture_default_str();
  c->add_option("--out", o->out, "Output directory (default: <design name>-rtl)");
  c->add_option("--model", o->model,
                "ONNX model to run: every tile gets its own program from the mapping, and sim/ a self-checking "
                "testbench of one inference (a chain of MatMul layers, Relu allowed; batch 1, int8)");
  c->add_option("--seed", o->seed, "Seed of the testbench's pseudo-random int8 weights and input (with --model)")
      ->capture_default_str();
  c->callback([o, &global] {
    const auto start = std::chrono::steady_clock::now();
    const auto data = global.resolved_data_dir();
    const auto design_file = resolve_design(o->design, data);
    const auto design = arch::load_design(design_file);
    const std::filesystem::path out = o->out.empty() ? design.name + "-rtl" : o->out;
    ModelPrediction predicted;
    const auto model_file = o->model.empty() ? std::filesystem::path{} : workload::resolve_model(o->model, data);
    const std::string top = write_design_rtl(design, design_file, o->design, o->node, data, out, model_file, o->seed, &predicted);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("rtl          {} ({}x{} mesh, {} tile classes) -> {}/ in {:.2f} s\n", design.name, design.rows, design.cols,
               design.tile_classes.size(), out.string(), seconds);
    fmt::print("top module   {} in rtl/{}.v\n", top, top);
    if (!model_file.empty()) {
      fmt::print("programs     one per tile, mapped from {} (which slice each tile holds: {}/layer_map.csv)\n",
                 model_file.filename().string(), out.string());
      fmt::print("model        one inference: step latency {:.4g} us = {:.0f} cycles at {:.0f} MHz (meshforge evaluate)\n",
                 predicted.step_latency_s * 1e6, predicted.cycles, design.clock_hz / 1e6);
      fmt::print("simulate     sh {}/sim/run.sh  (Icarus Verilog: prints the cycles it took and PASS or FAIL)\n", out.string());
    }
    fmt::print("lint         bash {}/lint.sh  (flat, small meshes: cd {} && verilator --lint-only -Wall -f filelist.f --top-module {})\n",
               out.string(), out.string(), top);
  });
}

}  // namespace meshforge::cli
