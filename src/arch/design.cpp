// Enum spellings, byte-size text, and the validity checks of a design (structure and per node).
#include "arch/design.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <utility>

namespace meshforge::arch {

namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<std::string_view, E>, N>& table,
                        std::string_view s) {
  for (const auto& [name, value] : table) {
    if (name == s) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, E>, N>& table, E v) {
  for (const auto& [name, value] : table) {
    if (value == v) return name;
  }
  return "?";
}

constexpr std::array<std::pair<std::string_view, WeightStorage>, 2> kWeightStorage{{
    {"sram", WeightStorage::sram},
    {"rom", WeightStorage::rom},
}};
constexpr std::array<std::pair<std::string_view, MacArray>, 2> kMacArray{{
    {"adder_tree", MacArray::adder_tree},
    {"systolic", MacArray::systolic},
}};
constexpr std::array<std::pair<std::string_view, Routing>, 3> kRouting{{
    {"xy", Routing::xy},
    {"yx", Routing::yx},
    {"west_first", Routing::west_first},
}};
constexpr std::array<std::pair<std::string_view, KvPlacement>, 3> kKvPlacement{{
    {"auto", KvPlacement::automatic},
    {"amem", KvPlacement::amem},
    {"dram", KvPlacement::dram},
}};
constexpr std::array<std::pair<std::string_view, PlacementOrder>, 3> kPlacementOrder{{
    {"snake", PlacementOrder::snake},
    {"row_major", PlacementOrder::row_major},
    {"column_major", PlacementOrder::column_major},
}};
constexpr std::array<std::pair<std::string_view, tech::Flavor>, 2> kFlavor{{
    {"hp", tech::Flavor::high_performance},
    {"ll", tech::Flavor::low_leakage},
}};

struct Unit {
  std::string_view name;  // lower case
  std::int64_t bytes;
};
constexpr std::int64_t kKi = 1024;
constexpr std::array<Unit, 9> kUnits{{
    {"b", 1},
    {"kb", 1000},
    {"mb", 1000 * 1000},
    {"gb", 1000 * 1000 * 1000},
    {"tb", std::int64_t{1000} * 1000 * 1000 * 1000},
    {"kib", kKi},
    {"mib", kKi * kKi},
    {"gib", kKi * kKi * kKi},
    {"tib", kKi * kKi * kKi * kKi},
}};

constexpr std::int64_t kGiB = kKi * kKi * kKi;

bool is_power_of_two(std::int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// Formats a value for a message: up to 6 significant digits, no trailing noise.
std::string num(double v) { return fmt::format("{:.6g}", v); }

}  // namespace

std::string_view to_string(WeightStorage v) { return name_of(kWeightStorage, v); }
std::string_view to_string(Routing v) { return name_of(kRouting, v); }
std::string_view to_string(MacArray v) { return name_of(kMacArray, v); }
std::string_view to_string(KvPlacement v) { return name_of(kKvPlacement, v); }
std::string_view to_string(PlacementOrder v) { return name_of(kPlacementOrder, v); }
std::string_view flavor_name(tech::Flavor f) { return name_of(kFlavor, f); }

std::optional<WeightStorage> parse_weight_storage(std::string_view s) {
  return lookup(kWeightStorage, s);
}
std::optional<Routing> parse_routing(std::string_view s) { return lookup(kRouting, s); }
std::optional<MacArray> parse_mac_array(std::string_view s) { return lookup(kMacArray, s); }
std::optional<KvPlacement> parse_kv_placement(std::string_view s) {
  return lookup(kKvPlacement, s);
}
std::optional<PlacementOrder> parse_placement_order(std::string_view s) {
  return lookup(kPlacementOrder, s);
}
std::optional<tech::Flavor> parse_flavor(std::string_view s) { return lookup(kFlavor, s); }

std::string format_mac_formats(MacFormatSet set) {
  std::string out;
  for (int f = 0; f < 6; ++f)
    if (set & mac_format_bit(static_cast<tech::MacFormat>(f)))
      out += (out.empty() ? "" : ", ") + std::string(tech::to_string(static_cast<tech::MacFormat>(f)));
  return out.empty() ? "none" : out;
}

std::optional<tech::MacFormat> executing_format(MacFormatSet declared, tech::MacFormat run) {
  using F = tech::MacFormat;
  // Per run format (MacFormat order), the formats that hold every value of it exactly, cheapest
  // (narrowest) first. Called per class on the evaluator's hot path: no allocation.
  static constexpr std::array<std::array<F, 6>, 6> kHosts = {{
      {F::fp32, F::fp32, F::fp32, F::fp32, F::fp32, F::fp32},   // fp32
      {F::fp16, F::fp32, F::fp32, F::fp32, F::fp32, F::fp32},   // fp16
      {F::bf16, F::fp32, F::fp32, F::fp32, F::fp32, F::fp32},   // bf16
      {F::fp8, F::bf16, F::fp16, F::fp32, F::fp32, F::fp32},    // fp8
      {F::int8, F::bf16, F::fp16, F::fp32, F::fp32, F::fp32},   // int8
      {F::int4, F::int8, F::fp8, F::bf16, F::fp16, F::fp32},    // int4
  }};
  for (F h : kHosts[static_cast<std::size_t>(run)])
    if (declared & mac_format_bit(h)) return h;
  return std::nullopt;
}

tech::MacFormat widest_format(MacFormatSet declared) {
  for (int f = 0; f < 6; ++f)
    if (declared & mac_format_bit(static_cast<tech::MacFormat>(f))) return static_cast<tech::MacFormat>(f);
  return tech::MacFormat::fp16;
}

std::optional<std::int64_t> parse_byte_size(std::string_view text) {
  // Trim surrounding blanks.
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  // Number: digits [. digits]
  std::size_t i = 0;
  std::int64_t mantissa = 0;
  int digits = 0;
  int frac_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (digits >= 18) return std::nullopt;  // too many digits to be exact
    mantissa = mantissa * 10 + (c - '0');
    ++digits;
    if (seen_point) ++frac_digits;
  }
  if (digits == 0) return std::nullopt;
  std::string_view unit_text = text.substr(i);
  while (!unit_text.empty() && std::isspace(static_cast<unsigned char>(unit_text.front()))) {
    unit_text.remove_prefix(1);
  }
  std::int64_t unit = 1;
  if (!unit_text.empty()) {
    std::string lower;
    for (char c : unit_text) {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto it = std::find_if(kUnits.begin(), kUnits.end(),
                                 [&](const Unit& u) { return u.name == lower; });
    if (it == kUnits.end()) return std::nullopt;
    unit = it->bytes;
  }
  std::int64_t scaled = 0;
  if (__builtin_mul_overflow(mantissa, unit, &scaled)) return std::nullopt;
  std::int64_t divisor = 1;
  for (int k = 0; k < frac_digits; ++k) divisor *= 10;
  if (scaled % divisor != 0) return std::nullopt;  // not a whole number of bytes
  return scaled / divisor;
}

std::string format_byte_size(std::int64_t bytes) {
  if (bytes > 0) {
    constexpr std::array<std::pair<std::int64_t, std::string_view>, 4> kBinary{{
        {kKi * kKi * kKi * kKi, "TiB"},
        {kKi * kKi * kKi, "GiB"},
        {kKi * kKi, "MiB"},
        {kKi, "KiB"},
    }};
    for (const auto& [unit, name] : kBinary) {
      if (bytes % unit == 0) return fmt::format("{}{}", bytes / unit, name);
    }
  }
  return fmt::format("{}", bytes);
}

std::vector<std::string> validate_structure(const Design& d) {
  std::vector<std::string> out;
  auto fail = [&out](std::string field, const std::string& reason) {
    out.push_back(std::move(field) + ": " + reason);
  };

  // Mesh
  if (d.rows < 1 || d.rows > 1024) {
    fail("mesh.rows", fmt::format("expected 1 .. 1024 rows, got {}", d.rows));
  }
  if (d.cols < 1 || d.cols > 1024) {
    fail("mesh.cols", fmt::format("expected 1 .. 1024 columns, got {}", d.cols));
  }
  const std::int64_t tiles = std::int64_t{d.rows} * d.cols;

  // Tile classes
  const auto classes = d.tile_classes.size();
  if (classes == 0) {
    fail("tile_classes", "expected at least one tile class, got none");
  } else if (classes > 10) {
    fail("tile_classes",
         fmt::format("expected at most 10 tile classes (one digit each in class_map), got {}",
                     classes));
  }
  for (std::size_t i = 0; i < classes; ++i) {
    const TileClass& c = d.tile_classes[i];
    const std::string at = fmt::format("tile_classes[{}]", i);
    if (c.fetch_width != 1 && c.fetch_width != 2 && c.fetch_width != 4 && c.fetch_width != 8) {
      fail(at + ".fetch_width", fmt::format("expected 1, 2, 4 or 8, got {}", c.fetch_width));
    }
    if (!is_power_of_two(c.vlen_bits) || c.vlen_bits < 64 || c.vlen_bits > 65536) {
      fail(at + ".vlen_bits",
           fmt::format("expected a power of two in 64 .. 65536, got {}", c.vlen_bits));
    }
    if (c.mac_rows < 1 || c.mac_rows > 1024) {
      fail(at + ".mac_rows", fmt::format("expected 1 .. 1024, got {}", c.mac_rows));
    }
    if (c.mac_formats == 0 || (c.mac_formats & ~kAllMacFormats) != 0) {
      fail(at + ".mac_formats", "expected a non-empty list of fp32, fp16, bf16, fp8, int8, int4");
    }
    const std::pair<const char*, std::int64_t> mems[] = {
        {"imem_bytes", c.imem_bytes}, {"wmem_bytes", c.wmem_bytes}, {"amem_bytes", c.amem_bytes}};
    for (const auto& [field, bytes] : mems) {
      const bool may_be_zero = std::string_view(field) == "wmem_bytes";
      if (bytes < 0 || (bytes == 0 && !may_be_zero)) {
        fail(at + "." + field, fmt::format("expected {} 0 bytes, got {}",
                                           may_be_zero ? ">=" : ">", bytes));
      } else if (bytes > kGiB) {
        fail(at + "." + field,
             fmt::format("expected at most 1GiB ({} bytes) per tile, got {} ({})", kGiB, bytes,
                         format_byte_size(bytes)));
      }
    }
  }

  // Class map
  if (!d.class_map.empty()) {
    if (tiles > 0 && static_cast<std::int64_t>(d.class_map.size()) != tiles) {
      fail("class_map", fmt::format("expected rows x cols = {} x {} = {} entries, got {}", d.rows,
                                    d.cols, tiles, d.class_map.size()));
    }
    if (classes > 0) {
      for (std::size_t i = 0; i < d.class_map.size(); ++i) {
        if (d.class_map[i] >= classes) {
          const auto cols = static_cast<std::size_t>(std::max(d.cols, 1));
          fail(fmt::format("class_map[{}][{}]", i / cols, i % cols),
               fmt::format("expected a tile class index 0 .. {}, got {}", classes - 1,
                           int{d.class_map[i]}));
          break;  // one line is enough; the rest are usually the same mistake
        }
      }
    }
  }

  // Harvesting: at least one tile must be enabled.
  if (classes > 0 && classes <= 10 && tiles > 0) {
    const auto enabled = [&](std::size_t cls) { return cls < classes && !d.tile_classes[cls].harvested; };
    const bool any_enabled = d.class_map.empty() ? enabled(0) : std::any_of(d.class_map.begin(), d.class_map.end(), enabled);
    if (!any_enabled) fail("tile_classes", "every tile is harvested: at least one tile must be enabled (harvested: false)");
  }

  // NoC
  if (!is_power_of_two(d.noc.link_bits) || d.noc.link_bits < 32 || d.noc.link_bits > 2048) {
    fail("noc.link_bits",
         fmt::format("expected a power of two in 32 .. 2048, got {}", d.noc.link_bits));
  }
  if (d.noc.virtual_channels < 1 || d.noc.virtual_channels > 16) {
    fail("noc.virtual_channels", fmt::format("expected 1 .. 16, got {}", d.noc.virtual_channels));
  }
  if (d.noc.buffer_depth_flits < 1 || d.noc.buffer_depth_flits > 64) {
    fail("noc.buffer_depth_flits",
         fmt::format("expected 1 .. 64 flits per VC, got {}", d.noc.buffer_depth_flits));
  }

  // Off-chip memory
  if (d.dram.kind.empty()) {
    fail("dram.kind", "expected \"none\" or a DRAM interface name, got an empty string");
  } else if (d.dram.kind == "none") {
    if (d.dram.channels != 0) {
      fail("dram.channels",
           fmt::format("expected 0 when dram.kind is none, got {}", d.dram.channels));
    }
  } else if (d.dram.channels < 1) {
    fail("dram.channels", fmt::format("expected at least 1 channel when dram.kind is {}, got {}",
                                      d.dram.kind, d.dram.channels));
  }

  // Blocks beside the mesh: a kind with a count, or none with 0 (the kinds are the PPA model's
  // data: ppa::Evaluator reports an unknown one as a violation).
  const std::tuple<const char*, const Block&, const char*, int> blocks[] = {
      {"soc.host", d.soc.host, "lanes", 64}, {"soc.chip_links", d.soc.chip_links, "ports", 256}, {"soc.cpu", d.soc.cpu, "cores", 1024}};
  for (const auto& [at, b, count, most] : blocks) {
    if (b.kind.empty() || (b.kind == "none") != (b.count == 0) || b.count < 0 || b.count > most)
      fail(fmt::format("{}.{}", at, count),
           fmt::format("expected 1 .. {} {} with a kind, 0 with kind none; got {} with kind \"{}\"", most, count, b.count, b.kind));
  }

  // Clock and supply
  // 1 kHz .. 100 GHz: wider than any digital chip (issue 10: 1e-300 MHz was feasible with a score).
  if (!std::isfinite(d.clock_hz) || d.clock_hz < kMinClockHz || d.clock_hz > kMaxClockHz) {
    fail("clock_mhz", fmt::format("expected a clock of 0.001 .. 100000 MHz, got {}", num(d.clock_hz / 1e6)));
  }
  if (!std::isfinite(d.supply_v) || d.supply_v < 0) {
    fail("supply_v",
         fmt::format("expected a supply in volts > 0 (or 0 = automatic), got {}", num(d.supply_v)));
  }

  // Mapping hints
  if (d.mapping.pipeline_stages < 0) {
    fail("mapping.pipeline_stages",
         fmt::format("expected >= 0 (0 = automatic), got {}", d.mapping.pipeline_stages));
  } else if (tiles > 0 && d.mapping.pipeline_stages > tiles) {
    fail("mapping.pipeline_stages",
         fmt::format("expected at most one stage per tile ({} tiles), got {}", tiles,
                     d.mapping.pipeline_stages));
  }
  if (d.mapping.tensor_parallel < 0) {
    fail("mapping.tensor_parallel",
         fmt::format("expected >= 0 (0 = automatic), got {}", d.mapping.tensor_parallel));
  } else if (tiles > 0 && d.mapping.tensor_parallel > tiles) {
    fail("mapping.tensor_parallel",
         fmt::format("expected at most the number of tiles ({}), got {}", tiles,
                     d.mapping.tensor_parallel));
  }
  return out;
}

double operating_supply_v(const Design& design, const tech::Node& node) {
  if (design.supply_v > 0) return design.supply_v;
  // The typical-corner minimum plus the node's sign-off guard band, never above nominal.
  return std::min(tech::min_vdd_for_frequency(node, design.clock_hz, design.flavor) * (1.0 + node.vdd_guard_band),
                  node.vdd_nominal);
}

std::vector<std::string> validate(const Design& design, const tech::Node& node) {
  std::vector<std::string> out = validate_structure(design);
  validate_against_node(design, node, out);
  return out;
}

void validate_against_node(const Design& design, const tech::Node& node, std::vector<std::string>& out) {
  auto fail = [&out](std::string field, const std::string& reason) {
    out.push_back(std::move(field) + ": " + reason);
  };

  // DRAM interface offered by the node
  if (!design.dram.kind.empty() && design.dram.kind != "none" &&
      node.dram.find(design.dram.kind) == node.dram.end()) {
    std::string offered;
    for (const auto& [name, iface] : node.dram) {
      offered += (offered.empty() ? "" : ", ") + name;
    }
    if (offered.empty()) {
      fail("dram.kind", fmt::format("expected \"none\" (node {} offers no DRAM interface), got "
                                    "\"{}\"",
                                    node.name, design.dram.kind));
    } else {
      fail("dram.kind", fmt::format("expected \"none\" or an interface of node {} ({}), got \"{}\"",
                                    node.name, offered, design.dram.kind));
    }
  }

  // Supply range
  const bool supply_set = design.supply_v > 0 && std::isfinite(design.supply_v);
  const double vmax = node.vdd_nominal * 1.1;
  if (supply_set && (design.supply_v < node.vdd_min || design.supply_v > vmax * (1 + 1e-12))) {
    fail("supply_v", fmt::format("expected {} .. {} V on node {} (vdd_min .. 1.1 x vdd_nominal), "
                                 "got {} V",
                                 num(node.vdd_min), num(vmax), node.name, num(design.supply_v)));
  }

  // Clock against fmax at the supply
  if (std::isfinite(design.clock_hz) && design.clock_hz >= kMinClockHz && design.clock_hz <= kMaxClockHz) {  // else validate_structure says so
    const double supply = operating_supply_v(design, node);
    const double fmax = tech::max_frequency_hz(node, supply, design.flavor);
    if (design.clock_hz > fmax * (1 + 1e-9)) {
      if (supply_set) {
        fail("clock_mhz",
             fmt::format("{} MHz exceeds node {}'s fmax of {} MHz at supply_v = {} V ({} cells)",
                         num(design.clock_hz / 1e6), node.name, num(fmax / 1e6), num(supply),
                         flavor_name(design.flavor)));
      } else {
        fail("clock_mhz",
             fmt::format("{} MHz exceeds node {}'s fmax of {} MHz at {} V with {} cells (automatic "
                         "supply, capped at vdd_nominal = {} V; set supply_v up to {} V to overdrive)",
                         num(design.clock_hz / 1e6), node.name, num(fmax / 1e6), num(supply),
                         flavor_name(design.flavor),
                         num(node.vdd_nominal), num(vmax)));
      }
    }
  }
}

}  // namespace meshforge::arch
