#include "tech/node.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "common/input_error.h"

namespace meshforge::tech {
namespace {

constexpr std::array<std::pair<MacFormat, std::string_view>, 6> kMacFormats{{
    {MacFormat::fp32, "fp32"}, {MacFormat::fp16, "fp16"}, {MacFormat::bf16, "bf16"},
    {MacFormat::fp8, "fp8"},   {MacFormat::int8, "int8"}, {MacFormat::int4, "int4"},
}};

constexpr std::array<std::pair<Flavor, std::string_view>, 2> kFlavors{{
    {Flavor::high_performance, "hp"},
    {Flavor::low_leakage, "ll"},
}};

std::string join_known_names() {
  std::string out;
  for (const auto& n : known_node_names()) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Reads one node file. Every number is a map {value: <number>, source: "..."} or
// {value: <number>, assumption: "..."}; the text lands in node.sources under the field path.
class Reader {
 public:
  Reader(std::string file, Node& node) : file_(std::move(file)), node_(node) {}

  [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
    throw InputError(file_, field, reason);
  }

  static std::string join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }

  YAML::Node child(const YAML::Node& parent, const std::string& key, const std::string& path) const {
    if (!parent.IsMap()) fail(path, "expected a map");
    YAML::Node c = parent[key];
    if (!c.IsDefined() || c.IsNull()) fail(path, "required field is missing");
    return c;
  }

  void check_keys(const YAML::Node& map, const std::string& path,
                  std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(path, "expected a map");
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(join(path, key), fmt::format("unknown field (expected one of: {})", list));
      }
    }
  }

