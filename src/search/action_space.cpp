#include "search/action_space.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "mapping/plan.h"

namespace meshforge::search {
namespace {

constexpr double kClockGridHz = 1e5;   // free clocks are multiples of 100 kHz
constexpr double kOffZone = 0.2;       // pipeline / tensor-parallel: u < 0.2 = automatic (0)
constexpr double kShareZone = 0.1;     // class shares: u < 0.1 = class absent
constexpr double kMaxShare = 0.5;      // classes 1 and 2 each take at most half the mesh
constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr std::int64_t kMiB = std::int64_t{1} << 20;

// Action entry -> u in [0, 1].
double unit(const Eigen::VectorXd& a, int i) {
  double v = i < a.size() ? a[i] : 0.0;
  if (!std::isfinite(v)) v = 0.0;
  return (std::clamp(v, -1.0, 1.0) + 1.0) * 0.5;
}
double to_action(double u) { return 2.0 * std::clamp(u, 0.0, 1.0) - 1.0; }

// n equal bins.
int level(double u, int n) { return std::clamp(static_cast<int>(std::floor(u * n)), 0, n - 1); }
double level_unit(int i, int n) { return (std::clamp(i, 0, n - 1) + 0.5) / n; }

// Integers lo .. hi, equally spaced in log(v + 1/2)-ish: floor(lo * ((hi + 1) / lo)^u).
int log_int(double u, int lo, int hi) {
  if (hi <= lo) return lo;
  const double v = std::floor(lo * std::pow((hi + 1.0) / lo, u));
  return std::clamp(static_cast<int>(v), lo, hi);
}
double log_int_unit(int v, int lo, int hi) {
  if (hi <= lo) return 0.5;
  v = std::clamp(v, lo, hi);
  return std::clamp(std::log((v + 0.5) / lo) / std::log((hi + 1.0) / lo), 0.0, 1.0);
}

double log_value(double u, double lo, double hi) { return lo * std::pow(hi / lo, u); }
double log_unit(double v, double lo, double hi) {
  if (!(hi > lo) || !(v > 0)) return 0.0;
  return std::clamp(std::log(v / lo) / std::log(hi / lo), 0.0, 1.0);
}

int log2_int(std::int64_t v) {
  int k = 0;
  while (v > 1) {
    v >>= 1;
    ++k;
  }
  return k;
}

std::int64_t next_pow2(double bytes) {
  std::int64_t p = 1;
  while (static_cast<double>(p) < bytes && p < (std::int64_t{1} << 62)) p <<= 1;
  return p;
}

// Memory sizes on a {4, 5, 6, 7} x 2^k grid (steps of 14-25 %), nearest in log, within [lo, hi].
std::int64_t snap_size(double bytes, std::int64_t lo, std::int64_t hi) {
  if (!(bytes > static_cast<double>(lo))) return lo;
  if (bytes >= static_cast<double>(hi)) return hi;
  const int k = std::max(0, static_cast<int>(std::floor(std::log2(bytes))) - 2);
  const double base = std::ldexp(1.0, k);
  const double m = bytes / base;  // in [4, 8)
  const double lo_m = std::floor(m), hi_m = lo_m + 1.0;
  const double pick = std::log(m / lo_m) <= std::log(hi_m / m) ? lo_m : hi_m;
  const auto v = static_cast<std::int64_t>(pick * base);
  return std::clamp(v, lo, hi);
}

// Even interleaving of counts[k] items of each class: at every position the class furthest
// behind its quota goes next (ties: lowest index).
std::vector<std::uint8_t> spread(const std::array<int, 3>& counts) {
  const int n = counts[0] + counts[1] + counts[2];
  std::vector<std::uint8_t> seq;
  seq.reserve(static_cast<std::size_t>(n));
  std::array<int, 3> used{};
  for (int i = 0; i < n; ++i) {
    int best = -1;
    double best_deficit = -1e300;
    for (int k = 0; k < 3; ++k) {
      if (used[static_cast<std::size_t>(k)] >= counts[static_cast<std::size_t>(k)]) continue;
      const double deficit = static_cast<double>(counts[static_cast<std::size_t>(k)]) * (i + 1) / n - used[static_cast<std::size_t>(k)];
      if (deficit > best_deficit + 1e-12) {
        best_deficit = deficit;
        best = k;
      }
    }
    seq.push_back(static_cast<std::uint8_t>(best));
    ++used[static_cast<std::size_t>(best)];
  }
  return seq;
}

std::vector<std::uint8_t> blocked(const std::array<int, 3>& counts) {
  std::vector<std::uint8_t> seq;
  for (int k = 0; k < 3; ++k) seq.insert(seq.end(), static_cast<std::size_t>(counts[static_cast<std::size_t>(k)]), static_cast<std::uint8_t>(k));
  return seq;
}

// Largest-remainder apportionment of `slots` in proportion to counts.
std::array<int, 3> apportion(const std::array<int, 3>& counts, int slots) {
  const int total = counts[0] + counts[1] + counts[2];
  std::array<int, 3> out{};
  std::array<double, 3> rem{};
  int given = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const double exact = total > 0 ? static_cast<double>(counts[k]) * slots / total : 0.0;
    out[k] = static_cast<int>(std::floor(exact + 1e-9));
    rem[k] = exact - out[k];
    given += out[k];
  }
  while (given < slots) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < 3; ++k)
      if (rem[k] > rem[best] + 1e-12) best = k;
    out[best] += 1;
    rem[best] = -1;
    ++given;
  }
  return out;
}

