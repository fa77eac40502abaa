// The Soft Actor-Critic learner (Haarnoja et al. 2018, "SAC: Algorithms and Applications", with
// automatic entropy temperature), structured like stable-baselines3's SAC.train():
//
//   per update, on a batch (s, a, r, s', done) and fresh noise:
//   1. actor forward on s:            a~ = pi(s), log pi(a~|s)
//   2. temperature:                   L_alpha = -log_alpha * mean(log pi(a~|s) + H_target)
//                                     Adam step on log_alpha; alpha = exp(log_alpha)
//   3. clipped double-Q target:       a' ~ pi(s'),
//                                     y = r + gamma (1 - done) (min_i Qtarg_i(s', a') - alpha log pi(a'|s'))
//   4. critics:                       L_Q = 1/2 sum_i mean (Q_i(s, a) - y)^2; Adam steps
//   5. actor (updated critics):       L_pi = mean(alpha log pi(a~|s) - min_i Q_i(s, a~)); Adam step
//   6. targets:                       Qtarg_i <- (1 - tau) Qtarg_i + tau Q_i
//   7. NaN/Inf check of every loss and parameter: std::runtime_error
//      "SAC: NaN in <what> at update N"
#pragma once

#include <cstdint>
#include <iosfwd>

#include "search/nn/adam.h"
#include "search/sac/moe_actor.h"
#include "search/sac/replay_buffer.h"

namespace meshforge::search::sac {

struct Losses {
  double critic = 0, actor = 0, alpha = 0;
};

class SacLearner {
 public:
  // Builds and initialises every network from rng (actor, gate, critics; targets copy critics).
  SacLearner(const SacConfig& config, nn::Rng& rng);

  // One gradient step; noise drawn from rng. Throws std::runtime_error on a non-finite loss or
  // parameter (the learner must then be discarded or reloaded).
  Losses update(const Batch& batch, nn::Rng& rng);

  // The three losses and their gradients, as update() uses them; public for gradient tests. Each
  // zeroes, then fills, the gradients of the networks it trains and returns the loss.
  // Critic loss on the batch; next_eps (D x B) is the noise of a' ~ pi(s').
  double critic_loss_and_grad(const Batch& batch, const Matrix& next_eps);
  // Actor loss with a~ = pi(states; eps), using the current critics and alpha.
  double actor_loss_and_grad(const Matrix& states, const Matrix& eps);
  // L_alpha for the given log-probabilities (1 x B); *grad = dL_alpha/dlog_alpha.
  double alpha_loss(const Matrix& log_prob, double* grad) const;

  double alpha() const;
  double log_alpha() const { return log_alpha_(0); }
  void set_log_alpha(double v) { log_alpha_(0) = v; }
  std::int64_t updates() const { return updates_; }
  const Losses& last_losses() const { return last_; }

  MoeActor& actor() { return actor_; }
  const MoeActor& actor() const { return actor_; }
  Mlp& critic(int i) { return critic_[i]; }
  const Mlp& critic(int i) const { return critic_[i]; }
  Mlp& target(int i) { return target_[i]; }
  const Mlp& target(int i) const { return target_[i]; }

  void save(std::ostream& out) const;
  void load(std::istream& in);

 private:
  double actor_loss_from_tape();  // step 5 on the forward already in pi_tape_
  void check_finite(double value, const char* what) const;
  void check_finite(const nn::Vector& values, const char* what) const;

  SacConfig config_;
  MoeActor actor_;
  Mlp critic_[2], target_[2];
  nn::Adam actor_opt_, gate_opt_, critic_opt_[2], alpha_opt_;
  nn::Vector log_alpha_, log_alpha_grad_;
  double target_entropy_ = 0;
  std::int64_t updates_ = 0;
  Losses last_;

  // Work space reused by every update (no allocation once warmed up).
  MoeActor::Tape pi_tape_, next_tape_;
  Mlp::Tape q_tape_[2], target_tape_[2];
  Matrix eps_, next_eps_, sa_, next_sa_, y_, dq_, dq2_, d_action_, d_log_prob_;
};

}  // namespace meshforge::search::sac
