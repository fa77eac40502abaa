// Building blocks of the small networks of the search agents: activations and the fully connected
// layer. Everything is double precision and batched.
//
// Layout convention (all of src/search/nn and src/search/sac): a batch is an Eigen::MatrixXd with
// one COLUMN PER SAMPLE (features x batch). Eigen is column-major, so each sample is contiguous and
// a layer is the single product Y = W X + b 1^T.
//
// Parameters live in flat vectors owned by the network (see Mlp): a Linear layer is a view of a
// slice [offset, offset + num_params) of that vector, laid out as W (out x in, column-major)
// followed by b (out). A flat vector makes the optimiser, Polyak averaging, NaN checks,
// checkpoints and finite-difference tests one loop over one array.
#pragma once

#include <Eigen/Core>

#include "search/nn/random.h"

namespace meshforge::search::nn {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;
using Index = Eigen::Index;

enum class Activation { identity, relu, tanh };
const char* to_string(Activation a);

// a := f(a), element-wise, in place (a holds the pre-activation on entry).
void apply_activation(Activation f, Matrix& a);
// d := d (*) f'(z), written in terms of the activation output a = f(z): relu' = [a > 0],
// tanh' = 1 - a^2, identity' = 1.
void activation_backward(Activation f, const Matrix& a, Matrix& d);

// Weight initialisation: Xavier/Glorot uniform U(+-sqrt(6 / (in + out))) for layers followed by
// tanh or nothing, He/Kaiming normal N(0, 2 / in) for layers followed by ReLU. Biases start at 0.
enum class Init { xavier_uniform, he_normal };

class Linear {
 public:
  Linear() = default;
  Linear(Index in, Index out, Index offset = 0);

  Index in_dim() const { return in_; }
  Index out_dim() const { return out_; }
  Index offset() const { return offset_; }
  Index num_params() const { return out_ * (in_ + 1); }

  Eigen::Map<Matrix> weight(Vector& theta) const;
  Eigen::Map<const Matrix> weight(const Vector& theta) const;
  Eigen::Map<Vector> bias(Vector& theta) const;
  Eigen::Map<const Vector> bias(const Vector& theta) const;

  // Y = W X + b 1^T; Y is resized when its shape differs (no allocation otherwise).
  void forward(const Vector& theta, const Eigen::Ref<const Matrix>& x, Matrix& y) const;
  // Given dY = dL/dY for the input X of the forward pass: grad[W] += dY X^T, grad[b] += dY 1, and
  // when dx is not null, *dx = W^T dY.
  void backward(const Vector& theta, const Eigen::Ref<const Matrix>& x,
                const Eigen::Ref<const Matrix>& dy, Vector& grad, Matrix* dx) const;
  // Initialises this layer's slice of theta; gain scales the weights (e.g. a small last layer).
  void init(Vector& theta, Init scheme, Rng& rng, double gain = 1.0) const;

 private:
  Index in_ = 0, out_ = 0, offset_ = 0;
};

}  // namespace meshforge::search::nn
