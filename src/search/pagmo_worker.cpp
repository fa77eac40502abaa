// pagmo2 in a worker thread (pagmo_worker.h); compiled for baseline x86-64 like libpagmo.
#include "search/pagmo_worker.h"

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/cmaes.hpp>
#include <pagmo/algorithms/de.hpp>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/algorithms/pso_gen.hpp>
#include <pagmo/batch_evaluators/member_bfe.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/algorithms/sga.hpp>
#include <pagmo/algorithms/simulated_annealing.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include <functional>
#include <stdexcept>

namespace meshforge::search {

namespace {

struct Stopped {};  // thrown through pagmo when the agent is destroyed mid-evolve

// The design problem as pagmo sees it: [-1, 1]^D, one or five objectives; fitness() asks the
// agent for one design, batch_fitness() for a generation (flattened vectors in, fitnesses out).
struct DesignProblem {
  std::function<pagmo::vector_double(const pagmo::vector_double&)> evaluate;
  unsigned dims = 1;
  pagmo::vector_double::size_type objectives = 1;
  pagmo::vector_double fitness(const pagmo::vector_double& x) const { return evaluate(x); }
  pagmo::vector_double batch_fitness(const pagmo::vector_double& xs) const { return evaluate(xs); }
  pagmo::vector_double::size_type get_nobj() const { return objectives; }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    return {pagmo::vector_double(dims, -1.0), pagmo::vector_double(dims, 1.0)};
  }
  std::string get_name() const { return "meshforge design"; }
};

pagmo::algorithm make_algorithm(const PagmoConfig& c, unsigned seed) {
  const unsigned dims = static_cast<unsigned>(c.action_dims);
  if (c.algorithm == "sga")
    return pagmo::algorithm{pagmo::sga(1, c.sga_cr, c.sga_eta_c, c.sga_m > 0 ? c.sga_m : 1.0 / dims, c.sga_param_m,
                                       static_cast<unsigned>(c.sga_param_s), "sbx", "polynomial", "tournament", seed)};
  if (c.algorithm == "sa")
    return pagmo::algorithm{pagmo::simulated_annealing(c.sa_ts, c.sa_tf, static_cast<unsigned>(c.sa_n_t_adj),
                                                       static_cast<unsigned>(c.sa_n_range_adj),
                                                       static_cast<unsigned>(c.sa_bin_size), c.sa_start_range, seed)};
  if (c.algorithm == "cmaes")
    return pagmo::algorithm{pagmo::cmaes(1, -1, -1, -1, -1, c.cmaes_sigma0, 1e-6, 1e-6, true, true, seed)};
  if (c.algorithm == "pso") {
    pagmo::pso_gen pso(1, c.pso_omega, c.pso_eta1, c.pso_eta2, c.pso_max_vel, static_cast<unsigned>(c.pso_variant), 2u,
                       4u, true, seed);
    pso.set_bfe(pagmo::bfe{pagmo::member_bfe{}});
    return pagmo::algorithm{pso};
  }
  if (c.algorithm == "nsga2") {
    pagmo::nsga2 nsga2(1, c.nsga2_cr, c.nsga2_eta_c, c.nsga2_m > 0 ? c.nsga2_m : 1.0 / dims, c.nsga2_eta_m, seed);
    nsga2.set_bfe(pagmo::bfe{pagmo::member_bfe{}});
    return pagmo::algorithm{nsga2};
  }
  if (c.algorithm == "de")
    return pagmo::algorithm{pagmo::de(1, c.de_f, c.de_cr, static_cast<unsigned>(c.de_variant), 1e-6, 1e-6, seed)};
  throw std::invalid_argument("unknown pagmo algorithm '" + c.algorithm + "'");
}

int minimum_population(const std::string& algorithm) {
  if (algorithm == "sa") return 1;
  if (algorithm == "de") return 5;
  if (algorithm == "cmaes") return 5;
  if (algorithm == "nsga2") return 8;  // and a multiple of 4
  return 2;
}

}  // namespace

void check_pagmo_config(const PagmoConfig& c) {
  if (c.action_dims < 1) throw std::invalid_argument("pagmo agent: action_dims must be >= 1");
  (void)make_algorithm(c, 1);  // unknown algorithm
  if (c.population < minimum_population(c.algorithm))
    throw std::invalid_argument("pagmo agent " + c.algorithm + ": population must be at least " +
                                std::to_string(minimum_population(c.algorithm)));
  if (c.algorithm == "nsga2" && c.population % 4 != 0)
    throw std::invalid_argument("pagmo agent nsga2: population must be a multiple of 4");
}

