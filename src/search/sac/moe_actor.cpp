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

// Gates below this count as this in logarithms (a softmax can underflow to 0).
constexpr double kMinGate = 1e-12;

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

}  // namespace

double log_one_minus_tanh_sq(double u) {
  return 2.0 * (std::numbers::ln2 - u - softplus(-2.0 * u));
}

MoeActor::MoeActor(const SacConfig& c)
    : experts_(c.experts),
      action_dims_(c.action_dims),
      state_dims_(c.state_dims),
      gate_begin_(c.gate_begin),
      gate_dims_(c.gate_dims()),
      trunk_sees_gate_(c.experts == 1 || c.trunk_sees_gate_features),
      log_std_min_(c.log_std_min),
      log_std_max_(c.log_std_max),
      trunk_(layer_sizes(trunk_sees_gate_ ? c.state_dims : c.state_dims - c.gate_dims(), c.actor_hidden,
                         2 * Index{c.action_dims} * c.experts),
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

const Matrix& MoeActor::trunk_input(const Eigen::Ref<const Matrix>& states, Tape& tape) const {
  if (trunk_sees_gate_) return tape.states;
  const Index after = state_dims_ - gate_begin_ - gate_dims_;
  tape.trunk_in.resize(state_dims_ - gate_dims_, states.cols());
  tape.trunk_in.topRows(gate_begin_) = states.topRows(gate_begin_);
  tape.trunk_in.bottomRows(after) = states.bottomRows(after);
  return tape.trunk_in;
}

void MoeActor::forward(const Eigen::Ref<const Matrix>& states, const Eigen::Ref<const Matrix>& eps,
                       Tape& tape) const {
  const Index d = action_dims_, batch = states.cols();
  if (eps.rows() != d || eps.cols() != batch)
    throw std::invalid_argument("MoeActor::forward: noise shape does not match");
  if (states.rows() != state_dims_)
    throw std::invalid_argument("MoeActor::forward: state size does not match");
  tape.states = states;
  const Matrix& heads = trunk_.forward(trunk_input(states, tape), tape.trunk);
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

double MoeActor::routing_loss(const Tape& tape) {
  const Matrix& g = tape.gates;
  const Eigen::VectorXd p = g.rowwise().mean();
  double per_sample = 0, of_mean = 0;
  for (Index b = 0; b < g.cols(); ++b)
    for (Index k = 0; k < g.rows(); ++k) per_sample -= g(k, b) * std::log(std::max(g(k, b), kMinGate));
  for (Index k = 0; k < p.size(); ++k) of_mean -= p(k) * std::log(std::max(p(k), kMinGate));
  return per_sample / static_cast<double>(g.cols()) - of_mean;
}

void MoeActor::backward(const Eigen::Ref<const Matrix>& d_action,
                        const Eigen::Ref<const Matrix>& d_log_prob, Tape& tape, double routing_weight) {
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
  if (routing_weight != 0 && experts_ > 1) {
    // d/dg_bk of w [mean_b H(g_b) - H(p)], p = mean_b g_b:  (w / B) (log p_k - log g_bk).
    const Eigen::ArrayXd log_p = tape.gates.rowwise().mean().array().max(kMinGate).log();
    const double w = routing_weight / static_cast<double>(batch);
    tape.d_gates.array() += w * ((-tape.gates.array().max(kMinGate).log()).colwise() + log_p);
  }
  // Softmax backward: dL/dz_k = g_k (dL/dg_k - sum_j g_j dL/dg_j).
  tape.d_logits = tape.gates.array() *
                  (tape.d_gates.array().rowwise() -
                   (tape.gates.array() * tape.d_gates.array()).colwise().sum());
  trunk_.backward(tape.d_heads, tape.trunk, false);  // the trunk input needs no gradient
  gate_.backward(tape.d_logits, tape.gate, false);
}

}  // namespace meshforge::search::sac
