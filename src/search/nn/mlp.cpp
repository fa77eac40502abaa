#include "search/nn/mlp.h"

#include <stdexcept>
#include <string>

#include "search/nn/serialize.h"

namespace meshforge::search::nn {

Mlp::Mlp(std::vector<Index> sizes, Activation hidden, Activation output)
    : sizes_(std::move(sizes)), hidden_(hidden), output_(output) {
  if (sizes_.size() < 2) throw std::invalid_argument("Mlp: need at least input and output sizes");
  Index offset = 0;
  for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) {
    layers_.emplace_back(sizes_[l], sizes_[l + 1], offset);
    offset += layers_.back().num_params();
  }
  params_ = Vector::Zero(offset);
  grads_ = Vector::Zero(offset);
}

void Mlp::init(Rng& rng, double output_gain) {
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Init scheme = activation_of(l) == Activation::relu ? Init::he_normal : Init::xavier_uniform;
    layers_[l].init(params_, scheme, rng, l + 1 == layers_.size() ? output_gain : 1.0);
  }
  grads_.setZero();
}

const Matrix& Mlp::forward(const Eigen::Ref<const Matrix>& x, Tape& tape) const {
  if (x.rows() != input_dim())
    throw std::invalid_argument("Mlp::forward: input has " + std::to_string(x.rows()) +
                                " rows, expected " + std::to_string(input_dim()));
  tape.a.resize(layers_.size() + 1);
  tape.a[0] = x;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    layers_[l].forward(params_, tape.a[l], tape.a[l + 1]);
    apply_activation(activation_of(l), tape.a[l + 1]);
  }
  return tape.a.back();
}

const Matrix& Mlp::backward(const Eigen::Ref<const Matrix>& dy, Tape& tape, bool input_grad) {
  return backprop(dy, tape, &grads_, input_grad);
}

const Matrix& Mlp::input_gradient(const Eigen::Ref<const Matrix>& dy, Tape& tape) const {
  return backprop(dy, tape, nullptr, true);
}

const Matrix& Mlp::backprop(const Eigen::Ref<const Matrix>& dy, Tape& tape, Vector* grads,
                            bool input_grad) const {
  const std::size_t n = layers_.size();
  if (tape.a.size() != n + 1) throw std::logic_error("Mlp::backward without forward");
  if (dy.rows() != output_dim() || dy.cols() != tape.a[n].cols())
    throw std::invalid_argument("Mlp::backward: gradient shape does not match the forward output");
  tape.d.resize(n + 1);
  tape.d[n] = dy;
  for (std::size_t l = n; l-- > 0;) {
    Matrix& delta = tape.d[l + 1];  // dL/da[l+1] -> dL/dz[l]
    activation_backward(activation_of(l), tape.a[l + 1], delta);
    const bool need_dx = l > 0 || input_grad;
    const Linear& layer = layers_[l];
    if (grads != nullptr) {
      layer.backward(params_, tape.a[l], delta, *grads, need_dx ? &tape.d[l] : nullptr);
    } else if (need_dx) {
      tape.d[l].resize(layer.in_dim(), delta.cols());
      tape.d[l].noalias() = layer.weight(params_).transpose() * delta;
    }
  }
  if (!input_grad) tape.d[0].resize(0, 0);
  return tape.d[0];
}

void Mlp::save(std::ostream& out) const {
  io::write_tag(out, "mlp");
  io::write_u64(out, sizes_.size());
  for (const Index s : sizes_) io::write_i64(out, s);
  io::write_i64(out, static_cast<std::int64_t>(hidden_));
  io::write_i64(out, static_cast<std::int64_t>(output_));
  io::write_vector(out, params_);
}

void Mlp::load(std::istream& in) {
  io::expect_tag(in, "mlp");
  const std::uint64_t n = io::read_u64(in);
  if (n != sizes_.size()) throw std::runtime_error("checkpoint: network depth differs");
  for (const Index s : sizes_)
    if (io::read_i64(in) != s) throw std::runtime_error("checkpoint: network layer sizes differ");
  if (io::read_i64(in) != static_cast<std::int64_t>(hidden_) ||
      io::read_i64(in) != static_cast<std::int64_t>(output_))
    throw std::runtime_error("checkpoint: network activations differ");
  Vector p(params_.size());
  io::read_vector_into(in, p, "network parameters");
  params_ = p;
}

}  // namespace meshforge::search::nn
