#include "cli/peers.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <type_traits>

#include "search/checkpoint_file.h"

namespace meshforge::cli {
namespace {

constexpr int kDesignsTag = 111;  // root to a peer: 'D' + designs, or 'S' (stop serving)
constexpr int kReportsTag = 112;  // a peer to root: 'R' + reports, or 'E' + the failure's message

// ---- The wire form: one list of fields per struct, read by the encoder and the decoder alike.

// A field added to one of these structs must be added to its fields() below; the sizes catch a
// forgotten one (libstdc++ on 64-bit, the only library meshforge builds with) unless it fits in
// padding, as TileClass::harvested did: check by hand when adding a small field.
static_assert(sizeof(ppa::StageReport) == 56, "a StageReport field was added: add it to fields() below");
static_assert(sizeof(ppa::PhaseReport) == 200, "a PhaseReport field was added: add it to fields() below");
static_assert(sizeof(ppa::Budgets) == 64, "a Budgets field was added: add it to fields() below");
static_assert(sizeof(ppa::Report) == 872, "a Report field was added: add it to fields() below");
static_assert(sizeof(arch::TileClass) == 88, "a TileClass field was added: add it to fields() below");
static_assert(sizeof(arch::Design) == 304, "a Design field was added: add it to fields() below");

template <typename S, typename T>
concept Of = std::is_same_v<std::remove_const_t<S>, T>;

template <typename S, typename F>
  requires Of<S, ppa::StageReport>
void fields(S& s, F& f) {
  f(s.first_op), f(s.end_op), f(s.first_slot), f(s.tiles), f(s.time_s), f(s.bottleneck), f(s.duty), f(s.mac_activity),
      f(s.power_w);
}

template <typename S, typename F>
  requires Of<S, ppa::PhaseReport>
void fields(S& p, F& f) {
  f(p.evaluated), f(p.runs), f(p.unhoused_bytes), f(p.activation_peak_bytes), f(p.activation_spill_bytes),
      f(p.tokens_per_second), f(p.ms_per_token), f(p.step_latency_s), f(p.energy_per_token_j), f(p.power_w),
      f(p.utilisation), f(p.roofline_tokens_per_second), f(p.roofline_share), f(p.pipeline_stages), f(p.microbatches);
  for (auto& share : p.bottleneck_share) f(share);
  f(p.bottleneck), f(p.load_balance), f(p.bubble_share), f(p.stages);
}

template <typename S, typename F>
  requires Of<S, ppa::Budgets>
void fields(S& b, F& f) {
  f(b.power_budget_w), f(b.area_budget_mm2), f(b.tokens_per_second_ceiling), f(b.fixed_clock_hz),
      f(b.min_tokens_per_second), f(b.max_time_to_first_token_s), f(b.power_reference_w), f(b.junction_temperature_c);
}

template <typename S, typename F>
  requires Of<S, ppa::Report>
void fields(S& r, F& f) {
  f(r.feasible), f(r.violations), f(r.prefill), f(r.decode);
  for (const auto& part : ppa::kPowerParts) f(r.power.*part.member);
  for (const auto& part : ppa::kAreaParts) f(r.area.*part.member);
  f(r.power_w), f(r.board_power_w), f(r.idle_power_w), f(r.area_mm2), f(r.die_area_estimate_mm2), f(r.energy_per_token_j), f(r.clock_hz), f(r.requested_clock_hz),
      f(r.supply_v), f(r.dram_capacity_bytes), f(r.dram_channels_max), f(r.interposer_mm2), f(r.time_to_first_token_s),
      f(r.peak_flops_per_s), f(r.weight_bytes_on_chip), f(r.weight_bytes_in_dram), f(r.kv_bytes_on_chip),
      f(r.kv_bytes_in_dram), f(r.ppa_score), f(r.scored_phase), f(r.unit), f(r.budgets), f(r.tile_order);
}

template <typename S, typename F>
  requires Of<S, arch::TileClass>
void fields(S& t, F& f) {
  f(t.name), f(t.fetch_width), f(t.vlen_bits), f(t.mac_rows), f(t.imem_bytes), f(t.wmem_bytes), f(t.amem_bytes),
      f(t.weight_storage), f(t.mac_array), f(t.mac_formats), f(t.harvested);
}

template <typename S, typename F>
  requires Of<S, arch::Block>
void fields(S& b, F& f) {
  f(b.kind), f(b.count);
}

template <typename S, typename F>
  requires Of<S, arch::Design>
void fields(S& d, F& f) {
  f(d.name), f(d.rows), f(d.cols), f(d.tile_classes), f(d.class_map), f(d.noc.link_bits), f(d.noc.virtual_channels),
      f(d.noc.buffer_depth_flits), f(d.noc.routing), f(d.dram.kind), f(d.dram.channels), f(d.soc.host),
      f(d.soc.chip_links), f(d.soc.cpu), f(d.clock_hz), f(d.supply_v), f(d.flavor), f(d.power_gate_idle_tiles),
      f(d.mapping.pipeline_stages), f(d.mapping.tensor_parallel), f(d.mapping.kv_placement), f(d.mapping.placement_order);
}

template <typename T>
struct is_vector : std::false_type {};
template <typename T>
struct is_vector<std::vector<T>> : std::true_type {};

// Lists of numbers (a class map, a tile order: one entry per tile) go as their bytes, not 8 each.
template <typename T>
concept packed = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

struct Encoder {
  search::checkpoint::Writer w;
  template <typename T>
  void operator()(const T& v) {
    if constexpr (std::is_same_v<T, double>) {
      w.f64(v);
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
      w.i64(static_cast<std::int64_t>(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
      w.str(v);
    } else if constexpr (is_vector<T>::value) {
      w.u64(v.size());
      if constexpr (packed<typename T::value_type>)
        w.raw(v.data(), v.size() * sizeof(typename T::value_type));
      else
        for (const auto& x : v) (*this)(x);
    } else {
      fields(v, *this);
    }
  }
};

struct Decoder {
  search::checkpoint::Reader r;
  template <typename T>
  void operator()(T& v) {
    if constexpr (std::is_same_v<T, double>) {
      v = r.f64();
    } else if constexpr (std::is_same_v<T, bool>) {
      v = r.i64() != 0;
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
      v = static_cast<T>(r.i64());
    } else if constexpr (std::is_same_v<T, std::string>) {
      v = r.str();
    } else if constexpr (is_vector<T>::value) {
      const std::uint64_t n = r.u64();
      if (n > r.data.size() - r.pos) throw std::runtime_error("MPI: a malformed evaluation message (a list of " + std::to_string(n) + ")");
      v.resize(static_cast<std::size_t>(n));
      if constexpr (packed<typename T::value_type>)
        r.raw(v.data(), v.size() * sizeof(typename T::value_type));
      else
        for (auto& x : v) (*this)(x);
    } else {
      fields(v, *this);
    }
  }
};

template <typename T>
std::vector<T> decode_all(std::string_view bytes, const char* what) {
  Decoder d{{bytes, 0, what}};
  std::vector<T> out;
  try {
    d(out);
    if (d.r.pos != bytes.size()) throw std::runtime_error("trailing bytes");
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("MPI: a malformed evaluation message (") + what + "): " + e.what());
  }
  return out;
}

// Polls for the next message under tag, sleeping between looks so a waiting rank leaves its core
// to the ones working; the pauses stay short because a batch waits on every rank.
void wait_for(dist::World& world, int tag, int& from, std::string& text, std::chrono::microseconds longest) {
  for (auto pause = std::chrono::microseconds(5); !world.receive(tag, from, text); pause = std::min(pause * 2, longest))
    std::this_thread::sleep_for(pause);
}

// kind + body (appended, not `"D" + body`: GCC 12 warns falsely on that string operator+).
std::string tagged(char kind, const std::string& body) {
  std::string message(1, kind);
  message.append(body);
  return message;
}

}  // namespace

std::string encode_designs(const std::vector<const arch::Design*>& designs) {
  Encoder e;
  e.w.u64(designs.size());
  for (const auto* d : designs) e(*d);
  return std::move(e.w.buf);
}

std::vector<arch::Design> decode_designs(std::string_view bytes) { return decode_all<arch::Design>(bytes, "designs"); }

std::string encode_reports(const std::vector<ppa::Report>& reports) {
  Encoder e;
  e(reports);
  return std::move(e.w.buf);
}

std::vector<ppa::Report> decode_reports(std::string_view bytes) { return decode_all<ppa::Report>(bytes, "reports"); }

RankPeers::~RankPeers() {
  try {
    stop();
  } catch (...) {
    // MPI failing while the run unwinds: the launch ends with root's own error.
  }
}

void RankPeers::post(int peer, const std::vector<const arch::Design*>& designs) {
  if (peer < 0 || peer >= count()) throw std::runtime_error("MPI: no evaluation peer " + std::to_string(peer));
  world_.send(peer + 1, kDesignsTag, tagged('D', encode_designs(designs)));
  posted_.push_back(peer);
  designs_sent_ += static_cast<std::int64_t>(designs.size());
}

void RankPeers::collect(std::vector<std::vector<ppa::Report>>& reports) {
  reports.resize(static_cast<std::size_t>(count()));
  std::string failure;
  for (std::size_t answered = 0; answered < posted_.size(); ++answered) {
    int from = 0;
    std::string text;
    wait_for(world_, kReportsTag, from, text, std::chrono::microseconds(50));
    const std::string_view body = std::string_view(text).substr(1);
    if (!text.empty() && text[0] == 'R') {
      reports.at(static_cast<std::size_t>(from - 1)) = decode_reports(body);
    } else if (failure.empty()) {
      failure = "rank " + std::to_string(from) + ": " + std::string(body);
    }
  }
  posted_.clear();
  if (!failure.empty()) throw std::runtime_error(failure);
}

void RankPeers::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (int rank = 1; rank < world_.size(); ++rank) world_.send(rank, kDesignsTag, "S");
}

void serve_evaluations(dist::World& world, const search::Environment& env, int threads) {
  search::BatchEvaluator batch(env, std::max(1, threads));
  std::vector<ppa::Report> reports;
  for (;;) {
    int from = 0;
    std::string text;
    wait_for(world, kDesignsTag, from, text, std::chrono::microseconds(50));
    if (text == "S") return;
    try {
      if (text.empty() || text[0] != 'D') throw std::runtime_error("MPI: an unknown evaluation message");
      const auto designs = decode_designs(std::string_view(text).substr(1));
      std::vector<const arch::Design*> pointers;
      for (const auto& d : designs) pointers.push_back(&d);
      batch.evaluate(pointers, reports);
      world.send(from, kReportsTag, tagged('R', encode_reports(reports)));
    } catch (const std::exception& e) {
      world.send(from, kReportsTag, tagged('E', e.what()));
    }
  }
}

}  // namespace meshforge::cli
