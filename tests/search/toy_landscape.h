// A smooth toy landscape on [-1, 1]^D for the optimisers' tests: score 1 at x = 0.3 in every
// coordinate, feasible inside a ball, and the figures NSGA-II sees improving towards the same optimum.
#pragma once

#include "search/agent.h"

namespace meshforge::search {

inline Evaluation evaluate_toy(const Eigen::VectorXd& x) {
  Evaluation e;
  e.x = x;
  const double d2 = (x.array() - 0.3).square().sum() / static_cast<double>(x.size());
  e.score = 1.0 / (1.0 + 10.0 * d2);
  e.feasible = d2 < 0.5;
  e.decode_tokens_per_second = 100 * e.score;
  e.time_to_first_token_s = 1 / e.score;
  e.power_w = e.area_mm2 = 1 + d2;
  e.energy_per_token_j = e.power_w / e.decode_tokens_per_second;
  return e;
}

}  // namespace meshforge::search
