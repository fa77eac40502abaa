// Process-node library: the physical constants of one node, loaded from data/nodes/<name>.yaml.
// Every number in those files carries its source; this header is what the cost model reads.
// Energies and leakage are given at the node's nominal supply; the functions below scale them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meshforge::tech {

enum class Flavor { high_performance, low_leakage };  // "hp", "ll" in files and on the CLI
std::string_view to_string(Flavor f);

// Arithmetic formats a MAC unit can run; mirrors workload::Precision without depending on it.
enum class MacFormat { fp32, fp16, bf16, fp8, int8, int4 };
std::string_view to_string(MacFormat f);                         // "fp32", ..., "int4"
double format_bits(MacFormat f);                                 // 32, 16, 16, 8, 8, 4
std::optional<MacFormat> parse_mac_format(std::string_view name);

// One characterised SRAM macro size; the model interpolates between points in log(capacity).
struct SramMacroPoint {
  double capacity_bytes = 0;
  double density_mbit_per_mm2 = 0;      // including periphery; Mbit = 10^6 bits
  double read_energy_pj_per_bit = 0;    // dynamic, per bit read, at nominal V
  double write_energy_pj_per_bit = 0;
};

struct DramInterface {
  std::string name;                     // "lpddr5", "hbm3"
  double bandwidth_bytes_per_s = 0;     // per PHY / stack
  double energy_pj_per_bit = 0;         // interface + device, per bit transferred
  double phy_area_mm2 = 0;              // per PHY / stack, on the logic die
  double phy_static_power_w = 0;        // per PHY when enabled
  double capacity_bytes = 0;            // per device / stack
  double phy_edge_mm = 0;               // die edge ("beachfront") one PHY needs
  double stack_footprint_mm2 = 0;       // on the interposer beside the die (HBM); 0 = off-package
};

struct Leakage {
  double logic_mw_per_mm2 = 0;          // at nominal V, 25 C-class typical corner
  double sram_pw_per_bit = 0;
  double rom_pw_per_bit = 0;
};

struct Node {
  std::string name;                     // "3nm"
  int feature_nm = 0;
  std::string process;                  // "TSMC N3E-class", ...

  // Logic
  double logic_density_mtr_per_mm2 = 0;
  double nand2_area_um2 = 0;            // one gate equivalent, with placement utilisation
  // SRAM and ROM
  std::vector<SramMacroPoint> sram_macros;  // ascending capacity, at least two points
  double rom_density_factor = 0;        // ROM bits per mm2 / SRAM bits per mm2 (assumption: 2-4x)
  double rom_read_energy_factor = 0;    // ROM read energy / SRAM read energy, same macro size
  // Energies at nominal V
  std::map<MacFormat, double> mac_energy_pj;   // one multiply-accumulate, datapath only
  double register_file_energy_pj_per_bit = 0;  // vector register operand traffic
  double instruction_energy_pj = 0;     // fetch + decode + issue of one instruction (scalar core)
  double wire_energy_pj_per_bit_mm = 0;
  double router_energy_pj_per_bit = 0;  // one router traversal (buffer + crossbar + arbitration)
  double router_area_mm2_per_kbit_buffer = 0;   // router area model: buffers
  double crossbar_area_mm2_per_port2_bit = 0;   // crossbar grows with ports^2 x link bits
  double flop_area_um2 = 0;             // one flip-flop, for register-heavy structures
  double clock_energy_pj_per_mm2_cycle = 0;     // clock tree + always-on, per clocked mm2 per cycle
  std::map<std::string, DramInterface> dram;    // keyed by name
  // Voltage and frequency (alpha-power law: f ~ (V - Vth)^alpha / V)
  double vdd_nominal = 0;
  double vdd_min = 0;
  double vdd_guard_band = 0;            // sign-off margin over the typical-corner supply (fraction)
  double vth = 0;                       // high-performance (hp) cells; threshold_v() gives each flavour's
  double alpha = 0;
  double subthreshold_swing_v_per_decade = 0;  // sets the threshold step between flavours
  // Set by load_node from the two leakage levels and the swing (0 for a node built by hand):
  // low-leakage cells' threshold above vth. Kept so V-f look-ups on the hot path stay O(1).
  double low_leakage_vth_step_v = 0;
  double fmax_hz = 0;                   // at vdd_nominal, typical corner
  std::map<Flavor, Leakage> leakage;    // hp and ll
  double leakage_voltage_exponent = 0;  // leakage ~ (V / Vnom)^exponent (DIBL); assumption
  double io_ring_area_mm2 = 0;          // pads and I/O ring of a packaged die
  double reticle_limit_mm2 = 0;

  std::map<std::string, std::string> sources;  // field path -> source (for reports and docs)
};

// Names the library knows, in order: 3nm 5nm 7nm 12nm 16nm 22nm 28nm.
const std::vector<std::string>& known_node_names();

// Loads data_dir/nodes/<name>.yaml. Throws meshforge::InputError naming the file and field for an
// unknown node (listing the known ones), a malformed file, or a missing / non-positive value.
Node load_node(std::string_view name, const std::filesystem::path& data_dir);

// Interpolated in log(capacity); clamped to the characterised range. Density is linear in
// log(capacity), energies are geometric (log-log), as they follow a power law of the size.
// A node without macro points returns 0.
double sram_density_mbit_per_mm2(const Node& node, double macro_bytes);
double sram_read_energy_pj_per_bit(const Node& node, double macro_bytes);
double sram_write_energy_pj_per_bit(const Node& node, double macro_bytes);

// Effective threshold of a device flavour's cells: hp cells have node.vth; a flavour whose logic
// leaks 10^k times less has a threshold k x the subthreshold swing higher (I_off ~ 10^(-Vth/S)).
double threshold_v(const Node& node, Flavor flavor);
// Highest clock at supply vdd for cells of a flavour (alpha-power law through fmax at vdd_nominal
// for hp cells); 0 at or below the flavour's threshold. Low-leakage cells are slower at any supply.
double max_frequency_hz(const Node& node, double vdd, Flavor flavor = Flavor::high_performance);
// Lowest supply in [vdd_min, vdd_nominal] that reaches f_hz with cells of a flavour; a value above
// vdd_nominal when f_hz exceeds the flavour's fmax at nominal (the caller reports the violation).
double min_vdd_for_frequency(const Node& node, double f_hz, Flavor flavor = Flavor::high_performance);
// Dynamic energy scale relative to nominal: (vdd / vdd_nominal)^2.
double dynamic_energy_scale(const Node& node, double vdd);
// Leakage power scale relative to nominal: (vdd / vdd_nominal)^leakage_voltage_exponent.
double leakage_scale(const Node& node, double vdd);

}  // namespace meshforge::tech