std::vector<int> snake_order(int rows, int cols) {
  std::vector<int> order;
  order.reserve(static_cast<std::size_t>(rows * cols));
  for (int r = 0; r < rows; ++r)
    for (int i = 0; i < cols; ++i) order.push_back(r * cols + (r % 2 == 0 ? i : cols - 1 - i));
  return order;
}

// Class of every tile (row-major) for a pattern and per-class tile counts (summing to rows * cols).
std::vector<std::uint8_t> layout(LayoutPattern p, int rows, int cols, const std::array<int, 3>& counts) {
  const int tiles = rows * cols;
  std::vector<std::uint8_t> map(static_cast<std::size_t>(tiles), 0);
  auto place = [&](const std::vector<int>& order, const std::vector<std::uint8_t>& seq) {
    for (std::size_t i = 0; i < order.size() && i < seq.size(); ++i) map[static_cast<std::size_t>(order[i])] = seq[i];
  };
  switch (p) {
    case LayoutPattern::scatter:
      place(snake_order(rows, cols), spread(counts));
      break;
    case LayoutPattern::snake_blocks:
      place(snake_order(rows, cols), blocked(counts));
      break;
    case LayoutPattern::row_stripes: {
      const auto seq = spread(apportion(counts, rows));
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) map[static_cast<std::size_t>(r * cols + c)] = seq[static_cast<std::size_t>(r)];
      break;
    }
    case LayoutPattern::column_stripes: {
      const auto seq = spread(apportion(counts, cols));
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) map[static_cast<std::size_t>(r * cols + c)] = seq[static_cast<std::size_t>(c)];
      break;
    }
    case LayoutPattern::centre_edge: {
      std::vector<int> order(static_cast<std::size_t>(tiles));
      std::iota(order.begin(), order.end(), 0);
      const double rc = (rows - 1) / 2.0, cc = (cols - 1) / 2.0;
      auto dist = [&](int t) {
        return std::max(std::fabs(t / cols - rc) / rows, std::fabs(t % cols - cc) / cols);
      };
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return dist(a) < dist(b) - 1e-12; });
      place(order, blocked(counts));
      break;
    }
    case LayoutPattern::checkerboard: {
      std::vector<int> odd, even;
      for (int t : snake_order(rows, cols)) ((t / cols + t % cols) % 2 == 1 ? odd : even).push_back(t);
      const int n_odd = static_cast<int>(odd.size());
      const int minority = counts[1] + counts[2];
      const int on_odd = std::min(minority, n_odd);
      const auto split = apportion({0, counts[1], counts[2]}, on_odd);
      place(odd, spread({n_odd - on_odd, split[1], split[2]}));
      place(even, spread({counts[0] - (n_odd - on_odd), counts[1] - split[1], counts[2] - split[2]}));
      break;
    }
  }
  return map;
}