  // A plain positive, finite number.
  double plain_number(const YAML::Node& n, const std::string& path, bool may_be_zero = false) const {
    if (!n.IsScalar()) fail(path, "expected a number");
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(path, fmt::format("'{}' is not a number", n.Scalar()));
    }
    if (!std::isfinite(v)) fail(path, fmt::format("'{}' is not a finite number", n.Scalar()));
    if (may_be_zero ? v < 0 : v <= 0)
      fail(path, fmt::format("must be {}, got {}", may_be_zero ? "zero or positive" : "positive", n.Scalar()));
    return v;
  }

  // {value, source | assumption}; records the source text.
  double sourced(const YAML::Node& n, const std::string& path, bool may_be_zero = false) {
    if (!n.IsMap())
      fail(path, "expected {value: <number>, source: \"...\"} or {value: ..., assumption: \"...\"}");
    check_keys(n, path, {"value", "source", "assumption"});
    const YAML::Node value = n["value"];
    if (!value.IsDefined() || value.IsNull()) fail(join(path, "value"), "required field is missing");
    const double v = plain_number(value, path, may_be_zero);
    std::string text;
    for (const char* key : {"source", "assumption"}) {
      const YAML::Node s = n[key];
      if (!s.IsDefined() || s.IsNull()) continue;
      if (!s.IsScalar() || s.Scalar().empty())
        fail(join(path, key), "expected a non-empty string");
      if (!text.empty()) text += "; ";
      text += std::string(key) == "assumption" ? "assumption: " + s.Scalar() : s.Scalar();
    }
    if (text.empty())
      fail(path, "every number needs a 'source' (or an 'assumption' saying why/how it was chosen)");
    node_.sources[path] = text;
    return v;
  }

  double field(const YAML::Node& parent, const std::string& key, const std::string& parent_path,
               bool may_be_zero = false) {
    const std::string path = join(parent_path, key);
    return sourced(child(parent, key, path), path, may_be_zero);
  }

  std::string text(const YAML::Node& parent, const std::string& key) const {
    const YAML::Node n = child(parent, key, key);
    if (!n.IsScalar() || n.Scalar().empty()) fail(key, "expected a non-empty string");
    return n.Scalar();
  }

  void read(const YAML::Node& root, std::string_view expected_name) {
    if (!root.IsMap()) fail("", "expected a YAML map of node fields at the top level");
    check_keys(root, "",
               {"name", "process", "feature_nm", "logic_density_mtr_per_mm2", "nand2_area_um2",
                "flop_area_um2", "sram_macros", "rom_density_factor", "rom_read_energy_factor",
                "mac_energy_pj", "register_file_energy_pj_per_bit", "instruction_energy_pj",
                "wire_energy_pj_per_bit_mm", "router_energy_pj_per_bit",
                "router_area_mm2_per_kbit_buffer", "crossbar_area_mm2_per_port2_bit",
                "clock_energy_pj_per_mm2_cycle", "dram", "vdd_nominal", "vdd_min", "vdd_guard_band", "vth", "alpha", "subthreshold_swing_mv_per_decade",
                "fmax_hz", "leakage", "leakage_voltage_exponent", "io_ring_area_mm2",
                "reticle_limit_mm2"});

    node_.name = text(root, "name");
    if (node_.name != expected_name)
      fail("name", fmt::format("file declares node '{}' but was loaded as '{}'", node_.name,
                               expected_name));
    node_.process = text(root, "process");
    const double feature = field(root, "feature_nm", "");
    if (feature != std::floor(feature) || feature > 1000)
      fail("feature_nm", "expected a whole number of nanometres");
    node_.feature_nm = static_cast<int>(feature);

    node_.logic_density_mtr_per_mm2 = field(root, "logic_density_mtr_per_mm2", "");
    node_.nand2_area_um2 = field(root, "nand2_area_um2", "");
    node_.flop_area_um2 = field(root, "flop_area_um2", "");

    read_sram(child(root, "sram_macros", "sram_macros"));
    node_.rom_density_factor = field(root, "rom_density_factor", "");
    node_.rom_read_energy_factor = field(root, "rom_read_energy_factor", "");

    const YAML::Node mac = child(root, "mac_energy_pj", "mac_energy_pj");
    {
      if (!mac.IsMap()) fail("mac_energy_pj", "expected a map of format -> energy");
      for (const auto& kv : mac) {
        const std::string key = kv.first.as<std::string>();
        if (!parse_mac_format(key))
          fail("mac_energy_pj." + key, "unknown MAC format (expected fp32, fp16, bf16, fp8, int8, int4)");
      }
      for (const auto& [format, name] : kMacFormats)
        node_.mac_energy_pj[format] = field(mac, std::string(name), "mac_energy_pj");
    }
    node_.register_file_energy_pj_per_bit = field(root, "register_file_energy_pj_per_bit", "");
    node_.instruction_energy_pj = field(root, "instruction_energy_pj", "");
    node_.wire_energy_pj_per_bit_mm = field(root, "wire_energy_pj_per_bit_mm", "");
    node_.router_energy_pj_per_bit = field(root, "router_energy_pj_per_bit", "");
    node_.router_area_mm2_per_kbit_buffer = field(root, "router_area_mm2_per_kbit_buffer", "");
    node_.crossbar_area_mm2_per_port2_bit = field(root, "crossbar_area_mm2_per_port2_bit", "");
    node_.clock_energy_pj_per_mm2_cycle = field(root, "clock_energy_pj_per_mm2_cycle", "");

    read_dram(child(root, "dram", "dram"));

    node_.vdd_nominal = field(root, "vdd_nominal", "");
    node_.vdd_min = field(root, "vdd_min", "");
    node_.vdd_guard_band = field(root, "vdd_guard_band", "");
    node_.vth = field(root, "vth", "");
    node_.alpha = field(root, "alpha", "");
    node_.fmax_hz = field(root, "fmax_hz", "");
    node_.subthreshold_swing_v_per_decade = field(root, "subthreshold_swing_mv_per_decade", "") * 1e-3;
    if (node_.vdd_min > node_.vdd_nominal)
      fail("vdd_min", fmt::format("{} V is above vdd_nominal {} V", node_.vdd_min, node_.vdd_nominal));
    if (node_.vth >= node_.vdd_min)
      fail("vth", fmt::format("{} V must be below vdd_min {} V", node_.vth, node_.vdd_min));
    if (node_.alpha < 1.0 || node_.alpha > 2.0)
      fail("alpha", fmt::format("{} is outside the alpha-power law's range [1, 2]", node_.alpha));

    read_leakage(child(root, "leakage", "leakage"));
    {  // a flavour that leaks 10^k times less has its threshold k swings higher
      const double decades = std::log10(node_.leakage.at(Flavor::high_performance).logic_mw_per_mm2 /
                                        node_.leakage.at(Flavor::low_leakage).logic_mw_per_mm2);
      node_.low_leakage_vth_step_v = std::max(0.0, decades) * node_.subthreshold_swing_v_per_decade;
    }
    if (threshold_v(node_, Flavor::low_leakage) >= node_.vdd_nominal)
      fail("subthreshold_swing_mv_per_decade",
           fmt::format("puts the low-leakage threshold at {:.3f} V, at or above vdd_nominal {} V",
                       threshold_v(node_, Flavor::low_leakage), node_.vdd_nominal));
    node_.leakage_voltage_exponent = field(root, "leakage_voltage_exponent", "");
    node_.io_ring_area_mm2 = field(root, "io_ring_area_mm2", "");
    node_.reticle_limit_mm2 = field(root, "reticle_limit_mm2", "");
  }

 private:
  void read_sram(const YAML::Node& seq) {
    if (!seq.IsSequence()) fail("sram_macros", "expected a list of macro points");
    if (seq.size() < 2) fail("sram_macros", "at least two macro sizes are needed to interpolate");
    for (std::size_t i = 0; i < seq.size(); ++i) {
      const std::string path = fmt::format("sram_macros[{}]", i);
      const YAML::Node m = seq[i];
      check_keys(m, path,
                 {"capacity_bytes", "density_mbit_per_mm2", "read_energy_pj_per_bit",
                  "write_energy_pj_per_bit"});
      SramMacroPoint p;
      // The capacity is the characterisation point (independent variable): a plain number,
      // or a sourced one.
      const std::string cap_path = path + ".capacity_bytes";
      const YAML::Node cap = child(m, "capacity_bytes", cap_path);
      p.capacity_bytes = cap.IsMap() ? sourced(cap, cap_path) : plain_number(cap, cap_path);
      p.density_mbit_per_mm2 = field(m, "density_mbit_per_mm2", path);
      p.read_energy_pj_per_bit = field(m, "read_energy_pj_per_bit", path);
      p.write_energy_pj_per_bit = field(m, "write_energy_pj_per_bit", path);
      if (!node_.sram_macros.empty() && p.capacity_bytes <= node_.sram_macros.back().capacity_bytes)
        fail(cap_path, "macro points must be in strictly ascending capacity");
      node_.sram_macros.push_back(p);
    }
  }

  void read_dram(const YAML::Node& map) {
    if (!map.IsMap() || map.size() == 0)
      fail("dram", "expected a map of interface name -> parameters");
    for (const auto& kv : map) {
      const std::string name = kv.first.as<std::string>();
      const std::string path = "dram." + name;
      const YAML::Node d = kv.second;
      check_keys(d, path,
                 {"bandwidth_bytes_per_s", "energy_pj_per_bit", "phy_area_mm2",
                  "phy_static_power_w", "capacity_bytes", "phy_edge_mm", "stack_footprint_mm2"});
      DramInterface di;
      di.name = name;
      di.bandwidth_bytes_per_s = field(d, "bandwidth_bytes_per_s", path);
      di.energy_pj_per_bit = field(d, "energy_pj_per_bit", path);
      di.phy_area_mm2 = field(d, "phy_area_mm2", path);
      di.phy_static_power_w = field(d, "phy_static_power_w", path);
      di.capacity_bytes = field(d, "capacity_bytes", path);
      di.phy_edge_mm = field(d, "phy_edge_mm", path);
      di.stack_footprint_mm2 = field(d, "stack_footprint_mm2", path, true);
      node_.dram[name] = di;
    }
  }

  void read_leakage(const YAML::Node& map) {
    check_keys(map, "leakage", {"hp", "ll"});
    for (const auto& [flavor, name] : kFlavors) {
      const std::string path = "leakage." + std::string(name);
      const YAML::Node l = child(map, std::string(name), path);
      check_keys(l, path, {"logic_mw_per_mm2", "sram_pw_per_bit", "rom_pw_per_bit"});
      Leakage lk;
      lk.logic_mw_per_mm2 = field(l, "logic_mw_per_mm2", path);
      lk.sram_pw_per_bit = field(l, "sram_pw_per_bit", path);
      lk.rom_pw_per_bit = field(l, "rom_pw_per_bit", path);
      node_.leakage[flavor] = lk;
    }
  }

  std::string file_;
  Node& node_;
};

