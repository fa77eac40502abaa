// Tile programs derived from the mapping (docs/rtl.md, "Tile programs from the mapping"): for a
// chain of batch-1 int8 GEMMs (an ONNX MLP, Relu between layers allowed), each GEMM is cut over
// its stage's tiles as the evaluator prices it (output columns first, then the reduction dimension
// K with partial sums reduced), and every tile gets straight-line RV32I code for its slices:
// receive inputs in whatever order they arrive, MAC them against its W slices, reduce, requantise
// and send. sim/ holds a testbench that preloads pseudo-random weights and input, runs one
// inference and compares every output with the C++ reference computed here.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "rtl/assembler.h"
#include "rtl/collateral.h"

namespace meshforge::rtl {
namespace {

using namespace assembler;

constexpr auto kInt8 = tech::MacFormat::int8;

std::int64_t round_up(std::int64_t v, std::int64_t to) { return (v + to - 1) / to * to; }

// One GEMM of the chain and how it is cut.
struct Layer {
  int op = 0;                  // graph op index
  std::int64_t k = 0, n = 0;
  bool relu = false;           // a Relu consumes it (fused into the requantisation)
  int shift = 0;               // requantisation: arithmetic right shift before saturating to int8
  int n_split = 1, k_split = 1;
  std::vector<int> tiles;      // t = ni + n_split * ki -> tile index (row * cols + col)
  std::int64_t n0(int j) const { return j * n / n_split; }
  std::int64_t k0(int i) const { return i * k / k_split; }
};

// A run of K rows of one tile's W slice whose x comes from one place.
struct Block {
  int source = -1;             // tile whose y8 slice holds these x elements; -1 = the preloaded input
  std::int64_t src_first = 0;  // the first x element that source holds
  std::int64_t a = 0, b = 0;   // K rows [a, b)
  std::int64_t wmem_word = 0;  // first WMEM word: per column chunk, ROWS rows per word (zero past b)
  int packet = -1;             // index in the tile's expected packets; -1 = local (no packet)
};

// One tile's part of one layer.
struct Job {
  int layer = 0;
  int ni = 0, ki = 0;
  std::int64_t n0 = 0, n1 = 0, k0 = 0, k1 = 0;
  std::int64_t passes = 1;     // column chunks of the tile's lanes (more columns than lanes)
  std::vector<Block> blocks;
  std::vector<int> partials;   // expected packets of the partial sums this tile adds to its own
  int reducer = -1;            // the tile that ends the column slice's reduction (ki == 0)
  int parent = -1;             // where this tile's sum goes: its parent in the reduction tree
  std::int64_t sums = 0;       // AMEM byte address of the int32 partial (the root: the sum)
  std::vector<int> consumers;  // reducer, not last layer: tiles its y8 slice goes to (not itself)
  std::int64_t y8 = 0;         // reducer, not last layer: AMEM byte address of the int8 slice
  std::int64_t x0 = 0;         // first layer: AMEM byte address of the preloaded x[k0, k1)
};

struct Packet {
  int source = 0;
  std::int64_t bytes = 0;      // body: whole flits (its slot is the next free one when it arrives)
};

struct TilePlan {
  std::vector<Job> jobs;
  std::vector<Packet> expected;  // by source, then in the source's sending order
  std::vector<int> sources;      // distinct sources in `expected` order
  std::vector<int> source_base;  // first expected packet of each source
  std::int64_t table = 0, seqs = 0, slots = 0, slot_bytes = 0, amem_end = 0;
  std::int64_t wmem_words = 0;
  int lanes = 0, rows = 1;
};

struct Mapped {
  std::vector<Layer> layers;
  std::vector<TilePlan> tiles;
};

const arch::TileClass& class_of_tile(const arch::Design& d, std::int64_t t) {
  return d.tile_classes[static_cast<std::size_t>(d.class_of(static_cast<int>(t / d.cols), static_cast<int>(t % d.cols)))];
}

std::string op_label(const workload::Op& op) { return "op '" + op.name + "'"; }

// The chain of GEMMs, or why the graph is not one.
std::vector<Layer> gemm_chain(const workload::Graph& g, std::vector<std::string>& problems) {
  std::vector<Layer> layers;
  int last = -1;  // the op whose output feeds the next GEMM
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto& op = g.ops[i];
    const auto at = fmt::format("ops[{}]", i);
    if (op.kind == workload::OpKind::matmul) {
      if (op.gemm.count != 1 || op.gemm.m != 1) {
        problems.push_back(fmt::format("{}: {} is {} x {} x {} ({} times); the generated programs run one input vector "
                                       "(batch 1)", at, op_label(op), op.gemm.m, op.gemm.k, op.gemm.n, op.gemm.count));
        continue;
      }
      if (op.weight_bytes <= 0) {
        problems.push_back(fmt::format("{}: {} multiplies two activations; the programs need one operand to be weights", at, op_label(op)));
        continue;
      }
      const bool chained = last < 0 ? op.producers.empty() : op.producers == std::vector<int>{last};
      if (!chained) problems.push_back(fmt::format("{}: {} does not read the previous layer's output alone", at, op_label(op)));
      if (!layers.empty() && layers.back().n != op.gemm.k)
        problems.push_back(fmt::format("{}: {} has K {} but the previous layer gives {}", at, op_label(op), op.gemm.k, layers.back().n));
      Layer l;
      l.op = static_cast<int>(i);
      l.k = op.gemm.k;
      l.n = op.gemm.n;
      // About 7 bits of the int32 sum's spread are int8's, plus half of log2 K for random signs.
      int log2k = 0;
      while ((std::int64_t{1} << log2k) < l.k) ++log2k;
      l.shift = 7 + (log2k + 1) / 2;
      layers.push_back(l);
      last = static_cast<int>(i);
    } else if (op.op_type == "Relu" && !layers.empty() && last == layers.back().op && op.producers == std::vector<int>{last}) {
      layers.back().relu = true;
      last = static_cast<int>(i);
    } else {
      problems.push_back(fmt::format("{}: {} ({}{}) is not in what the programs run: a chain of MatMul layers, each "
                                     "optionally followed by Relu", at, op_label(op), workload::to_string(op.kind),
                                     op.op_type.empty() ? "" : ", " + op.op_type));
    }
  }
  if (layers.empty() && problems.empty()) problems.push_back("ops: the model has no MatMul layer");
  return layers;
}

// Cuts each layer over its stage's tiles with the evaluator's cut (mapping::gemm_split). Consecutive ops of a stage take its
// tile groups in turn (the evaluator's list schedule does so for a chain).
Mapped map_layers(const arch::Design& d, const ModelRun& m, std::vector<std::string>& problems) {
  Mapped out;
  out.layers = gemm_chain(*m.graph, problems);
  if (!problems.empty()) return out;
  const auto& plan = *m.plan;
  out.tiles.resize(static_cast<std::size_t>(d.tiles()));
  for (int t = 0; t < d.tiles(); ++t) {
    const auto& cls = class_of_tile(d, t);
    out.tiles[static_cast<std::size_t>(t)].lanes = cls.vlen_bits / 8;
    out.tiles[static_cast<std::size_t>(t)].rows = cls.mac_rows;
  }
  for (std::size_t li = 0; li < out.layers.size(); ++li) {
    auto& l = out.layers[li];
    const auto& st = plan.stages[static_cast<std::size_t>(plan.op_stage[static_cast<std::size_t>(l.op)])];
    const int group = (l.op - st.first_op) % std::max(1, st.groups);
    const int g = st.group_tiles;
    double lanes_avg = 0;
    for (std::size_t c = 0; c < d.tile_classes.size(); ++c)
      lanes_avg += st.class_counts[c] * (d.tile_classes[c].vlen_bits / 8.0) / st.tiles;
    const auto split = mapping::gemm_split(static_cast<double>(l.n), lanes_avg, g, static_cast<double>(l.k));
    l.n_split = static_cast<int>(split.n_split);
    l.k_split = static_cast<int>(split.k_split);
    for (int t = 0; t < l.n_split * l.k_split; ++t)
      l.tiles.push_back(plan.tile_order[static_cast<std::size_t>(st.first_slot + group * g + t)]);
    for (int t = 0; t < l.n_split * l.k_split; ++t) {
      const int tile = l.tiles[static_cast<std::size_t>(t)];
      auto& tp = out.tiles[static_cast<std::size_t>(tile)];
      const auto& cls = class_of_tile(d, tile);
      Job j;
      j.layer = static_cast<int>(li);
      j.ni = t % l.n_split;
      j.ki = t / l.n_split;
      j.n0 = l.n0(j.ni);
      j.n1 = l.n0(j.ni + 1);
      j.k0 = l.k0(j.ki);
      j.k1 = l.k0(j.ki + 1);
      j.reducer = l.tiles[static_cast<std::size_t>(j.ni)];
      // Partial sums meet in a binary tree over the K slices (log2 k_split rounds, as parallel as
      // the evaluator's ring): slice ki adds those of ki + 1, ki + 2, ki + 4, ... below its lowest
      // set bit, then sends the sum to ki - lowbit(ki).
      if (j.ki > 0) j.parent = l.tiles[static_cast<std::size_t>(j.ni + l.n_split * (j.ki - (j.ki & -j.ki)))];
      const auto at = fmt::format("tile ({}, {}) of class \"{}\"", tile % d.cols, tile / d.cols, cls.name);
      if (!(cls.mac_formats & arch::mac_format_bit(kInt8)))
        problems.push_back(fmt::format("tile_classes: {} runs {} but declares no int8 MAC lanes", at, op_label(m.graph->ops[static_cast<std::size_t>(l.op)])));
      j.passes = (j.n1 - j.n0 + tp.lanes - 1) / tp.lanes;
      tp.jobs.push_back(std::move(j));
    }
  }
  return out;
}

// Where each tile's x comes from, who sends what to whom, and each tile's AMEM and WMEM layout.
void connect_and_lay_out(const arch::Design& d, Mapped& mp, std::vector<std::string>& problems) {
  const auto& layers = mp.layers;
  const std::int64_t link_bytes = d.noc.link_bits / 8;
  auto job_of = [&](int tile, int layer) -> Job& {
    for (auto& j : mp.tiles[static_cast<std::size_t>(tile)].jobs)
      if (j.layer == layer) return j;
    throw std::logic_error("no job");
  };
  // Packets in each sender's program order, appended to the receiver's list for that sender.
  std::vector<std::map<int, std::vector<std::pair<int, std::int64_t>>>> incoming(mp.tiles.size());  // per receiver: source -> (tag, bytes)
  // Tags say what a packet is, so the receiver's blocks can name it: layer * 2 + (0 y8, 1 partial).
  for (std::size_t li = 0; li < layers.size(); ++li) {
    const auto& l = layers[li];
    for (int t = 0; t < l.n_split * l.k_split; ++t) {
      const int tile = l.tiles[static_cast<std::size_t>(t)];
      Job& j = job_of(tile, static_cast<int>(li));
      // x blocks
      if (li == 0) {
        j.blocks.push_back({-1, j.k0, j.k0, j.k1, 0, -1});
      } else {
        const auto& p = layers[li - 1];
        for (int c = 0; c < p.n_split; ++c) {
          const std::int64_t a = std::max(j.k0, p.n0(c)), b = std::min(j.k1, p.n0(c + 1));
          if (a >= b) continue;
          j.blocks.push_back({p.tiles[static_cast<std::size_t>(c)], p.n0(c), a, b, 0, -1});
        }
      }
    }
  }
  // Sends, in each sender's program order: per layer, its partial sums to its parent in the
  // reduction tree, or (the root of a layer that is not the last) its y8 slice to every consumer.
  for (std::size_t s = 0; s < mp.tiles.size(); ++s) {
    for (auto& j : mp.tiles[s].jobs) {
      const std::int64_t cols = j.n1 - j.n0;
      if (j.reducer != static_cast<int>(s)) {
        incoming[static_cast<std::size_t>(j.parent)][static_cast<int>(s)].push_back({j.layer * 2 + 1, round_up(cols * 4, link_bytes)});
      } else if (static_cast<std::size_t>(j.layer) + 1 < layers.size()) {
        const auto& next = layers[static_cast<std::size_t>(j.layer) + 1];
        for (int t = 0; t < next.n_split * next.k_split; ++t) {
          const int c = next.tiles[static_cast<std::size_t>(t)];
          if (c == static_cast<int>(s)) continue;
          const Job& cj = job_of(c, j.layer + 1);
          if (std::max(cj.k0, j.n0) >= std::min(cj.k1, j.n1)) continue;
          j.consumers.push_back(c);
          incoming[static_cast<std::size_t>(c)][static_cast<int>(s)].push_back({j.layer * 2, round_up(cols, link_bytes)});
        }
      }
    }
  }
  for (std::size_t r = 0; r < mp.tiles.size(); ++r) {
    auto& tp = mp.tiles[r];
    // Expected packets: by source, in its order; name them in the blocks and partial lists.
    for (const auto& [src, list] : incoming[r]) {
      tp.sources.push_back(src);
      tp.source_base.push_back(static_cast<int>(tp.expected.size()));
      for (const auto& [tag, bytes] : list) {
        const int id = static_cast<int>(tp.expected.size());
        tp.expected.push_back({src, bytes});
        Job& j = job_of(static_cast<int>(r), tag / 2 + (tag % 2 == 0 ? 1 : 0));
        if (tag % 2 == 1) {
          j.partials.push_back(id);
        } else {
          for (auto& b : j.blocks)
            if (b.source == src) b.packet = id;
        }
      }
    }
    // AMEM: table of received packets' slots, per-source counters, then per job: x (first
    // layer), the sums, the y8 slice; then one slot per expected packet. Every x region has
    // ROWS bytes of slack: a block's last MAC step gathers up to ROWS - 1 elements past its end,
    // multiplied by W rows that are zero.
    const auto& cls = class_of_tile(d, static_cast<std::int64_t>(r));
    // Regions are whole AMEM words and whole flits: a send reads flits, a recv writes them.
    const std::int64_t vb = std::max<std::int64_t>(cls.vlen_bits / 8, link_bytes);
    const std::int64_t slack = round_up(cls.mac_rows, vb);
    std::int64_t at = 0;
    tp.table = at;
    at += 4 * static_cast<std::int64_t>(tp.expected.size());
    tp.seqs = at;
    at = round_up(at + 4 * static_cast<std::int64_t>(tp.sources.size()), vb);
    std::int64_t words = 0;
    for (auto& j : tp.jobs) {
      if (j.layer == 0) {
        j.x0 = at;
        at += round_up(j.k1 - j.k0, vb) + slack;
      }
      j.sums = at;
      at += round_up(j.passes * tp.lanes * 4, vb);
      if (j.reducer == static_cast<int>(r) && static_cast<std::size_t>(j.layer) + 1 < layers.size()) {
        j.y8 = at;
        at += round_up(j.n1 - j.n0, vb) + slack;
      }
      for (auto& b : j.blocks) {
        b.wmem_word = words;
        words += (b.b - b.a + cls.mac_rows - 1) / cls.mac_rows * j.passes;
      }
    }
    std::int64_t biggest = 0;
    for (const auto& p : tp.expected) biggest = std::max(biggest, p.bytes);
    // A slot: the receive engine's header word, then the body (docs/rtl.md, rxring).
    tp.slot_bytes = cls.vlen_bits / 8 + round_up(biggest, vb) + slack;
    tp.slots = at = round_up(at, vb);
    at += tp.slot_bytes * static_cast<std::int64_t>(tp.expected.size());
    tp.amem_end = at;
    tp.wmem_words = words;
    const auto where = fmt::format("tile ({}, {}) of class \"{}\"", r % static_cast<std::size_t>(d.cols), r / static_cast<std::size_t>(d.cols), cls.name);
    const std::int64_t wmem_capacity = cls.wmem_bytes * 8 / (static_cast<std::int64_t>(cls.mac_rows) * cls.vlen_bits);
    if (words > wmem_capacity)
      problems.push_back(fmt::format("tile_classes: {} needs {} WMEM words for its weight slices, has {} (the generated programs keep "
                                     "every weight on chip)", where, words, wmem_capacity));
    if (cls.weight_storage == arch::WeightStorage::rom && words > 0)
      problems.push_back(fmt::format("tile_classes: {} keeps weights in ROM; the mapped programs' testbench loads SRAM WMEM "
                                     "(ROM images per tile are not generated yet)", where));
    if (at > cls.amem_bytes)
      problems.push_back(fmt::format("tile_classes: {} needs {} bytes of AMEM for its inputs, sums and receive slots, has {}", where,
                                     at, cls.amem_bytes));
  }
}

struct Emitter {
  const arch::Design& d;
  const Mapped& mp;
  int tile;
  Assembler as;
  int label_count = 0;
  std::string fresh(const std::string& stem) { return fmt::format("{}_{}", stem, label_count++); }