PagmoWorker::PagmoWorker(PagmoConfig config, std::vector<double> history)
    : config_(std::move(config)), history_(std::move(history)), thread_([this] { run(); }) {}

PagmoWorker::~PagmoWorker() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void PagmoWorker::run() {
  try {
    DesignProblem udp;
    udp.dims = static_cast<unsigned>(config_.action_dims);
    const auto nobj = static_cast<std::size_t>(config_.objectives());
    udp.objectives = nobj;
    // Called by pagmo with one design vector (fitness) or a generation of them, flattened
    // (batch_fitness): answers from the history first (--resume), then hands the rest out and waits.
    const auto dims = static_cast<std::size_t>(config_.action_dims);
    udp.evaluate = [this, nobj, dims](const pagmo::vector_double& xs) {
      std::unique_lock lock(mutex_);
      const std::size_t n = xs.size() / dims;
      pagmo::vector_double f;
      f.reserve(n * nobj);
      std::size_t i = 0;
      for (; i < n && replayed_ + nobj <= history_.size(); ++i, replayed_ += nobj)
        f.insert(f.end(), history_.begin() + static_cast<std::ptrdiff_t>(replayed_),
                 history_.begin() + static_cast<std::ptrdiff_t>(replayed_ + nobj));
      if (i == n) return f;
      requests_.clear();
      for (std::size_t k = i; k < n; ++k)
        requests_.emplace_back(xs.begin() + static_cast<std::ptrdiff_t>(k * dims), xs.begin() + static_cast<std::ptrdiff_t>((k + 1) * dims));
      handed_ = 0;
      answers_.clear();
      changed_.notify_all();
      changed_.wait(lock, [&] { return answers_.size() == requests_.size() || stop_; });
      if (stop_) throw Stopped{};
      for (const auto& a : answers_) f.insert(f.end(), a.begin(), a.end());
      requests_.clear();
      answers_.clear();
      handed_ = 0;
      return f;
    };
    const pagmo::problem problem{udp};
    // pagmo seeds are 32-bit; the restart count perturbs the seed of each new population.
    const auto seed_of = [&](unsigned restart) {
      return static_cast<unsigned>((config_.seed * 2654435761ULL + restart) & 0xffffffffULL);
    };
    const auto size = static_cast<pagmo::population::size_type>(config_.population);
    unsigned restart = 0;
    pagmo::algorithm algorithm = make_algorithm(config_, seed_of(0));
    auto new_population = [&](unsigned attempt) {
      return config_.batches() ? pagmo::population{problem, pagmo::bfe{pagmo::member_bfe{}}, size, seed_of(attempt)}
                               : pagmo::population{problem, size, seed_of(attempt)};
    };
    pagmo::population population = new_population(0);
    for (;;) {
      const auto before = population.get_problem().get_fevals();
      population = algorithm.evolve(population);
      if (population.get_problem().get_fevals() == before) {  // converged: restart elsewhere
        ++restart;
        algorithm = make_algorithm(config_, seed_of(restart));
        population = new_population(restart);
      }
    }
  } catch (const Stopped&) {
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
    changed_.notify_all();
  }
}

std::vector<double> PagmoWorker::next() {
  std::unique_lock lock(mutex_);
  if (!error_ && !requests_.empty() && handed_ == requests_.size() && answers_.size() < requests_.size())
    throw std::logic_error("pagmo agent " + config_.algorithm + ": asked for more designs than pagmo's request of " +
                           std::to_string(requests_.size()) + " holds before they are answered");
  changed_.wait(lock, [&] { return handed_ < requests_.size() || error_; });
  if (error_) std::rethrow_exception(error_);
  return requests_[handed_++];
}

void PagmoWorker::answer(std::vector<double> fitness) {
  {
    std::lock_guard lock(mutex_);
    if (answers_.size() >= handed_) throw std::logic_error("pagmo agent: an answer without a design handed out");
    answers_.push_back(std::move(fitness));
  }
  changed_.notify_all();
}

}  // namespace meshforge::search
