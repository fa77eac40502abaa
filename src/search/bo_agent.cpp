// Bayesian optimisation: GP + expected improvement (bo_agent.h).
#include "search/bo_agent.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <istream>
#include <numeric>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "search/nn/random.h"
#include "search/nn/serialize.h"

namespace meshforge::search {
namespace {

constexpr std::string_view kMagic = "meshforge-bo-agent-checkpoint";

// Standard normal density and distribution.
double pdf(double z) { return 0.3989422804014327 * std::exp(-0.5 * z * z); }
double cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

BoAgent::BoAgent(BoConfig config) : config_(config), rng_(config.seed) {
  if (config_.action_dims < 1) throw std::invalid_argument("bo agent: action_dims must be >= 1");
  if (config_.initial_random < 2) throw std::invalid_argument("bo agent: initial_random must be >= 2");
  if (config_.window < 4) throw std::invalid_argument("bo agent: window must be >= 4");
  if (config_.random_candidates + config_.local_candidates < 1)
    throw std::invalid_argument("bo agent: needs at least one candidate per ask");
  if (!(config_.local_sigma > 0) || !(config_.noise > 0)) throw std::invalid_argument("bo agent: local_sigma and noise must be > 0");
}

std::vector<std::size_t> BoAgent::window_indices() const {
  const std::size_t n = xs_.size(), w = static_cast<std::size_t>(config_.window);
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (n <= w) return all;
  // The best half (ties: the earlier), then the latest not already in it.
  std::vector<std::size_t> by_value = all;
  std::stable_sort(by_value.begin(), by_value.end(), [&](std::size_t a, std::size_t b) { return ys_[a] > ys_[b]; });
  std::vector<char> in(n, 0);
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < w / 2; ++k) {
    in[by_value[k]] = 1;
    out.push_back(by_value[k]);
  }
  for (std::size_t i = n; i-- > 0 && out.size() < w;)
    if (!in[i]) out.push_back(i);
  std::sort(out.begin(), out.end());
  return out;
}

Eigen::VectorXd BoAgent::ask(const Eigen::VectorXd& /*state*/, bool /*explore*/) {
  const int d = config_.action_dims;
  auto uniform_point = [&] {
    Eigen::VectorXd x(d);
    for (int i = 0; i < d; ++i) x(i) = nn::uniform(rng_, -1.0, 1.0);
    return x;
  };
  if (xs_.size() < static_cast<std::size_t>(config_.initial_random)) {
    pending_.push_back(uniform_point());
    return pending_.back();
  }

  // The GP's data: the window's observations, then the pending designs at the window's mean.
  const auto idx = window_indices();
  const std::size_t m = idx.size(), n = m + pending_.size();
  Eigen::MatrixXd X(static_cast<Eigen::Index>(n), d);
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  for (std::size_t k = 0; k < m; ++k) {
    X.row(static_cast<Eigen::Index>(k)) = xs_[idx[k]].transpose();
    y(static_cast<Eigen::Index>(k)) = ys_[idx[k]];
  }
  const double mean = y.head(static_cast<Eigen::Index>(m)).mean();
  for (std::size_t k = 0; k < pending_.size(); ++k) {
    X.row(static_cast<Eigen::Index>(m + k)) = pending_[k].transpose();
    y(static_cast<Eigen::Index>(m + k)) = mean;
  }
  double variance = (y.array() - mean).square().sum() / static_cast<double>(n);
  if (!(variance > 1e-12)) variance = 1e-12;
  // Length scale: median distance between the window's points.
  std::vector<double> dist;
  Eigen::MatrixXd sq(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(n); ++i)
    for (Eigen::Index j = 0; j <= i; ++j) {
      sq(i, j) = sq(j, i) = (X.row(i) - X.row(j)).squaredNorm();
      if (j < i) dist.push_back(sq(i, j));
    }
  std::nth_element(dist.begin(), dist.begin() + static_cast<std::ptrdiff_t>(dist.size() / 2), dist.end());
  const double ell2 = std::max(dist[dist.size() / 2], 1e-9);  // squared length scale
  Eigen::MatrixXd K = variance * (-0.5 * sq.array() / ell2).exp().matrix();
  K.diagonal().array() += config_.noise * variance + 1e-10;
  const Eigen::LLT<Eigen::MatrixXd> llt(K);
  if (llt.info() != Eigen::Success) {  // numerically singular: fall back to a random design
    pending_.push_back(uniform_point());
    return pending_.back();
  }
  const Eigen::VectorXd alpha = llt.solve((y.array() - mean).matrix());
  ++fits_;

  // Candidates: uniform ones and perturbations of the best observation, scored all at once.
  const auto best = static_cast<std::size_t>(std::max_element(ys_.begin(), ys_.end()) - ys_.begin());
  const double y_best = ys_[best];
  std::normal_distribution<double> gauss(0.0, config_.local_sigma);
  const int candidates = config_.random_candidates + config_.local_candidates;
  Eigen::MatrixXd C(d, candidates);
  for (int c = 0; c < candidates; ++c) {
    if (c < config_.random_candidates) {
      C.col(c) = uniform_point();
    } else {
      for (int i = 0; i < d; ++i) C(i, c) = std::clamp(xs_[best](i) + gauss(rng_), -1.0, 1.0);
    }
  }
  // k(X, C) from squared distances |x|^2 + |c|^2 - 2 x.c.
  const Eigen::VectorXd x2 = X.rowwise().squaredNorm(), c2 = C.colwise().squaredNorm().transpose();
  Eigen::MatrixXd Kc = (X * C) * -2.0;
  Kc.colwise() += x2;
  Kc.rowwise() += c2.transpose();
  Kc = variance * (-0.5 * Kc.array().max(0.0) / ell2).exp().matrix();
  const Eigen::VectorXd mu = (Kc.transpose() * alpha).array() + mean;
  const Eigen::MatrixXd V = llt.matrixL().solve(Kc);
  const Eigen::VectorXd var = (variance - V.colwise().squaredNorm().transpose().array()).max(1e-12);
  int chosen_index = 0;
  double best_ei = -1;
  for (int c = 0; c < candidates; ++c) {
    const double sigma = std::sqrt(var(c)), gain = mu(c) - y_best - config_.xi;
    const double z = gain / sigma;
    const double ei = gain * cdf(z) + sigma * pdf(z);
    if (ei > best_ei) {
      best_ei = ei;
      chosen_index = c;
    }
  }
  const Eigen::VectorXd chosen = C.col(chosen_index);
  pending_.push_back(chosen);
  return chosen;
}

void BoAgent::tell(const Transition& transition) {
  if (pending_.empty()) throw std::logic_error("bo agent: tell() without ask()");
  if (transition.evaluation.x.size() != config_.action_dims)
    throw std::invalid_argument("bo agent: tell() needs the evaluated design vector");
  pending_.erase(pending_.begin());
  xs_.push_back(transition.evaluation.x);
  ys_.push_back(ranking_value(transition.evaluation));
}

AgentStats BoAgent::stats() const {
  AgentStats s;
  s.updates = fits_;
  return s;
}

void BoAgent::save(std::ostream& out) const {
  namespace io = nn::io;
  if (!pending_.empty()) throw std::logic_error("bo agent: save() with designs asked and not told");
  io::write_string(out, kMagic);
  io::write_i64(out, config_.action_dims);
  io::write_i64(out, fits_);
  io::write_engine(out, rng_);
  io::write_u64(out, xs_.size());
  for (std::size_t i = 0; i < xs_.size(); ++i) {
    io::write_vector(out, xs_[i]);
    io::write_f64(out, ys_[i]);
  }
  if (!out) throw std::runtime_error("bo agent: save: write failed");
}

void BoAgent::load(std::istream& in) {
  namespace io = nn::io;
  if (io::read_string(in, 256) != kMagic) throw std::runtime_error("checkpoint: not a meshforge bo-agent checkpoint");
  if (io::read_i64(in) != config_.action_dims) throw std::runtime_error("checkpoint: bo agent has a different action_dims");
  const std::int64_t fits = io::read_i64(in);
  const std::mt19937_64 rng = io::read_engine(in);
  const std::uint64_t n = io::read_u64(in);
  if (fits < 0 || n > (std::uint64_t{1} << 32)) throw std::runtime_error("checkpoint: corrupt bo agent");
  std::vector<Eigen::VectorXd> xs;
  std::vector<double> ys;
  for (std::uint64_t i = 0; i < n; ++i) {
    xs.push_back(io::read_vector(in));
    ys.push_back(io::read_f64(in));
    if (!in || xs.back().size() != config_.action_dims) throw std::runtime_error("checkpoint: corrupt bo agent history");
  }
  rng_ = rng;
  fits_ = fits;
  xs_ = std::move(xs);
  ys_ = std::move(ys);
  pending_.clear();
}

}  // namespace meshforge::search
