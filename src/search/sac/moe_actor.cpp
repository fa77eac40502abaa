#include "search/sac/moe_actor.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace meshforge::search::sac {
namespace {

std::vector<Index> layer_sizes(int in, const std::vector<int>& hidden, Index out) {
  std::vector<Index> sizes{in};
  for (const int h : hidden) sizes.push_back(h);
  sizes.push_back(out);
  return sizes;
}

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

}  // namespace

double log_one_minus_tanh_sq(double u) {
  return 2.0 * (std::numbers::ln2 - u - softplus(-2.0 * u));
}

MoeActor::MoeActor(const SacConfig& c)
    : experts_(c.experts),
      action_dims_(c.action_dims),
      gate_begin_(c.gate_begin),
      gate_dims_(c.gate_dims()),
      log_std_min_(c.log_std_min),
      log_std_max_(c.log_std_max),
      trunk_(layer_sizes(c.state_dims, c.actor_hidden, 2 * Index{c.action_dims} * c.experts),
             c.activation),
      gate_(layer_sizes(c.gate_dims(), c.gate_hidden, c.experts), c.activation) {}

void MoeActor::init(nn::Rng& rng) {
  trunk_.init(rng);
  gate_.init(rng);
}

const Matrix& MoeActor::gate_weights(const Eigen::Ref<const Matrix>& states, Tape& tape) const {
  const Matrix& logits = gate_.forward(states.middleRows(gate_begin_, gate_dims_), tape.gate);
  // Column-wise softmax, shifted by the column maximum.
  tape.gates = logits;
  for (Index b = 0; b < tape.gates.cols(); ++b) {
    auto col = tape.gates.col(b);
    col.array() = (col.array() - col.maxCoeff()).exp();
    col /= col.sum();
  }
  return tape.gates;
}

void MoeActor::forward(const Eigen::Ref<const Matrix>& states, const Eigen::Ref<const Matrix>& eps,
                       Tape& tape) const {
  const Index d = action_dims_, batch = states.cols();
  if (eps.rows() != d || eps.cols() != batch)
    throw std::invalid_argument("MoeActor::forward: noise shape does not match");
  const Matrix& heads = trunk_.forward(states, tape.trunk);
  gate_weights(states, tape);
  tape.mean.setZero(d, batch);
  tape.log_std.setZero(d, batch);
  for (Index k = 0; k < experts_; ++k) {
    const auto g = tape.gates.row(k).array();
    tape.mean.array() += heads.middleRows(2 * d * k, d).array().rowwise() * g;
    tape.log_std.array() += heads.middleRows(2 * d * k + d, d)
                                .array()
                                .max(log_std_min_)
                                .min(log_std_max_)
                                .rowwise() *
                            g;
  }
  tape.std = tape.log_std.array().exp();
  tape.eps = eps;
  tape.action.resize(d, batch);
  tape.log_prob.resize(1, batch);
  const double half_log_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  for (Index b = 0; b < batch; ++b) {
    double lp = 0;
    for (Index i = 0; i < d; ++i) {
      const double e = tape.eps(i, b);
      const double u = tape.mean(i, b) + tape.std(i, b) * e;
      tape.action(i, b) = std::tanh(u);
      lp += -0.5 * e * e - tape.log_std(i, b) - half_log_2pi - log_one_minus_tanh_sq(u);
    }
    tape.log_prob(0, b) = lp;
  }
}

void MoeActor::backward(const Eigen::Ref<const Matrix>& d_action,
                        const Eigen::Ref<const Matrix>& d_log_prob, Tape& tape) {
  const Index d = action_dims_, batch = tape.action.cols();
  if (d_action.rows() != d || d_action.cols() != batch || d_log_prob.rows() != 1 ||
      d_log_prob.cols() != batch)
    throw std::invalid_argument("MoeActor::backward: gradient shapes do not match the forward");
  // With u = mean + std * eps and a = tanh(u):
  //   dL/du = dL/da (1 - a^2) + dL/dlogp * 2 a        (d/du of -log(1 - tanh(u)^2) is 2 tanh u)
  //   dL/dmean = dL/du;  dL/dlog_std = dL/du * std * eps - dL/dlogp
  const auto a = tape.action.array();
  const auto dlp = d_log_prob.row(0).array();
  tape.d_mean = (d_action.array() * (1.0 - a.square())) + 2.0 * (a.rowwise() * dlp);
  tape.d_log_std = (tape.d_mean.array() * tape.std.array() * tape.eps.array()).rowwise() - dlp;

  const Matrix& heads = tape.trunk.a.back();
  tape.d_heads.resize(heads.rows(), batch);
  tape.d_gates.resize(experts_, batch);
  for (Index k = 0; k < experts_; ++k) {
    const auto g = tape.gates.row(k).array();
    const auto mean_k = heads.middleRows(2 * d * k, d).array();
    const auto raw_k = heads.middleRows(2 * d * k + d, d).array();
    const auto log_std_k = raw_k.max(log_std_min_).min(log_std_max_);
    // dL/dg_k = sum_d dL/dmean * mean_k + dL/dlog_std * log_std_k
    tape.d_gates.row(k) = (tape.d_mean.array() * mean_k + tape.d_log_std.array() * log_std_k)
                              .colwise()
                              .sum()
                              .matrix();
    tape.d_heads.middleRows(2 * d * k, d).array() = tape.d_mean.array().rowwise() * g;
    // The clamp passes the gradient only inside [lo, hi] (as torch.clamp does).
    tape.d_heads.middleRows(2 * d * k + d, d).array() =
        ((raw_k >= log_std_min_) && (raw_k <= log_std_max_))
            .select(tape.d_log_std.array().rowwise() * g, 0.0);
  }
  // Softmax backward: dL/dz_k = g_k (dL/dg_k - sum_j g_j dL/dg_j).
  tape.d_logits = tape.gates.array() *
                  (tape.d_gates.array().rowwise() -
                   (tape.gates.array() * tape.d_gates.array()).colwise().sum());
  trunk_.backward(tape.d_heads, tape.trunk, false);
  gate_.backward(tape.d_logits, tape.gate, false);
}

}  // namespace meshforge::search::sac