  std::int64_t code(int t) const { return static_cast<std::int64_t>(t / d.cols) << 8 | (t % d.cols); }

  // a2 = the AMEM address of expected packet id, receiving packets until it is there.
  void ensure(int id) {
    const auto& tp = mp.tiles[static_cast<std::size_t>(tile)];
    const std::string wait = fresh("wait"), have = fresh("have");
    as.define(wait);
    as.li(t4, tp.table + 4 * id);
    as.lw(a2, t4, 0);
    as.bne(a2, zero, have);
    as.call("recv_one");
    as.j(wait);
    as.define(have);
  }

  // The block's MAC steps as vmac streams (up to 4096 steps each: rs1 = {steps - 1, WMEM word}).
  void mac_block(const Block& b, std::int64_t chunk, Reg x_base, const TilePlan& tp, bool from_zero) {
    const std::int64_t steps = (b.b - b.a + tp.rows - 1) / tp.rows;
    constexpr std::int64_t kMaxStream = 4096;
    as.li(t3, b.a - b.src_first);
    as.add(t6, x_base, t3);
    for (std::int64_t done = 0; done < steps; done += kMaxStream) {
      const std::int64_t n = std::min(kMaxStream, steps - done);
      as.li(t5, (n - 1) << 20 | (b.wmem_word + chunk * steps + done));
      if (done > 0) {
        as.li(t3, kMaxStream * tp.rows);
        as.add(t6, t6, t3);
      }
      const bool z = from_zero && done == 0;
      as.r(kCustom0, z ? 1 : 0, static_cast<std::uint32_t>(kInt8), zero, t5, t6,
           fmt::format("{}.int8 t5, t6      # {} steps", z ? "vmacz" : "vmac", n));
    }
  }