// Alpha-power-law drive term (V - Vth)^alpha / V; 0 at or below threshold.
double drive(const Node& node, double vdd, double vth) {
  if (vdd <= vth || vdd <= 0) return 0.0;
  return std::pow(vdd - vth, node.alpha) / vdd;
}

// Bracketing of a macro size among the characterised points: index of the lower point and the
// position t in [0, 1] between it and the next one, in log(capacity).
std::pair<std::size_t, double> bracket(const Node& node, double macro_bytes) {
  const auto& m = node.sram_macros;
  if (m.size() < 2 || !(macro_bytes > m.front().capacity_bytes)) return {0, 0.0};
  if (macro_bytes >= m.back().capacity_bytes) return {m.size() - 2, 1.0};
  std::size_t i = 0;
  while (i + 2 < m.size() && macro_bytes >= m[i + 1].capacity_bytes) ++i;
  const double t = std::log(macro_bytes / m[i].capacity_bytes) /
                   std::log(m[i + 1].capacity_bytes / m[i].capacity_bytes);
  return {i, std::clamp(t, 0.0, 1.0)};
}

template <typename Get>
double interpolate(const Node& node, double macro_bytes, Get get, bool geometric) {
  const auto& m = node.sram_macros;
  if (m.empty()) return 0.0;
  if (m.size() == 1) return get(m.front());
  const auto [i, t] = bracket(node, macro_bytes);
  const double a = get(m[i]);
  const double b = get(m[i + 1]);
  if (geometric && a > 0 && b > 0) return std::exp(std::log(a) + t * (std::log(b) - std::log(a)));
  return a + t * (b - a);
}

}  // namespace

