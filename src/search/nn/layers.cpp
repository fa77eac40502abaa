#include "search/nn/layers.h"

#include <cmath>
#include <stdexcept>

namespace meshforge::search::nn {

const char* to_string(Activation a) {
  switch (a) {
    case Activation::identity: return "identity";
    case Activation::relu: return "relu";
    case Activation::tanh: return "tanh";
  }
  return "?";
}

void apply_activation(Activation f, Matrix& a) {
  switch (f) {
    case Activation::identity: return;
    case Activation::relu: a = a.cwiseMax(0.0); return;
    case Activation::tanh: a = a.array().tanh(); return;
  }
}

void activation_backward(Activation f, const Matrix& a, Matrix& d) {
  switch (f) {
    case Activation::identity: return;
    case Activation::relu: d.array() = (a.array() > 0.0).select(d.array(), 0.0); return;
    case Activation::tanh: d.array() *= 1.0 - a.array().square(); return;
  }
}

Linear::Linear(Index in, Index out, Index offset) : in_(in), out_(out), offset_(offset) {
  if (in <= 0 || out <= 0 || offset < 0) throw std::invalid_argument("Linear: bad dimensions");
}

Eigen::Map<Matrix> Linear::weight(Vector& theta) const {
  return {theta.data() + offset_, out_, in_};
}
Eigen::Map<const Matrix> Linear::weight(const Vector& theta) const {
  return {theta.data() + offset_, out_, in_};
}
Eigen::Map<Vector> Linear::bias(Vector& theta) const {
  return {theta.data() + offset_ + out_ * in_, out_};
}
Eigen::Map<const Vector> Linear::bias(const Vector& theta) const {
  return {theta.data() + offset_ + out_ * in_, out_};
}

void Linear::forward(const Vector& theta, const Eigen::Ref<const Matrix>& x, Matrix& y) const {
  y.resize(out_, x.cols());
  y.noalias() = weight(theta) * x;
  y.colwise() += bias(theta);
}

void Linear::backward(const Vector& theta, const Eigen::Ref<const Matrix>& x,
                      const Eigen::Ref<const Matrix>& dy, Vector& grad, Matrix* dx) const {
  weight(grad).noalias() += dy * x.transpose();
  bias(grad).noalias() += dy.rowwise().sum();
  if (dx != nullptr) {
    dx->resize(in_, dy.cols());
    dx->noalias() = weight(theta).transpose() * dy;
  }
}

void Linear::init(Vector& theta, Init scheme, Rng& rng, double gain) const {
  auto w = weight(theta);
  if (scheme == Init::he_normal) {
    const double sd = gain * std::sqrt(2.0 / static_cast<double>(in_));
    fill_standard_normal(w, rng);
    w *= sd;
  } else {
    const double limit = gain * std::sqrt(6.0 / static_cast<double>(in_ + out_));
    fill_uniform(w, rng, -limit, limit);
  }
  bias(theta).setZero();
}

}  // namespace meshforge::search::nn
