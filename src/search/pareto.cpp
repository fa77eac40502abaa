// Pareto front of a run, its hypervolume and the weighted pick (pareto.h).
#include "search/pareto.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace meshforge::search {

Objectives objectives_of(const ppa::Report& r) {
  return {r.decode.tokens_per_second, r.time_to_first_token_s, r.power_w, r.area_mm2, r.decode.energy_per_token_j};
}

namespace {

// Every objective as "smaller is better".
std::array<double, kObjectives> minimised(const Objectives& o) {
  auto a = o.as_array();
  a[0] = -a[0];
  return a;
}

// Objective i of o on [0, 1] between the box's worst (0) and best (1) corners, log scale, clamped.
double goodness(const Objectives& o, const HypervolumeBox& box, int i) {
  const double v = std::max(o.as_array()[static_cast<std::size_t>(i)], 1e-300);
  const double w = box.worst.as_array()[static_cast<std::size_t>(i)];
  const double b = box.best.as_array()[static_cast<std::size_t>(i)];
  const double t = (std::log10(v) - std::log10(w)) / (std::log10(b) - std::log10(w));
  return std::clamp(t, 0.0, 1.0);
}

using Point = std::array<double, kObjectives>;

// Weakly better or equal in every coordinate (maximised).
bool covers(const Point& a, const Point& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] < b[k]) return false;
  return true;
}

// The points no other point covers (duplicates kept once).
std::vector<Point> non_dominated(std::vector<Point> pts) {
  std::vector<Point> out;
  for (const auto& p : pts) {
    if (std::any_of(out.begin(), out.end(), [&](const Point& q) { return covers(q, p); })) continue;
    std::erase_if(out, [&](const Point& q) { return covers(p, q); });
    out.push_back(p);
  }
  return out;
}

double box_volume(const Point& p) {
  double v = 1;
  for (double c : p) v *= c;
  return v;
}

// Volume dominated by pts (coordinates to maximise, boxes from the origin): the WFG algorithm
// (While, Bradstreet and Barone, IEEE TEVC 2012): the sum over points of each one's exclusive
// volume, its box minus the volume of the later points limited to it. Points sorted by the first
// coordinate, descending, keep the limited sets small.
double wfg(std::vector<Point> pts) {
  if (pts.empty()) return 0;
  if (pts.size() == 1) return box_volume(pts[0]);
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a[0] > b[0]; });
  double volume = 0;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    std::vector<Point> limited;
    limited.reserve(pts.size() - k - 1);
    for (std::size_t j = k + 1; j < pts.size(); ++j) {
      Point q{};
      for (std::size_t c = 0; c < q.size(); ++c) q[c] = std::min(pts[k][c], pts[j][c]);
      limited.push_back(q);
    }
    volume += box_volume(pts[k]) - wfg(non_dominated(std::move(limited)));
  }
  return volume;
}

}  // namespace

bool dominates(const Objectives& a, const Objectives& b) {
  const auto x = minimised(a), y = minimised(b);
  bool better = false;
  for (int i = 0; i < kObjectives; ++i) {
    if (x[static_cast<std::size_t>(i)] > y[static_cast<std::size_t>(i)]) return false;
    if (x[static_cast<std::size_t>(i)] < y[static_cast<std::size_t>(i)]) better = true;
  }
  return better;
}

bool ParetoFront::offer(const ParetoPoint& p) {
  for (const auto& q : points_)
    if (dominates(q.objectives, p.objectives) || q.objectives.as_array() == p.objectives.as_array()) return false;
  std::erase_if(points_, [&](const ParetoPoint& q) { return dominates(p.objectives, q.objectives); });
  points_.push_back(p);
  return true;
}

double hypervolume(const std::vector<Objectives>& points, const HypervolumeBox& box) {
  std::vector<Point> pts;
  pts.reserve(points.size());
  for (const auto& o : points) {
    std::array<double, kObjectives> g{};
    for (int i = 0; i < kObjectives; ++i) g[static_cast<std::size_t>(i)] = goodness(o, box, i);
    pts.push_back(g);
  }
  return wfg(non_dominated(std::move(pts)));
}

std::size_t pick(const std::vector<ParetoPoint>& points, double w_perf, double w_power, double w_area,
                 const HypervolumeBox& box) {
  if (points.empty()) throw std::invalid_argument("pick: empty front");
  if (!(w_perf >= 0 && w_power >= 0 && w_area >= 0) || w_perf + w_power + w_area <= 0)
    throw std::invalid_argument("pick: weights must be >= 0 and not all 0");
  std::size_t best = 0;
  double best_value = -1;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const auto& o = points[k].objectives;
    const double v = w_perf * goodness(o, box, 0) + w_power * goodness(o, box, 2) + w_area * goodness(o, box, 3);
    if (v > best_value) {
      best_value = v;
      best = k;
    }
  }
  return best;
}

}  // namespace meshforge::search