std::string_view to_string(Flavor f) {
  for (const auto& [value, name] : kFlavors)
    if (value == f) return name;
  return "?";
}

std::string_view to_string(MacFormat f) {
  for (const auto& [value, name] : kMacFormats)
    if (value == f) return name;
  return "?";
}

double format_bits(MacFormat f) {
  switch (f) {
    case MacFormat::fp32: return 32;
    case MacFormat::fp16:
    case MacFormat::bf16: return 16;
    case MacFormat::fp8:
    case MacFormat::int8: return 8;
    case MacFormat::int4: return 4;
  }
  return 16;
}

std::optional<MacFormat> parse_mac_format(std::string_view name) {
  for (const auto& [value, known] : kMacFormats)
    if (known == name) return value;
  return std::nullopt;
}

const std::vector<std::string>& known_node_names() {
  static const std::vector<std::string> names{"3nm", "5nm", "7nm", "12nm", "16nm", "22nm", "28nm"};
  return names;
}

Node load_node(std::string_view name, const std::filesystem::path& data_dir) {
  const std::filesystem::path path = data_dir / "nodes" / (std::string(name) + ".yaml");
  const std::string file = path.string();
  const auto& known = known_node_names();
  if (std::find(known.begin(), known.end(), name) == known.end())
    throw InputError(file, "node",
                     fmt::format("unknown node '{}' (known nodes: {})", name, join_known_names()));

  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(file, "", fmt::format("node file for '{}' not found", name));

  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw InputError(file, "", "cannot open node file");
  } catch (const YAML::Exception& e) {
    const std::string where =
        e.mark.is_null() ? std::string()
                         : fmt::format("line {}, column {}", e.mark.line + 1, e.mark.column + 1);
    throw InputError(file, where, "malformed YAML: " + e.msg);
  }

  Node node;
  Reader reader(file, node);
  try {
    reader.read(root, name);
  } catch (const InputError&) {
    throw;
  } catch (const YAML::Exception& e) {
    throw InputError(file, "", "malformed node file: " + e.msg);
  }
  return node;
}

double sram_density_mbit_per_mm2(const Node& node, double macro_bytes) {
  return interpolate(
      node, macro_bytes, [](const SramMacroPoint& p) { return p.density_mbit_per_mm2; }, false);
}

double sram_read_energy_pj_per_bit(const Node& node, double macro_bytes) {
  return interpolate(
      node, macro_bytes, [](const SramMacroPoint& p) { return p.read_energy_pj_per_bit; }, true);
}

double sram_write_energy_pj_per_bit(const Node& node, double macro_bytes) {
  return interpolate(
      node, macro_bytes, [](const SramMacroPoint& p) { return p.write_energy_pj_per_bit; }, true);
}

double threshold_v(const Node& node, Flavor flavor) {
  return flavor == Flavor::low_leakage ? node.vth + node.low_leakage_vth_step_v : node.vth;
}

double max_frequency_hz(const Node& node, double vdd, Flavor flavor) {
  const double nominal = drive(node, node.vdd_nominal, node.vth);
  if (nominal <= 0) return 0.0;
  return node.fmax_hz * drive(node, vdd, threshold_v(node, flavor)) / nominal;
}

double min_vdd_for_frequency(const Node& node, double f_hz, Flavor flavor) {
  if (f_hz <= max_frequency_hz(node, node.vdd_min, flavor)) return node.vdd_min;
  double lo = node.vdd_min;
  double hi = node.vdd_nominal;
  if (f_hz > max_frequency_hz(node, node.vdd_nominal, flavor)) {
    // Above fmax: extrapolate the law upwards (the caller reports the violation).
    lo = node.vdd_nominal;
    hi = 2.0 * node.vdd_nominal;
    while (max_frequency_hz(node, hi, flavor) < f_hz) {
      lo = hi;
      hi *= 2.0;
      if (hi > 1000.0 * node.vdd_nominal) return std::numeric_limits<double>::infinity();
    }
  }
  if (f_hz >= max_frequency_hz(node, hi, flavor)) return hi;
  for (int iter = 0; iter < 200 && hi - lo > 1e-12; ++iter) {
    const double mid = 0.5 * (lo + hi);
    if (max_frequency_hz(node, mid, flavor) >= f_hz)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

double dynamic_energy_scale(const Node& node, double vdd) {
  if (node.vdd_nominal <= 0) return 0.0;
  const double r = vdd / node.vdd_nominal;
  return r * r;
}

double leakage_scale(const Node& node, double vdd) {
  if (node.vdd_nominal <= 0 || vdd <= 0) return 0.0;
  return std::pow(vdd / node.vdd_nominal, node.leakage_voltage_exponent);
}

}  // namespace meshforge::tech
