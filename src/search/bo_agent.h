// Bayesian optimisation (Gaussian process + expected improvement) behind ask/tell, on Eigen:
// Debian has no BO library. It proposes whole design vectors (absolute actions) and maximises
// feasible + score, the order the explorer keeps its best by.
//
// Per ask: the first `initial_random` designs are uniform random; after that a GP with a
// squared-exponential kernel is fitted to the observations of a window (the best half and the
// most recent half of `window` evaluations: an exact GP over 10,000 points would cost O(n^3) per
// ask), and the design is the candidate with the highest expected improvement among
// `random_candidates` uniform ones and `local_candidates` Gaussian perturbations of the best so
// far. The length scale is the median distance between the window's points (the median
// heuristic), the signal variance the observations' variance, so nothing needs tuning per model.
// Several asks before their tells (--lanes) are a "constant liar" batch: each pending design is
// in the GP with the window's mean as its value, so a batch does not propose one point twice.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "search/agent.h"

namespace meshforge::search {

// Every hyperparameter of the BO agent.
struct BoConfig {
  int action_dims = 0;
  std::uint64_t seed = 1;
  // initial_random, local_sigma and xi: tuned by bench/tune_agents.py (6 configurations x 2 tuning
  // regimes x 2 seeds, docs/results.md "Tuned baselines"; were 32, 0.15 and 0.01), better on 5 of
  // the 8 test regimes, by up to +0.25 in mean best score.
  int initial_random = 16;        // uniform random designs before the first GP
  int window = 128;               // observations the GP is fitted to (best half + latest half)
  int random_candidates = 256;    // uniform candidates per ask
  int local_candidates = 256;     // candidates around the best: x_best + N(0, local_sigma^2) per coordinate
  double local_sigma = 0.0787;    // share of the [-1, 1] box
  double xi = 0.05819;            // EI's exploration margin, in objective units (feasible + score in [0, 2])
  double noise = 1e-6;            // observation noise, relative to the signal variance (the evaluator is exact)
};

class BoAgent : public Agent {
 public:
  explicit BoAgent(BoConfig config);  // throws std::invalid_argument for a bad config

  std::string name() const override { return "bo"; }
  Eigen::VectorXd ask(const Eigen::VectorXd& state, bool explore) override;  // state and explore unused
  void tell(const Transition& transition) override;  // in ask order
  AgentStats stats() const override;                 // updates = GP fits
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

 private:
  std::vector<std::size_t> window_indices() const;

  BoConfig config_;
  std::mt19937_64 rng_;
  std::vector<Eigen::VectorXd> xs_;   // every design told, in order
  std::vector<double> ys_;            // its feasible + score
  std::vector<Eigen::VectorXd> pending_;  // asked, not yet told (oldest first)
  std::int64_t fits_ = 0;
};

}  // namespace meshforge::search
