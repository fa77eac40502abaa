// The PPA evaluator. Term by term (docs/ppa-model.md says the same in prose):
//
// Performance, per op on the tile group that runs it (seconds = cycles / f):
//   compute = MACs / sum_c(tiles_c * lanes_c * rows_c * lane_util * row_util)
//   issue   = compute with each class's rate scaled by min(1, fetch_width / instructions_per_vector_op)
//   local   = max(WMEM bytes, AMEM bytes) / (tiles * VLEN/8 bytes per cycle)
//   noc     = the op's exchange over its g tiles (2D-partitioned GEMM: partial sums over the tiles
//             sharing a column slice, input re-gather after a split producer; all-gather before a
//             norm; see exchanges()): bytes per tile / (2 links * link bytes * eff)
//   dram    = spilled weight bytes + spilled KV bytes over the DRAM bandwidth
//   time    = max(compute, issue, local, noc, dram) + launch overhead + exchange hop latencies
// Ops are list-scheduled on the stage's groups (an op starts when its producers finish and a
// group is free); stages form a pipeline with min(batch, stages) micro-batches in flight:
//   step = sum_s t_s + transfers + (microbatches - 1) * max_s t_s,  and step >= DRAM bytes / bandwidth.
// Energy per step: MACs * E_mac + register-file bits * E_rf + memory bits * E_macro + instructions *
// E_instr + NoC bit-hops * (E_router + E_wire * pitch) + DRAM bits * E_dram, all but DRAM scaled by
// (V / Vnom)^2. Power = energy / step + clock tree (E_clk * logic mm2 * f) + leakage + PHY static.
#include "ppa/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mapping/plan.h"

namespace meshforge::ppa {
namespace {

using workload::OpKind;

bool is_gemm(OpKind k) {
  return k == OpKind::matmul || k == OpKind::attention_scores || k == OpKind::attention_context ||
         k == OpKind::conv;
}

tech::MacFormat to_mac_format(workload::Precision p) { return static_cast<tech::MacFormat>(static_cast<int>(p)); }

// Per tile class: everything that does not depend on the op.
struct ClassModel {
  double lanes = 0, rows = 1, fetch = 1, port_bytes = 0;
  tech::MacFormat exec = tech::MacFormat::fp16;  // the declared format the run's precision executes on
  double exec_bits = 16, mac_energy_pj = 0;
  double core_mm2 = 0, vector_mm2 = 0, imem_mm2 = 0, wmem_mm2 = 0, amem_mm2 = 0, router_mm2 = 0;
  bool rom = false;
  double wmem_read_pj_bit = 0, amem_read_pj_bit = 0, amem_write_pj_bit = 0, imem_read_pj_bit = 0;
  double logic_cells_mm2 = 0;  // placed logic cells (no floorplan whitespace): clock and leakage
  double vector_cells_mm2 = 0; // of which the MAC datapath and vector registers
  double control_mm2 = 0;      // DMA, sequencer, special-function lanes, scratchpad crossbars
  double register_bits_per_mac = 0;  // written per MAC step besides the register file: lane pipeline, systolic cell
  // Operand traffic between the tile's memories and its MAC array, per GEMM (see the energy step):
  // weight fetches from WMEM per token (1 / the tokens sharing one; 0 in a systolic array, which
  // keeps its weights in the cells), and the accumulator bits per MAC a systolic array writes back
  // to AMEM and reads again (partial sums across K tiles), each way.
  double weight_fetches_per_token = 1, psum_bits_per_mac = 0;

};

// Aggregate resources of a set of tiles (a stage's region, scaled to one group).
struct Resources {
  double tiles = 0, port_bytes = 0, lanes = 0;
  // Per class, kept for utilisation-dependent rates.
  std::array<double, mapping::kMaxTileClasses> count{};
};

struct OpTerms {
  double compute = 0, issue = 0, local_act = 0, local_weight = 0, noc = 0, dram_weight = 0, dram_kv = 0,
         latency = 0;
  double noc_bytes_per_tile = 0;  // bytes each tile of the group sends (= receives) for this op
  // A 2D array's rows hold tokens: a micro-batch of phi x m tokens may fill them less than m did.
  // row_util is the fill at the whole step's m (compute and issue already include it).
  double gemm_m = 0, rows = 1, row_util = 1;
  static double fill(double m, double rows) { return m / (std::ceil(m / rows - 1e-9) * rows); }
  double row_factor(double phi) const {
    if (rows <= 1 || gemm_m <= 0 || phi >= 1) return 1.0;
    return row_util / fill(std::max(1.0, gemm_m * phi), rows);
  }
  // The terms for a micro-batch of phi of the step, in Bottleneck order (compute, issue, local
  // memory, NoC, DRAM); an op takes the largest plus its latency.
  std::array<double, 5> terms(double phi) const {
    const double rf = row_factor(phi);
    return {phi * compute * rf, phi * issue * rf, std::max(local_weight, phi * local_act), phi * noc,
            dram_weight + phi * dram_kv};
  }
  // The part of the op's time (largest term + latency) a tile works rather than waits on DRAM.
  double busy(double phi) const {
    const auto t = terms(phi);
    return *std::max_element(t.begin(), t.end() - 1) + latency;
  }
  static Bottleneck bound_of(const std::array<double, 5>& t, double latency) {
    const auto it = std::max_element(t.begin(), t.end());
    return latency > *it ? Bottleneck::latency : static_cast<Bottleneck>(it - t.begin());
  }
};

// How an op's input arrives at its tile group, derived once per graph from how data is split
// (Megatron-style): a GEMM fed a replicated input splits its output columns; one fed a
// column-split input (split_input) must re-gather that input or split its reduction dimension;
// attention splits by heads; element-wise ops keep the split; a norm needs whole rows and
// gathers a split input (norm_gather). op_terms() turns this into bytes per tile.
enum class Exchange : std::uint8_t { none, split_input, norm_gather };

std::vector<Exchange> exchanges(const workload::Graph& g) {
  std::vector<bool> split(g.ops.size(), false);
  std::vector<Exchange> out(g.ops.size(), Exchange::none);
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto& op = g.ops[i];
    bool input_split = false;
    for (int p : op.producers) input_split = input_split || split[static_cast<std::size_t>(p)];
    switch (op.kind) {
      case OpKind::matmul:
      case OpKind::conv:
        if (input_split) out[i] = Exchange::split_input;
        split[i] = !input_split;
        break;
      case OpKind::attention_scores:
      case OpKind::attention_context:
      case OpKind::softmax:
        split[i] = true;
        break;
      case OpKind::norm:
        if (input_split) out[i] = Exchange::norm_gather;
        split[i] = false;
        break;
      default:
        split[i] = input_split;
        break;
    }
  }
  return out;
}

struct PhaseScratch {
  std::vector<Exchange> exchange;
  std::vector<std::array<double, kBottlenecks>> stage_bound;  // per stage: op time by bound
  mapping::LayerUnits units;
  mapping::Plan plan;
  std::vector<OpTerms> terms;
  std::vector<double> finish;
  std::vector<double> group_free;
  std::vector<double> stage_time;
  std::vector<int> last_use;                  // per op: index of its last consumer (itself if none)
  std::vector<int> mark;                      // scratch of live_activations
  std::vector<double> stage_live;             // per stage: peak live activation bytes, whole step
  std::vector<double> stage_act_capacity;     // per stage: AMEM bytes the KV cache leaves
  std::vector<double> stage_mac_activity;     // per stage: share of the step its MAC arrays compute
  std::vector<double> stage_busy_activity;    // per stage: share of the step its tiles are not stalled on DRAM
  std::vector<double> stage_energy_j;         // per stage: its tiles' dynamic energy per step (before the supply scale)
  std::vector<double> stage_static_w;         // per stage: its tiles' clock and leakage power
  std::vector<double> stage_duty;             // per stage: share of the step its tiles work
};

// Per op, the index of its last consumer (itself when nothing reads it).
std::vector<int> last_uses(const workload::Graph& g) {
  std::vector<int> last(g.ops.size());
  for (std::size_t i = 0; i < g.ops.size(); ++i) last[i] = static_cast<int>(i);
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    for (int p : g.ops[i].producers) last[static_cast<std::size_t>(p)] = std::max(last[static_cast<std::size_t>(p)], static_cast<int>(i));
  return last;
}

// Score constants (docs/ppa-score.md): the largest excess a penalty counts, and the base score
// of a design that cannot run its scored phase, times the share of bytes it houses.
constexpr double kMaxExcess = 10.0;
constexpr double kCannotRunScore = 0.05;

// Micro-batches (prompt chunks, sequences) the evaluator may split a step into.
constexpr std::int64_t kMaxMicrobatches = 1 << 16;

}  // namespace

const char* to_string(Bottleneck b) {
  switch (b) {
    case Bottleneck::compute: return "compute";
    case Bottleneck::issue: return "instruction_issue";
    case Bottleneck::local_memory: return "local_memory";
    case Bottleneck::noc: return "noc";
    case Bottleneck::dram: return "dram";
    case Bottleneck::latency: return "latency";
  }
  return "?";
}

const char* to_string(Mode m) { return m == Mode::performance ? "performance" : "low-power"; }

