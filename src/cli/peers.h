// The other ranks of an MPI launch as evaluation peers of rank 0's explorer
// (search::EvaluationPeers): rank 0 sends each rank a share of a batch's designs, that rank
// evaluates it on its cores (the same workload, node and scenario, built from the same settings)
// and sends the reports back. Messages carry every field of a design and a report as its bytes, so
// a batch's reports, and so the run, are those of one process (docs/scale.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "arch/design.h"
#include "dist/world.h"
#include "ppa/report.h"
#include "search/batch_evaluator.h"
#include "search/environment.h"

namespace meshforge::cli {

// On root: ranks 1 .. size-1 as peers 0 .. size-2. Tells them to stop serving when destroyed.
class RankPeers : public search::EvaluationPeers {
 public:
  explicit RankPeers(dist::World& world) : world_(world) {}
  ~RankPeers() override;
  RankPeers(const RankPeers&) = delete;
  RankPeers& operator=(const RankPeers&) = delete;

  int count() const override { return world_.size() - 1; }
  void post(int peer, const std::vector<const arch::Design*>& designs) override;
  void deliver() override { world_.complete_sends(); }
  void collect(std::vector<std::vector<ppa::Report>>& reports) override;
  // serve_evaluations returns on every other rank (also done by the destructor; once is enough).
  void stop();

  std::int64_t designs_sent() const { return designs_sent_; }

 private:
  dist::World& world_;
  std::vector<int> posted_;  // the peers posted to since the last collect
  std::int64_t designs_sent_ = 0;
  bool stopped_ = false;
};

// On the other ranks: evaluates what root sends, on `threads` cores, until root stops. A failed
// evaluation goes back as its message (root's collect throws it), and serving goes on.
void serve_evaluations(dist::World& world, const search::Environment& env, int threads);

// The wire form of designs and reports (every field; doubles bit for bit). decode_* throw
// std::runtime_error on a truncated or malformed message.
std::string encode_designs(const std::vector<const arch::Design*>& designs);
std::vector<arch::Design> decode_designs(std::string_view bytes);
std::string encode_reports(const std::vector<ppa::Report>& reports);
std::vector<ppa::Report> decode_reports(std::string_view bytes);

}  // namespace meshforge::cli
