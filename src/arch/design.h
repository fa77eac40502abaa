// A candidate chip: a rows x cols mesh of Tensor Compute Cores (TCCs), their NoC, off-chip memory,
// clock and supply. Plain data with a YAML round trip and validity checks against a node.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tech/node.h"

namespace meshforge::arch {

enum class WeightStorage { sram, rom };
enum class Routing { xy, yx, west_first };
enum class KvPlacement { automatic, amem, dram };
enum class PlacementOrder { snake, row_major, column_major };

std::string_view to_string(WeightStorage v);
std::string_view to_string(Routing v);
std::string_view to_string(KvPlacement v);
std::string_view to_string(PlacementOrder v);

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
};

struct Noc {
  int link_bits = 128;          // flit width: 32 .. 2048, power of two
  int virtual_channels = 2;     // 1 .. 16
  int buffer_depth_flits = 4;   // per VC: 1 .. 64
  Routing routing = Routing::xy;
};

struct OffChipMemory {
  std::string kind = "none";    // "none" or a node's DRAM interface name ("lpddr5", "hbm3", ...)
  int channels = 0;             // PHYs / stacks; 0 when kind is "none"
};

// Optional overrides of the automatic mapping (0 / automatic = let the mapper choose).
struct MappingHints {
  int pipeline_stages = 0;
  int tensor_parallel = 0;      // tiles that share one op inside a stage's region
  KvPlacement kv_placement = KvPlacement::automatic;
  PlacementOrder placement_order = PlacementOrder::snake;
};

struct Design {
  std::string name = "design";
  int rows = 4;
  int cols = 4;
  std::vector<TileClass> tile_classes{TileClass{}};
  // rows*cols entries, row-major, each an index into tile_classes. Empty = every tile class 0.
  std::vector<std::uint8_t> class_map;
  Noc noc;
  OffChipMemory dram;
  double clock_hz = 1.0e9;
  double supply_v = 0;          // 0 = the lowest supply the node allows at clock_hz
  tech::Flavor flavor = tech::Flavor::high_performance;
  bool power_gate_idle_tiles = false;
  MappingHints mapping;

  int tiles() const { return rows * cols; }
  int class_of(int row, int col) const {
    return class_map.empty() ? 0 : class_map[static_cast<std::size_t>(row * cols + col)];
  }
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

}  // namespace meshforge::arch