// Time to first token: response-time limits of interactive systems (Miller 1968; Nielsen,
// Usability Engineering 1993, ch. 5): 1 s keeps the user's flow of thought (performance mode),
// 10 s is the limit of keeping their attention (low-power mode, an on-device assistant).
Budgets defaults_for(Mode mode) {
  Budgets b;
  if (mode == Mode::low_power) {
    b.power_budget_w = 0.1;          // reported, not scored: low-power mode minimises power itself
    b.fixed_clock_hz = 10e6;         // the reference paper's low-power operating point
    b.min_tokens_per_second = 1.0;   // assumption: one token per second keeps a chat usable
    b.power_reference_w = 0.010;     // 10 mW scores 0.5 (the paper reports < 13 mW)
    b.junction_temperature_c = 40;   // assumption: a milliwatt die sits near a warm ambient
    b.max_time_to_first_token_s = 10;  // Nielsen's 10 s limit of keeping a user's attention
  }
  return b;
}

struct Evaluator::Impl {
  const Workload& workload;
  const tech::Node& node;
  const Microarch& micro;
  PhaseScratch prefill, decode;
  std::array<ClassModel, mapping::kMaxTileClasses> classes{};
  std::array<int, mapping::kMaxTileClasses> class_counts{};  // tiles of each class in the design
  double wmem_bandwidth_bytes_per_s = 0;                      // all tiles' weight ports
  double soc_w = 0;                                           // host PHYs, links, CPUs (static)

  Impl(const Workload& w, const tech::Node& n, const Microarch& m) : workload(w), node(n), micro(m) {}

  void prepare_once() {
    if (prefill.units.end_op.empty() && !workload.prefill.ops.empty()) {
      prefill.units = mapping::layer_units(workload.prefill);
      prefill.exchange = exchanges(workload.prefill);
      prefill.last_use = last_uses(workload.prefill);
    }
    if (decode.units.end_op.empty() && !workload.decode.ops.empty()) {
      decode.units = mapping::layer_units(workload.decode);
      decode.exchange = exchanges(workload.decode);
      decode.last_use = last_uses(workload.decode);
    }
  }


  double macro_bytes(double capacity) const { return std::max(1024.0, std::min(capacity, micro.memory_macro_bytes_max)); }

  // Per class: lanes at the format the run executes on, datapath area of every declared format
  // (a multi-format MAC shares its multiplier array: each further format adds a share of its own
  // gates), energies. Appends a violation for a class that cannot represent the run's format.
  // Pipeline stages a MAC lane of format `fi` needs at clock f on a node whose tiles reach fmax at
  // this supply: the synthesised one-stage path, in cycles of that fmax, cut into clock periods.
  double lane_stages(std::size_t fi, double clock_hz, double fmax) const {
    if (!(clock_hz > 0) || !(fmax > 0)) return 1.0;
    const double cycle_s = micro.mac_path_reference_hz * 1e-12 / fmax;  // one reference ps, here
    const double path = micro.mac_critical_path_ps[fi] * cycle_s, reg = micro.register_overhead_ps * cycle_s;
    const double period = 1.0 / clock_hz;
    if (period <= reg) return 1.0;
    return std::max(1.0, std::ceil((path - reg) / (period - reg) - 1e-9));
  }

  void build_classes(const arch::Design& d, workload::Precision mac, double clock_hz, double fmax, std::vector<std::string>& violations) {
    const tech::MacFormat run = to_mac_format(mac);
    const double nand2_mm2 = node.nand2_area_um2 * 1e-6;
    const double ports = micro.router_ports;
    double router = ports * d.noc.virtual_channels * d.noc.buffer_depth_flits * d.noc.link_bits / 1024.0 *
                        node.router_area_mm2_per_kbit_buffer +
                    node.crossbar_area_mm2_per_port2_bit * ports * ports * d.noc.link_bits;
    if (d.noc.routing == arch::Routing::west_first) router *= 1.0 + micro.adaptive_routing_area_overhead;
    for (std::size_t c = 0; c < d.tile_classes.size() && c < classes.size(); ++c) {
      const auto& t = d.tile_classes[c];
      ClassModel& m = classes[c];
      const auto exec = arch::executing_format(t.mac_formats, run);
      if (!exec) {
        violations.push_back(fmt::format("tile_classes[{}].mac_formats: [{}] cannot represent {} exactly; "
                                         "evaluated on the widest declared format",
                                         c, arch::format_mac_formats(t.mac_formats), tech::to_string(run)));
      }
      m.exec = exec ? *exec : arch::widest_format(t.mac_formats);
      m.exec_bits = tech::format_bits(m.exec);
      const auto energy = node.mac_energy_pj.find(m.exec);
      m.mac_energy_pj = energy != node.mac_energy_pj.end() ? energy->second : 0.0;
      // Gates per bit of VLEN (all MAC rows) of each declared format's lanes: the costliest, plus a
      // share of each further one. A further row repeats the datapath, not the lane's accumulator.
      double gates_max = 0, gates_sum = 0;
      std::array<double, 6> stages{};  // pipeline stages of each format's lane at this clock
      for (int f = 0; f < 6; ++f) {
        const auto fmt_f = static_cast<tech::MacFormat>(f);
        if (!(t.mac_formats & arch::mac_format_bit(fmt_f))) continue;
        const auto i = static_cast<std::size_t>(f);
        // A lane clocked faster than its one-stage path is pipelined: each further stage is one
        // register across the datapath, in every row.
        stages[i] = lane_stages(i, clock_hz, fmax);
        const double pipeline_gates = (stages[i] - 1.0) * micro.mac_pipeline_register_bits[i] *
                                      node.flop_area_um2 / node.nand2_area_um2 * t.mac_rows;
        const double per_bit = (micro.mac_gates[i] * (1.0 + micro.mac_row_fraction[i] * (t.mac_rows - 1)) + pipeline_gates) /
                               tech::format_bits(fmt_f);
        gates_max = std::max(gates_max, per_bit);
        gates_sum += per_bit;
      }
      const double gates_per_vlen_bit = gates_max + micro.mac_format_sharing * (gates_sum - gates_max);
      m.lanes = std::max(1.0, t.vlen_bits / m.exec_bits);
      m.rows = t.mac_rows;
      m.fetch = t.fetch_width;
      m.port_bytes = micro.memory_port_vector_registers * t.vlen_bits / 8.0;
      m.core_mm2 = micro.scalar_core_gates * std::pow(t.fetch_width, micro.fetch_width_area_exponent) * nand2_mm2;
      // The vector register file is multi-ported (3 read, 1 write): per bit a flop plus its share of
      // write-enable and read-mux logic (synthesised: bench/synth).
      m.vector_mm2 = t.vlen_bits * gates_per_vlen_bit * nand2_mm2 +
                     micro.vector_registers * t.vlen_bits * micro.vector_register_file_gates_per_bit * nand2_mm2;
      // Register bits each MAC writes per step besides the register file: the stage registers of
      // the executing format's pipelined lane and, in a systolic array (cells sized by its costliest
      // format), the passed-on activation and partial sum, not the double-buffered weight.
      const auto ei = static_cast<std::size_t>(m.exec);
      m.register_bits_per_mac = (stages[ei] - 1.0) * micro.mac_pipeline_register_bits[ei];
      // Weight reuse: an adder-tree array fetches each weight vector from WMEM for as many tokens as
      // the array's rows and the register-blocked accumulators hold; a systolic array holds a
      // rows x lanes weight tile in its cells for the whole micro-batch, and its partial sums leave
      // the array once per K tile of `rows` (read and written back in AMEM).
      const double accumulator_bits = micro.mac_pipeline_register_bits[ei] - 2.0 * m.exec_bits;
      m.weight_fetches_per_token =
          1.0 / std::max(m.rows, std::floor(micro.accumulator_vector_registers * m.exec_bits / accumulator_bits));
      if (t.mac_array == arch::MacArray::systolic && t.mac_rows > 1) {
        const auto widest = arch::widest_format(t.mac_formats);
        const auto wi = static_cast<std::size_t>(widest);
        const double cells = t.vlen_bits / tech::format_bits(widest) * t.mac_rows;
        m.vector_mm2 += cells * micro.systolic_cell_register_bits[wi] * node.flop_area_um2 * 1e-6;
        m.register_bits_per_mac += micro.systolic_cell_register_bits[ei] - 2.0 * m.exec_bits;
        m.weight_fetches_per_token = 0;
        m.psum_bits_per_mac = accumulator_bits / m.rows;
      }
      auto mem_mm2 = [&](double bytes, double density_factor) {
        return bytes * 8.0 / 1e6 / (tech::sram_density_mbit_per_mm2(node, macro_bytes(bytes)) * density_factor);
      };
      m.rom = t.weight_storage == arch::WeightStorage::rom;
      m.imem_mm2 = mem_mm2(static_cast<double>(t.imem_bytes), 1.0);
      m.wmem_mm2 = t.wmem_bytes > 0 ? mem_mm2(static_cast<double>(t.wmem_bytes), m.rom ? node.rom_density_factor : 1.0) : 0.0;
      m.amem_mm2 = mem_mm2(static_cast<double>(t.amem_bytes), 1.0);
      m.router_mm2 = router;
      // What an accelerator tile has besides core, datapath and memories: DMA, address generators
      // and sequencer; special-function lanes (one per sfu_lanes_per_vector_lane of the widest
      // format's lanes); the crossbar and arbitration of its banked SRAM scratchpads.
      const auto& u = micro.uncore;
      m.control_mm2 = (u.control_gates + u.sfu_gates_per_lane * u.sfu_lanes_per_vector_lane *
                                             (t.vlen_bits / tech::format_bits(arch::widest_format(t.mac_formats)))) * nand2_mm2 +
                      u.scratchpad_crossbar * (m.amem_mm2 + (m.rom ? 0.0 : m.wmem_mm2));
      m.logic_cells_mm2 = m.core_mm2 + m.control_mm2 + m.vector_mm2 + m.router_mm2;
      m.vector_cells_mm2 = m.vector_mm2;
      // Blocks fill only part of the die: spread the floorplan overhead over every tile block.
      // Large memories reach less of their macros' density on a die than logic does of its cells'
      // (ECC and redundancy, bank routing and repeaters, power grid: memory_floorplan_utilisation).
      for (double* block : {&m.core_mm2, &m.control_mm2, &m.vector_mm2, &m.router_mm2}) *block /= micro.floorplan_utilisation;
      // One macro is a block like any other; the overhead of an array of n macros approaches the
      // large-array figure as 1/n (assumption on the shape; both ends sourced).
      auto memory_utilisation = [&](double bytes) {
        const double n = std::max(1.0, bytes / micro.memory_macro_bytes_max);
        return micro.memory_floorplan_utilisation + (micro.floorplan_utilisation - micro.memory_floorplan_utilisation) / n;
      };
      m.imem_mm2 /= memory_utilisation(static_cast<double>(t.imem_bytes));
      m.wmem_mm2 /= memory_utilisation(static_cast<double>(t.wmem_bytes));
      m.amem_mm2 /= memory_utilisation(static_cast<double>(t.amem_bytes));
      m.wmem_read_pj_bit = tech::sram_read_energy_pj_per_bit(node, macro_bytes(static_cast<double>(t.wmem_bytes))) *
                           (m.rom ? node.rom_read_energy_factor : 1.0);
      m.amem_read_pj_bit = tech::sram_read_energy_pj_per_bit(node, macro_bytes(static_cast<double>(t.amem_bytes)));
      m.amem_write_pj_bit = tech::sram_write_energy_pj_per_bit(node, macro_bytes(static_cast<double>(t.amem_bytes)));
      m.imem_read_pj_bit = tech::sram_read_energy_pj_per_bit(node, macro_bytes(static_cast<double>(t.imem_bytes)));
    }
  }

