// What the evaluator says about one design: plain data, written out by separate writers.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "workload/graph.h"

namespace meshforge::ppa {

enum class Bottleneck { compute, issue, local_memory, noc, dram, latency };
constexpr int kBottlenecks = 6;
const char* to_string(Bottleneck b);

// One pipeline stage of a phase: its layers, its tiles, its time for one micro-batch.
struct StageReport {
  int first_op = 0, end_op = 0;       // ops [first_op, end_op) of the phase's graph
  int first_slot = 0, tiles = 0;      // its tiles: Report::tile_order[first_slot .. first_slot + tiles)
  double time_s = 0;                  // makespan of one micro-batch
  Bottleneck bottleneck = Bottleneck::compute;  // the term that bound most of its op time
  double duty = 0;                    // share of the step its tiles work (the rest they wait in the pipeline)
  double mac_activity = 0;            // share of the step its MAC arrays compute (busy, not FLOP utilisation:
                                      // rows a batch-1 decode leaves idle count as busy)
  double power_w = 0;                 // its tiles' own power (MAC, RF, memories, fetch, NoC inside it, clock,
                                      // leakage); DRAM, PHYs, traffic between stages and the SoC are chip-level
  bool operator==(const StageReport&) const = default;
};

// One phase (prefill or decode) on the design.
struct PhaseReport {
  bool evaluated = false;
  // False when the design cannot run this phase at all: bytes (weights, KV cache, live
  // activations) with no home, or beyond the DRAM's capacity. Then throughput is 0, latency and
  // energy per token are infinite (JSON null), and power is what the idle chip draws.
  bool runs = true;
  double unhoused_bytes = 0;          // bytes that fit nowhere (0 when it runs)
  double activation_peak_bytes = 0;   // live activations of the busiest stage, per micro-batch
  double activation_spill_bytes = 0;  // of them, beyond AMEM: to DRAM and back, per step
  // "token" below is the workload's unit (Report::unit): a token or an inference.
  double tokens_per_second = 0;       // tokens produced (decode) or consumed (prefill) per second
  double ms_per_token = 0;            // decode: time between tokens of one sequence; prefill: step time / tokens
  double step_latency_s = 0;          // one step: decode = one token for each sequence; prefill = time to first token
  double energy_per_token_j = 0;
  double power_w = 0;                 // at this phase's steady state
  double utilisation = 0;             // achieved FLOP/s / peak FLOP/s
  double roofline_tokens_per_second = 0;  // min(peak compute, memory bandwidth) bound
  double roofline_share = 0;          // tokens_per_second / roofline_tokens_per_second
  int pipeline_stages = 0;
  int microbatches = 0;
  std::array<double, kBottlenecks> bottleneck_share{};  // of the op time, by the term that bound it
  Bottleneck bottleneck = Bottleneck::compute;           // the largest share
  double load_balance = 0;            // mean / max of stage busy time (1 = perfectly balanced)
  double bubble_share = 0;            // share of stage time its tiles wait on dependencies
  std::vector<StageReport> stages;
  bool operator==(const PhaseReport&) const = default;
};

struct PowerBreakdown {  // watts
  double mac = 0, register_file = 0, memory = 0, noc = 0, dram = 0, fetch_control = 0, clock = 0,
         leakage = 0, soc = 0;
  double total() const;
  bool operator==(const PowerBreakdown&) const = default;
};

struct AreaBreakdown {  // mm^2
  double cores = 0, control = 0, vector_units = 0, imem = 0, wmem_sram = 0, wmem_rom = 0, amem = 0, routers = 0,
         phys = 0, soc = 0, io = 0;
  double total() const;
  bool operator==(const AreaBreakdown&) const = default;
};

// The one list of each breakdown's parts: its JSON key, its label in tables, its member. Writers
// and total() iterate these, so a new part is added in one place.
template <typename Breakdown>
struct Part {
  const char* key;
  const char* label;
  double Breakdown::*member;
};
inline constexpr Part<PowerBreakdown> kPowerParts[] = {
    {"mac", "MAC", &PowerBreakdown::mac},
    {"register_file", "register file", &PowerBreakdown::register_file},
    {"memory", "SRAM/ROM", &PowerBreakdown::memory},
    {"noc", "NoC", &PowerBreakdown::noc},
    {"dram", "DRAM + PHY", &PowerBreakdown::dram},
    {"fetch_control", "fetch/control", &PowerBreakdown::fetch_control},
    {"clock", "clock tree", &PowerBreakdown::clock},
    {"leakage", "leakage", &PowerBreakdown::leakage},
    {"soc", "host, links, CPUs", &PowerBreakdown::soc},
};
inline constexpr Part<AreaBreakdown> kAreaParts[] = {
    {"cores", "scalar cores", &AreaBreakdown::cores},
    {"control", "DMA/control/SFU/xbar", &AreaBreakdown::control},
    {"vector_units", "vector/tensor units", &AreaBreakdown::vector_units},
    {"imem", "IMEM", &AreaBreakdown::imem},
    {"wmem_sram", "WMEM SRAM", &AreaBreakdown::wmem_sram},
    {"wmem_rom", "WMEM ROM", &AreaBreakdown::wmem_rom},
    {"amem", "AMEM", &AreaBreakdown::amem},
    {"routers", "routers", &AreaBreakdown::routers},
    {"phys", "DRAM PHYs", &AreaBreakdown::phys},
    {"soc", "host, links, CPUs", &AreaBreakdown::soc},
    {"io", "I/O ring", &AreaBreakdown::io},
};
template <typename Breakdown, std::size_t N>
double sum_of_parts(const Part<Breakdown> (&parts)[N], const Breakdown& b) {
  double sum = 0;
  for (const auto& p : parts) sum += b.*p.member;
  return sum;
}
inline double PowerBreakdown::total() const { return sum_of_parts(kPowerParts, *this); }
inline double AreaBreakdown::total() const { return sum_of_parts(kAreaParts, *this); }

// Budgets and targets of the score (docs/ppa-score.md). Defaults depend on the mode:
// defaults_for(mode) in ppa/evaluate.h. Throughput figures count the workload's unit
// (tokens or inferences, workload::WorkUnit).
struct Budgets {
  double power_budget_w = 75.0;         // performance: a PCIe-card-class inference chip (assumption)
  double area_budget_mm2 = 858.0;       // one reticle
  double tokens_per_second_ceiling = 1e6;  // performance: log-scale top of the throughput score
  double fixed_clock_hz = 0;            // low-power: the clock the design must run at (0 = any)
  double min_tokens_per_second = 0;     // low-power: throughput target of the scored phase
  double max_time_to_first_token_s = 1; // prefill latency budget (0 = none); see defaults_for
  double power_reference_w = 0.010;     // low-power: power at which the power score is 0.5
  double junction_temperature_c = 85;   // leakage is characterised at 25 C and doubles every ~22 C
  bool operator==(const Budgets&) const = default;
};

struct Report {
  bool feasible = false;
  std::vector<std::string> violations;  // every violated constraint, "field: reason"
  PhaseReport prefill, decode;
  PowerBreakdown power;                 // of the scored phase
  AreaBreakdown area;
  double power_w = 0;                   // the die, DRAM devices and interfaces included
  double board_power_w = 0;             // a board around it: power_w through its regulators, plus board overheads
  double idle_power_w = 0;              // powered and clocked, no work: leakage, gated clocks, PHYs, links, CPUs
  double area_mm2 = 0;
  // area_mm2 x data/microarch.yaml die_area_fit: what a shipping die of this description measures,
  // by one factor fitted on published dies (bench/validate_chips.py; a fit, not physics). Reported,
  // never scored or checked against budgets: the search sees area_mm2.
  double die_area_estimate_mm2 = 0;
  double energy_per_token_j = 0;        // of the scored phase
  double clock_hz = 0;                  // the clock evaluated: the design's, or the node's fmax when it asks more
  double requested_clock_hz = 0;        // the design's clock_mhz
  double supply_v = 0;
  double dram_capacity_bytes = 0;       // of all DRAM devices / stacks
  int dram_channels_max = 0;            // the die edge's room for DRAM PHYs (beachfront)
  double interposer_mm2 = 0;            // silicon interposer under die and HBM stacks (0 = none)
  double time_to_first_token_s = 0;     // the prefill step: the whole prompt (and images), batch included
  double peak_flops_per_s = 0;
  double weight_bytes_on_chip = 0, weight_bytes_in_dram = 0;
  double kv_bytes_on_chip = 0, kv_bytes_in_dram = 0;
  double ppa_score = 0;                 // in [0, 1]; see docs/ppa-score.md
  std::string scored_phase;             // "decode" or "prefill"
  workload::WorkUnit unit = workload::WorkUnit::token;  // what tokens_per_second etc. count
  Budgets budgets;                      // the budgets and targets the score was computed against
  std::vector<int> tile_order;          // placement slot -> tile index (row * cols + col); stages own slot ranges
  bool operator==(const Report&) const = default;  // field for field, doubles by value
};

}  // namespace meshforge::ppa
