// The batch evaluator (batch_evaluator.h): OpenMP threads, one evaluator each. This is the only
// file compiled with -fopenmp, so Eigen elsewhere stays single-threaded (the agents' numerics do
// not depend on the thread count).
#include "search/batch_evaluator.h"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace meshforge::search {

BatchEvaluator::BatchEvaluator(const Environment& env, int threads) : env_(env), threads_(threads) {
  if (threads < 1) throw std::invalid_argument("batch evaluator: threads must be >= 1");
}

BatchEvaluator::~BatchEvaluator() = default;

void BatchEvaluator::evaluate(const std::vector<const arch::Design*>& designs, std::vector<ppa::Report>& reports) {
  const int n = static_cast<int>(designs.size());
  reports.resize(designs.size());
  const int threads = std::max(1, std::min(threads_, n));
  while (static_cast<int>(evaluators_.size()) < threads) evaluators_.push_back(env_.make_evaluator());
  const ppa::Scenario& scenario = env_.scenario();
  if (threads == 1) {
    for (int i = 0; i < n; ++i) evaluators_[0].evaluate(*designs[static_cast<std::size_t>(i)], scenario, reports[static_cast<std::size_t>(i)]);
    return;
  }
  std::exception_ptr error;
#pragma omp parallel num_threads(threads)
  {
    ppa::Evaluator& evaluator = evaluators_[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
    for (int i = 0; i < n; ++i) {
      try {
        evaluator.evaluate(*designs[static_cast<std::size_t>(i)], scenario, reports[static_cast<std::size_t>(i)]);
      } catch (...) {
#pragma omp critical(meshforge_batch_error)
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace meshforge::search