  double link_efficiency(const arch::Design& d) const {
    const int vcs = std::clamp(d.noc.virtual_channels, 1, 5);
    return micro.saturation_by_vcs[static_cast<std::size_t>(vcs - 1)] *
           std::min(1.0, d.noc.buffer_depth_flits / micro.credit_round_trip_flits);
  }

  // Terms of one op on one group of a stage (cycles, except DRAM in seconds converted by caller).
  OpTerms op_terms(const workload::Op& op, Exchange exchange, const mapping::Stage& st, float w_dram,
                   float kv_dram, const arch::Design& d, double f, double link_bytes_eff, double dram_bw) const {
    OpTerms t;
    const double g = st.group_tiles;
    const double scale = g / st.tiles;  // this group's share of the region's tiles
    const double ipv = micro.instructions_per_vector_op[static_cast<std::size_t>(op.kind)];
    const bool gemm = is_gemm(op.kind) && op.gemm.count > 0;
    // 2D partitioning of a GEMM over the group: output columns first, one lane-width slice per
    // tile at most; the remaining tiles split the reduction dimension K and all-reduce partial sums.
    double lanes_avg = 0;
    for (std::size_t c = 0; c < d.tile_classes.size(); ++c) lanes_avg += st.class_counts[c] * classes[c].lanes / st.tiles;
    const double total_cols = gemm ? static_cast<double>(op.gemm.n) * static_cast<double>(op.gemm.count) : 0.0;
    const mapping::GemmSplit split =
        gemm ? mapping::gemm_split(total_cols, lanes_avg, g, static_cast<double>(op.gemm.k)) : mapping::GemmSplit{g, 1.0};
    const double n_split = split.n_split, k_split = split.k_split;
    double rate_ideal = 0, rate_issued = 0, ports = 0, rows_weighted = 0;
    for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
      const double n = st.class_counts[c] * scale;
      if (n <= 0) continue;
      const ClassModel& m = classes[c];
      double rate = 0;
      if (gemm) {
        const double cols = total_cols / n_split;
        const double lane_util = cols / (std::ceil(cols / m.lanes) * m.lanes);
        const double mrows = static_cast<double>(op.gemm.m);
        const double row_util = m.rows <= 1 ? 1.0 : mrows / (std::ceil(mrows / m.rows) * m.rows);
        // Tiles beyond n_split x k_split have no slice of this op.
        rate = n * std::min(1.0, n_split * k_split / g) * m.lanes * m.rows * lane_util * row_util;
      } else {
        rate = n * m.lanes;
      }
      rate_ideal += rate;
      rows_weighted += rate * m.rows;
      rate_issued += rate * std::min(1.0, m.fetch / ipv);
      ports += n * m.port_bytes;
    }
    const double work = gemm ? op.flops / 2.0 : (op.kind == OpKind::data_movement || op.kind == OpKind::embedding ? 0.0 : op.flops);
    if (rate_ideal > 0) {
      t.compute = work / rate_ideal / f;
      t.issue = work / rate_issued / f;
      if (gemm) {
        t.gemm_m = static_cast<double>(op.gemm.m);
        t.rows = rows_weighted / rate_ideal;
        if (t.rows > 1) t.row_util = OpTerms::fill(t.gemm_m, t.rows);
      }
    }
    const double kv_local = (op.kv_read_bytes + op.kv_write_bytes) * (1.0 - kv_dram);
    t.local_weight = op.weight_read_bytes * (1.0 - w_dram) / ports / f;
    t.local_act = (op.input_bytes + op.output_bytes + kv_local) / ports / f;
    // Exchanges: a GEMM reduces the partial sums of its column slice over the k_split tiles that
    // share it, and re-gathers its input slice when the producer left it split by columns; a norm
    // all-gathers a split input. Rings over neighbours; two links per tile (row and column phase).
    double hops = 0;
    if (gemm) {
      if (k_split > 1) {
        t.noc_bytes_per_tile += 2.0 * op.output_bytes / n_split * (1.0 - 1.0 / k_split);
        hops += 4.0 * (std::sqrt(k_split) - 1.0);
      }
      if (exchange == Exchange::split_input && n_split > 1) {  // input split by the producer
        t.noc_bytes_per_tile += op.input_bytes / k_split * (1.0 - 1.0 / n_split);
        hops += 2.0 * (std::sqrt(n_split) - 1.0);
      }
    } else if (exchange == Exchange::norm_gather && g > 1) {
      t.noc_bytes_per_tile = op.output_bytes * (1.0 - 1.0 / g);
      hops = 2.0 * (std::sqrt(g) - 1.0);
    }
    t.noc = t.noc_bytes_per_tile / (2.0 * link_bytes_eff) / f;
    t.dram_weight = dram_bw > 0 ? op.weight_read_bytes * w_dram / dram_bw : 0.0;
    t.dram_kv = dram_bw > 0 ? (op.kv_read_bytes + op.kv_write_bytes) * kv_dram / dram_bw : 0.0;
    t.latency = (micro.op_overhead_cycles + hops * (micro.router_pipeline_cycles + 1.0)) / f;
    return t;
  }

  struct StepEstimate {
    double sum_stages = 0, max_stage = 0, transfers = 0, bubbles = 0, busy = 0;
    std::array<double, kBottlenecks> bound_time{};
  };

  // Hazard-aware list schedule of every stage for one micro-batch of size phi (a share of the
  // step's work): an op starts when its producers in the stage have finished and one of the
  // stage's tile groups is free. Fills ps.stage_time.
  StepEstimate schedule(const workload::Graph& graph, PhaseScratch& ps, const arch::Design& d, double f,
                        double link_bytes_eff, double hop_s, double phi) const {
    StepEstimate e;
    const auto& plan = ps.plan;
    const auto& ops = graph.ops;
    const int stages = static_cast<int>(plan.stages.size());
    ps.finish.assign(ops.size(), 0.0);
    ps.stage_time.assign(static_cast<std::size_t>(stages), 0.0);
    ps.stage_bound.assign(static_cast<std::size_t>(stages), std::array<double, kBottlenecks>{});
    for (int s = 0; s < stages; ++s) {
      const auto& st = plan.stages[static_cast<std::size_t>(s)];
      ps.group_free.assign(static_cast<std::size_t>(std::min(st.groups, 64)), 0.0);
      double makespan = 0;
      for (int i = st.first_op; i < st.end_op; ++i) {
        const auto& op = ops[static_cast<std::size_t>(i)];
        double ready = 0;
        for (int p : op.producers)
          if (p >= st.first_op) ready = std::max(ready, ps.finish[static_cast<std::size_t>(p)]);
        const auto g = std::min_element(ps.group_free.begin(), ps.group_free.end());
        const double start = std::max(ready, *g);
        if (ready > *g) e.bubbles += (ready - *g) * st.group_tiles;
        const auto& term = ps.terms[static_cast<std::size_t>(i)];
        const auto terms = term.terms(phi);
        const double dt = *std::max_element(terms.begin(), terms.end()) + term.latency;
        const auto bound = static_cast<std::size_t>(OpTerms::bound_of(terms, term.latency));
        ps.finish[static_cast<std::size_t>(i)] = start + dt;
        *g = start + dt;
        makespan = std::max(makespan, start + dt);
        e.bound_time[bound] += dt;
        ps.stage_bound[static_cast<std::size_t>(s)][bound] += dt;
        e.busy += dt * st.group_tiles;
      }
      ps.stage_time[static_cast<std::size_t>(s)] = makespan;
      e.sum_stages += makespan;
      e.max_stage = std::max(e.max_stage, makespan);
    }
    // Activations of one micro-batch handed between consecutive stages.
    for (int s = 0; s + 1 < stages; ++s) {
      const auto& a = plan.stages[static_cast<std::size_t>(s)];
      const auto& b = plan.stages[static_cast<std::size_t>(s + 1)];
      const double bytes = plan.stage_traffic_bytes[static_cast<std::size_t>(s * stages + s + 1)] * phi;
      double links = std::max(1.0, std::sqrt(std::min(a.tiles, b.tiles)));
      if (d.noc.routing == arch::Routing::west_first) links *= 1.0 + micro.adaptive_routing_load_relief;
      e.transfers += bytes / (links * link_bytes_eff * f) + a.hops_to_next * hop_s;
    }
    return e;
  }

  // Live activations of each stage's ops for the whole step (phi = 1), walked in op order: an
  // op's output lives from the op until its last consumer; a stage's inputs from other stages
  // live from the stage's start. Attention scores and probabilities are produced and consumed
  // block by block (fused attention, Dao et al. 2022) and never live whole. Fills ps.stage_live.
  void live_activations(const workload::Graph& graph, PhaseScratch& ps) const {
    const auto& ops = graph.ops;
    const auto& plan = ps.plan;
    ps.stage_live.assign(plan.stages.size(), 0.0);
    ps.mark.assign(ops.size(), -1);
    auto streamed = [](OpKind k) { return k == OpKind::attention_scores || k == OpKind::softmax; };
    for (std::size_t s = 0; s < plan.stages.size(); ++s) {
      const auto& st = plan.stages[s];
      double live = 0, peak = 0;
      for (int i = st.first_op; i < st.end_op; ++i)
        for (int p : ops[static_cast<std::size_t>(i)].producers)
          if (p < st.first_op && ps.mark[static_cast<std::size_t>(p)] != static_cast<int>(s)) {
            ps.mark[static_cast<std::size_t>(p)] = static_cast<int>(s);
            if (!streamed(ops[static_cast<std::size_t>(p)].kind)) live += ops[static_cast<std::size_t>(p)].output_bytes;
          }
      for (int i = st.first_op; i < st.end_op; ++i) {
        const auto& op = ops[static_cast<std::size_t>(i)];
        if (!streamed(op.kind)) live += op.output_bytes;
        peak = std::max(peak, live);
        for (int p : op.producers) {
          const auto pi = static_cast<std::size_t>(p);
          const int last = std::min(ps.last_use[pi], st.end_op - 1);
          if (last == i && !streamed(ops[pi].kind)) live -= ops[pi].output_bytes;
        }
        if (ps.last_use[static_cast<std::size_t>(i)] == i && !streamed(op.kind)) live -= op.output_bytes;
      }
      ps.stage_live[s] = peak;
    }
  }

  // One tile of class c: its leakage (logic and ROM times `gate`, the share not power-gated; SRAM
  // keeps its contents and stays powered) and its clock tree (MAC datapath clocked `clocked_mac` of
  // the time, the rest of its logic `clocked_other`).
  struct TileStatic {
    double leakage_w = 0, clock_w = 0;
  };
  TileStatic tile_static(const arch::Design& d, const tech::Leakage& leak, std::size_t c, double gate, double clocked_mac,
                         double clocked_other, double f, double lscale, double vscale) const {
    const auto& m = classes[c];
    const auto& tc = d.tile_classes[c];
    const double logic_leak = m.logic_cells_mm2 * leak.logic_mw_per_mm2 * 1e-3;
    const double sram_bits = 8.0 * static_cast<double>(tc.imem_bytes + tc.amem_bytes + (m.rom ? 0 : tc.wmem_bytes));
    const double rom_bits = m.rom ? 8.0 * static_cast<double>(tc.wmem_bytes) : 0.0;
    const double clocked_mm2 = m.vector_cells_mm2 * clocked_mac + (m.logic_cells_mm2 - m.vector_cells_mm2) * clocked_other;
    return {lscale * (logic_leak * gate + rom_bits * leak.rom_pw_per_bit * 1e-12 * gate + sram_bits * leak.sram_pw_per_bit * 1e-12),
            node.clock_energy_pj_per_mm2_cycle * 1e-12 * clocked_mm2 * f * vscale};
  }

  // One tile of class c with no work: leaf clocks gated to the idle share, or the tile power-gated.
  TileStatic idle_tile_static(const arch::Design& d, const tech::Leakage& leak, std::size_t c, double f, double lscale,
                              double vscale) const {
    const double gate = d.power_gate_idle_tiles ? micro.gating_residual_leakage : 1.0;
    const double clocked = d.power_gate_idle_tiles ? 0.0 : micro.idle_clock_fraction;
    return tile_static(d, leak, c, gate, clocked, clocked, f, lscale, vscale);
  }

  // The chip powered and clocked with no work: every tile idle, DRAM PHYs, host links and CPUs up.
  double idle_power_w(const arch::Design& d, double f, double v, double temperature_scale) const {
    const double lscale = tech::leakage_scale(node, v) * temperature_scale;
    const double vscale = tech::dynamic_energy_scale(node, v);
    const auto& leak = node.leakage.at(d.flavor);
    double w = soc_w;
    for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
      const TileStatic t = idle_tile_static(d, leak, c, f, lscale, vscale);
      w += class_counts[c] * (t.leakage_w + t.clock_w);
    }
    return w + phy_static_w(d);
  }

  // The DRAM PHYs' static power: up whenever the chip is (no DRAM, none).
  double phy_static_w(const arch::Design& d) const {
    const auto it = node.dram.find(d.dram.kind);
    return d.dram.channels > 0 && it != node.dram.end() ? it->second.phy_static_power_w * d.dram.channels : 0.0;
  }

  void evaluate_phase(const workload::Graph& graph, PhaseScratch& ps, const arch::Design& d, double f, double v,
                      double temperature_scale, PhaseReport& out, PowerBreakdown& power, Report& report) {
    {
      auto stages_buffer = std::move(out.stages);  // keep the capacity across evaluations
      out = PhaseReport{};
      out.stages = std::move(stages_buffer);
      out.stages.clear();
    }
    if (graph.ops.empty()) return;
    mapping::make_plan(graph, ps.units, d, micro.amem_activation_reserve, ps.plan);
    const auto& plan = ps.plan;
    const auto& ops = graph.ops;
    const double link_bytes = d.noc.link_bits / 8.0;
    const double eff = link_efficiency(d);
    const double link_bytes_eff = link_bytes * eff;
    const bool has_dram = d.dram.kind != "none" && d.dram.channels > 0;
    const auto dram_it = node.dram.find(d.dram.kind);
    const double dram_bw = has_dram && dram_it != node.dram.end() ? dram_it->second.bandwidth_bytes_per_s * d.dram.channels : 0.0;
    const double dram_pj_bit = has_dram && dram_it != node.dram.end() ? dram_it->second.energy_pj_per_bit : 0.0;
    const double hop_s = (micro.router_pipeline_cycles + 1.0) / f;
    const int stages = static_cast<int>(plan.stages.size());

    // 1. Per-op terms.
    ps.terms.resize(ops.size());
    for (int s = 0; s < stages; ++s) {
      const auto& st = plan.stages[static_cast<std::size_t>(s)];
      for (int i = st.first_op; i < st.end_op; ++i)
        ps.terms[static_cast<std::size_t>(i)] =
            op_terms(ops[static_cast<std::size_t>(i)], ps.exchange[static_cast<std::size_t>(i)], st,
                     plan.op_weight_dram_fraction[static_cast<std::size_t>(i)],
                     plan.op_kv_dram_fraction[static_cast<std::size_t>(i)], d, f, link_bytes_eff, dram_bw);
    }

    // 2. Live activations against the AMEM the KV cache leaves, per stage.
    live_activations(graph, ps);
    ps.stage_act_capacity.assign(static_cast<std::size_t>(stages), 0.0);
    for (int s = 0; s < stages; ++s) {
      const auto& st = plan.stages[static_cast<std::size_t>(s)];
      double amem = 0;
      for (std::size_t c = 0; c < d.tile_classes.size(); ++c) amem += st.class_counts[c] * static_cast<double>(d.tile_classes[c].amem_bytes);
      ps.stage_act_capacity[static_cast<std::size_t>(s)] = std::max(0.0, amem - st.kv_bytes_on_chip);
    }
    // Bytes beyond AMEM for n micro-batches: each micro-batch's excess goes to DRAM and back.
    auto activation_spill = [&](double n) {
      double bytes = 0;
      for (int s = 0; s < stages; ++s)
        bytes += std::max(0.0, ps.stage_live[static_cast<std::size_t>(s)] / n - ps.stage_act_capacity[static_cast<std::size_t>(s)]) * n;
      return 2.0 * bytes;
    };

    // 3.-4. Micro-batches: sequences in decode, prompt chunks in prefill. More micro-batches fill
    // the pipeline and shrink the live activations but re-read each stage's weights once per
    // micro-batch: pick the count (powers of two up to the work available) with the shortest step;
    // beyond the pipeline's need only while activations still spill.
    const std::int64_t work_units = graph.scenario.phase == workload::Phase::decode
                                        ? graph.scenario.batch
                                        : graph.scenario.batch * graph.tokens_per_sequence;
    // DRAM bandwidth is shared by all stages: a step cannot beat its total DRAM traffic, in which
    // spilled weights are streamed once per micro-batch.
    double dram_weight_bytes = 0, dram_kv_bytes = 0, wmem_weight_bytes = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const auto& op = ops[i];
      const double wf = plan.op_weight_dram_fraction[i], kf = plan.op_kv_dram_fraction[i];
      dram_weight_bytes += op.weight_read_bytes * wf;
      dram_kv_bytes += (op.kv_read_bytes + op.kv_write_bytes) * kf;
      wmem_weight_bytes += op.weight_read_bytes * (1 - wf);
    }
    double step = 0, sum_stages = 0, max_stage = 0, bubbles = 0, busy_total = 0, act_spill = 0;
    int n_mb = 1, last_mb = 1;
    std::array<double, kBottlenecks> bound_time{};
    const std::int64_t pipeline_mb = std::max<std::int64_t>(
        1, std::min<std::int64_t>(work_units, static_cast<std::int64_t>(micro.max_microbatches_per_stage * stages)));
    const std::int64_t max_mb = std::max<std::int64_t>(1, std::min<std::int64_t>(work_units, kMaxMicrobatches));
    for (std::int64_t candidate = 1;; candidate *= 2) {
      const int mb = static_cast<int>(std::min<std::int64_t>(candidate, max_mb));
      last_mb = mb;
      const StepEstimate e = schedule(graph, ps, d, f, link_bytes_eff, hop_s, 1.0 / mb);
      const double spill = activation_spill(mb);
      double t = e.sum_stages + e.transfers + (mb - 1) * e.max_stage;
      if (dram_bw > 0) t = std::max(t, (dram_weight_bytes * mb + dram_kv_bytes + spill) / dram_bw);
      // Without DRAM a spill has nowhere to go: the fewest-spill count wins.
      const bool better = candidate == 1 || (dram_bw > 0 || spill == act_spill ? t < step : spill < act_spill);
      if (better) {
        step = t;
        n_mb = mb;
        sum_stages = e.sum_stages;
        max_stage = e.max_stage;
        bubbles = e.bubbles;
        busy_total = e.busy;
        bound_time = e.bound_time;
        act_spill = spill;
      }
      if (mb >= max_mb || (mb >= pipeline_mb && spill == 0)) break;
    }
    if (!(step > 0)) step = 1.0 / f;
    // ps.stage_time holds the last candidate's schedule; redo it only if another count won.
    if (n_mb != last_mb) schedule(graph, ps, d, f, link_bytes_eff, hop_s, 1.0 / n_mb);
    const double dram_bytes = dram_weight_bytes * n_mb + dram_kv_bytes + (has_dram ? act_spill : 0.0);
    const double wmem_bytes = wmem_weight_bytes * n_mb;
    out.activation_peak_bytes = 0;
    for (double live : ps.stage_live) out.activation_peak_bytes = std::max(out.activation_peak_bytes, live / n_mb);
    out.activation_spill_bytes = act_spill;

    // Bytes with no home: spilled weights and KV without DRAM, live activations beyond AMEM
    // without DRAM, and whatever DRAM holds beyond its devices' capacity. A phase with such bytes
    // cannot run: no throughput from data that is nowhere.
    const double resident_dram = plan.weight_bytes_spilled + plan.kv_bytes_spilled;
    if (!has_dram) {
      out.unhoused_bytes = resident_dram + act_spill / 2.0;
      if (act_spill > 0)
        add_violation(report, fmt::format("activations: {:.3g} MB live per micro-batch do not fit in the AMEM the KV "
                                                "cache leaves and the design has no DRAM",
                                                out.activation_peak_bytes / 1e6));
    } else if (report.dram_capacity_bytes > 0 && resident_dram > report.dram_capacity_bytes) {
      out.unhoused_bytes = resident_dram - report.dram_capacity_bytes;
      add_violation(report, fmt::format("dram: {:.4g} GB of weights and KV cache exceed the {:.4g} GB of {} {} devices",
                                              resident_dram / 1e9, report.dram_capacity_bytes / 1e9, d.dram.channels, d.dram.kind));
    }
    out.runs = !(out.unhoused_bytes > 0);

    // 5. Energy per step (J). A phase that cannot run does no work: only static power remains.
    const double vscale = tech::dynamic_energy_scale(node, v);
    const double pitch_mm = std::sqrt(std::max(1e-9, report.area.total() / d.tiles()));
    const double e_bit_hop = (node.router_energy_pj_per_bit + node.wire_energy_pj_per_bit_mm * pitch_mm) * 1e-12;
    double e_mac_total = 0, e_rf = 0, e_mem = 0, e_fetch = 0, e_noc = 0;
    ps.stage_mac_activity.assign(static_cast<std::size_t>(stages), 0.0);
    ps.stage_busy_activity.assign(static_cast<std::size_t>(stages), 0.0);
    ps.stage_energy_j.assign(static_cast<std::size_t>(stages), 0.0);
    ps.stage_static_w.assign(static_cast<std::size_t>(stages), 0.0);
    ps.stage_duty.assign(static_cast<std::size_t>(stages), 0.0);
    for (int s = 0; s < stages && out.runs; ++s) {
      const double e_before = e_mac_total + e_rf + e_mem + e_fetch + e_noc;
      const auto& st = plan.stages[static_cast<std::size_t>(s)];
      // Region averages of the per-class figures, by tile count.
      double lanes = 0, rows = 0, wr = 0, ar = 0, aw = 0, ir = 0, e_mac = 0, mac_bits = 0, register_bits = 0;
      double weight_fetches_per_token = 0, psum_bits = 0;
      for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
        const double w = static_cast<double>(st.class_counts[c]) / st.tiles;
        lanes += w * classes[c].lanes;
        weight_fetches_per_token += w * classes[c].weight_fetches_per_token;
        psum_bits += w * classes[c].psum_bits_per_mac;
        register_bits += w * classes[c].register_bits_per_mac;
        rows += w * classes[c].rows;
        wr += w * classes[c].wmem_read_pj_bit;
        ar += w * classes[c].amem_read_pj_bit;
        aw += w * classes[c].amem_write_pj_bit;
        ir += w * classes[c].imem_read_pj_bit;
        e_mac += w * classes[c].mac_energy_pj * 1e-12;
        mac_bits += w * classes[c].exec_bits;
      }
      const double g = st.group_tiles;
      double compute_tile_s = 0;  // MAC-array busy time x tiles, over the step
      double busy_tile_s = 0;     // time not stalled on DRAM x tiles, over the step
      for (int i = st.first_op; i < st.end_op; ++i) {
        const auto& op = ops[static_cast<std::size_t>(i)];
        const bool gemm = is_gemm(op.kind) && op.gemm.count > 0;
        const double wf = plan.op_weight_dram_fraction[static_cast<std::size_t>(i)];
        const double kf = plan.op_kv_dram_fraction[static_cast<std::size_t>(i)];
        const double macs = gemm ? op.flops / 2.0 : 0.0;
        const double alu = gemm ? 0.0 : (op.kind == OpKind::data_movement || op.kind == OpKind::embedding ? 0.0 : op.flops);
        e_mac_total += macs * e_mac + alu * micro.alu_energy_per_mac * e_mac;
        // Vector operands from the register file (shared across the rows of a 2D array), plus the
        // pipeline and systolic-cell registers each MAC writes.
        const double mac_register_bits = register_bits * micro.pipeline_register_energy_per_rf_bit;
        e_rf += ((macs / std::max(1.0, rows) + alu) * micro.vector_register_ports * mac_bits + macs * mac_register_bits) *
                node.register_file_energy_pj_per_bit * 1e-12;
        const double vector_ops = gemm ? macs / (lanes * std::max(1.0, rows)) : (alu + op.input_bytes / (mac_bits / 8.0)) / lanes;
        e_fetch += vector_ops * micro.instructions_per_vector_op[static_cast<std::size_t>(op.kind)] *
                   (node.instruction_energy_pj + 32.0 * ir) * 1e-12;
        // Local memory traffic. A weight (or, in attention, a cached key or value: the B operand) is
        // read once per micro-batch, and again for every further group of tokens that shares one
        // fetch (the micro-batch's tokens beyond what the array and register file hold); an input
        // element once per lanes-wide block of outputs; a systolic array's partial sums once per K
        // tile. (The memory ports keep up: rows <= tokens per fetch and rows <= lanes.)
        // Cached keys and values are per sequence: micro-batches split sequences, not a sequence's
        // queries, so only the queries beyond one fetch's tokens re-read them.
        double b_reads = n_mb, kv_reads = 1, a_reads = 1, psum = 0;
        if (gemm) {
          const double m_tokens = static_cast<double>(op.gemm.m);
          b_reads = std::max(static_cast<double>(n_mb), m_tokens * weight_fetches_per_token);
          kv_reads = std::max(1.0, m_tokens * weight_fetches_per_token);
          a_reads = std::max(1.0, static_cast<double>(op.gemm.n) / std::max(1.0, lanes));
          psum = macs * psum_bits * std::max(0.0, 1.0 - rows / static_cast<double>(op.gemm.k));
        }
        // What streams from DRAM lands in AMEM first (written once per micro-batch, as DRAM reads
        // it) and is read from there.
        e_mem += (op.weight_read_bytes * b_reads * ((1 - wf) * wr + wf * ar) * 8.0 +
                  (op.input_bytes * a_reads + op.kv_read_bytes * kv_reads) * 8.0 * ar +
                  (op.output_bytes + op.kv_write_bytes * (1 - kf) + op.weight_read_bytes * wf * n_mb +
                   op.kv_read_bytes * kf) * 8.0 * aw +
                  psum * (ar + aw)) * 1e-12;
        const auto& term = ps.terms[static_cast<std::size_t>(i)];
        e_noc += term.noc_bytes_per_tile * g * 8.0 * e_bit_hop;
        compute_tile_s += term.compute * term.row_factor(1.0 / n_mb) * g;
        busy_tile_s += n_mb * term.busy(1.0 / n_mb) * g;
      }
      ps.stage_mac_activity[static_cast<std::size_t>(s)] = std::min(1.0, compute_tile_s / (st.tiles * step));
      ps.stage_busy_activity[static_cast<std::size_t>(s)] = std::min(1.0, busy_tile_s / (st.tiles * step));
      ps.stage_energy_j[static_cast<std::size_t>(s)] = e_mac_total + e_rf + e_mem + e_fetch + e_noc - e_before;
    }
    for (int s = 0; s < stages && out.runs; ++s)
      for (int t = 0; t < stages; ++t) {
        const double bytes = plan.stage_traffic_bytes[static_cast<std::size_t>(s * stages + t)];
        if (bytes <= 0) continue;
        const auto& a = plan.stages[static_cast<std::size_t>(s)];
        const auto& b = plan.stages[static_cast<std::size_t>(t)];
        const double hops = std::max(1.0, std::fabs(a.centroid_row - b.centroid_row) + std::fabs(a.centroid_col - b.centroid_col));
        e_noc += bytes * 8.0 * hops * e_bit_hop;
      }
    const double e_dram = out.runs ? dram_bytes * 8.0 * dram_pj_bit * 1e-12 : 0.0;

    // 6. Static power: clock tree and leakage, with power gating by stage duty where allowed.
    // Clock gating follows activity: an idle unit's leaf clocks stop (its gating cells and the
    // trunk keep toggling, micro.idle_clock_fraction); the MAC datapath is clocked only while it
    // computes, core, control and router while the tile is not stalled on DRAM.
    double clock_w = 0, leak_w = 0;
    const auto& leak = node.leakage.at(d.flavor);
    const double lscale = tech::leakage_scale(node, v) * temperature_scale;
    const double idle = micro.idle_clock_fraction;
    double wake_j = 0;
    for (int s = 0; s < stages; ++s) {
      const auto& st = plan.stages[static_cast<std::size_t>(s)];
      const double static_before = clock_w + leak_w;
      const double duty = out.runs ? std::min(1.0, n_mb * ps.stage_time[static_cast<std::size_t>(s)] / step) : 0.0;
      ps.stage_duty[static_cast<std::size_t>(s)] = duty;
      const double mac_active = out.runs ? std::min(duty, ps.stage_mac_activity[static_cast<std::size_t>(s)]) : 0.0;
      const double tile_active = out.runs ? std::min(duty, std::max(mac_active, ps.stage_busy_activity[static_cast<std::size_t>(s)])) : 0.0;
      const double off = d.power_gate_idle_tiles ? 0.0 : idle;  // clock share of a tile outside its duty
      // A tile stalled on DRAM waits clock-gated (wait-for-interrupt on the core, DMA idle).
      const double clocked_other = tile_active + (duty - tile_active) * idle + (1.0 - duty) * off;
      const double clocked_mac = mac_active + (duty - mac_active) * idle + (1.0 - duty) * off;
      for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
        const double n = st.class_counts[c];
        if (n <= 0) continue;
        const auto& m = classes[c];
        const double gate = d.power_gate_idle_tiles ? duty + (1.0 - duty) * micro.gating_residual_leakage : 1.0;
        const TileStatic t = tile_static(d, leak, c, gate, clocked_mac, clocked_other, f, lscale, vscale);
        leak_w += n * t.leakage_w;
        clock_w += n * t.clock_w;
        if (d.power_gate_idle_tiles && duty < 1.0 && out.runs)
          wake_j += n * micro.gating_wakeup_cycles_per_step * node.clock_energy_pj_per_mm2_cycle * 1e-12 * m.logic_cells_mm2 * vscale;
      }
      ps.stage_static_w[static_cast<std::size_t>(s)] = clock_w + leak_w - static_before;
    }
    // Harvested tiles belong to no stage: idle all the time.
    for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
      if (!d.tile_classes[c].harvested || class_counts[c] <= 0) continue;
      const TileStatic t = idle_tile_static(d, leak, c, f, lscale, vscale);
      leak_w += class_counts[c] * t.leakage_w;
      clock_w += class_counts[c] * t.clock_w;
    }
    const double phy_w = phy_static_w(d);

    power.mac = e_mac_total * vscale / step;
    power.register_file = e_rf * vscale / step;
    power.memory = e_mem * vscale / step;
    power.noc = e_noc * vscale / step;
    power.dram = e_dram / step + phy_w;
    power.fetch_control = (e_fetch * vscale + wake_j) / step;
    power.clock = clock_w;
    power.leakage = leak_w;
    power.soc = soc_w;

    // 7. Figures of merit.
    const double tokens = static_cast<double>(graph.tokens);
    out.evaluated = true;
    out.power_w = power.total();
    out.pipeline_stages = stages;
    out.microbatches = n_mb;
    const double roof_step = std::max({graph.total_flops() / report.peak_flops_per_s, wmem_bytes / n_mb / wmem_bandwidth_bytes_per_s,
                                       dram_bw > 0 ? dram_bytes / dram_bw : 0.0});
    out.roofline_tokens_per_second = roof_step > 0 ? tokens / roof_step : 0;
    if (out.runs) {
      out.step_latency_s = step;
      out.tokens_per_second = tokens / step;
      out.ms_per_token = graph.scenario.phase == workload::Phase::decode ? step * 1e3 : step * 1e3 / tokens;
      out.energy_per_token_j = out.power_w * step / tokens;
      out.utilisation = graph.total_flops() / step / report.peak_flops_per_s;
    } else {
      const double inf = std::numeric_limits<double>::infinity();
      out.step_latency_s = out.ms_per_token = out.energy_per_token_j = inf;
    }
    out.roofline_share = out.roofline_tokens_per_second > 0 ? out.tokens_per_second / out.roofline_tokens_per_second : 0;
    double bound_sum = 0;
    for (double b : bound_time) bound_sum += b;
    for (std::size_t b = 0; b < out.bottleneck_share.size(); ++b)
      out.bottleneck_share[b] = bound_sum > 0 ? bound_time[b] / bound_sum : 0;
    out.bottleneck = static_cast<Bottleneck>(std::max_element(out.bottleneck_share.begin(), out.bottleneck_share.end()) -
                                             out.bottleneck_share.begin());
    out.load_balance = max_stage > 0 ? sum_stages / stages / max_stage : 1.0;
    out.bubble_share = busy_total + bubbles > 0 ? bubbles / (busy_total + bubbles) : 0;

    out.stages.resize(static_cast<std::size_t>(stages));
    for (int s = 0; s < stages; ++s) {
      const auto& st = plan.stages[static_cast<std::size_t>(s)];
      const auto& bound = ps.stage_bound[static_cast<std::size_t>(s)];
      auto& sr = out.stages[static_cast<std::size_t>(s)];
      sr.first_op = st.first_op;
      sr.end_op = st.end_op;
      sr.first_slot = st.first_slot;
      sr.tiles = st.tiles;
      sr.time_s = ps.stage_time[static_cast<std::size_t>(s)];
      sr.duty = ps.stage_duty[static_cast<std::size_t>(s)];
      sr.mac_activity = out.runs ? ps.stage_mac_activity[static_cast<std::size_t>(s)] : 0.0;
      sr.power_w = (out.runs ? ps.stage_energy_j[static_cast<std::size_t>(s)] * vscale / step : 0.0) +
                   ps.stage_static_w[static_cast<std::size_t>(s)];
      sr.bottleneck = static_cast<Bottleneck>(std::max_element(bound.begin(), bound.end()) - bound.begin());
    }
    // The placement order is the design's, the same in both phases: copied once.
    if (graph.scenario.phase == workload::Phase::decode) report.tile_order.assign(plan.tile_order.begin(), plan.tile_order.end());
    report.weight_bytes_on_chip = plan.weight_bytes_total - plan.weight_bytes_spilled;
    report.weight_bytes_in_dram = has_dram ? plan.weight_bytes_spilled : 0;
    report.kv_bytes_on_chip = plan.kv_bytes_total - plan.kv_bytes_spilled;
    report.kv_bytes_in_dram = has_dram ? plan.kv_bytes_spilled : 0;
    for (const auto& msg : plan.violations) add_violation(report, msg);
  }

  static void add_violation(Report& report, std::string msg) {
    if (std::find(report.violations.begin(), report.violations.end(), msg) == report.violations.end())
      report.violations.push_back(std::move(msg));
  }

  void area(const arch::Design& d, AreaBreakdown& a) const {
    a = AreaBreakdown{};
    for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
      const auto& m = classes[c];
      const double n = class_counts[c];
      a.cores += n * m.core_mm2;
      a.control += n * m.control_mm2;
      a.vector_units += n * m.vector_mm2;
      a.imem += n * m.imem_mm2;
      (m.rom ? a.wmem_rom : a.wmem_sram) += n * m.wmem_mm2;
      a.amem += n * m.amem_mm2;
      a.routers += n * m.router_mm2;
    }
    const auto it = node.dram.find(d.dram.kind);
    if (it != node.dram.end()) a.phys = it->second.phy_area_mm2 * d.dram.channels;
    a.io = node.io_ring_area_mm2;
  }

  // Area and static power of the blocks beside the mesh (host PHY and controller, link PHYs and
  // MACs, CPU cores); their power is drawn whether or not the mesh works.
  struct SocCost {
    double area_mm2 = 0, static_w = 0;
  };
  SocCost soc_cost(const arch::Design& d) const {
    SocCost cost;
    for (const SocPart& part : soc_parts(d)) {
      if (part.serdes) {
        const auto& k = *part.serdes;
        cost.area_mm2 += part.count * k.phy_area_mm2 * phy_area_factor() +
                         (k.per_link_logic ? 1.0 : part.count) * k.logic_area_mm2 * logic_area_factor();
        cost.static_w += part.count * k.static_power_w * phy_energy_factor();
      } else if (part.cpu) {
        cost.area_mm2 += part.count * part.cpu->area_mm2 * logic_area_factor();
        cost.static_w += part.count * part.cpu->power_w * node.instruction_energy_pj / micro.uncore.reference_instruction_energy_pj;
      }
    }
    return cost;
  }

  // The blocks a design declares beside its mesh, resolved in the uncore library (null when the
  // kind is unknown: run() reports it).
  struct SocPart {
    const SerdesKind* serdes = nullptr;
    const CpuKind* cpu = nullptr;
    double count = 0;
  };
  std::array<SocPart, 3> soc_parts(const arch::Design& d) const {
    auto find = [](const auto& map, const std::string& kind) -> decltype(&map.begin()->second) {
      const auto it = map.find(kind);
      return it == map.end() ? nullptr : &it->second;
    };
    const auto& u = micro.uncore;
    return {SocPart{find(u.host_interfaces, d.soc.host.kind), nullptr, static_cast<double>(d.soc.host.count)},
            SocPart{find(u.chip_links, d.soc.chip_links.kind), nullptr, static_cast<double>(d.soc.chip_links.count)},
            SocPart{nullptr, find(u.cpu_cores, d.soc.cpu.kind), static_cast<double>(d.soc.cpu.count)}};
  }
  void check_soc_kinds(const arch::Design& d, std::vector<std::string>& violations) const {
    auto check = [&](const arch::Block& b, const char* field, const auto& map) {
      if (b.kind == "none" || map.count(b.kind)) return;
      std::string known;
      for (const auto& [name, value] : map) known += (known.empty() ? "" : ", ") + name;
      violations.push_back(fmt::format("soc.{}.kind: unknown \"{}\" (data/uncore.yaml has {}); not counted", field, b.kind, known));
    };
    check(d.soc.host, "host", micro.uncore.host_interfaces);
    check(d.soc.chip_links, "chip_links", micro.uncore.chip_links);
    check(d.soc.cpu, "cpu", micro.uncore.cpu_cores);
  }
  // data/uncore.yaml gives its values at 7 nm: logic scales with density, PHYs barely.
  double logic_area_factor() const { return micro.uncore.reference_logic_density / node.logic_density_mtr_per_mm2; }
  double phy_area_factor() const { return node.feature_nm >= 22 ? micro.uncore.phy_area_factor_28nm : 1.0; }
  double phy_energy_factor() const {
    const auto& u = micro.uncore;
    return node.feature_nm <= 5 ? u.phy_energy_factor_5nm : node.feature_nm <= 7 ? 1.0 : node.feature_nm <= 16 ? u.phy_energy_factor_16nm : u.phy_energy_factor_28nm;
  }

  // Supply, the node's fmax there with the design's cells, and the clock evaluated: a clock the
  // node cannot reach is evaluated at the one it can (validate_against_node says so; the report
  // carries both).
  struct OperatingPoint {
    double supply_v, fmax_hz, clock_hz;
  };
  OperatingPoint operating_point(const arch::Design& d) const {
    const double v = arch::operating_supply_v(d, node);
    const double fmax = tech::max_frequency_hz(node, v, d.flavor);
    return {v, fmax, std::min(d.clock_hz, fmax > 0 ? fmax : d.clock_hz)};
  }

  void run(const arch::Design& d, const Scenario& sc, Report& r) {
    prepare_once();
    {  // reset, keeping the capacity of the report's buffers
      auto violations = std::move(r.violations);
      auto prefill_stages = std::move(r.prefill.stages), decode_stages = std::move(r.decode.stages);
      r = Report{};
      violations.clear();
      r.violations = std::move(violations);
      r.prefill.stages = std::move(prefill_stages);
      r.decode.stages = std::move(decode_stages);
    }
    r.scored_phase = std::string(workload::to_string(sc.scored_phase));
    r.unit = (workload.decode.ops.empty() ? workload.prefill : workload.decode).unit;
    r.budgets = sc.budgets;
    r.violations = arch::validate_structure(d);
    if (!r.violations.empty()) return;  // nothing sensible to evaluate; score 0
    arch::validate_against_node(d, node, r.violations);

    const auto& scen = (workload.decode.ops.empty() ? workload.prefill : workload.decode).scenario;
    const workload::Precision mac = workload::mac_precision(scen);
    const auto [v, fmax, f] = operating_point(d);
    r.requested_clock_hz = d.clock_hz;
    r.clock_hz = f;
    r.supply_v = v;
    if (f < d.clock_hz * (1 - 1e-9))
      r.violations.push_back(fmt::format("clock_mhz: evaluated at {:.4g} MHz, the most node {} reaches at {:.3g} V with {} cells "
                                         "(the design asks {:.4g} MHz)",
                                         f / 1e6, node.name, v, arch::flavor_name(d.flavor), d.clock_hz / 1e6));
    build_classes(d, mac, f, fmax, r.violations);
    check_soc_kinds(d, r.violations);
    class_counts.fill(0);
    for (int row = 0; row < d.rows; ++row)
      for (int col = 0; col < d.cols; ++col) class_counts[static_cast<std::size_t>(d.class_of(row, col))] += 1;
    area(d, r.area);
    const SocCost soc = soc_cost(d);
    r.area.soc = soc.area_mm2;
    soc_w = soc.static_w;
    r.area_mm2 = r.area.total();
    r.die_area_estimate_mm2 = r.area_mm2 * micro.die_area_fit;
    check_package(d, r);
    double macs_per_cycle = 0, port_bytes_per_cycle = 0;
    for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
      if (d.tile_classes[c].harvested) continue;  // disabled: on the die, not in the peak
      macs_per_cycle += class_counts[c] * classes[c].lanes * classes[c].rows;
      port_bytes_per_cycle += class_counts[c] * classes[c].port_bytes;
    }
    r.peak_flops_per_s = 2.0 * macs_per_cycle * f;
    wmem_bandwidth_bytes_per_s = port_bytes_per_cycle * f;

    PowerBreakdown prefill_power, decode_power;
    const double temperature_scale = std::pow(2.0, (sc.budgets.junction_temperature_c - 25.0) / micro.leakage_doubling_c);
    evaluate_phase(workload.prefill, prefill, d, f, v, temperature_scale, r.prefill, prefill_power, r);
    evaluate_phase(workload.decode, decode, d, f, v, temperature_scale, r.decode, decode_power, r);
    r.time_to_first_token_s = r.prefill.evaluated ? r.prefill.step_latency_s : 0.0;
    r.idle_power_w = idle_power_w(d, f, v, temperature_scale);

    const bool decode_scored = sc.scored_phase == workload::Phase::decode && r.decode.evaluated;
    const PhaseReport& scored = decode_scored ? r.decode : r.prefill;
    r.scored_phase = decode_scored ? "decode" : "prefill";
    r.power = decode_scored ? decode_power : prefill_power;
    r.power_w = r.power.total();
    r.board_power_w = r.power_w / micro.uncore.vr_efficiency + micro.uncore.board_overhead_w + micro.uncore.fan_w;
    r.energy_per_token_j = scored.energy_per_token_j;
    score(d, sc, scored, r);
  }

  // DRAM PHYs need die edge ("beachfront"): a share of the perimeter of a square die of the
  // design's area holds them, each as wide as its interface's PHY. HBM stacks sit beside the
  // die on a silicon interposer, which has its own size limit.
  void check_package(const arch::Design& d, Report& r) const {
    const auto it = node.dram.find(d.dram.kind);
    if (it == node.dram.end() || d.dram.channels <= 0) return;
    const auto& di = it->second;
    r.dram_capacity_bytes = di.capacity_bytes * d.dram.channels;
    const double edge_mm = 4.0 * std::sqrt(r.area_mm2) * micro.dram_edge_share;
    r.dram_channels_max = di.phy_edge_mm > 0 ? static_cast<int>(std::floor(edge_mm / di.phy_edge_mm + 1e-9)) : d.dram.channels;
    if (d.dram.channels > r.dram_channels_max)
      r.violations.push_back(fmt::format("dram.channels: {} {} PHYs need {:.0f} mm of die edge; a {:.0f} mm2 die offers {:.0f} mm "
                                         "({:.0f}% of its perimeter) for {}",
                                         d.dram.channels, d.dram.kind, d.dram.channels * di.phy_edge_mm, r.area_mm2, edge_mm,
                                         100 * micro.dram_edge_share, r.dram_channels_max));
    if (di.stack_footprint_mm2 > 0) {
      r.interposer_mm2 = (r.area_mm2 + d.dram.channels * di.stack_footprint_mm2) * micro.interposer_area_overhead;
      if (r.interposer_mm2 > micro.interposer_max_mm2)
        r.violations.push_back(fmt::format("dram.channels: die and {} {} stacks need a {:.0f} mm2 interposer, above the {:.0f} mm2 "
                                           "a silicon interposer reaches",
                                           d.dram.channels, d.dram.kind, r.interposer_mm2, micro.interposer_max_mm2));
    }
  }

  // docs/ppa-score.md
  void score(const arch::Design& d, const Scenario& sc, const PhaseReport& scored, Report& r) const {
    const Budgets& b = sc.budgets;
    double penalty = 1.0;
    auto soft = [&](double excess) { penalty *= std::exp(-3.0 * std::max(0.0, excess)); };

    if (r.area_mm2 > node.reticle_limit_mm2) {
      r.violations.push_back(fmt::format("area: {:.0f} mm2 exceeds the reticle limit ({:.0f} mm2): needs multi-die or wafer-scale integration",
                                         r.area_mm2, node.reticle_limit_mm2));
      soft(r.area_mm2 / node.reticle_limit_mm2 - 1.0);
    }
    if (r.area_mm2 > b.area_budget_mm2) {
      r.violations.push_back(fmt::format("budget.area: {:.1f} mm2 exceeds the area budget of {:.1f} mm2", r.area_mm2, b.area_budget_mm2));
      soft(r.area_mm2 / b.area_budget_mm2 - 1.0);
    }
    if (d.clock_hz > r.clock_hz * 1.0001) soft(d.clock_hz / r.clock_hz - 1.0);
    if (r.dram_channels_max < d.dram.channels && d.dram.channels > 0)
      soft(static_cast<double>(d.dram.channels) / std::max(1, r.dram_channels_max) - 1.0);
    if (r.interposer_mm2 > micro.interposer_max_mm2) soft(r.interposer_mm2 / micro.interposer_max_mm2 - 1.0);
    if (b.max_time_to_first_token_s > 0 && r.prefill.evaluated && r.prefill.runs &&
        r.time_to_first_token_s > b.max_time_to_first_token_s) {
      r.violations.push_back(fmt::format("budget.time_to_first_token: {:.3g} s of prefill before the first token exceeds "
                                         "the budget of {:.3g} s",
                                         r.time_to_first_token_s, b.max_time_to_first_token_s));
      soft(std::min(kMaxExcess, r.time_to_first_token_s / b.max_time_to_first_token_s - 1.0));
    }

    double base = 0;
    if (sc.mode == Mode::performance) {
      if (r.power_w > b.power_budget_w) {
        r.violations.push_back(fmt::format("budget.power: {:.3g} W exceeds the power budget of {:.3g} W", r.power_w, b.power_budget_w));
        soft(r.power_w / b.power_budget_w - 1.0);
      }
      const double s_tps = std::clamp(std::log10(1.0 + scored.tokens_per_second) / std::log10(1.0 + b.tokens_per_second_ceiling), 0.0, 1.0);
      // Throughput is the objective; power and area under their budgets only break ties (a
      // doubling of tokens/s must outweigh spending the whole power budget).
      base = 0.95 * s_tps + 0.025 * (1.0 - std::min(1.0, r.power_w / b.power_budget_w)) +
             0.025 * (1.0 - std::min(1.0, r.area_mm2 / b.area_budget_mm2));
    } else {
      if (b.fixed_clock_hz > 0 && std::fabs(d.clock_hz / b.fixed_clock_hz - 1.0) > 1e-6) {
        r.violations.push_back(fmt::format("clock: low-power mode runs at {:.3g} MHz, the design clocks {:.4g} MHz",
                                           b.fixed_clock_hz / 1e6, d.clock_hz / 1e6));
        soft(std::fabs(std::log(d.clock_hz / b.fixed_clock_hz)));
      }
      if (scored.tokens_per_second < b.min_tokens_per_second) {
        const std::string_view unit = workload::plural(r.unit);
        r.violations.push_back(fmt::format("budget.throughput: {:.3g} {}/s ({}) is below the target of {:.3g} {}/s",
                                           scored.tokens_per_second, unit, r.scored_phase, b.min_tokens_per_second, unit));
        soft(std::min(kMaxExcess, b.min_tokens_per_second / std::max(1e-9, scored.tokens_per_second) - 1.0));
      }
      const double s_power = b.power_reference_w / (b.power_reference_w + r.power_w);
      base = 0.85 * s_power + 0.15 * (1.0 - std::min(1.0, r.area_mm2 / b.area_budget_mm2));
    }
    // A design that cannot run the scored phase (bytes with no home) earns only a small share for
    // the bytes it does house, so a search still sees which way feasibility lies.
    if (!scored.runs) {
      const double need = std::max(1.0, ppa_total_weights() + r.kv_bytes_on_chip + r.kv_bytes_in_dram + scored.unhoused_bytes);
      base = kCannotRunScore * std::clamp(1.0 - scored.unhoused_bytes / need, 0.0, 1.0);
    }
    r.feasible = r.violations.empty();
    // Hard violations (design rules, capacity without DRAM) halve the score on top of their
    // smooth penalties, so a feasible design beats an infeasible one of similar raw merit.
    r.ppa_score = std::clamp(base * penalty * (r.feasible ? 1.0 : 0.5), 0.0, 1.0);
  }

  double ppa_total_weights() const {
    return (workload.decode.ops.empty() ? workload.prefill : workload.decode).total_weight_bytes();
  }
};

