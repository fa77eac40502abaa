// Gradients of the SAC + mixture-of-experts losses against central finite differences: the MoE
// actor's reparameterised sample and log-probability w.r.t. every actor parameter (trunk, heads,
// gate), the critic's gradient w.r.t. its action input, the full actor, critic and temperature
// losses exactly as the learner computes them.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <ostream>

#include "gradient_check.h"
#include "search/sac/learner.h"

namespace meshforge::search::sac {
namespace {

using nn::Rng;
using nn::Vector;
using testing::numeric_gradient;

Matrix normal_matrix(Index rows, Index cols, Rng& rng, double scale = 1.0) {
  Matrix m(rows, cols);
  nn::fill_standard_normal(m, rng);
  return scale * m;
}

SacConfig small_config(int experts, nn::Activation activation = nn::Activation::relu) {
  SacConfig c;
  c.state_dims = 7;
  c.action_dims = 3;
  c.experts = experts;
  c.gate_begin = 2;
  c.gate_end = 5;
  c.gate_hidden = {8};
  c.actor_hidden = {16, 16};
  c.critic_hidden = {16, 16};
  c.activation = activation;
  return c;
}

// L = sum(wa .* action) + sum(wl .* log_prob) for fixed noise: checks d(sample)/dtheta (wl = 0),
// d(log pi)/dtheta (wa = 0), and both together.
struct ActorCase {
  int experts;
  nn::Activation activation;
  double action_weight, log_prob_weight;
  double log_std_max;  // small values make the clamp active for some entries
  double routing_weight = 0;  // adds the gate's routing loss
  bool trunk_sees_gate_features = false;
};

void PrintTo(const ActorCase& c, std::ostream* os) {
  *os << "K=" << c.experts << " " << nn::to_string(c.activation) << " d_action=" << c.action_weight
      << " d_logp=" << c.log_prob_weight << " log_std_max=" << c.log_std_max << " routing=" << c.routing_weight
      << (c.trunk_sees_gate_features ? " trunk sees gate features" : "");
}

class ActorGradient : public ::testing::TestWithParam<ActorCase> {};

TEST_P(ActorGradient, SampleAndLogProbabilityMatchFiniteDifferences) {
  const ActorCase& p = GetParam();
  SacConfig c = small_config(p.experts, p.activation);
  c.log_std_max = p.log_std_max;
  c.trunk_sees_gate_features = p.trunk_sees_gate_features;
  Rng rng(17);
  MoeActor actor(c);
  actor.init(rng);
  // Spread the gate's logits so the softmax is far from uniform.
  actor.gate().params() *= 3.0;
  const Index batch = 6;
  const Matrix states = normal_matrix(c.state_dims, batch, rng);
  const Matrix eps = normal_matrix(c.action_dims, batch, rng);
  const Matrix wa = p.action_weight * normal_matrix(c.action_dims, batch, rng);
  const Matrix wl = p.log_prob_weight * normal_matrix(1, batch, rng);
  MoeActor::Tape tape;
  const auto loss = [&] {
    actor.forward(states, eps, tape);
    return (tape.action.array() * wa.array()).sum() + (tape.log_prob.array() * wl.array()).sum() +
           p.routing_weight * MoeActor::routing_loss(tape);
  };
  loss();
  actor.zero_grad();
  actor.backward(wa, wl, tape, p.routing_weight);
  const Vector trunk_grad = actor.trunk().grads(), gate_grad = actor.gate().grads();
  if (p.action_weight == 0 && p.log_prob_weight == 0) {
    EXPECT_EQ(trunk_grad.squaredNorm(), 0.0);  // the routing loss depends on the gate alone
  } else {
    EXPECT_GRADIENT_NEAR(trunk_grad, numeric_gradient(actor.trunk().params(), loss));
  }
  if (p.experts > 1) {
    EXPECT_GRADIENT_NEAR(gate_grad, numeric_gradient(actor.gate().params(), loss));
  } else {
    // K = 1: the gate is the constant 1, its parameters get no gradient.
    EXPECT_EQ(gate_grad.squaredNorm(), 0.0);
    EXPECT_TRUE((tape.gates.array() == 1.0).all());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Moe, ActorGradient,
    ::testing::Values(ActorCase{4, nn::Activation::relu, 1.0, 0.0, 2.0},   // sample only
                      ActorCase{4, nn::Activation::relu, 0.0, 1.0, 2.0},   // log-prob only
                      ActorCase{4, nn::Activation::tanh, 1.0, 0.7, 2.0},   // both
                      ActorCase{3, nn::Activation::relu, 0.5, 1.0, 0.05},  // clamp active
                      ActorCase{4, nn::Activation::relu, 0.0, 0.0, 2.0, 1.0},  // routing loss only
                      ActorCase{4, nn::Activation::tanh, 1.0, 0.7, 2.0, 0.5, true},  // all, full trunk
                      ActorCase{1, nn::Activation::relu, 1.0, 1.0, 2.0, 1.0}));  // plain SAC

TEST(MoeActor, MixesExpertsByTheGateAndComputesTheTanhGaussianDensity) {
  const SacConfig c = small_config(4);
  Rng rng(3);
  MoeActor actor(c);
  actor.init(rng);
  const Index batch = 5;
  const Matrix states = normal_matrix(c.state_dims, batch, rng);
  const Matrix eps = normal_matrix(c.action_dims, batch, rng);
  MoeActor::Tape tape;
  actor.forward(states, eps, tape);
  const Index d = c.action_dims;
  // The trunk sees the state without the gate's features [2, 5).
  ASSERT_EQ(actor.trunk().input_dim(), c.state_dims - 3);
  Matrix trunk_in(c.state_dims - 3, batch);
  trunk_in << states.topRows(2), states.bottomRows(2);
  const Matrix heads = actor.trunk().forward(trunk_in);
  // The gate sees only its subset of the state: other features do not change it.
  Matrix perturbed = states;
  perturbed.topRows(2).setRandom();
  perturbed.bottomRows(2).setRandom();
  MoeActor::Tape tape2;
  EXPECT_TRUE(actor.gate_weights(perturbed, tape2).isApprox(tape.gates, 1e-15));
  for (Index b = 0; b < batch; ++b) {
    EXPECT_NEAR(tape.gates.col(b).sum(), 1.0, 1e-14);
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d), log_std = Eigen::VectorXd::Zero(d);
    for (Index k = 0; k < 4; ++k) {
      mean += tape.gates(k, b) * heads.col(b).segment(2 * d * k, d);
      log_std += tape.gates(k, b) *
                 heads.col(b).segment(2 * d * k + d, d).cwiseMax(c.log_std_min).cwiseMin(c.log_std_max);
    }
    EXPECT_TRUE(tape.mean.col(b).isApprox(mean, 1e-13));
    // Density of a = tanh(u), u ~ N(mean, exp(log_std)^2): change of variables by hand.
    double lp = 0;
    for (Index i = 0; i < d; ++i) {
      const double sd = std::exp(log_std(i));
      const double u = std::atanh(tape.action(i, b));
      const double z = (u - mean(i)) / sd;
      lp += -0.5 * z * z - std::log(sd) - 0.5 * std::log(2 * std::numbers::pi) -
            std::log(1 - tape.action(i, b) * tape.action(i, b));
    }
    EXPECT_NEAR(tape.log_prob(0, b), lp, 1e-8 * std::max(1.0, std::abs(lp)));
  }
  // Zero noise: the deterministic action tanh(mean).
  actor.forward(states, Matrix::Zero(d, batch), tape);
  EXPECT_TRUE(tape.action.isApprox(tape.mean.array().tanh().matrix(), 1e-15));
}

TEST(MoeActor, LogOneMinusTanhSquaredIsStable) {
  for (const double u : {-40.0, -3.0, -0.1, 0.0, 0.5, 3.0, 40.0}) {
    const double direct = std::log(1 - std::tanh(u) * std::tanh(u));
    if (std::abs(u) < 10) {
      EXPECT_NEAR(log_one_minus_tanh_sq(u), direct, 1e-12);
    }
    EXPECT_TRUE(std::isfinite(log_one_minus_tanh_sq(u)));
  }
  EXPECT_NEAR(log_one_minus_tanh_sq(40.0), 2 * std::numbers::ln2 - 80.0, 1e-9);
}

Batch random_batch(const SacConfig& c, Index b, Rng& rng) {
  Batch batch;
  batch.states = normal_matrix(c.state_dims, b, rng);
  batch.actions = normal_matrix(c.action_dims, b, rng).array().tanh();
  batch.rewards = normal_matrix(1, b, rng);
  batch.next_states = normal_matrix(c.state_dims, b, rng);
  batch.terminals = Matrix::Zero(1, b);
  batch.terminals(0, 1) = 1.0;
  return batch;
}

TEST(Critic, ActionGradientMatchesFiniteDifferences) {
  const SacConfig c = small_config(4);
  Rng rng(5);
  SacLearner learner(c, rng);
  Mlp& q = learner.critic(0);
  const Index b = 4;
  Matrix sa = normal_matrix(c.state_dims + c.action_dims, b, rng);
  const Matrix w = normal_matrix(1, b, rng);
  Mlp::Tape tape;
  const auto loss = [&] { return (q.forward(sa, tape).array() * w.array()).sum(); };
  loss();
  const Matrix dsa = q.input_gradient(w, tape);
  const Matrix da = dsa.bottomRows(c.action_dims);
  // Perturb only the action rows.
  Vector numeric(c.action_dims * b);
  Index n = 0;
  for (Index j = 0; j < b; ++j)
    for (Index i = 0; i < c.action_dims; ++i) {
      double& x = sa(c.state_dims + i, j);
      const double keep = x;
      x = keep + 1e-6;
      const double up = loss();
      x = keep - 1e-6;
      const double down = loss();
      x = keep;
      numeric(n++) = (up - down) / 2e-6;
    }
  EXPECT_GRADIENT_NEAR(Eigen::Map<const Vector>(da.data(), da.size()), numeric);
}

class LearnerGradient : public ::testing::TestWithParam<int> {};

TEST_P(LearnerGradient, ActorLossMatchesFiniteDifferences) {
  const SacConfig c = small_config(GetParam());
  Rng rng(9);
  SacLearner learner(c, rng);
  learner.set_log_alpha(std::log(0.3));
  learner.actor().gate().params() *= 3.0;
  const Index b = 8;
  const Matrix states = normal_matrix(c.state_dims, b, rng);
  const Matrix eps = normal_matrix(c.action_dims, b, rng);
  // Make the critics differ so the min picks each on some samples.
  learner.critic(1).params() += 0.3 * normal_matrix(learner.critic(1).num_params(), 1, rng);
  learner.actor_loss_and_grad(states, eps);
  const Vector trunk_grad = learner.actor().trunk().grads();
  const Vector gate_grad = learner.actor().gate().grads();
  const auto loss = [&] { return learner.actor_loss_and_grad(states, eps); };
  EXPECT_GRADIENT_NEAR(trunk_grad, numeric_gradient(learner.actor().trunk().params(), loss));
  if (c.experts > 1) {
    EXPECT_GRADIENT_NEAR(gate_grad, numeric_gradient(learner.actor().gate().params(), loss));
  }
  // The actor loss does not touch the critics' parameter gradients.
  EXPECT_EQ(learner.critic(0).grads().squaredNorm(), 0.0);
}

TEST_P(LearnerGradient, CriticLossMatchesFiniteDifferences) {
  const SacConfig c = small_config(GetParam());
  Rng rng(10);
  SacLearner learner(c, rng);
  learner.set_log_alpha(std::log(0.2));
  // Targets different from the critics, as after some training.
  learner.target(0).params() += 0.2 * normal_matrix(learner.target(0).num_params(), 1, rng);
  const Batch batch = random_batch(c, 8, rng);
  const Matrix next_eps = normal_matrix(c.action_dims, 8, rng);
  learner.critic_loss_and_grad(batch, next_eps);
  const Vector g0 = learner.critic(0).grads(), g1 = learner.critic(1).grads();
  const auto loss = [&] { return learner.critic_loss_and_grad(batch, next_eps); };
  EXPECT_GRADIENT_NEAR(g0, numeric_gradient(learner.critic(0).params(), loss));
  EXPECT_GRADIENT_NEAR(g1, numeric_gradient(learner.critic(1).params(), loss));
  // The target is a constant of the critic loss: no gradient reaches the actor.
  EXPECT_EQ(learner.actor().trunk().grads().squaredNorm(), 0.0);
  EXPECT_EQ(learner.actor().gate().grads().squaredNorm(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Experts, LearnerGradient, ::testing::Values(4, 1));

TEST(Learner, CriticTargetIsTheClippedDoubleQWithEntropyBonus) {
  SacConfig c = small_config(2);
  c.gamma = 0.9;
  Rng rng(12);
  SacLearner learner(c, rng);
  learner.target(1).params() += 0.5 * normal_matrix(learner.target(1).num_params(), 1, rng);
  const Batch batch = random_batch(c, 6, rng);
  const Matrix next_eps = normal_matrix(c.action_dims, 6, rng);
  const double loss = learner.critic_loss_and_grad(batch, next_eps);
  // Recompute by hand.
  MoeActor::Tape tape;
  learner.actor().forward(batch.next_states, next_eps, tape);
  Matrix next_sa(c.state_dims + c.action_dims, 6), sa(c.state_dims + c.action_dims, 6);
  next_sa << batch.next_states, tape.action;
  sa << batch.states, batch.actions;
  const Matrix qt1 = learner.target(0).forward(next_sa), qt2 = learner.target(1).forward(next_sa);
  double expected = 0;
  for (int i = 0; i < 2; ++i) {
    const Matrix q = learner.critic(i).forward(sa);
    for (Index j = 0; j < 6; ++j) {
      const double soft_v = std::min(qt1(0, j), qt2(0, j)) - learner.alpha() * tape.log_prob(0, j);
      const double y = c.reward_scale * batch.rewards(0, j) + c.gamma * (1 - batch.terminals(0, j)) * soft_v;
      expected += 0.5 * (q(0, j) - y) * (q(0, j) - y) / 6;
    }
  }
  EXPECT_NEAR(loss, expected, 1e-12 * std::max(1.0, expected));
}

TEST(Learner, AlphaLossGradientMatchesFiniteDifferences) {
  const SacConfig c = small_config(4);
  Rng rng(13);
  SacLearner learner(c, rng);
  const Matrix log_prob = normal_matrix(1, 10, rng, 2.0);
  learner.set_log_alpha(-0.7);
  double grad = 0;
  learner.alpha_loss(log_prob, &grad);
  Vector la = Vector::Constant(1, learner.log_alpha());
  const auto loss = [&] {
    learner.set_log_alpha(la(0));
    return learner.alpha_loss(log_prob, nullptr);
  };
  EXPECT_GRADIENT_NEAR(Vector::Constant(1, grad), numeric_gradient(la, loss));
  // Entropy below target (log pi above -H_target) pushes alpha up: gradient negative.
  EXPECT_NEAR(grad, -(log_prob.mean() + c.resolved_target_entropy()), 1e-15);
  EXPECT_EQ(c.resolved_target_entropy(), -3.0);
}

}  // namespace
}  // namespace meshforge::search::sac