arch::TileClass decode_class(const Eigen::VectorXd& a, int cls, const ActionBounds& b) {
  auto u = [&](ActionSpace::ClassField f) { return unit(a, ActionSpace::class_dim(cls, f)); };
  arch::TileClass t;
  t.fetch_width = 1 << level(u(ActionSpace::kFetch), 4);
  t.vlen_bits = 64 << level(u(ActionSpace::kVlen), 7);
  t.mac_rows = 1 << level(u(ActionSpace::kMacRows), log2_int(b.max_mac_rows) + 1);
  t.imem_bytes = snap_size(log_value(u(ActionSpace::kImem), static_cast<double>(b.imem_min), static_cast<double>(b.imem_max)), b.imem_min, b.imem_max);
  t.wmem_bytes = snap_size(log_value(u(ActionSpace::kWmem), static_cast<double>(b.wmem_min), static_cast<double>(b.wmem_max)), b.wmem_min, b.wmem_max);
  t.amem_bytes = snap_size(log_value(u(ActionSpace::kAmem), static_cast<double>(b.amem_min), static_cast<double>(b.amem_max)), b.amem_min, b.amem_max);
  t.weight_storage = u(ActionSpace::kStorage) < 0.5 ? arch::WeightStorage::sram : arch::WeightStorage::rom;
  t.mac_formats = b.mac_formats;
  return t;
}

void encode_class(const arch::TileClass& t, int cls, const ActionBounds& b, Eigen::VectorXd& a) {
  auto set = [&](ActionSpace::ClassField f, double u) { a[ActionSpace::class_dim(cls, f)] = to_action(u); };
  set(ActionSpace::kFetch, level_unit(log2_int(std::max(1, t.fetch_width)), 4));
  set(ActionSpace::kVlen, level_unit(log2_int(std::max(64, t.vlen_bits) / 64), 7));
  set(ActionSpace::kMacRows, level_unit(log2_int(std::max(1, t.mac_rows)), log2_int(b.max_mac_rows) + 1));
  set(ActionSpace::kImem, log_unit(static_cast<double>(t.imem_bytes), static_cast<double>(b.imem_min), static_cast<double>(b.imem_max)));
  set(ActionSpace::kWmem, log_unit(static_cast<double>(t.wmem_bytes), static_cast<double>(b.wmem_min), static_cast<double>(b.wmem_max)));
  set(ActionSpace::kAmem, log_unit(static_cast<double>(t.amem_bytes), static_cast<double>(b.amem_min), static_cast<double>(b.amem_max)));
  set(ActionSpace::kStorage, t.weight_storage == arch::WeightStorage::sram ? 0.25 : 0.75);
}

double share_of(double u) { return u < kShareZone ? 0.0 : kMaxShare * (u - kShareZone) / (1.0 - kShareZone); }
double share_unit(double share) {
  return share <= 0 ? kShareZone / 2 : kShareZone + (1.0 - kShareZone) * std::min(1.0, share / kMaxShare);
}

}  // namespace

const char* to_string(LayoutPattern p) {
  switch (p) {
    case LayoutPattern::scatter: return "scatter";
    case LayoutPattern::row_stripes: return "row_stripes";
    case LayoutPattern::column_stripes: return "column_stripes";
    case LayoutPattern::snake_blocks: return "snake_blocks";
    case LayoutPattern::centre_edge: return "centre_edge";
    case LayoutPattern::checkerboard: return "checkerboard";
  }
  return "?";
}

ClockChoice choose_clock(const tech::Node& node, double f_hz, tech::Flavor flavor) {
  const double vmax = 1.1 * node.vdd_nominal;
  ClockChoice c;
  c.clock_hz = std::min(f_hz, std::floor(tech::max_frequency_hz(node, vmax, flavor) / kClockGridHz) * kClockGridHz);
  if (!(c.clock_hz > 0)) c.clock_hz = kClockGridHz;
  // The automatic supply (<= vdd_nominal) reaches it.
  if (c.clock_hz <= tech::max_frequency_hz(node, node.vdd_nominal, flavor)) return c;
  // Overdrive: the lowest supply on a 1 mV grid that reaches the clock.
  double v = std::ceil(tech::min_vdd_for_frequency(node, c.clock_hz, flavor) * 1000.0 - 1e-9) / 1000.0;
  v = std::clamp(v, node.vdd_nominal, vmax);
  c.supply_v = v;
  c.clock_hz = std::min(c.clock_hz, tech::max_frequency_hz(node, v, flavor));
  return c;
}

