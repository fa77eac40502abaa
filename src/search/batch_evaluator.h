// Evaluates a batch of designs on several cores. The PPA evaluator is pure but keeps scratch
// buffers, so every thread has its own; each report lands in its design's slot, so a batch's
// reports are the same whatever the thread count (the explorer's "same seed, same result").
#pragma once

#include <vector>

#include "arch/design.h"
#include "ppa/evaluate.h"
#include "ppa/report.h"
#include "search/environment.h"

namespace meshforge::search {

class BatchEvaluator {
 public:
  // threads >= 1; the environment (its workload, node and scenario) must outlive this.
  BatchEvaluator(const Environment& env, int threads);
  ~BatchEvaluator();

  int threads() const { return threads_; }
  // reports[i] = the report of designs[i] (reports is resized). An evaluator's exception is
  // rethrown here after the batch has stopped.
  void evaluate(const std::vector<const arch::Design*>& designs, std::vector<ppa::Report>& reports);

 private:
  const Environment& env_;
  int threads_;
  std::vector<ppa::Evaluator> evaluators_;  // made on first use, one per thread
};

}  // namespace meshforge::search
