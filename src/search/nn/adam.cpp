#include "search/nn/adam.h"

#include <cmath>
#include <stdexcept>

#include "search/nn/serialize.h"

namespace meshforge::search::nn {

Adam::Adam(Index num_params, AdamConfig config)
    : config_(config), m_(Vector::Zero(num_params)), v_(Vector::Zero(num_params)) {}

void Adam::step(Vector& params, const Vector& grads) {
  if (params.size() != m_.size() || grads.size() != m_.size())
    throw std::invalid_argument("Adam::step: parameter count differs from the optimiser's");
  ++t_;
  const double b1 = config_.beta1, b2 = config_.beta2;
  m_.array() = b1 * m_.array() + (1.0 - b1) * grads.array();
  v_.array() = b2 * v_.array() + (1.0 - b2) * grads.array().square();
  const double bias1 = 1.0 - std::pow(b1, static_cast<double>(t_));
  const double bias2_sqrt = std::sqrt(1.0 - std::pow(b2, static_cast<double>(t_)));
  const double step_size = config_.lr / bias1;
  params.array() -= step_size * m_.array() / (v_.array().sqrt() / bias2_sqrt + config_.eps);
}

void Adam::save(std::ostream& out) const {
  io::write_tag(out, "adam");
  io::write_i64(out, t_);
  io::write_vector(out, m_);
  io::write_vector(out, v_);
}

void Adam::load(std::istream& in) {
  io::expect_tag(in, "adam");
  const std::int64_t t = io::read_i64(in);
  if (t < 0) throw std::runtime_error("checkpoint: negative optimiser step count");
  Vector m(m_.size()), v(v_.size());
  io::read_vector_into(in, m, "optimiser first moment");
  io::read_vector_into(in, v, "optimiser second moment");
  t_ = t;
  m_ = m;
  v_ = v;
}

void polyak_update(Vector& target, const Vector& source, double tau) {
  if (target.size() != source.size())
    throw std::invalid_argument("polyak_update: parameter counts differ");
  target *= 1.0 - tau;
  target.noalias() += tau * source;
}

}  // namespace meshforge::search::nn
