// pagmo2's optimisers behind ask/tell (pagmo_agent.h); pagmo itself runs in pagmo_worker.cpp.
#include "search/pagmo_agent.h"

#include <algorithm>
#include <cmath>
#include <istream>
#include <ostream>
#include <stdexcept>

namespace meshforge::search {

PagmoAgent::PagmoAgent(PagmoConfig config) : config_(std::move(config)) { check_pagmo_config(config_); }

PagmoAgent::~PagmoAgent() = default;

std::vector<double> PagmoAgent::fitness_of(const Evaluation& e, int objectives) {
  if (objectives == 1) return {-ranking_value(e)};
  auto lg = [](double v) { return std::log10(std::max(v, 1e-30)); };
  std::vector<double> f{-lg(e.decode_tokens_per_second), lg(e.time_to_first_token_s), lg(e.power_w), lg(e.area_mm2),
                        lg(e.energy_per_token_j)};
  if (!e.feasible)
    for (double& v : f) v += 30.0;
  return f;
}

Eigen::VectorXd PagmoAgent::ask(const Eigen::VectorXd& /*state*/, bool /*explore*/) {
  if (outstanding_ > 0 && !config_.batches()) throw std::logic_error("pagmo agent: ask() twice without tell()");
  if (!worker_) worker_ = std::make_unique<PagmoWorker>(config_, told_);
  const std::vector<double> x = worker_->next();
  ++outstanding_;
  Eigen::VectorXd v(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) v(static_cast<Eigen::Index>(i)) = x[i];
  return v;
}

void PagmoAgent::tell(const Transition& transition) {
  if (outstanding_ == 0) throw std::logic_error("pagmo agent: tell() without ask()");
  --outstanding_;
  std::vector<double> f = fitness_of(transition.evaluation, config_.objectives());
  told_.insert(told_.end(), f.begin(), f.end());
  worker_->answer(std::move(f));
}

AgentStats PagmoAgent::stats() const {
  AgentStats s;
  s.updates = static_cast<std::int64_t>(told_.size()) / config_.objectives();
  return s;
}

void PagmoAgent::save(std::ostream& out) const {
  const std::uint64_t n = told_.size();
  out.write(reinterpret_cast<const char*>(&n), sizeof n);
  out.write(reinterpret_cast<const char*>(told_.data()), static_cast<std::streamsize>(n * sizeof(double)));
}

void PagmoAgent::load(std::istream& in) {
  if (worker_) throw std::runtime_error("pagmo agent: load() after the search started");
  std::uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), sizeof n);
  if (!in || n > (1ULL << 34)) throw std::runtime_error("pagmo agent: bad history length");
  told_.resize(n);
  in.read(reinterpret_cast<char*>(told_.data()), static_cast<std::streamsize>(n * sizeof(double)));
  if (!in) throw std::runtime_error("pagmo agent: history truncated");
  if (n % static_cast<std::uint64_t>(config_.objectives()) != 0)
    throw std::runtime_error("pagmo agent: history is not whole evaluations of " + std::to_string(config_.objectives()) + " objectives");
}

}  // namespace meshforge::search