  void send(std::int64_t addr, int dst, std::int64_t flits) {
    as.li(a0, addr);
    as.li(t3, (static_cast<std::int64_t>(dst / d.cols) << 24) | (static_cast<std::int64_t>(dst % d.cols) << 16) | flits);
    as.r(kCustom1, 0, 0, zero, a0, t3, fmt::format("send a0, t3           # to ({}, {})", dst % d.cols, dst / d.cols));
  }

  Program build() {
    const auto& tp = mp.tiles[static_cast<std::size_t>(tile)];
    const std::int64_t link_bytes = d.noc.link_bits / 8;
    as.label(fmt::format("# tile ({}, {}): {} layer slice(s), {} packets to receive", tile % d.cols, tile / d.cols, tp.jobs.size(),
                         tp.expected.size()));
    if (tp.jobs.empty()) {
      as.ebreak();
      return as.finish();
    }
    // Clear the slot table and the per-source counters (memory holds anything at power-up).
    as.li(s4, tp.table);
    as.li(s5, tp.seqs);
    as.li(s3, tp.slots);
    as.li(t0, tp.table);
    as.li(t1, tp.seqs + 4 * static_cast<std::int64_t>(tp.sources.size()));
    as.beq(t0, t1, "cleared");
    as.define("clear");
    as.sw(zero, t0, 0);
    as.addi(t0, t0, 4);
    as.bne(t0, t1, "clear");
    as.define("cleared");
    // Every slot's header word to zero, then the receive engine on: from here packets land in the
    // slots by themselves, whatever this tile is doing (no exchange can deadlock on a blocked send).
    if (!tp.expected.empty()) {
      as.li(t1, tp.slots + tp.slot_bytes * static_cast<std::int64_t>(tp.expected.size()));
      as.li(t2, tp.slot_bytes);
      as.addi(t0, s3, 0);
      as.define("unslot");
      as.sw(zero, t0, 0);
      as.add(t0, t0, t2);
      as.bne(t0, t1, "unslot");
      as.r(kCustom1, 3, 0, zero, s3, t2, "rxring s3, t2");
    }
    for (const auto& j : tp.jobs) {
      const auto& l = mp.layers[static_cast<std::size_t>(j.layer)];
      const std::int64_t cols = j.n1 - j.n0;
      as.label(fmt::format("# layer {} (op {}): columns [{}, {}), K rows [{}, {})", j.layer, l.op, j.n0, j.n1, j.k0, j.k1));
      // One chunk of the tile's lanes at a time; a packet's slot keeps it for every chunk.
      for (std::int64_t c = 0; c < j.passes; ++c) {
        bool first = true;  // the chunk's first stream starts from zero (vmacz), the others accumulate
        for (const auto& b : j.blocks) {
          if (b.source < 0) {
            as.li(a2, j.x0);
          } else if (b.packet < 0) {  // this tile's own y8 slice of the previous layer
            for (const auto& pj : tp.jobs)
              if (pj.layer == j.layer - 1) as.li(a2, pj.y8);
          } else {
            ensure(b.packet);
          }
          mac_block(b, c, a2, tp, first);
          first = false;
        }
        as.li(a0, j.sums + c * tp.lanes * 4);
        as.r(kCustom0, 3, 0, zero, a0, zero, "vst a0");
      }
      for (int id : j.partials) {  // sums += each other K slice's partial, in whatever order they came
        ensure(id);
        const std::string loop = fresh("reduce");
        as.li(t4, j.sums);
        as.li(t2, cols);
        as.define(loop);
        as.lw(t0, a2, 0);
        as.lw(t1, t4, 0);
        as.add(t0, t0, t1);
        as.sw(t0, t4, 0);
        as.addi(a2, a2, 4);
        as.addi(t4, t4, 4);
        as.addi(t2, t2, -1);
        as.bne(t2, zero, loop);
      }
      if (j.reducer != tile) {
        send(j.sums, j.parent, round_up(cols * 4, link_bytes) / link_bytes);
        continue;
      }
      if (static_cast<std::size_t>(j.layer) + 1 == mp.layers.size()) continue;  // the result stays in sums
      // y8 = saturate(sums >> shift) to [-128, 127], or [0, 127] after a Relu.
      {
        const std::string loop = fresh("requant"), high = fresh("high"), low = fresh("low"), store = fresh("store");
        as.li(t4, j.sums);
        as.li(t3, j.y8);
        as.li(t2, cols);
        as.li(s6, 127);
        as.li(s7, l.relu ? 0 : -128);
        as.define(loop);
        as.lw(t0, t4, 0);
        as.srai(t0, t0, l.shift);
        as.blt(s6, t0, high);
        as.blt(t0, s7, low);
        as.j(store);
        as.define(high);
        as.addi(t0, s6, 0);
        as.j(store);
        as.define(low);
        as.addi(t0, s7, 0);
        as.define(store);
        as.sb(t0, t3, 0);
        as.addi(t4, t4, 4);
        as.addi(t3, t3, 1);
        as.addi(t2, t2, -1);
        as.bne(t2, zero, loop);
      }
      for (int c : j.consumers) send(j.y8, c, round_up(cols, link_bytes) / link_bytes);
    }
    as.ebreak();
    // recv_one: wait for the next slot's packet (the receive engine fills slots in arrival order),
    // find its id from its source and how many that source sent before, and record where its body
    // is in the table (ra: return).
    as.define("recv_one");
    as.lw(a1, s3, 0);              // the next slot's header: {src_y, src_x, flits}, 0 until it is there
    as.beq(a1, zero, "recv_one");
    as.srli(t0, a1, 16);
    for (std::size_t i = 0; i < tp.sources.size(); ++i) {
      as.li(t1, code(tp.sources[i]));
      as.beq(t0, t1, fmt::format("from_{}", i));
    }
    as.emit(0, "unexpected source: an illegal instruction faults the core");
    for (std::size_t i = 0; i < tp.sources.size(); ++i) {
      as.define(fmt::format("from_{}", i));
      as.li(t4, tp.seqs + 4 * static_cast<std::int64_t>(i));
      as.lw(t2, t4, 0);
      as.addi(t1, t2, 1);
      as.sw(t1, t4, 0);
      as.addi(t2, t2, tp.source_base[i]);
      as.j("record");
    }
    as.define("record");
    as.slli(t2, t2, 2);
    as.add(t2, t2, s4);
    as.addi(t1, s3, class_of_tile(d, tile).vlen_bits / 8);
    as.sw(t1, t2, 0);              // the body's address
    as.li(t1, tp.slot_bytes);
    as.add(s3, s3, t1);
    as.ret();
    return as.finish();
  }
};

std::string hex_bytes(const std::vector<std::uint8_t>& bytes) {  // most significant byte first
  std::string s;
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) s += fmt::format("{:02x}", *it);
  return s;
}

}  // namespace

