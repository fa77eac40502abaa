#include "search/sac/learner.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "search/nn/serialize.h"

namespace meshforge::search::sac {
namespace {

std::vector<Index> critic_sizes(const SacConfig& c) {
  std::vector<Index> sizes{Index{c.state_dims} + c.action_dims};
  for (const int h : c.critic_hidden) sizes.push_back(h);
  sizes.push_back(1);
  return sizes;
}

const SacConfig& validated(const SacConfig& c) {
  validate(c);
  return c;
}

}  // namespace

SacLearner::SacLearner(const SacConfig& config, nn::Rng& rng)
    : config_(validated(config)),
      actor_(config),
      critic_{Mlp(critic_sizes(config), config.activation), Mlp(critic_sizes(config), config.activation)},
      log_alpha_(nn::Vector::Constant(1, std::log(config.initial_alpha))),
      log_alpha_grad_(nn::Vector::Zero(1)),
      target_entropy_(config.resolved_target_entropy()) {
  actor_.init(rng);
  for (Mlp& q : critic_) q.init(rng);
  target_[0] = critic_[0];
  target_[1] = critic_[1];
  actor_opt_ = nn::Adam(actor_.trunk().num_params(), {.lr = config.actor_lr});
  gate_opt_ = nn::Adam(actor_.gate().num_params(), {.lr = config.actor_lr});
  for (int i = 0; i < 2; ++i)
    critic_opt_[i] = nn::Adam(critic_[i].num_params(), {.lr = config.critic_lr});
  alpha_opt_ = nn::Adam(1, {.lr = config.alpha_lr});
}

double SacLearner::alpha() const { return std::exp(log_alpha_(0)); }

double SacLearner::alpha_loss(const Matrix& log_prob, double* grad) const {
  // L = -log_alpha * mean(log pi + H_target), the log-probabilities held constant.
  const double m = log_prob.mean() + target_entropy_;
  if (grad != nullptr) *grad = -m;
  return -log_alpha_(0) * m;
}

double SacLearner::critic_loss_and_grad(const Batch& batch, const Matrix& next_eps) {
  const Index s = config_.state_dims, b = batch.size();
  const double alpha_now = alpha();
  // Clipped double-Q target with the entropy bonus of a' ~ pi(s').
  actor_.forward(batch.next_states, next_eps, next_tape_);
  next_sa_.resize(s + config_.action_dims, b);
  next_sa_.topRows(s) = batch.next_states;
  next_sa_.bottomRows(config_.action_dims) = next_tape_.action;
  const Matrix& qt1 = target_[0].forward(next_sa_, target_tape_[0]);
  const Matrix& qt2 = target_[1].forward(next_sa_, target_tape_[1]);
  y_ = config_.reward_scale * batch.rewards.array() +
       config_.gamma * (1.0 - batch.terminals.array()) *
           (qt1.array().min(qt2.array()) - alpha_now * next_tape_.log_prob.array());

  sa_.resize(s + config_.action_dims, b);
  sa_.topRows(s) = batch.states;
  sa_.bottomRows(config_.action_dims) = batch.actions;
  double loss = 0;
  for (int i = 0; i < 2; ++i) {
    const Matrix& q = critic_[i].forward(sa_, q_tape_[i]);
    dq_ = (q - y_) / static_cast<double>(b);
    loss += 0.5 * (q - y_).squaredNorm() / static_cast<double>(b);
    critic_[i].zero_grad();
    critic_[i].backward(dq_, q_tape_[i], false);
  }
  return loss;
}

double SacLearner::actor_loss_and_grad(const Matrix& states, const Matrix& eps) {
  actor_.forward(states, eps, pi_tape_);
  return actor_loss_from_tape();
}

double SacLearner::actor_loss_from_tape() {
  const Index s = config_.state_dims, b = pi_tape_.action.cols();
  const double alpha_now = alpha(), inv_b = 1.0 / static_cast<double>(b);
  const Matrix& states = pi_tape_.states;
  sa_.resize(s + config_.action_dims, b);
  sa_.topRows(s) = states;
  sa_.bottomRows(config_.action_dims) = pi_tape_.action;
  const Matrix& q1 = critic_[0].forward(sa_, q_tape_[0]);
  const Matrix& q2 = critic_[1].forward(sa_, q_tape_[1]);
  // L = mean(alpha log pi - min(Q1, Q2)); the min passes its gradient to the smaller critic.
  dq_.resize(1, b);
  dq2_.resize(1, b);
  double loss = 0;
  for (Index j = 0; j < b; ++j) {
    const bool first = q1(0, j) <= q2(0, j);
    loss += alpha_now * pi_tape_.log_prob(0, j) - (first ? q1(0, j) : q2(0, j));
    dq_(0, j) = first ? -inv_b : 0.0;
    dq2_(0, j) = first ? 0.0 : -inv_b;
  }
  d_action_ = critic_[0].input_gradient(dq_, q_tape_[0]).bottomRows(config_.action_dims);
  d_action_ += critic_[1].input_gradient(dq2_, q_tape_[1]).bottomRows(config_.action_dims);
  d_log_prob_.setConstant(1, b, alpha_now * inv_b);
  actor_.zero_grad();
  actor_.backward(d_action_, d_log_prob_, pi_tape_, config_.gate_routing_weight);
  return loss * inv_b + config_.gate_routing_weight * MoeActor::routing_loss(pi_tape_);
}

void SacLearner::check_finite(double value, const char* what) const {
  if (!std::isfinite(value))
    throw std::runtime_error(std::string("SAC: NaN in ") + what + " at update " +
                             std::to_string(updates_ + 1) + " (non-finite value " +
                             std::to_string(value) + ")");
}

void SacLearner::check_finite(const nn::Vector& values, const char* what) const {
  if (!values.allFinite())
    throw std::runtime_error(std::string("SAC: NaN in ") + what + " at update " +
                             std::to_string(updates_ + 1) + " (non-finite parameter)");
}

Losses SacLearner::update(const Batch& batch, nn::Rng& rng) {
  const Index b = batch.size();
  eps_.resize(config_.action_dims, b);
  next_eps_.resize(config_.action_dims, b);
  nn::fill_standard_normal(eps_, rng);
  nn::fill_standard_normal(next_eps_, rng);
  Losses losses;

  // 1-2. Policy sample on s, temperature step.
  actor_.forward(batch.states, eps_, pi_tape_);
  double alpha_grad = 0;
  losses.alpha = alpha_loss(pi_tape_.log_prob, &alpha_grad);
  check_finite(losses.alpha, "entropy temperature loss");
  if (config_.learn_alpha) {
    log_alpha_grad_(0) = alpha_grad;
    alpha_opt_.step(log_alpha_, log_alpha_grad_);
    check_finite(log_alpha_, "entropy temperature");
  }

  // 3-4. Critics.
  losses.critic = critic_loss_and_grad(batch, next_eps_);
  check_finite(losses.critic, "critic loss");
  for (int i = 0; i < 2; ++i) critic_opt_[i].step(critic_[i].params(), critic_[i].grads());

  // 5. Actor against the updated critics.
  losses.actor = actor_loss_from_tape();
  check_finite(losses.actor, "actor loss");
  actor_opt_.step(actor_.trunk().params(), actor_.trunk().grads());
  gate_opt_.step(actor_.gate().params(), actor_.gate().grads());

  // 6. Targets.
  for (int i = 0; i < 2; ++i)
    nn::polyak_update(target_[i].params(), critic_[i].params(), config_.tau);

  // 7. Nothing non-finite may survive an update.
  check_finite(critic_[0].params(), "critic 1 parameters");
  check_finite(critic_[1].params(), "critic 2 parameters");
  check_finite(actor_.trunk().params(), "actor parameters");
  check_finite(actor_.gate().params(), "gate parameters");
  check_finite(target_[0].params(), "target critic 1 parameters");
  check_finite(target_[1].params(), "target critic 2 parameters");

  ++updates_;
  last_ = losses;
  return losses;
}

void SacLearner::save(std::ostream& out) const {
  namespace io = nn::io;
  io::write_tag(out, "sac-learner");
  actor_.trunk().save(out);
  actor_.gate().save(out);
  for (int i = 0; i < 2; ++i) {
    critic_[i].save(out);
    target_[i].save(out);
  }
  actor_opt_.save(out);
  gate_opt_.save(out);
  critic_opt_[0].save(out);
  critic_opt_[1].save(out);
  alpha_opt_.save(out);
  io::write_f64(out, log_alpha_(0));
  io::write_i64(out, updates_);
  io::write_f64(out, last_.critic);
  io::write_f64(out, last_.actor);
  io::write_f64(out, last_.alpha);
}

void SacLearner::load(std::istream& in) {
  namespace io = nn::io;
  io::expect_tag(in, "sac-learner");
  actor_.trunk().load(in);
  actor_.gate().load(in);
  for (int i = 0; i < 2; ++i) {
    critic_[i].load(in);
    target_[i].load(in);
  }
  actor_opt_.load(in);
  gate_opt_.load(in);
  critic_opt_[0].load(in);
  critic_opt_[1].load(in);
  alpha_opt_.load(in);
  log_alpha_(0) = io::read_f64(in);
  updates_ = io::read_i64(in);
  last_.critic = io::read_f64(in);
  last_.actor = io::read_f64(in);
  last_.alpha = io::read_f64(in);
  if (!std::isfinite(log_alpha_(0)) || updates_ < 0)
    throw std::runtime_error("checkpoint: corrupt entropy temperature or update count");
}

}  // namespace meshforge::search::sac
