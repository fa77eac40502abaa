// A candidate chip: a rows x cols mesh of Tensor Compute Cores (TCCs), their NoC, off-chip memory,
// clock and supply. Plain data with a YAML round trip and validity checks against a node.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tech/node.h"

namespace meshforge::arch {

enum class WeightStorage { sram, rom };
// How a tile's MAC rows are built: adder_tree (each row's products summed into the lane's one
// accumulator, what meshforge's RTL generates) or systolic (operands and partial sums pass cell to
// cell through registers in every MAC, as in TPUs: more flops, area and clock per MAC).
enum class MacArray { adder_tree, systolic };
enum class Routing { xy, yx, west_first };
enum class KvPlacement { automatic, amem, dram };
enum class PlacementOrder { snake, row_major, column_major };

std::string_view to_string(WeightStorage v);
std::string_view to_string(MacArray v);
std::string_view to_string(Routing v);
std::string_view to_string(KvPlacement v);
std::string_view to_string(PlacementOrder v);

// Inverses of to_string (the spellings used in design files: "sram", "west_first", "auto", ...);
// nullopt for anything else. parse_flavor reads "hp" / "ll".
std::optional<WeightStorage> parse_weight_storage(std::string_view s);
std::optional<MacArray> parse_mac_array(std::string_view s);
std::optional<Routing> parse_routing(std::string_view s);
std::optional<KvPlacement> parse_kv_placement(std::string_view s);
std::optional<PlacementOrder> parse_placement_order(std::string_view s);
std::optional<tech::Flavor> parse_flavor(std::string_view s);
std::string_view flavor_name(tech::Flavor f);  // "hp" / "ll", as written in design files

// Byte sizes as written in design files: a plain integer ("65536") or a number with a unit
// ("64KiB", "1.5MiB", "2MB", "512B"; KB/MB/GB/TB = powers of 1000, KiB/MiB/GiB/TiB = powers of
// 1024, unit case-insensitive). The value must be a whole, non-negative number of bytes.
std::optional<std::int64_t> parse_byte_size(std::string_view text);
// The shortest exact spelling: "64KiB", "8MiB", "1GiB", or a plain integer ("1000").
std::string format_byte_size(std::int64_t bytes);

// MAC formats a tile's datapath is built for, as a bit set over tech::MacFormat.
using MacFormatSet = std::uint8_t;
constexpr MacFormatSet mac_format_bit(tech::MacFormat f) { return static_cast<MacFormatSet>(1u << static_cast<unsigned>(f)); }
constexpr MacFormatSet kAllMacFormats = 0x3f;
// "int8, fp16" style list, in MacFormat order.
std::string format_mac_formats(MacFormatSet set);
// The cheapest declared format that represents every value of `run` exactly (int8 runs on int8,
// else fp16 / bf16 / fp32 lanes; fp16 on fp16 or fp32; ...); nullopt when none does.
std::optional<tech::MacFormat> executing_format(MacFormatSet declared, tech::MacFormat run);
// The costliest declared format (in MacFormat order: fp32, fp16, bf16, fp8, int8, int4); fp16 for
// an empty set.
tech::MacFormat widest_format(MacFormatSet declared);

// One kind of tile. A TCC is a small RISC-V core (fetching fetch_width instructions per cycle)
// driving a vector/tensor MAC unit: VLEN / element-bits lanes, times mac_rows rows when the unit
// is a 2D tensor array (mac_rows = 1: a plain vector unit).
struct TileClass {
  std::string name = "tcc";
  int fetch_width = 2;                         // instructions per cycle: 1, 2, 4 or 8
  int vlen_bits = 512;                         // power of two, 64 .. 65536
  int mac_rows = 1;                            // 1 .. 1024
  std::int64_t imem_bytes = 16 * 1024;         // instruction memory
  std::int64_t wmem_bytes = 1024 * 1024;       // weight memory (SRAM or ROM)
  std::int64_t amem_bytes = 256 * 1024;        // activation / KV memory (SRAM)
  WeightStorage weight_storage = WeightStorage::sram;
  MacArray mac_array = MacArray::adder_tree;   // only matters when mac_rows > 1
  // Formats the MAC lanes are built for: area follows these, throughput the format run on them.
  MacFormatSet mac_formats = mac_format_bit(tech::MacFormat::fp16);
  // Yield harvesting: tiles of this class are on the die (area, leakage, the idle share of the
  // clock) but disabled, so they get no work and add nothing to the peak (Wormhole n150: 72 of 80
  // Tensix cores active). The search never sets it.
  bool harvested = false;