std::string tile_program_file(int tile) { return fmt::format("programs/t{:05d}.hex", tile); }

std::vector<std::string> check_mappable(const arch::Design& design, const ModelRun& model) {
  std::vector<std::string> problems;
  if (model.graph == nullptr || model.plan == nullptr) return problems;
  for (const auto& v : model.plan->violations) problems.push_back("mapping: " + v);
  if (!problems.empty()) return problems;
  auto mp = map_layers(design, model, problems);
  if (problems.empty()) connect_and_lay_out(design, mp, problems);
  if (!problems.empty()) return problems;
  for (int t = 0; t < design.tiles(); ++t) {
    Emitter e{design, mp, t, {}};
    const auto words = static_cast<std::int64_t>(e.build().words.size());
    const auto& cls = class_of_tile(design, t);
    if (words * 4 > cls.imem_bytes)
      problems.push_back(fmt::format("tile_classes: tile ({}, {})'s program is {} bytes, its class \"{}\" has {} bytes of IMEM",
                                     t % design.cols, t / design.cols, words * 4, cls.name, cls.imem_bytes));
  }
  return problems;
}

void add_mapped_programs(const Inputs& in, std::vector<File>& files) {
  const arch::Design& d = in.design;
  std::vector<std::string> problems;
  Mapped mp = map_layers(d, in.model, problems);
  connect_and_lay_out(d, mp, problems);
  const std::string top = top_module_name(d);

  // Programs, one per tile.
  for (int t = 0; t < d.tiles(); ++t) {
    Emitter e{d, mp, t, {}};
    const Program p = e.build();
    std::string hex;
    for (auto w : p.words) hex += fmt::format("{:08x}\n", w);
    files.push_back({tile_program_file(t), hex});
    files.push_back({tile_program_file(t).substr(0, tile_program_file(t).size() - 4) + ".lst", p.listing});
  }

  // Data: int8 weights and input from the seed; the reference computed layer by layer exactly as
  // the programs do (int32 sums, arithmetic shift, saturation, Relu).
  std::mt19937_64 rng(in.model.seed);
  std::uniform_int_distribution<int> val(-128, 127);
  std::vector<std::vector<std::int8_t>> w(mp.layers.size());
  std::vector<std::int8_t> x(static_cast<std::size_t>(mp.layers.front().k));
  for (auto& v : x) v = static_cast<std::int8_t>(val(rng));
  for (std::size_t li = 0; li < mp.layers.size(); ++li) {
    w[li].resize(static_cast<std::size_t>(mp.layers[li].k * mp.layers[li].n));
    for (auto& v : w[li]) v = static_cast<std::int8_t>(val(rng));
  }
  std::vector<std::int8_t> act = x;
  std::vector<std::int32_t> y;
  for (std::size_t li = 0; li < mp.layers.size(); ++li) {
    const auto& l = mp.layers[li];
    y.assign(static_cast<std::size_t>(l.n), 0);
    for (std::int64_t k = 0; k < l.k; ++k)
      for (std::int64_t n = 0; n < l.n; ++n)
        y[static_cast<std::size_t>(n)] += act[static_cast<std::size_t>(k)] * w[li][static_cast<std::size_t>(k * l.n + n)];
    if (li + 1 == mp.layers.size()) break;
    act.assign(static_cast<std::size_t>(l.n), 0);
    for (std::int64_t n = 0; n < l.n; ++n)
      act[static_cast<std::size_t>(n)] = static_cast<std::int8_t>(std::clamp(y[static_cast<std::size_t>(n)] >> l.shift, l.relu ? 0 : -128, 127));
  }

  // Per tile: WMEM words of its blocks and the AMEM words of the preloaded input.
  std::string tb_load, tb_check;
  std::string map_csv = "layer,op,tile_x,tile_y,columns_first,columns_end,k_first,k_end,source,wmem_word,wmem_words,role\n";
  int outputs = 0;
  for (int t = 0; t < d.tiles(); ++t) {
    const auto& tp = mp.tiles[static_cast<std::size_t>(t)];
    if (tp.jobs.empty()) continue;
    const std::size_t c = static_cast<std::size_t>(d.class_of(t / d.cols, t % d.cols));
    const auto& cls = d.tile_classes[c];
    const std::int64_t vb = cls.vlen_bits / 8;
    const std::string path = fmt::format("dut.row[{}].col[{}].{}.tile", t / d.cols, t % d.cols, class_block_name(d, c));
    const std::int64_t amem_words = cls.amem_bytes / vb;
    tb_load += fmt::format("    for (i = 0; i < {}; i = i + 1) {}.amem.mem[i] = 0;\n", amem_words, path);
    std::string wmem;
    for (const auto& j : tp.jobs) {
      const auto& l = mp.layers[static_cast<std::size_t>(j.layer)];
      for (const auto& b : j.blocks) {
        const std::int64_t steps = (b.b - b.a + tp.rows - 1) / tp.rows;
        map_csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", j.layer, in.model.graph->ops[static_cast<std::size_t>(l.op)].name, t % d.cols, t / d.cols, j.n0, j.n1, b.a, b.b,
                               b.source < 0 ? std::string("input") : fmt::format("({} {})", b.source % d.cols, b.source / d.cols), b.wmem_word, steps * j.passes,
                               j.reducer == t ? "reducer" : "partial");
        for (std::int64_t chunk = 0; chunk < j.passes; ++chunk) {
          const std::int64_t first = j.n0 + chunk * tp.lanes, end = std::min(j.n1, first + tp.lanes);
          for (std::int64_t s = 0; s < steps; ++s) {
            std::vector<std::uint8_t> word(static_cast<std::size_t>(tp.rows * vb), 0);
            for (int r = 0; r < tp.rows; ++r) {
              const std::int64_t k = b.a + s * tp.rows + r;
              if (k >= b.b) break;
              for (std::int64_t n = first; n < end; ++n)
                word[static_cast<std::size_t>(r * vb + (n - first))] = static_cast<std::uint8_t>(w[static_cast<std::size_t>(j.layer)][static_cast<std::size_t>(k * l.n + n)]);
            }
            wmem += hex_bytes(word) + "\n";
          }
        }
      }
      if (j.layer == 0) {  // x[k0, k1) at x0
        for (std::int64_t a = 0; a < j.k1 - j.k0; a += vb) {
          std::vector<std::uint8_t> word(static_cast<std::size_t>(vb), 0);
          for (std::int64_t i = 0; i < vb && j.k0 + a + i < j.k1; ++i) word[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(x[static_cast<std::size_t>(j.k0 + a + i)]);
          tb_load += fmt::format("    {}.amem.mem[{}] = {}'h{};\n", path, (j.x0 + a) / vb, vb * 8, hex_bytes(word));
        }
      }
      if (static_cast<std::size_t>(j.layer) + 1 == mp.layers.size() && j.reducer == t) {
        for (std::int64_t n = j.n0; n < j.n1; ++n) {
          const std::int64_t byte = j.sums + 4 * (n - j.n0);
          tb_check += fmt::format("    word = {}.amem.mem[{}]; check({}, word[{} +: 32], 32'h{:08x});\n", path, byte / vb, n, (byte % vb) * 8,
                                  static_cast<std::uint32_t>(y[static_cast<std::size_t>(n)]));
          ++outputs;
        }
      }
    }
    const std::string wfile = fmt::format("sim/wmem_t{:05d}.hex", t);
    files.push_back({wfile, wmem});
    if (!wmem.empty())
      tb_load += fmt::format("    $readmemh(\"{}\", {}.wmem_sram.wmem.mem, 0, {});\n", wfile, path, tp.wmem_words - 1);
  }
  std::int64_t widest = 0;
  for (const auto& cls : d.tile_classes) widest = std::max<std::int64_t>(widest, cls.vlen_bits);
  std::string tb = header_comment(in, "Self-checking testbench: one inference of the mapped model");
  tb += fmt::format(
      "// Preloads each tile's W slices (wmem_t*.hex) and the first layer's input, runs until every core\n"
      "// has halted, then compares the {} outputs with meshforge's C++ reference (seed {}).\n"
      "// Run: sh run.sh (Icarus Verilog), in this directory.\n"
      "`timescale 1ns / 1ps\nmodule tb;\n  reg clk = 1'b0, rst = 1'b1;\n  wire all_halted, any_fault;\n",
      outputs, in.model.seed);
  // DRAM channel ports (designs with DRAM) stay unconnected: the programs keep every weight on chip.
  tb += fmt::format("  {} dut (.clk(clk), .rst(rst), .all_halted(all_halted), .any_fault(any_fault));\n", top);
  tb += fmt::format(
      "  always #1 clk = ~clk;\n  integer i, cycles = 0, errors = 0;\n  reg [{}:0] word;\n"
      "  task check(input integer n, input [31:0] got, input [31:0] want);\n"
      "    if (got !== want) begin\n"
      "      if (errors < 10) $display(\"MISMATCH y[%0d] = %0d, reference %0d\", n, $signed(got), $signed(want));\n"
      "      errors = errors + 1;\n    end\n  endtask\n"
      "  initial begin\n",
      widest - 1);
  tb += tb_load;
  tb += fmt::format(
      "    repeat (4) @(posedge clk);\n    rst = 1'b0;\n"
      "    while (!all_halted && cycles < {}) begin\n      @(posedge clk);\n      cycles = cycles + 1;\n    end\n"
      "    if (any_fault) $display(\"FAULT\");\n"
      "    if (!all_halted) $display(\"TIMEOUT after %0d cycles\", cycles);\n"
      "    else $display(\"HALTED after %0d cycles\", cycles);\n",
      10000000);
  tb += tb_check;
  tb += fmt::format(
      "    if (all_halted && !any_fault && errors == 0) $display(\"PASS: {} outputs equal the reference\");\n"
      "    else $display(\"FAIL: %0d of {} outputs differ\", errors);\n    $finish;\n  end\nendmodule\n",
      outputs, outputs);
  files.push_back({"sim/tb_model.v", tb});
  files.push_back({"sim/run.sh",
                   "#!/bin/sh\n# One inference of the mapped model in Icarus Verilog; prints HALTED after N cycles and PASS or FAIL.\n"
                   "set -e\ncd \"$(dirname \"$0\")\"\n"
                   "sources=$(grep -v '^/' ../filelist.f | sed 's|^|../|')\n"
                   "iverilog -g2005 -o tb_model.vvp -s tb tb_model.v $sources\n"
                   "cd .. && vvp -n sim/tb_model.vvp\n"});
  files.push_back({"layer_map.csv", map_csv});
}

}  // namespace meshforge::rtl
