#include "ppa/microarch.h"

#include <yaml-cpp/yaml.h>

#include "common/input_error.h"

namespace meshforge::ppa {
namespace {

class Reader {
 public:
  Reader(YAML::Node root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}

  double value(const std::string& path) const {
    const YAML::Node node = find(path);
    try {
      const double v = node["value"].as<double>();
      if (!(v >= 0)) throw InputError(file_, path, "expected a non-negative number");
      return v;
    } catch (const YAML::Exception&) {
      throw InputError(file_, path + ".value", "expected a number");
    }
  }

  // The keys of the map at path (e.g. the interface names under host_interfaces).
  std::vector<std::string> keys(const std::string& path) const {
    const YAML::Node node = find(path);
    if (!node.IsMap()) throw InputError(file_, path, "expected a map");
    std::vector<std::string> out;
    for (const auto& kv : node) out.push_back(kv.first.as<std::string>());
    return out;
  }

  template <std::size_t N>
  std::array<double, N> list(const std::string& path) const {
    const YAML::Node node = find(path)["value"];
    if (!node.IsSequence() || node.size() != N)
      throw InputError(file_, path + ".value", "expected a list of " + std::to_string(N) + " numbers");
    std::array<double, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = node[i].as<double>();
    return out;
  }

 private:
  YAML::Node find(const std::string& path) const {
    YAML::Node node = YAML::Clone(root_);
    std::size_t start = 0;
    while (true) {
      const auto dot = path.find('.', start);
      const std::string key = path.substr(start, dot - start);
      if (!node.IsMap() || !node[key]) throw InputError(file_, path, "required field is missing");
      node = node[key];
      if (dot == std::string::npos) return node;
      start = dot + 1;
    }
  }