Evaluator::Evaluator(const Workload& workload, const tech::Node& node, const Microarch& microarch)
    : impl_(std::make_unique<Impl>(workload, node, microarch)) {}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;

Report Evaluator::evaluate(const arch::Design& design, const Scenario& scenario) {
  Report r;
  impl_->run(design, scenario, r);
  return r;
}

void Evaluator::evaluate(const arch::Design& design, const Scenario& scenario, Report& out) {
  impl_->run(design, scenario, out);
}

Report evaluate(const Workload& workload, const tech::Node& node, const Microarch& microarch,
                const arch::Design& design, const Scenario& scenario) {
  Evaluator e(workload, node, microarch);
  return e.evaluate(design, scenario);
}

std::vector<TileArea> tile_areas(const arch::Design& design, const tech::Node& node, const Microarch& microarch) {
  static const Workload kNoWorkload{};
  Evaluator::Impl impl(kNoWorkload, node, microarch);
  std::vector<std::string> ignored;  // area follows the declared formats, not the run's precision
  const auto op = impl.operating_point(design);
  impl.build_classes(design, workload::Precision::fp16, op.clock_hz, op.fmax_hz, ignored);
  std::vector<TileArea> out;
  for (std::size_t c = 0; c < design.tile_classes.size() && c < impl.classes.size(); ++c) {
    const ClassModel& m = impl.classes[c];
    TileArea a{m.core_mm2, m.control_mm2, m.vector_mm2, m.imem_mm2, m.wmem_mm2, m.amem_mm2, m.router_mm2,
               microarch.floorplan_utilisation, {}};
    // What build_classes priced (recomputed here, off the evaluator's hot path).
    for (std::size_t f = 0; f < a.mac_lane_stages.size(); ++f)
      if (design.tile_classes[c].mac_formats & arch::mac_format_bit(static_cast<tech::MacFormat>(f)))
        a.mac_lane_stages[f] = static_cast<int>(impl.lane_stages(f, op.clock_hz, op.fmax_hz));
    out.push_back(a);
  }
  return out;
}

}  // namespace meshforge::ppa
