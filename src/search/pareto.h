// The non-dominated set of the feasible designs a run has evaluated, over the quantities an
// architect trades: decode throughput (higher is better), time to first token, power, area and
// energy per token (lower is better). A run writes it as pareto.csv with one design YAML per point
// (explorer.h); --pick chooses one point by weights.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ppa/report.h"

namespace meshforge::search {

inline constexpr int kObjectives = 5;
// Column names, in order; the first is maximised, the others minimised.
inline constexpr std::array<const char*, kObjectives> kObjectiveNames = {
    "decode_tokens_per_second", "time_to_first_token_s", "power_w", "area_mm2", "energy_per_token_j"};

struct Objectives {
  double decode_tokens_per_second = 0;
  double time_to_first_token_s = 0;
  double power_w = 0;
  double area_mm2 = 0;
  double energy_per_token_j = 0;

  std::array<double, kObjectives> as_array() const {
    return {decode_tokens_per_second, time_to_first_token_s, power_w, area_mm2, energy_per_token_j};
  }
};

Objectives objectives_of(const ppa::Report& report);

// a is no worse than b in every objective and better in at least one.
bool dominates(const Objectives& a, const Objectives& b);

struct ParetoPoint {
  Eigen::VectorXd x;                // design vector (decode with the run's action space)
  Objectives objectives;
  double score = 0;                 // the run's PPA score of the design
  std::int64_t evaluation = 0;      // 1-based index of the evaluation that found it
};

class ParetoFront {
 public:
  // Adds p unless a point already kept dominates it or has equal objectives; removes the points
  // p dominates. Returns whether p was added. Points stay in the order they were found.
  bool offer(const ParetoPoint& p);
  const std::vector<ParetoPoint>& points() const { return points_; }
  void clear() { points_.clear(); }

 private:
  std::vector<ParetoPoint> points_;
};

// The hypervolume reference: the worst corner a point must beat to count, and the best corner it
// is normalised against. Objectives are taken on a log10 scale (they span decades) and each is
// mapped to [0, 1] between the two corners; the volume is a share of that unit box.
struct HypervolumeBox {
  Objectives worst{1e-3, 3600, 1e3, 1e4, 1e2};    // 0.001 tok/s, 1 h, 1 kW, 10,000 mm2, 100 J/token
  Objectives best{1e6, 1e-6, 1e-6, 1e-2, 1e-9};   // 10^6 tok/s, 1 us, 1 uW, 0.01 mm2, 1 nJ/token
};

// Exact hypervolume (share of the normalised log box) dominated by the points (the WFG algorithm,
// While, Bradstreet and Barone 2012).
double hypervolume(const std::vector<Objectives>& points, const HypervolumeBox& box = {});

// The point with the highest weighted sum of its normalised log objectives: w_perf on decode
// throughput, w_power on power, w_area on area (time to first token and energy ride along).
// Weights must be >= 0 and not all 0. Returns the index into points; points must not be empty.
std::size_t pick(const std::vector<ParetoPoint>& points, double w_perf, double w_power, double w_area,
                 const HypervolumeBox& box = {});

}  // namespace meshforge::search
