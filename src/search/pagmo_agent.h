// Classic optimisers from pagmo2 behind the ask/tell Agent interface: a genetic algorithm (sga),
// simulated annealing (sa, Corana's), CMA-ES (cmaes), particle swarm (pso) and differential
// evolution (de), and the multi-objective NSGA-II (nsga2). They search whole design vectors
// (absolute actions). The single-objective ones rank designs by their evaluation: feasible first,
// then PPA score; NSGA-II by the objectives of the run's Pareto front (pareto.h).
//
// pagmo's algorithms own their loop (evolve() calls the problem's fitness), so pagmo runs in a
// worker thread (pagmo_worker.h) whose fitness() hands each design vector to ask() and waits for
// tell()'s evaluation: one evaluation at a time, strictly alternating, so one seed gives one
// sequence; nsga2 and pso (pagmo's generational pso_gen) hand out a whole generation, whose
// designs may be asked for before the first is told (tells answer them in ask order). An evolve() that evaluates nothing (CMA-ES or SA converged) restarts the population
// from a new seed (a restart strategy, as IPOP-CMA-ES). save() stores the fitness of every
// evaluation told; load() makes the worker replay them without asking, which re-creates pagmo's
// state exactly (its random engines are seeded), so --resume continues the same sequence.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "search/agent.h"
#include "search/pagmo_worker.h"

namespace meshforge::search {

class PagmoAgent : public Agent {
 public:
  // Throws std::invalid_argument for an unknown algorithm or a population it cannot run with.
  explicit PagmoAgent(PagmoConfig config);
  ~PagmoAgent() override;

  std::string name() const override { return config_.algorithm; }
  Eigen::VectorXd ask(const Eigen::VectorXd& state, bool explore) override;  // state and explore unused
  void tell(const Transition& transition) override;
  AgentStats stats() const override;  // updates = evaluations told
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

  // What pagmo minimises for an evaluation. One objective: -(feasible + score), feasible designs
  // first. Five (nsga2): log10 of 1/decode tok/s, time to first token, power, area, energy per
  // token, each + 30 (more decades than any objective spans) when the design is infeasible, so
  // that every feasible design dominates every infeasible one.
  static std::vector<double> fitness_of(const Evaluation& e, int objectives);

 private:
  PagmoConfig config_;
  std::vector<double> told_;              // fitness of every evaluation told, in order, flattened
  std::unique_ptr<PagmoWorker> worker_;   // started by the first ask()
  int outstanding_ = 0;                   // asked, not yet told
};

}  // namespace meshforge::search