  YAML::Node root_;
  std::string file_;
};

YAML::Node load_yaml(const std::filesystem::path& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path.string());
    if (!root.IsMap()) throw InputError(path.string(), "", "expected a YAML map at the top level");
    return root;
  } catch (const YAML::BadFile&) {
    throw InputError(path.string(), "", "cannot open file");
  } catch (const YAML::ParserException& e) {
    throw InputError(path.string(), "", "malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Uncore load_uncore(const std::filesystem::path& path) {
  const Reader r(load_yaml(path), path.string());
  Uncore u;
  u.reference_logic_density = r.value("reference.logic_density_mtr_per_mm2");
  u.reference_instruction_energy_pj = r.value("reference.instruction_energy_pj");
  u.sfu_lanes_per_vector_lane = r.value("reference.sfu_lanes_per_vector_lane");
  if (!(u.reference_logic_density > 0 && u.reference_instruction_energy_pj > 0))
    throw InputError(path.string(), "reference", "expected positive reference density and energy");
  u.phy_energy_factor_5nm = r.value("phy_node_scaling.energy_factor_5nm");
  u.phy_energy_factor_16nm = r.value("phy_node_scaling.energy_factor_16nm");
  u.phy_energy_factor_28nm = r.value("phy_node_scaling.energy_factor_28nm");
  u.phy_area_factor_28nm = r.value("phy_node_scaling.area_factor_28nm");
  // Host interfaces count lanes and have one controller per link; chip links count ports.
  auto serdes = [&](const std::string& group, const char* unit, const char* logic, bool per_link_logic) {
    std::map<std::string, SerdesKind> out;
    for (const auto& k : r.keys(group)) {
      const std::string p = group + "." + k + ".";
      out[k] = {r.value(p + unit + "_gbps"), r.value(p + "energy_pj_per_bit"), r.value(p + "phy_area_mm2_per_" + unit),
                r.value(p + logic), r.value(p + "static_power_w_per_" + unit), per_link_logic};
    }
    return out;
  };
  u.host_interfaces = serdes("host_interfaces", "lane", "controller_area_mm2", true);
  u.chip_links = serdes("chip_links", "port", "mac_area_mm2_per_port", false);
  for (const auto& k : r.keys("cpu_cores"))
    u.cpu_cores[k] = {r.value("cpu_cores." + k + ".area_mm2_7nm"), r.value("cpu_cores." + k + ".power_w_active")};
  u.vr_efficiency = r.value("board.vr_efficiency");
  if (!(u.vr_efficiency > 0 && u.vr_efficiency <= 1))
    throw InputError(path.string(), "board.vr_efficiency.value", "expected a number in (0, 1]");
  u.board_overhead_w = r.value("board.board_overhead_w");
  u.fan_w = r.value("board.fan_w");
  u.control_gates = r.value("tile_overheads.control_gates");
  u.sfu_gates_per_lane = r.value("tile_overheads.sfu_gates_per_lane");
  u.scratchpad_crossbar = r.value("tile_overheads.scratchpad_crossbar");
  return u;
}

}  // namespace

Microarch load_microarch(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "microarch.yaml";
  const Reader r(load_yaml(path), path.string());
  Microarch m;
  m.uncore = load_uncore(data_dir / "uncore.yaml");
  constexpr const char* formats[] = {"fp32", "fp16", "bf16", "fp8", "int8", "int4"};
  for (std::size_t i = 0; i < 6; ++i) {
    m.mac_gates[i] = r.value(std::string("mac_gates.") + formats[i]);
    m.mac_row_fraction[i] = r.value(std::string("mac_row_fraction.") + formats[i]);
    if (!(m.mac_row_fraction[i] > 0 && m.mac_row_fraction[i] <= 1))
      throw InputError(path.string(), std::string("mac_row_fraction.") + formats[i] + ".value", "expected a number in (0, 1]");
    m.systolic_cell_register_bits[i] = r.value(std::string("systolic_cell_register_bits.") + formats[i]);
    m.mac_critical_path_ps[i] = r.value(std::string("mac_critical_path_ps.") + formats[i]);
    m.mac_pipeline_register_bits[i] = r.value(std::string("mac_pipeline_register_bits.") + formats[i]);
  }
  m.mac_format_sharing = r.value("mac_format_sharing");
  m.vector_register_file_gates_per_bit = r.value("vector_register_file_gates_per_bit");
  m.scalar_core_gates = r.value("scalar_core_gates");
  m.fetch_width_area_exponent = r.value("fetch_width_area_exponent");
  m.vector_registers = r.value("vector_registers");
  m.vector_register_ports = r.value("vector_register_ports");
  m.accumulator_vector_registers = r.value("accumulator_vector_registers");
  if (!(m.accumulator_vector_registers >= 1 && m.accumulator_vector_registers <= m.vector_registers))
    throw InputError(path.string(), "accumulator_vector_registers.value", "expected a number in [1, vector_registers]");
  constexpr const char* kinds[] = {"matmul", "attention_scores", "attention_context", "softmax", "norm",
                                   "elementwise", "embedding", "conv", "data_movement", "unsupported"};
  for (std::size_t i = 0; i < kOpKinds; ++i)
    m.instructions_per_vector_op[i] = r.value(std::string("instructions_per_vector_op.") + kinds[i]);
  m.memory_port_vector_registers = r.value("memory_port_vector_registers");
  m.memory_macro_bytes_max = r.value("memory_macro_bytes_max");
  m.amem_activation_reserve = r.value("amem_activation_reserve");
  m.alu_energy_per_mac = r.value("alu_energy_per_mac");
  m.op_overhead_cycles = r.value("op_overhead_cycles");
  m.idle_clock_fraction = r.value("idle_clock_fraction");
  m.mac_path_reference_hz = r.value("mac_path_reference_hz");
  m.register_overhead_ps = r.value("register_overhead_ps");
  if (!(m.register_overhead_ps >= 0)) throw InputError(path.string(), "register_overhead_ps.value", "expected a number >= 0");
  m.pipeline_register_energy_per_rf_bit = r.value("pipeline_register_energy_per_rf_bit");
  m.floorplan_utilisation = r.value("floorplan_utilisation");
  if (!(m.floorplan_utilisation > 0 && m.floorplan_utilisation <= 1))
    throw InputError(path.string(), "floorplan_utilisation.value", "expected a number in (0, 1]");
  m.die_area_fit = r.value("die_area_fit");
  if (!(m.die_area_fit >= 1 && m.die_area_fit <= 10))
    throw InputError(path.string(), "die_area_fit.value", "expected a number in [1, 10]");
  m.memory_floorplan_utilisation = r.value("memory_floorplan_utilisation");
  if (!(m.memory_floorplan_utilisation > 0 && m.memory_floorplan_utilisation <= 1))
    throw InputError(path.string(), "memory_floorplan_utilisation.value", "expected a number in (0, 1]");
  m.leakage_doubling_c = r.value("leakage_doubling_c");
  m.max_microbatches_per_stage = r.value("max_microbatches_per_stage");
  m.router_pipeline_cycles = r.value("noc.router_pipeline_cycles");
  m.credit_round_trip_flits = r.value("noc.credit_round_trip_flits");
  m.saturation_by_vcs = r.list<5>("noc.saturation_by_vcs");
  m.router_ports = r.value("noc.router_ports");
  m.adaptive_routing_area_overhead = r.value("noc.adaptive_routing_area_overhead");
  m.adaptive_routing_load_relief = r.value("noc.adaptive_routing_load_relief");
  m.dram_edge_share = r.value("package.dram_edge_share");
  m.interposer_max_mm2 = r.value("package.interposer_max_mm2");
  m.interposer_area_overhead = r.value("package.interposer_area_overhead");
  m.gating_residual_leakage = r.value("power_gating.residual_leakage");
  m.gating_wakeup_cycles_per_step = r.value("power_gating.wakeup_cycles_per_step");
  return m;
}

}  // namespace meshforge::ppa