ActionSpace::ActionSpace(const tech::Node& node, const ppa::Workload& workload, const ppa::Scenario& scenario)
    : node_(node) {
  ActionBounds& b = bounds_;
  const double clock_top = tech::max_frequency_hz(node, 1.1 * node.vdd_nominal);
  b.clock_max_hz = std::floor(clock_top / kClockGridHz) * kClockGridHz;
  b.clock_min_hz = scenario.mode == ppa::Mode::performance ? std::max(1e6, b.clock_max_hz / 64) : 1e6;
  if (scenario.mode == ppa::Mode::low_power && scenario.budgets.fixed_clock_hz > 0)
    b.fixed_clock_hz = scenario.budgets.fixed_clock_hz;

  const workload::Graph& main = workload.decode.ops.empty() ? workload.prefill : workload.decode;
  const double weights = main.total_weight_bytes();
  b.mac_formats = arch::mac_format_bit(static_cast<tech::MacFormat>(static_cast<int>(workload::mac_precision(main.scenario))));
  b.wmem_max = std::clamp(next_pow2(weights), kMiB, kGiB);
  double kv = 0;
  for (const auto& op : workload.decode.ops) kv += std::max(op.kv_read_bytes, op.kv_write_bytes);
  double act = 0;
  for (const auto* g : {&workload.prefill, &workload.decode})
    for (const auto& op : g->ops) act = std::max(act, op.input_bytes + op.output_bytes);
  b.amem_max = std::clamp(next_pow2(2.0 * (kv + act)), kMiB, kGiB);
  b.max_stages = std::max(1, static_cast<int>(mapping::layer_units(main).end_op.size()));
  b.dram_kinds.push_back("none");
  for (const auto& [name, iface] : node.dram) b.dram_kinds.push_back(name);
  describe_dims();
}

