// The run's Pareto front: dominance, what offer() keeps, the exact hypervolume against cases
// computed by hand, and the weighted pick.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "search/pareto.h"

namespace meshforge::search {
namespace {

Objectives obj(double tps, double ttft, double w, double mm2, double j) { return {tps, ttft, w, mm2, j}; }
ParetoPoint point(const Objectives& o, std::int64_t evaluation = 1) { return {Eigen::VectorXd::Zero(2), o, 0.5, evaluation}; }

TEST(Pareto, DominanceNeedsNoWorseEverywhereAndBetterSomewhere) {
  const auto a = obj(100, 1, 10, 100, 0.1);
  EXPECT_TRUE(dominates(obj(200, 1, 10, 100, 0.1), a));   // faster, the rest equal
  EXPECT_TRUE(dominates(obj(100, 1, 5, 100, 0.1), a));    // less power
  EXPECT_FALSE(dominates(a, a));
  EXPECT_FALSE(dominates(obj(200, 1, 20, 100, 0.1), a));  // faster but hungrier: a trade-off
}

TEST(Pareto, OfferKeepsTheNonDominatedSetInOrderFound) {
  ParetoFront f;
  EXPECT_TRUE(f.offer(point(obj(100, 1, 10, 100, 0.1), 1)));
  EXPECT_TRUE(f.offer(point(obj(200, 1, 20, 100, 0.1), 2)));    // trade-off: both stay
  EXPECT_FALSE(f.offer(point(obj(50, 1, 10, 100, 0.1), 3)));    // dominated by the first
  EXPECT_FALSE(f.offer(point(obj(100, 1, 10, 100, 0.1), 4)));   // a duplicate adds nothing
  EXPECT_TRUE(f.offer(point(obj(150, 1, 10, 100, 0.1), 5)));    // dominates the first
  ASSERT_EQ(f.points().size(), 2u);
  EXPECT_EQ(f.points()[0].evaluation, 2);
  EXPECT_EQ(f.points()[1].evaluation, 5);
}

// A box where every objective's log range is 0..1 decade maps values 10^t straight to goodness t
// (t for the maximised throughput, 1 - t for the minimised ones).
HypervolumeBox unit_box() { return {obj(1, 10, 10, 10, 10), obj(10, 1, 1, 1, 1)}; }

TEST(Pareto, HypervolumeOfOnePointIsTheProductOfItsGoodness) {
  const auto p = obj(std::pow(10, 0.5), std::pow(10, 0.5), std::pow(10, 0.5), std::pow(10, 0.5), 1);
  EXPECT_NEAR(hypervolume({p}, unit_box()), 0.5 * 0.5 * 0.5 * 0.5 * 1.0, 1e-12);
  EXPECT_EQ(hypervolume({}, unit_box()), 0.0);
  // Beyond the worst corner counts for nothing.
  EXPECT_EQ(hypervolume({obj(0.5, 1, 1, 1, 1)}, unit_box()), 0.0);
}

TEST(Pareto, HypervolumeOfTwoPointsIsTheirUnionByInclusionExclusion) {
  // goodness a = (0.8, 1, 1, 0.2, 1), b = (0.3, 1, 1, 0.9, 1): union = 0.16 + 0.27 - 0.3*0.2.
  const double t = 1.0;
  const auto a = obj(std::pow(10, 0.8), t, t, std::pow(10, 0.8), t);
  const auto b = obj(std::pow(10, 0.3), t, t, std::pow(10, 0.1), t);
  EXPECT_NEAR(hypervolume({a, b}, unit_box()), 0.8 * 0.2 + 0.3 * 0.9 - 0.3 * 0.2, 1e-12);
  // A dominated extra point changes nothing.
  const auto c = obj(std::pow(10, 0.2), t, t, std::pow(10, 0.9), t);
  EXPECT_NEAR(hypervolume({a, b, c}, unit_box()), hypervolume({a, b}, unit_box()), 1e-12);
}

TEST(Pareto, HypervolumeAgreesWithSamplingOnARandomFront) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Objectives> pts;
  for (int i = 0; i < 40; ++i)
    pts.push_back(obj(std::pow(10, u(rng)), std::pow(10, u(rng)), std::pow(10, u(rng)), std::pow(10, u(rng)), std::pow(10, u(rng))));
  const double exact = hypervolume(pts, unit_box());
  // Monte Carlo over the goodness cube: a sample counts when some point is at least as good.
  int inside = 0;
  const int n = 200000;
  for (int s = 0; s < n; ++s) {
    std::array<double, 5> g{u(rng), u(rng), u(rng), u(rng), u(rng)};
    for (const auto& p : pts) {
      const auto a = p.as_array();
      const std::array<double, 5> pg{std::log10(a[0]), 1 - std::log10(a[1]), 1 - std::log10(a[2]), 1 - std::log10(a[3]),
                                     1 - std::log10(a[4])};
      bool all = true;
      for (int k = 0; k < 5; ++k) all = all && pg[static_cast<std::size_t>(k)] >= g[static_cast<std::size_t>(k)];
      if (all) {
        ++inside;
        break;
      }
    }
  }
  EXPECT_NEAR(exact, static_cast<double>(inside) / n, 0.005);
}

TEST(Pareto, PickFollowsTheWeights) {
  std::vector<ParetoPoint> pts{point(obj(1000, 1, 50, 500, 0.05)), point(obj(10, 1, 0.01, 5, 0.001))};
  EXPECT_EQ(pick(pts, 1, 0, 0), 0u);  // throughput only: the fast one
  EXPECT_EQ(pick(pts, 0, 1, 0), 1u);  // power only: the frugal one
  EXPECT_EQ(pick(pts, 0, 0, 1), 1u);
  EXPECT_THROW(pick(pts, 0, 0, 0), std::invalid_argument);
  EXPECT_THROW(pick({}, 1, 1, 1), std::invalid_argument);
}

}  // namespace
}  // namespace meshforge::search
