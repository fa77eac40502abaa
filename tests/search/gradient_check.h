// Central finite differences for the network gradient tests.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace meshforge::search::testing {

// d f / d theta_i by (f(theta + h e_i) - f(theta - h e_i)) / 2h for every i; theta is restored.
template <typename F>
Eigen::VectorXd numeric_gradient(Eigen::Ref<Eigen::VectorXd> theta, F&& f, double h = 1e-6) {
  Eigen::VectorXd g(theta.size());
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    const double keep = theta(i);
    theta(i) = keep + h;
    const double up = f();
    theta(i) = keep - h;
    const double down = f();
    theta(i) = keep;
    g(i) = (up - down) / (2 * h);
  }
  return g;
}

// ||a - b|| / max(||a||, ||b||): the relative error of a whole gradient.
inline double relative_error(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const double scale = std::max(a.norm(), b.norm());
  return scale == 0 ? 0 : (a - b).norm() / scale;
}

// max_i |a_i - b_i| / max(max_i |a_i|, max_i |b_i|): the worst entry, on the gradient's scale.
inline double max_relative_error(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const double scale = std::max(a.cwiseAbs().maxCoeff(), b.cwiseAbs().maxCoeff());
  return scale == 0 ? 0 : (a - b).cwiseAbs().maxCoeff() / scale;
}

}  // namespace meshforge::search::testing

#define EXPECT_GRADIENT_NEAR(analytic, numeric)                                   \
  do {                                                                             \
    const Eigen::VectorXd ga_ = (analytic), gn_ = (numeric);                       \
    ASSERT_EQ(ga_.size(), gn_.size());                                             \
    EXPECT_GT(gn_.norm(), 0.0) << "degenerate check: zero gradient";              \
    EXPECT_LT(::meshforge::search::testing::relative_error(ga_, gn_), 1e-5);       \
    EXPECT_LT(::meshforge::search::testing::max_relative_error(ga_, gn_), 1e-5);   \
  } while (0)
