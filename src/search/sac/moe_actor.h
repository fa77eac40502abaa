// The mixture-of-experts Gaussian policy of the SAC agent (docs/agent.md, "The actor").
//
//   trunk:  state -> hidden... -> K heads, head k = [mean_k ; raw_log_std_k]  (2 D K outputs);
//           with K > 1 the trunk reads the state without the gate's features (unless
//           trunk_sees_gate_features), so the regime acts through the gate alone
//   gate:   state[gate_begin, gate_end) -> hidden... -> K logits -> g = softmax (sums to 1)
//   mix:    mean = sum_k g_k mean_k,   log_std = sum_k g_k clamp(raw_log_std_k, lo, hi)
//   sample: u = mean + exp(log_std) * eps,  eps ~ N(0, I_D);   action = tanh(u)
//   log pi(action | s) = sum_d [-eps_d^2 / 2 - log_std_d - log(2 pi) / 2]
//                        - sum_d log(1 - tanh(u_d)^2)
//
// The gate-weighted combination is one diagonal Gaussian per state, so the sample is exactly
// reparameterised and its log-density closed-form: the gradient of a loss in (action, log pi)
// reaches every parameter, the gate's included, with no score-function term. K = 1 is the ordinary
// SAC actor. eps = 0 gives the deterministic action tanh(mean).
#pragma once

#include "search/nn/mlp.h"
#include "search/sac/config.h"

namespace meshforge::search::sac {

using nn::Index;
using nn::Matrix;
using nn::Mlp;

class MoeActor {
 public:
  // Everything one forward pass computes (columns = samples), and the backward scratch.
  struct Tape {
    Matrix states;    // the states of the forward (state_dims x B)
    Matrix trunk_in;  // the trunk's input when it skips the gate's features
    Mlp::Tape trunk, gate;
    Matrix gates;     // K x B softmax weights
    Matrix mean;      // D x B gate-weighted pre-tanh mean
    Matrix log_std;   // D x B gate-weighted (clamped) log-std
    Matrix std;       // D x B exp(log_std)
    Matrix eps;       // D x B the noise used
    Matrix action;    // D x B tanh(mean + std * eps)
    Matrix log_prob;  // 1 x B log pi(action | state)
    // backward scratch
    Matrix d_mean, d_log_std, d_gates, d_logits, d_heads;
  };

  MoeActor() = default;
  explicit MoeActor(const SacConfig& config);

  void init(nn::Rng& rng);

  // states: state_dims x B; eps: action_dims x B.
  void forward(const Eigen::Ref<const Matrix>& states, const Eigen::Ref<const Matrix>& eps,
               Tape& tape) const;
  // Gate weights only (K x B), for usage statistics; cheap (the trunk is not evaluated).
  const Matrix& gate_weights(const Eigen::Ref<const Matrix>& states, Tape& tape) const;
  // For the last forward on the tape, accumulates into trunk().grads() and gate().grads() the
  // gradient of a loss L given d_action = dL/daction (D x B) and d_log_prob = dL/dlog pi (1 x B),
  // with eps held fixed (the reparameterisation gradient), plus routing_weight times the
  // gradient of routing_loss(tape).
  void backward(const Eigen::Ref<const Matrix>& d_action,
                const Eigen::Ref<const Matrix>& d_log_prob, Tape& tape, double routing_weight = 0);
  // The gate's routing loss on the last forward: mean_b H(g_b) - H(mean_b g_b) (<= 0; zero when
  // all columns share one gate).
  static double routing_loss(const Tape& tape);

  Mlp& trunk() { return trunk_; }
  const Mlp& trunk() const { return trunk_; }
  Mlp& gate() { return gate_; }
  const Mlp& gate() const { return gate_; }
  void zero_grad() {
    trunk_.zero_grad();
    gate_.zero_grad();
  }

  Index experts() const { return experts_; }
  Index action_dims() const { return action_dims_; }
  Index state_dims() const { return state_dims_; }
  bool trunk_sees_gate_features() const { return trunk_sees_gate_; }

 private:
  const Matrix& trunk_input(const Eigen::Ref<const Matrix>& states, Tape& tape) const;

  Index experts_ = 1, action_dims_ = 0, state_dims_ = 0, gate_begin_ = 0, gate_dims_ = 0;
  bool trunk_sees_gate_ = true;
  double log_std_min_ = -20, log_std_max_ = 2;
  Mlp trunk_, gate_;
};

// log(1 - tanh(u)^2) computed stably as 2 (log 2 - u - softplus(-2 u)).
double log_one_minus_tanh_sq(double u);

}  // namespace meshforge::search::sac
