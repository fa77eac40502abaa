// Adam (Kingma & Ba 2015) exactly as torch.optim.Adam computes it (no weight decay, no AMSGrad),
// on a flat parameter vector, plus Polyak averaging for target networks.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "search/nn/layers.h"

namespace meshforge::search::nn {

struct AdamConfig {
  double lr = 3e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

class Adam {
 public:
  Adam() = default;
  explicit Adam(Index num_params, AdamConfig config = {});

  // m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
  // theta -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
  void step(Vector& params, const Vector& grads);

  std::int64_t steps() const { return t_; }
  const AdamConfig& config() const { return config_; }
  void set_lr(double lr) { config_.lr = lr; }
  const Vector& first_moment() const { return m_; }
  const Vector& second_moment() const { return v_; }

  // Moments and step count (the hyperparameters come from the constructor, not the stream).
  void save(std::ostream& out) const;
  void load(std::istream& in);

 private:
  AdamConfig config_;
  Vector m_, v_;
  std::int64_t t_ = 0;
};

// target = (1 - tau) target + tau source (stable-baselines3's polyak_update).
void polyak_update(Vector& target, const Vector& source, double tau);

}  // namespace meshforge::search::nn
