// A multi-layer perceptron on a flat parameter vector (columns = samples; see layers.h).
//
//   Mlp net({in, 128, 128, out}, Activation::relu);   // hidden activation relu, output identity
//   net.init(rng);
//   Mlp::Tape tape;
//   const Matrix& y = net.forward(x, tape);            // caches the activations in the tape
//   net.zero_grad();
//   const Matrix& dx = net.backward(dy, tape);         // grads() += dL/dtheta, returns dL/dx
//
// A Tape holds one forward pass's activations and the backward scratch. Give each distinct use of
// a network (say, a critic on replay actions and on policy actions) its own tape: tapes keep their
// buffers, so once warmed up to a batch size forward/backward do not allocate.
#pragma once

#include <iosfwd>
#include <vector>

#include "search/nn/layers.h"

namespace meshforge::search::nn {

class Mlp {
 public:
  struct Tape {
    std::vector<Matrix> a;  // a[0] = input copy, a[l + 1] = output of layer l (after activation)
    std::vector<Matrix> d;  // d[l] = dL/da[l] during backward; d[0] = input gradient
  };

  Mlp() = default;
  // sizes = {input, hidden..., output}; at least {input, output}.
  Mlp(std::vector<Index> sizes, Activation hidden, Activation output = Activation::identity);

  // He-normal weights for layers followed by ReLU, Xavier-uniform otherwise, zero biases; the last
  // layer's weights are scaled by output_gain.
  void init(Rng& rng, double output_gain = 1.0);

  Index input_dim() const { return sizes_.front(); }
  Index output_dim() const { return sizes_.back(); }
  Index num_params() const { return params_.size(); }
  const std::vector<Index>& sizes() const { return sizes_; }
  const std::vector<Linear>& layers() const { return layers_; }
  Activation hidden_activation() const { return hidden_; }
  Activation output_activation() const { return output_; }

  Vector& params() { return params_; }
  const Vector& params() const { return params_; }
  Vector& grads() { return grads_; }
  const Vector& grads() const { return grads_; }
  void zero_grad() { grads_.setZero(); }

  // Output for x (input_dim x batch); the reference points into the tape.
  const Matrix& forward(const Eigen::Ref<const Matrix>& x, Tape& tape) const;
  // For the last forward pass on this tape: accumulates dL/dtheta into grads() and returns dL/dx
  // (an empty matrix when input_grad is false, which saves the first layer's W^T dY).
  const Matrix& backward(const Eigen::Ref<const Matrix>& dy, Tape& tape, bool input_grad = true);
  // dL/dx only; grads() is left untouched (e.g. dQ/da for the actor loss).
  const Matrix& input_gradient(const Eigen::Ref<const Matrix>& dy, Tape& tape) const;

  // The same with the network's own tape.
  const Matrix& forward(const Eigen::Ref<const Matrix>& x) { return forward(x, tape_); }
  const Matrix& backward(const Eigen::Ref<const Matrix>& dy, bool input_grad = true) {
    return backward(dy, tape_, input_grad);
  }

  // Architecture and parameters (not gradients). load() requires the same architecture and throws
  // std::runtime_error otherwise or on a short stream.
  void save(std::ostream& out) const;
  void load(std::istream& in);

 private:
  const Matrix& backprop(const Eigen::Ref<const Matrix>& dy, Tape& tape, Vector* grads,
                         bool input_grad) const;
  Activation activation_of(std::size_t layer) const {
    return layer + 1 == layers_.size() ? output_ : hidden_;
  }

  std::vector<Index> sizes_;
  Activation hidden_ = Activation::relu, output_ = Activation::identity;
  std::vector<Linear> layers_;
  Vector params_, grads_;
  Tape tape_;
};

}  // namespace meshforge::search::nn