  bool operator==(const TileClass&) const = default;
};

struct Noc {
  int link_bits = 128;          // flit width: 32 .. 2048, power of two
  int virtual_channels = 2;     // 1 .. 16
  int buffer_depth_flits = 4;   // per VC: 1 .. 64
  Routing routing = Routing::xy;

  bool operator==(const Noc&) const = default;
};

struct OffChipMemory {
  std::string kind = "none";    // "none" or a node's DRAM interface name ("lpddr5", "hbm3", ...)
  int channels = 0;             // PHYs / stacks; 0 when kind is "none"

  bool operator==(const OffChipMemory&) const = default;
};

// What a chip carries beside its mesh: host interface, chip-to-chip links, application or
// management cores. Kinds are names from data/uncore.yaml ("pcie4", "ethernet_400g",
// "rv64_vector", ...); "none" with a count of 0 when absent.
struct Block {
  std::string kind = "none";
  int count = 0;                // lanes (host), ports (links), cores (cpu)

  bool operator==(const Block&) const = default;
};
struct Soc {
  Block host;                   // count = PCIe lanes
  Block chip_links;             // count = ports
  Block cpu;                    // count = cores

  bool operator==(const Soc&) const = default;
};

// Optional overrides of the automatic mapping (0 / automatic = let the mapper choose).
struct MappingHints {
  int pipeline_stages = 0;
  int tensor_parallel = 0;      // tiles that share one op inside a stage's region
  KvPlacement kv_placement = KvPlacement::automatic;
  PlacementOrder placement_order = PlacementOrder::snake;

  bool operator==(const MappingHints&) const = default;
};

// The clocks a design may ask: 1 kHz .. 100 GHz, wider than any digital chip.
inline constexpr double kMinClockHz = 1e3, kMaxClockHz = 1e11;

struct Design {
  std::string name = "design";
  int rows = 4;
  int cols = 4;
  std::vector<TileClass> tile_classes{TileClass{}};
  // rows*cols entries, row-major, each an index into tile_classes. Empty = every tile class 0.
  std::vector<std::uint8_t> class_map;
  Noc noc;
  OffChipMemory dram;
  Soc soc;
  double clock_hz = 1.0e9;
  double supply_v = 0;          // 0 = the lowest supply the node allows at clock_hz
  tech::Flavor flavor = tech::Flavor::high_performance;
  bool power_gate_idle_tiles = false;
  MappingHints mapping;

  int tiles() const { return rows * cols; }
  int class_of(int row, int col) const {
    return class_map.empty() ? 0 : class_map[static_cast<std::size_t>(row * cols + col)];
  }

  // Field-by-field equality (doubles compared exactly; an empty class_map differs from an
  // explicit all-zero one).
  bool operator==(const Design&) const = default;
};

// YAML file <-> Design. load_design throws meshforge::InputError naming the file and field
// (malformed YAML, unknown key, wrong type, out-of-range value, class map of the wrong shape).
Design load_design(const std::filesystem::path& path);
Design parse_design_yaml(const std::string& text, const std::string& source_name);
std::string to_yaml(const Design& design);
void save_design(const Design& design, const std::filesystem::path& path);

// Checks a design against a node. Returns one "field: reason" line per problem; empty = valid.
// (A VLEN that is not a power of two, a clock above the node's fmax at the supply, a supply
// outside [vdd_min, vdd_nominal * 1.1], a DRAM kind the node does not offer, ...)
std::vector<std::string> validate(const Design& design, const tech::Node& node);
// The node-dependent part of validate() (DRAM kind offered, clock within fmax at the supply,
// supply range), appended to out. validate() = validate_structure() + this.
void validate_against_node(const Design& design, const tech::Node& node, std::vector<std::string>& out);

// The node-independent part of validate() (mesh size, class count and map, TCC and NoC ranges,
// DRAM channel count vs kind, clock > 0, supply >= 0, mapping hints). Same "field: reason" lines.
// parse_design_yaml / load_design throw an InputError for the first of these problems.
std::vector<std::string> validate_structure(const Design& design);

// The supply the design runs at on this node: supply_v when set (> 0), otherwise the lowest supply
// in [vdd_min, vdd_nominal] that reaches clock_hz (capped at vdd_nominal: automatic supply never
// overdrives; validate() reports a clock above the node's fmax at nominal as a violation).
double operating_supply_v(const Design& design, const tech::Node& node);

}  // namespace meshforge::arch
