// The pagmo side of PagmoAgent (pagmo_agent.h): pagmo2 runs in a worker thread whose fitness()
// hands each design vector out through next() and waits for answer(). This header and its file
// see no Eigen type of meshforge's: libpagmo is built for the baseline x86-64 and its CMA-ES keeps
// Eigen matrices in its class, so pagmo_worker.cpp is compiled for that target, and an Eigen
// object made there and freed elsewhere (or the reverse) would not agree on its alignment.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace meshforge::search {

// Every pagmo agent's hyperparameters (pagmo's names; its documentation explains each).
struct PagmoConfig {
  std::string algorithm = "sga";   // sga, sa, cmaes, pso, de; nsga2 (multi-objective)
  int action_dims = 0;
  std::uint64_t seed = 1;
  int population = 20;             // individuals (sa: 1, it is not population based)
  // sga: crossover probability, SBX distribution index, mutation probability per gene (0 = 1/D),
  // polynomial-mutation distribution index, tournament size.
  double sga_cr = 0.9, sga_eta_c = 1.0, sga_m = 0.0, sga_param_m = 1.0;
  int sga_param_s = 2;
  // sa: start and final temperature in fitness units (fitness = -(feasible + score), range 2);
  // temperature and range adjustments per evolve, bin size; initial neighbourhood (share of the box).
  double sa_ts = 0.1, sa_tf = 1e-4;
  int sa_n_t_adj = 10, sa_n_range_adj = 1, sa_bin_size = 2;
  double sa_start_range = 0.5;
  // cmaes: initial step size (share of the box; the box is [-1, 1]).
  double cmaes_sigma0 = 0.3;
  // pso: inertia, cognitive and social weights, maximum velocity (share of the box), variant.
  double pso_omega = 0.7298, pso_eta1 = 2.05, pso_eta2 = 2.05, pso_max_vel = 0.5;
  int pso_variant = 5;
  // de: weight F, crossover CR, variant (2 = rand/1/exp).
  double de_f = 0.8, de_cr = 0.9;
  int de_variant = 2;
  // nsga2: crossover probability, SBX index, mutation probability per gene (0 = 1/D), mutation index.
  double nsga2_cr = 0.95, nsga2_eta_c = 10.0, nsga2_m = 0.0, nsga2_eta_m = 50.0;

  // Objectives pagmo minimises per evaluation: 1, or 5 for nsga2 (PagmoAgent::fitness_of).
  int objectives() const { return algorithm == "nsga2" ? 5 : 1; }
  // Whether pagmo evaluates a whole generation at once (its batch fitness evaluator: nsga2, and
  // pso as pagmo's generational pso_gen): then up to a generation of designs are handed out
  // before the first answer, and --lanes may evaluate them side by side.
  bool batches() const { return algorithm == "nsga2" || algorithm == "pso"; }
};

// Throws std::invalid_argument for an unknown algorithm or a population it cannot run with.
void check_pagmo_config(const PagmoConfig& config);

class PagmoWorker {
 public:
  // history: fitness vectors of evaluations already made (--resume), flattened, objectives() per
  // evaluation; pagmo's first fitness calls are answered from it without leaving the worker.
  PagmoWorker(PagmoConfig config, std::vector<double> history);
  ~PagmoWorker();
  PagmoWorker(const PagmoWorker&) = delete;
  PagmoWorker& operator=(const PagmoWorker&) = delete;

  // The next design vector pagmo wants evaluated, in pagmo's order (rethrows pagmo's errors).
  // Throws std::logic_error when every vector pagmo asked for has been handed out and it waits for
  // their answers (more asks than a generation holds).
  std::vector<double> next();
  // The fitness vector (minimised, objectives() long) of the oldest vector handed out and not
  // yet answered.
  void answer(std::vector<double> fitness);

 private:
  void run();

  PagmoConfig config_;
  std::vector<double> history_;
  std::size_t replayed_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  // The vectors of pagmo's current request (one, or a generation), how many next() handed out,
  // and the answers so far; the request is complete when every vector is answered.
  std::vector<std::vector<double>> requests_;
  std::size_t handed_ = 0;
  std::vector<std::vector<double>> answers_;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once the rest is built
};

}  // namespace meshforge::search
