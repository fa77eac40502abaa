// pagmo2's optimisers behind ask/tell (pagmo_agent.h); pagmo itself runs in pagmo_worker.cpp.
#include "search/pagmo_agent.h"

#include <istream>
#include <ostream>
#include <stdexcept>

namespace meshforge::search {

PagmoAgent::PagmoAgent(PagmoConfig config) : config_(std::move(config)) { check_pagmo_config(config_); }

PagmoAgent::~PagmoAgent() = default;

Eigen::VectorXd PagmoAgent::ask(const Eigen::VectorXd& /*state*/, bool /*explore*/) {
  if (asked_) throw std::logic_error("pagmo agent: ask() twice without tell()");
  if (!worker_) worker_ = std::make_unique<PagmoWorker>(config_, told_);
  const std::vector<double> x = worker_->next();
  asked_ = true;
  Eigen::VectorXd v(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) v(static_cast<Eigen::Index>(i)) = x[i];
  return v;
}

void PagmoAgent::tell(const Transition& transition) {
  if (!asked_) throw std::logic_error("pagmo agent: tell() without ask()");
  asked_ = false;
  const double f = fitness_of(transition.evaluation);
  told_.push_back(f);
  worker_->answer(f);
}

AgentStats PagmoAgent::stats() const {
  AgentStats s;
  s.updates = static_cast<std::int64_t>(told_.size());
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
}

}  // namespace meshforge::search
