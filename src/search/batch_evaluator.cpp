// The batch evaluator (batch_evaluator.h): OpenMP threads, one evaluator each. This is the only
// file compiled with -fopenmp, so Eigen elsewhere stays single-threaded (the agents' numerics do
// not depend on the thread count).
#include "search/batch_evaluator.h"

#include "search/nn/serialize.h"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace meshforge::search {

namespace {

// FNV-1a (nn::io's) over every field of a design that the evaluation reads; equality is checked
// on a hit.
struct Hasher {
  std::uint64_t h = nn::io::fnv1a({});
  void bytes(const void* p, std::size_t n) { h = nn::io::fnv1a({static_cast<const char*>(p), n}, h); }
  template <typename T>
  void value(const T& v) {
    bytes(&v, sizeof v);
  }
  void text(const std::string& s) {
    value(s.size());
    bytes(s.data(), s.size());
  }
};

std::uint64_t design_hash(const arch::Design& d) {
  Hasher x;
  x.value(d.rows);
  x.value(d.cols);
  for (const auto& t : d.tile_classes) {
    x.value(t.fetch_width);
    x.value(t.vlen_bits);
    x.value(t.mac_rows);
    x.value(t.imem_bytes);
    x.value(t.wmem_bytes);
    x.value(t.amem_bytes);
    x.value(t.weight_storage);
    x.value(t.mac_array);
    x.value(t.mac_formats);
    x.value(t.harvested);
  }
  x.bytes(d.class_map.data(), d.class_map.size());
  x.value(d.noc.link_bits);
  x.value(d.noc.virtual_channels);
  x.value(d.noc.buffer_depth_flits);
  x.value(d.noc.routing);
  x.text(d.dram.kind);
  x.value(d.dram.channels);
  for (const auto* b : {&d.soc.host, &d.soc.chip_links, &d.soc.cpu}) {
    x.text(b->kind);
    x.value(b->count);
  }
  x.value(d.clock_hz);
  x.value(d.supply_v);
  x.value(d.flavor);
  x.value(d.power_gate_idle_tiles);
  x.value(d.mapping.pipeline_stages);
  x.value(d.mapping.tensor_parallel);
  x.value(d.mapping.kv_placement);
  x.value(d.mapping.placement_order);
  return x.h;
}

}  // namespace

BatchEvaluator::BatchEvaluator(const Environment& env, int threads, std::size_t cache_capacity)
    : env_(env), threads_(threads), capacity_(cache_capacity) {
  if (threads < 1) throw std::invalid_argument("batch evaluator: threads must be >= 1");
}

BatchEvaluator::~BatchEvaluator() = default;

void BatchEvaluator::evaluate(const std::vector<const arch::Design*>& designs, std::vector<ppa::Report>& reports) {
  reports.resize(designs.size());
  // Cache hits first (in order); the rest are evaluated.
  std::vector<std::uint64_t> hashes(designs.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < designs.size(); ++i) {
    hashes[i] = design_hash(*designs[i]);
    bool hit = false;
    if (capacity_ > 0) {
      const auto [lo, hi] = index_.equal_range(hashes[i]);
      for (auto it = lo; it != hi && !hit; ++it) {
        if (cache_[it->second].design == *designs[i]) {
          reports[i] = cache_[it->second].report;
          hit = true;
        }
      }
    }
    if (hit) {
      ++hits_;
    } else {
      todo.push_back(i);
    }
  }
  misses_ += static_cast<std::int64_t>(todo.size());
  const int peers = peers_ ? std::min(peers_->count(), static_cast<int>(todo.size()) - 1) : 0;
  if (peers <= 0) {
    evaluate_here(designs, todo, reports);
  } else {
    // Contiguous shares, this process's first; each peer's reports go back to its designs' slots.
    const std::size_t processes = static_cast<std::size_t>(peers) + 1;
    std::vector<std::vector<std::size_t>> shares(processes);
    for (std::size_t k = 0; k < todo.size(); ++k) shares[k * processes / todo.size()].push_back(todo[k]);
    for (int p = 0; p < peers; ++p) {
      std::vector<const arch::Design*> theirs;
      for (const std::size_t i : shares[static_cast<std::size_t>(p) + 1]) theirs.push_back(designs[i]);
      peers_->post(p, theirs);
    }
    peers_->deliver();
    std::exception_ptr error;
    try {
      evaluate_here(designs, shares[0], reports);
    } catch (...) {
      error = std::current_exception();
    }
    std::vector<std::vector<ppa::Report>> peer_reports;
    peers_->collect(peer_reports);  // even after a local failure: every post is answered
    if (error) std::rethrow_exception(error);
    for (int p = 0; p < peers; ++p) {
      const auto& share = shares[static_cast<std::size_t>(p) + 1];
      auto& theirs = peer_reports.at(static_cast<std::size_t>(p));
      if (theirs.size() != share.size())
        throw std::runtime_error("batch evaluator: a peer returned " + std::to_string(theirs.size()) + " reports for " +
                                 std::to_string(share.size()) + " designs");
      for (std::size_t k = 0; k < share.size(); ++k) reports[share[k]] = std::move(theirs[k]);
    }
  }
  // Remember the new ones (a ring: the oldest slot is reused).
  if (capacity_ == 0) return;
  for (const std::size_t i : todo) {
    if (cache_.size() < capacity_) {
      cache_.push_back({hashes[i], *designs[i], reports[i]});
      index_.emplace(hashes[i], cache_.size() - 1);
      continue;
    }
    const std::size_t slot = next_slot_;
    next_slot_ = (next_slot_ + 1) % capacity_;
    const auto [lo, hi] = index_.equal_range(cache_[slot].hash);
    for (auto it = lo; it != hi; ++it)
      if (it->second == slot) {
        index_.erase(it);
        break;
      }
    cache_[slot] = {hashes[i], *designs[i], reports[i]};
    index_.emplace(hashes[i], slot);
  }
}

void BatchEvaluator::evaluate_here(const std::vector<const arch::Design*>& designs, const std::vector<std::size_t>& which,
                                   std::vector<ppa::Report>& reports) {
  const int n = static_cast<int>(which.size());
  const int threads = std::max(1, std::min(threads_, n));
  while (static_cast<int>(evaluators_.size()) < threads) evaluators_.push_back(env_.make_evaluator());
  const ppa::Scenario& scenario = env_.scenario();
  if (threads == 1) {
    for (const std::size_t i : which) evaluators_[0].evaluate(*designs[i], scenario, reports[i]);
    return;
  }
  std::exception_ptr error;
#pragma omp parallel num_threads(threads)
  {
    ppa::Evaluator& evaluator = evaluators_[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
    for (int k = 0; k < n; ++k) {
      const std::size_t i = which[static_cast<std::size_t>(k)];
      try {
        evaluator.evaluate(*designs[i], scenario, reports[i]);
      } catch (...) {
#pragma omp critical(meshforge_batch_error)
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace meshforge::search