void ActionSpace::describe_dims() {
  const ActionBounds& b = bounds_;
  dims_.assign(kDims, ActionDim{});
  auto set = [&](int i, std::string name, std::string meaning) { dims_[static_cast<std::size_t>(i)] = {std::move(name), std::move(meaning)}; };
  set(kRows, "mesh.rows", fmt::format("1 .. {}, log scale", b.max_side));
  set(kCols, "mesh.cols", fmt::format("1 .. {}, log scale", b.max_side));
  set(kClock, "clock",
      b.fixed_clock_hz > 0 ? fmt::format("ignored: the mode fixes the clock at {:g} MHz", b.fixed_clock_hz / 1e6)
                           : fmt::format("{:g} .. {:g} MHz, log scale, 100 kHz grid; above fmax at vdd_nominal the "
                                         "decoder sets the lowest overdrive supply (<= 1.1 x vdd_nominal)",
                                         b.clock_min_hz / 1e6, b.clock_max_hz / 1e6));
  for (int c = 0; c < kClasses; ++c) {
    const std::string p = fmt::format("class{}.", c);
    set(class_dim(c, kFetch), p + "fetch_width", "1, 2, 4, 8 (4 levels)");
    set(class_dim(c, kVlen), p + "vlen_bits", "64 .. 4096, power of two (7 levels)");
    set(class_dim(c, kMacRows), p + "mac_rows", fmt::format("1 .. {}, power of two", b.max_mac_rows));
    set(class_dim(c, kImem), p + "imem_bytes", fmt::format("{} .. {}, log scale", arch::format_byte_size(b.imem_min), arch::format_byte_size(b.imem_max)));
    set(class_dim(c, kWmem), p + "wmem_bytes", fmt::format("{} .. {}, log scale (top: the model's weights)", arch::format_byte_size(b.wmem_min), arch::format_byte_size(b.wmem_max)));
    set(class_dim(c, kAmem), p + "amem_bytes", fmt::format("{} .. {}, log scale (top: KV cache + activations)", arch::format_byte_size(b.amem_min), arch::format_byte_size(b.amem_max)));
    set(class_dim(c, kStorage), p + "weight_storage", "sram (< 0) | rom (>= 0)");
  }
  set(kShare1, "layout.share1", "share of tiles in class 1: 0 below -0.8, then 0 .. 0.5");
  set(kShare2, "layout.share2", "share of tiles in class 2: 0 below -0.8, then 0 .. 0.5 (class 0 takes the rest)");
  set(kPattern, "layout.pattern", "scatter, row_stripes, column_stripes, snake_blocks, centre_edge, checkerboard");
  set(kLinkBits, "noc.link_bits", "32 .. 2048, power of two (7 levels)");
  set(kVirtualChannels, "noc.virtual_channels", "1 .. 8");
  set(kBufferDepth, "noc.buffer_depth_flits", "1 .. 32, power of two (6 levels)");
  set(kRouting, "noc.routing", "xy, yx, west_first");
  set(kPipelineStages, "mapping.pipeline_stages", fmt::format("automatic below -0.6, then 1 .. {} (layer units), log scale", b.max_stages));
  set(kTensorParallel, "mapping.tensor_parallel", "automatic below -0.6, then 1 .. tiles, log scale");
  set(kPlacementOrder, "mapping.placement_order", "snake, row_major, column_major");
  set(kKvPlacement, "mapping.kv_placement", "auto, amem, dram");
  std::string kinds;
  for (const auto& k : b.dram_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
  set(kDramKind, "dram.kind", kinds);
  set(kDramChannels, "dram.channels", fmt::format("1 .. {} (with DRAM)", b.max_dram_channels));
  set(kFlavor, "flavor", "hp (< 0) | ll (>= 0)");
  set(kPowerGating, "power_gate_idle_tiles", "false (< 0) | true (>= 0)");
}

arch::Design ActionSpace::decode(const Eigen::VectorXd& a) const {
  const ActionBounds& b = bounds_;
  arch::Design d;
  d.name = "explored";
  d.rows = log_int(unit(a, kRows), 1, b.max_side);
  d.cols = log_int(unit(a, kCols), 1, b.max_side);
  const int tiles = d.tiles();

  // Clock and supply.
  double f = b.fixed_clock_hz;
  if (!(f > 0)) {
    f = std::round(log_value(unit(a, kClock), b.clock_min_hz, b.clock_max_hz) / kClockGridHz) * kClockGridHz;
    f = std::clamp(f, kClockGridHz, b.clock_max_hz);
  }
  // Low-leakage cells are slower: the flavour bounds the clock, so it is decoded first.
  d.flavor = unit(a, kFlavor) < 0.5 ? tech::Flavor::high_performance : tech::Flavor::low_leakage;
  const ClockChoice clock = choose_clock(node_, f, d.flavor);
  d.clock_hz = clock.clock_hz;
  d.supply_v = clock.supply_v;

  // Tile classes and their layout.
  std::array<int, 3> counts{};
  counts[1] = static_cast<int>(std::lround(share_of(unit(a, kShare1)) * tiles));
  counts[2] = std::min(tiles - counts[1], static_cast<int>(std::lround(share_of(unit(a, kShare2)) * tiles)));
  counts[0] = tiles - counts[1] - counts[2];
  const auto pattern = static_cast<LayoutPattern>(level(unit(a, kPattern), kLayoutPatterns));
  auto map = layout(pattern, d.rows, d.cols, counts);
  // Classes with no tiles are dropped (classes keep their order, renumbered densely).
  std::array<int, 3> used{};
  for (auto c : map) used[c] += 1;
  std::array<std::uint8_t, 3> index{};
  d.tile_classes.clear();
  for (int c = 0; c < kClasses; ++c) {
    if (used[static_cast<std::size_t>(c)] == 0) continue;
    index[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(d.tile_classes.size());
    d.tile_classes.push_back(decode_class(a, c, b));
  }
  for (std::size_t i = 0; i < d.tile_classes.size(); ++i) d.tile_classes[i].name = fmt::format("c{}", i);
  if (d.tile_classes.size() > 1) {
    for (auto& c : map) c = index[c];
    d.class_map = std::move(map);
  }

  // NoC.
  d.noc.link_bits = 32 << level(unit(a, kLinkBits), 7);
  d.noc.virtual_channels = 1 + level(unit(a, kVirtualChannels), 8);
  d.noc.buffer_depth_flits = 1 << level(unit(a, kBufferDepth), 6);
  d.noc.routing = static_cast<arch::Routing>(level(unit(a, kRouting), 3));

  // Mapping hints.
  const double us = unit(a, kPipelineStages);
  d.mapping.pipeline_stages = us < kOffZone ? 0 : std::min(tiles, log_int((us - kOffZone) / (1 - kOffZone), 1, b.max_stages));
  const double ut = unit(a, kTensorParallel);
  d.mapping.tensor_parallel = ut < kOffZone ? 0 : log_int((ut - kOffZone) / (1 - kOffZone), 1, tiles);
  d.mapping.placement_order = static_cast<arch::PlacementOrder>(level(unit(a, kPlacementOrder), 3));
  d.mapping.kv_placement = static_cast<arch::KvPlacement>(level(unit(a, kKvPlacement), 3));

  // Off-chip memory, flavor, gating.
  const int kinds = static_cast<int>(b.dram_kinds.size());
  d.dram.kind = b.dram_kinds[static_cast<std::size_t>(level(unit(a, kDramKind), kinds))];
  d.dram.channels = d.dram.kind == "none" ? 0 : 1 + level(unit(a, kDramChannels), b.max_dram_channels);
  d.power_gate_idle_tiles = unit(a, kPowerGating) >= 0.5;
  return d;
}

Eigen::VectorXd ActionSpace::encode(const arch::Design& d) const {
  const ActionBounds& b = bounds_;
  Eigen::VectorXd a = Eigen::VectorXd::Zero(kDims);
  const int rows = std::clamp(d.rows, 1, b.max_side), cols = std::clamp(d.cols, 1, b.max_side);
  a[kRows] = to_action(log_int_unit(rows, 1, b.max_side));
  a[kCols] = to_action(log_int_unit(cols, 1, b.max_side));
  a[kClock] = b.fixed_clock_hz > 0 ? 0.0 : to_action(log_unit(d.clock_hz, b.clock_min_hz, b.clock_max_hz));

  // Classes: keep the design's order when it fits the action (<= 3 classes, classes 1 and 2 at
  // most half the mesh each); otherwise the most used class becomes class 0.
  const int n_classes = std::max(1, static_cast<int>(d.tile_classes.size()));
  std::vector<int> count(static_cast<std::size_t>(n_classes), 0);
  for (int r = 0; r < d.rows; ++r)
    for (int c = 0; c < d.cols; ++c) {
      const int k = d.class_map.empty() ? 0 : d.class_of(r, c);
      if (k >= 0 && k < n_classes) count[static_cast<std::size_t>(k)] += 1;
    }
  const int tiles_in = std::max(1, d.rows * d.cols);
  std::vector<int> order(static_cast<std::size_t>(n_classes));
  std::iota(order.begin(), order.end(), 0);
  bool keep = n_classes <= kClasses;
  for (int k = 1; k < n_classes && keep; ++k) keep = count[static_cast<std::size_t>(k)] * 2 <= tiles_in;
  if (!keep)
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return count[static_cast<std::size_t>(x)] > count[static_cast<std::size_t>(y)]; });
  std::vector<int> slot_of(static_cast<std::size_t>(n_classes), 0);  // design class -> action class
  for (int i = 0; i < n_classes; ++i) slot_of[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = i < kClasses ? i : 0;
  std::array<int, 3> counts{};
  for (int k = 0; k < n_classes; ++k) counts[static_cast<std::size_t>(slot_of[static_cast<std::size_t>(k)])] += count[static_cast<std::size_t>(k)];
  for (int c = 0; c < kClasses; ++c) {
    const int src = c < n_classes ? order[static_cast<std::size_t>(c)] : order[0];
    const arch::TileClass t = d.tile_classes.empty() ? arch::TileClass{} : d.tile_classes[static_cast<std::size_t>(src)];
    encode_class(t, c, b, a);
  }
  const double share1 = static_cast<double>(counts[1]) / tiles_in, share2 = static_cast<double>(counts[2]) / tiles_in;
  a[kShare1] = to_action(share_unit(share1));
  a[kShare2] = to_action(share_unit(share2));
  // Layout: the pattern whose map agrees best with the design's (remapped) map.
  std::vector<std::uint8_t> target(static_cast<std::size_t>(d.rows * d.cols), 0);
  for (int t = 0; t < d.rows * d.cols; ++t) {
    const int k = d.class_map.empty() ? 0 : d.class_map[static_cast<std::size_t>(t)];
    target[static_cast<std::size_t>(t)] = static_cast<std::uint8_t>(k < n_classes ? slot_of[static_cast<std::size_t>(k)] : 0);
  }
  int best_pattern = 0;
  if (rows == d.rows && cols == d.cols && counts[1] + counts[2] > 0) {
    // The decoder rounds share x tiles; recover the counts it will use.
    std::array<int, 3> dc{};
    dc[1] = static_cast<int>(std::lround(share_of(share_unit(share1)) * tiles_in));
    dc[2] = std::min(tiles_in - dc[1], static_cast<int>(std::lround(share_of(share_unit(share2)) * tiles_in)));
    dc[0] = tiles_in - dc[1] - dc[2];
    // Patterns that keep the class counts first (stripes round them to whole rows / columns),
    // then the most tiles in agreement.
    long best_agree = -1;
    for (int p = 0; p < kLayoutPatterns; ++p) {
      const auto m = layout(static_cast<LayoutPattern>(p), rows, cols, dc);
      std::array<int, 3> got{};
      long agree = 0;
      for (std::size_t i = 0; i < m.size(); ++i) {
        agree += m[i] == target[i];
        got[m[i]] += 1;
      }
      if (got == counts) agree += static_cast<long>(m.size()) + 1;
      if (agree > best_agree) {
        best_agree = agree;
        best_pattern = p;
      }
    }
  }
  a[kPattern] = to_action(level_unit(best_pattern, kLayoutPatterns));

  a[kLinkBits] = to_action(level_unit(log2_int(std::max(32, d.noc.link_bits) / 32), 7));
  a[kVirtualChannels] = to_action(level_unit(std::clamp(d.noc.virtual_channels, 1, 8) - 1, 8));
  a[kBufferDepth] = to_action(level_unit(log2_int(std::max(1, d.noc.buffer_depth_flits)), 6));
  a[kRouting] = to_action(level_unit(static_cast<int>(d.noc.routing), 3));
  auto hint = [&](int v, int hi) {
    return v <= 0 ? kOffZone / 2 : kOffZone + (1 - kOffZone) * log_int_unit(v, 1, hi);
  };
  a[kPipelineStages] = to_action(hint(d.mapping.pipeline_stages, b.max_stages));
  a[kTensorParallel] = to_action(hint(d.mapping.tensor_parallel, rows * cols));
  a[kPlacementOrder] = to_action(level_unit(static_cast<int>(d.mapping.placement_order), 3));
  a[kKvPlacement] = to_action(level_unit(static_cast<int>(d.mapping.kv_placement), 3));
  const int kinds = static_cast<int>(b.dram_kinds.size());
  int kind = 0;
  for (int k = 0; k < kinds; ++k)
    if (b.dram_kinds[static_cast<std::size_t>(k)] == d.dram.kind) kind = k;
  a[kDramKind] = to_action(level_unit(kind, kinds));
  a[kDramChannels] = to_action(level_unit(std::clamp(d.dram.channels, 1, b.max_dram_channels) - 1, b.max_dram_channels));
  a[kFlavor] = to_action(d.flavor == tech::Flavor::high_performance ? 0.25 : 0.75);
  a[kPowerGating] = to_action(d.power_gate_idle_tiles ? 0.75 : 0.25);
  return a;
}

}  // namespace meshforge::search
