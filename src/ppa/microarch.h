// Node-independent constants of the TCC micro-architecture, loaded from data/microarch.yaml.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <string>

#include "workload/graph.h"

namespace meshforge::ppa {

constexpr int kOpKinds = 10;  // workload::OpKind values

// A SerDes-based interface beside the mesh (data/uncore.yaml): a PCIe lane or a link port,
// at the 7 nm reference. Its PHY draws its static power whenever the link is up.
struct SerdesKind {
  double gbps = 0, energy_pj_per_bit = 0, phy_area_mm2 = 0, logic_area_mm2 = 0, static_power_w = 0;
  bool per_link_logic = false;  // host: one controller per link (logic_area_mm2), not per lane
};
struct CpuKind {
  double area_mm2 = 0, power_w = 0;  // per core, at the 7 nm reference
};
// What a chip and its board carry besides the TCC tiles (data/uncore.yaml).
struct Uncore {
  double reference_logic_density = 0, reference_instruction_energy_pj = 0;
  double phy_energy_factor_5nm = 1, phy_energy_factor_16nm = 1, phy_energy_factor_28nm = 1, phy_area_factor_28nm = 1;
  std::map<std::string, SerdesKind> host_interfaces, chip_links;
  std::map<std::string, CpuKind> cpu_cores;
  double vr_efficiency = 1, board_overhead_w = 0, fan_w = 0;
  double control_gates = 0, sfu_gates_per_lane = 0, sfu_lanes_per_vector_lane = 0, scratchpad_crossbar = 0;
};

struct Microarch {
  Uncore uncore;
  std::array<double, 6> mac_gates{};          // by workload::Precision order: fp32 fp16 bf16 fp8 int8 int4
  std::array<double, 6> mac_row_fraction{};   // share of a lane each further MAC row repeats, same order
  double mac_format_sharing = 0;
  double vector_register_file_gates_per_bit = 0;  // multi-ported RF per bit, NAND2-eq             // share of a further format's gates in a multi-format MAC
  double scalar_core_gates = 0;
  double fetch_width_area_exponent = 0;
  double vector_registers = 0;
  double vector_register_ports = 0;
  double accumulator_vector_registers = 0;  // of vector_registers, holding register-blocked accumulators
  std::array<double, kOpKinds> instructions_per_vector_op{};  // by workload::OpKind
  double memory_port_vector_registers = 0;
  double memory_macro_bytes_max = 0;
  double amem_activation_reserve = 0;
  double alu_energy_per_mac = 0;
  double op_overhead_cycles = 0;
  double idle_clock_fraction = 0;
  std::array<double, 6> systolic_cell_register_bits{};  // per MAC of a systolic array, same order as mac_gates
  std::array<double, 6> mac_critical_path_ps{};         // one-stage lane at the reference (ASAP7, 0.7 V)
  std::array<double, 6> mac_pipeline_register_bits{};   // one register across a lane's datapath
  double mac_path_reference_hz = 0;                      // the 7 nm tile clock at the reference supply
  double register_overhead_ps = 0;
  double pipeline_register_energy_per_rf_bit = 0;
  double floorplan_utilisation = 0;         // logic blocks: cell area / this = die area
  double memory_floorplan_utilisation = 0;  // memories: macro area / this = die area
  double die_area_fit = 1;                  // a fit, not physics: published / predicted die area (Report::die_area_estimate_mm2)
  double leakage_doubling_c = 0;
  double max_microbatches_per_stage = 0;
  double router_pipeline_cycles = 0;
  double credit_round_trip_flits = 0;
  std::array<double, 5> saturation_by_vcs{};
  double router_ports = 0;
  double adaptive_routing_area_overhead = 0;
  double adaptive_routing_load_relief = 0;
  double dram_edge_share = 0;               // share of the die perimeter DRAM PHYs may use
  double interposer_max_mm2 = 0;            // largest silicon interposer (2.5D package)
  double interposer_area_overhead = 0;      // interposer area / (die + stacks): spacing, routing
  double gating_residual_leakage = 0;
  double gating_wakeup_cycles_per_step = 0;
};

// Reads data_dir/microarch.yaml and data_dir/uncore.yaml. Throws meshforge::InputError naming the
// file and field for a missing or malformed value.
Microarch load_microarch(const std::filesystem::path& data_dir);

}  // namespace meshforge::ppa
