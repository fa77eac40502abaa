// The network building blocks: every gradient against central finite differences, Adam, Polyak
// averaging, initialisation, serialisation.
#include <gtest/gtest.h>

#include <sstream>

#include "gradient_check.h"
#include "search/nn/adam.h"
#include "search/nn/mlp.h"
#include "search/nn/random.h"
#include "search/nn/serialize.h"

namespace meshforge::search::nn {
namespace {

using testing::numeric_gradient;

Matrix random_matrix(Index rows, Index cols, Rng& rng) {
  Matrix m(rows, cols);
  fill_standard_normal(m, rng);
  return m;
}

// Scalar test loss L = sum(W .* Y) with fixed random weights W, so dL/dY = W.
double weighted_sum(const Matrix& y, const Matrix& w) { return (y.array() * w.array()).sum(); }

TEST(Linear, GradientsMatchFiniteDifferences) {
  Rng rng(1);
  const Linear layer(5, 3);
  Vector theta(layer.num_params()), grad = Vector::Zero(layer.num_params());
  layer.init(theta, Init::xavier_uniform, rng);
  layer.bias(theta) = random_matrix(3, 1, rng);  // non-zero biases
  Matrix x = random_matrix(5, 4, rng);
  const Matrix w = random_matrix(3, 4, rng);
  Matrix y, dx;
  const auto loss = [&] {
    layer.forward(theta, x, y);
    return weighted_sum(y, w);
  };
  loss();
  layer.backward(theta, x, w, grad, &dx);
  EXPECT_GRADIENT_NEAR(grad, numeric_gradient(theta, loss));
  Eigen::Map<Vector> x_flat(x.data(), x.size());
  EXPECT_GRADIENT_NEAR(Eigen::Map<const Vector>(dx.data(), dx.size()),
                       numeric_gradient(x_flat, loss));
  // Gradients accumulate.
  const Vector once = grad;
  layer.backward(theta, x, w, grad, nullptr);
  EXPECT_TRUE(grad.isApprox(2 * once));
}

TEST(Linear, ParametersAreASliceOfTheFlatVector) {
  const Linear layer(2, 3, 4);
  Vector theta = Vector::LinSpaced(4 + layer.num_params() + 1, 0, 12);
  EXPECT_EQ(layer.num_params(), 9);
  EXPECT_EQ(layer.weight(theta)(0, 0), theta(4));
  EXPECT_EQ(layer.weight(theta)(2, 1), theta(4 + 5));  // column-major
  EXPECT_EQ(layer.bias(theta)(2), theta(4 + 8));
}

struct MlpCase {
  Activation hidden, output;
};

class MlpGradient : public ::testing::TestWithParam<MlpCase> {};

TEST_P(MlpGradient, InputAndParameterGradientsMatchFiniteDifferences) {
  Rng rng(7);
  Mlp net({6, 16, 12, 4}, GetParam().hidden, GetParam().output);
  net.init(rng);
  net.params() += 0.1 * random_matrix(net.num_params(), 1, rng);  // non-zero biases too
  Matrix x = random_matrix(6, 5, rng);
  const Matrix w = random_matrix(4, 5, rng);
  Mlp::Tape tape;
  const auto loss = [&] { return weighted_sum(net.forward(x, tape), w); };
  loss();
  net.zero_grad();
  const Matrix dx = net.backward(w, tape);
  const Vector grad = net.grads();
  EXPECT_GRADIENT_NEAR(grad, numeric_gradient(net.params(), loss));
  Eigen::Map<Vector> x_flat(x.data(), x.size());
  EXPECT_GRADIENT_NEAR(Eigen::Map<const Vector>(dx.data(), dx.size()),
                       numeric_gradient(x_flat, loss));

  // input_gradient: the same dL/dx, parameter gradients untouched.
  loss();
  net.zero_grad();
  const Matrix dx_only = net.input_gradient(w, tape);
  EXPECT_TRUE(dx_only.isApprox(dx, 1e-14));
  EXPECT_EQ(net.grads().squaredNorm(), 0.0);
  // backward without the input gradient gives the same parameter gradient.
  net.backward(w, tape, false);
  EXPECT_TRUE(net.grads().isApprox(grad, 1e-14));
}

INSTANTIATE_TEST_SUITE_P(Activations, MlpGradient,
                         ::testing::Values(MlpCase{Activation::relu, Activation::identity},
                                           MlpCase{Activation::tanh, Activation::identity},
                                           MlpCase{Activation::relu, Activation::tanh},
                                           MlpCase{Activation::identity, Activation::identity}));

TEST(Mlp, ForwardMatchesHandComputation) {
  Rng rng(3);
  Mlp net({2, 3, 1}, Activation::relu);
  net.init(rng);
  const Matrix x = random_matrix(2, 4, rng);
  const auto& l0 = net.layers()[0];
  const auto& l1 = net.layers()[1];
  const Matrix h = ((l0.weight(net.params()) * x).colwise() + l0.bias(net.params())).cwiseMax(0.0);
  const Matrix y = (l1.weight(net.params()) * h).colwise() + l1.bias(net.params());
  EXPECT_TRUE(net.forward(x).isApprox(y, 1e-14));
  EXPECT_EQ(net.num_params(), 2 * 3 + 3 + 3 * 1 + 1);
}

TEST(Mlp, InitialisationIsSeededAndScaled) {
  Rng a(11), b(11), c(12);
  Mlp n1({200, 300, 10}, Activation::relu), n2 = n1, n3 = n1;
  n1.init(a);
  n2.init(b);
  n3.init(c);
  EXPECT_EQ(n1.params(), n2.params());
  EXPECT_NE(n1.params(), n3.params());
  // He normal on the ReLU layer: variance 2 / fan_in. Xavier uniform on the output layer:
  // variance 2 / (fan_in + fan_out).
  const auto w0 = n1.layers()[0].weight(n1.params());
  const auto w1 = n1.layers()[1].weight(n1.params());
  EXPECT_NEAR(w0.array().square().mean(), 2.0 / 200, 0.05 * 2.0 / 200);
  EXPECT_NEAR(w1.array().square().mean(), 2.0 / 310, 0.1 * 2.0 / 310);
  EXPECT_LE(w1.cwiseAbs().maxCoeff(), std::sqrt(6.0 / 310));
  EXPECT_EQ(n1.layers()[0].bias(n1.params()).squaredNorm(), 0.0);
}

TEST(Mlp, SaveLoadRoundTripAndArchitectureCheck) {
  Rng rng(5);
  Mlp a({3, 8, 2}, Activation::tanh);
  a.init(rng);
  std::stringstream s;
  a.save(s);
  Mlp b({3, 8, 2}, Activation::tanh);
  b.load(s);
  EXPECT_EQ(a.params(), b.params());
  std::stringstream s2;
  a.save(s2);
  Mlp wrong({3, 9, 2}, Activation::tanh);
  EXPECT_THROW(wrong.load(s2), std::runtime_error);
  std::string bytes;
  {
    std::stringstream s3;
    a.save(s3);
    bytes = s3.str();
  }
  std::stringstream truncated(bytes.substr(0, bytes.size() - 5));
  EXPECT_THROW(b.load(truncated), std::runtime_error);
}

TEST(Mlp, ShapeErrorsAreReported) {
  Mlp net({3, 4, 2}, Activation::relu);
  Mlp::Tape tape;
  EXPECT_THROW(net.forward(Matrix::Zero(4, 1), tape), std::invalid_argument);
  EXPECT_THROW(net.backward(Matrix::Zero(2, 1), tape), std::logic_error);
  net.forward(Matrix::Zero(3, 2), tape);
  EXPECT_THROW(net.backward(Matrix::Zero(2, 3), tape), std::invalid_argument);
}

TEST(Adam, FirstStepMovesEveryCoordinateByTheLearningRate) {
  Adam adam(3, {.lr = 0.1});
  Vector x = Vector::Zero(3);
  Vector g(3);
  g << 5.0, -0.001, 2e3;
  adam.step(x, g);
  // m_hat / sqrt(v_hat) = sign(g) on the first step (up to eps).
  EXPECT_NEAR(x(0), -0.1, 1e-8);
  EXPECT_NEAR(x(1), 0.1, 1e-5);
  EXPECT_NEAR(x(2), -0.1, 1e-8);
  EXPECT_EQ(adam.steps(), 1);
}

TEST(Adam, ConvergesOnAnIllConditionedQuadratic) {
  // f(x) = 1/2 sum_i a_i (x_i - c_i)^2, curvatures spanning 1e-2 .. 1e2.
  Rng rng(2);
  const Index n = 20;
  Vector a(n), c(n);
  for (Index i = 0; i < n; ++i) {
    a(i) = std::pow(10.0, -2.0 + 4.0 * static_cast<double>(i) / (n - 1));
    c(i) = standard_normal(rng);
  }
  Vector x = Vector::Zero(n), g(n);
  Adam adam(n, {.lr = 0.02});
  const auto f = [&] { return 0.5 * (a.array() * (x - c).array().square()).sum(); };
  const double f0 = f();
  for (int t = 0; t < 5000; ++t) {
    g = a.cwiseProduct(x - c);
    adam.step(x, g);
  }
  EXPECT_LT(f(), 1e-8 * f0);
  EXPECT_LT((x - c).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(Adam, SaveLoadContinuesIdentically) {
  Vector x = Vector::Constant(4, 1.0), y;
  const Vector g = Vector::LinSpaced(4, -1, 2);
  Adam a(4, {.lr = 0.01});
  for (int i = 0; i < 3; ++i) a.step(x, g);
  std::stringstream s;
  a.save(s);
  Adam b(4, {.lr = 0.01});
  b.load(s);
  y = x;
  a.step(x, g);
  b.step(y, g);
  EXPECT_EQ(x, y);
  EXPECT_EQ(b.steps(), 4);
  Adam wrong(5);
  std::stringstream s2;
  a.save(s2);
  EXPECT_THROW(wrong.load(s2), std::runtime_error);
}

TEST(Polyak, MovesTargetByTau) {
  Vector target = Vector::Constant(3, 1.0);
  const Vector source = Vector::Constant(3, 3.0);
  polyak_update(target, source, 0.25);
  EXPECT_TRUE(target.isApprox(Vector::Constant(3, 1.5)));
  polyak_update(target, source, 1.0);
  EXPECT_EQ(target, source);
}

TEST(Random, DrawsAreStatelessAndWellDistributed) {
  Rng a(42), b(42);
  double sum = 0, sum_sq = 0, usum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = standard_normal(a);
    sum += z;
    sum_sq += z * z;
    const double u = uniform01(a);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    usum += u;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / n, 1.0, 0.01);
  EXPECT_NEAR(usum / n, 0.5, 0.005);
  // The engine is the whole state: copying it reproduces the sequence.
  for (int i = 0; i < 2 * n; ++i) b();  // same number of draws (two per normal, one uniform)
  for (int i = 0; i < n; ++i) b();
  EXPECT_EQ(a, b);
}

TEST(Serialize, ChecksShapesTagsAndTruncation) {
  std::stringstream s;
  io::write_tag(s, "x");
  io::write_matrix(s, Matrix::Ones(2, 3));
  Matrix m(2, 3);
  io::expect_tag(s, "x");
  io::read_matrix_into(s, m, "m");
  EXPECT_EQ(m, Matrix::Ones(2, 3));
  std::stringstream t;
  io::write_matrix(t, Matrix::Ones(2, 3));
  Matrix wrong(3, 2);
  EXPECT_THROW(io::read_matrix_into(t, wrong, "m"), std::runtime_error);
  std::stringstream empty;
  EXPECT_THROW(io::read_f64(empty), std::runtime_error);
  std::stringstream tag;
  io::write_tag(tag, "a");
  EXPECT_THROW(io::expect_tag(tag, "b"), std::runtime_error);
}

}  // namespace
}  // namespace meshforge::search::nn
