// Evaluates a batch of designs on several cores. The PPA evaluator is pure but keeps scratch
// buffers, so every thread has its own; each report lands in its design's slot, so a batch's
// reports are the same whatever the thread count (the explorer's "same seed, same result").
// A design evaluated before (field for field; most moves of a search leave every decoded field
// as it was) takes its report from a cache of the last `cache_capacity` designs instead.
// With peers (other processes: the ranks of an MPI launch), the designs the cache did not answer
// are shared out between this process and them; reports are a pure function of the design, so the
// batch's reports are again the same however many peers there are.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "arch/design.h"
#include "ppa/evaluate.h"
#include "ppa/report.h"
#include "search/environment.h"

namespace meshforge::search {

// Processes beside this one that evaluate designs for it on the same workload, node and scenario
// (cli/peers.h: the other ranks of an MPI launch; search does not know how they are reached).
class EvaluationPeers {
 public:
  virtual ~EvaluationPeers() = default;
  virtual int count() const = 0;  // peers (0: this process evaluates everything)
  // Sends designs to peer `peer` (0 .. count()-1) and returns at once; every peer gets at most one
  // post between two collects.
  virtual void post(int peer, const std::vector<const arch::Design*>& designs) = 0;
  // Returns once every post has reached its peer, so that the peers work while this process
  // evaluates its own share.
  virtual void deliver() = 0;
  // Waits for the reports of every post since the last collect: reports[peer][k] = the report of
  // that peer's designs[k]. Throws std::runtime_error when a peer's evaluation failed.
  virtual void collect(std::vector<std::vector<ppa::Report>>& reports) = 0;
};

class BatchEvaluator {
 public:
  // threads >= 1; the environment (its workload, node and scenario) must outlive this.
  BatchEvaluator(const Environment& env, int threads, std::size_t cache_capacity = 4096);
  ~BatchEvaluator();

  int threads() const { return threads_; }
  std::int64_t cache_hits() const { return hits_; }    // evaluations answered from the cache
  std::int64_t evaluated() const { return misses_; }  // evaluations the PPA model ran
  // reports[i] = the report of designs[i] (reports is resized). An evaluator's exception is
  // rethrown here after the batch has stopped.
  void evaluate(const std::vector<const arch::Design*>& designs, std::vector<ppa::Report>& reports);
  // Shares each batch's evaluations with these peers from now on (null: none). A batch of fewer
  // designs than processes leaves some peers idle.
  void spread_over(std::shared_ptr<EvaluationPeers> peers) { peers_ = std::move(peers); }

 private:
  void evaluate_here(const std::vector<const arch::Design*>& designs, const std::vector<std::size_t>& which,
                     std::vector<ppa::Report>& reports);
  struct Cached {
    std::uint64_t hash = 0;
    arch::Design design;
    ppa::Report report;
  };
  const Environment& env_;
  int threads_;
  std::size_t capacity_;
  std::vector<ppa::Evaluator> evaluators_;  // made on first use, one per thread
  std::unordered_multimap<std::uint64_t, std::size_t> index_;  // design hash -> slot in cache_
  std::vector<Cached> cache_;                                  // a ring of capacity_ slots
  std::size_t next_slot_ = 0;
  std::shared_ptr<EvaluationPeers> peers_;
  std::int64_t hits_ = 0, misses_ = 0;
};

}  // namespace meshforge::search
