// Coordinate grid search (grid_agent.h).
#include "search/grid_agent.h"

#include <algorithm>
#include <istream>
#include <numeric>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "search/nn/serialize.h"

namespace meshforge::search {
namespace {
constexpr std::string_view kMagic = "meshforge-grid-agent-checkpoint";
}

GridAgent::GridAgent(GridConfig config) : config_(config), rng_(config.seed) {
  if (config_.action_dims < 1) throw std::invalid_argument("grid agent: action_dims must be >= 1");
  if (config_.levels < 3 || config_.levels % 2 == 0) throw std::invalid_argument("grid agent: levels must be odd and >= 3");
  if (!(config_.shrink > 0 && config_.shrink < 1)) throw std::invalid_argument("grid agent: shrink must be in (0, 1)");
  if (!(config_.min_span > 0 && config_.min_span < 1)) throw std::invalid_argument("grid agent: min_span must be in (0, 1)");
  best_x_ = Eigen::VectorXd::Zero(config_.action_dims);  // the centre of the box
  order_.resize(static_cast<std::size_t>(config_.action_dims));
  std::iota(order_.begin(), order_.end(), 0);
  std::shuffle(order_.begin(), order_.end(), rng_);
}

void GridAgent::new_pass() {
  ++passes_;
  span_ *= config_.shrink;
  if (span_ < config_.min_span) span_ = 1;
  std::shuffle(order_.begin(), order_.end(), rng_);
  coordinate_ = 0;
}

Eigen::VectorXd GridAgent::ask(const Eigen::VectorXd& /*state*/, bool /*explore*/) {
  Eigen::VectorXd x = best_x_;
  const int c = order_[static_cast<std::size_t>(coordinate_)];
  const double offset = span_ * (2.0 * level_ / (config_.levels - 1) - 1.0);
  x(c) = std::clamp(best_x_(c) + offset, -1.0, 1.0);
  if (++level_ == config_.levels) {
    level_ = 0;
    if (++coordinate_ == config_.action_dims) new_pass();
  }
  ++outstanding_;
  return x;
}

void GridAgent::tell(const Transition& transition) {
  if (outstanding_ == 0) throw std::logic_error("grid agent: tell() without ask()");
  if (transition.evaluation.x.size() != config_.action_dims)
    throw std::invalid_argument("grid agent: tell() needs the evaluated design vector");
  --outstanding_;
  const double y = ranking_value(transition.evaluation);
  if (y > best_y_) {
    best_y_ = y;
    best_x_ = transition.evaluation.x;
  }
}

AgentStats GridAgent::stats() const {
  AgentStats s;
  s.updates = passes_;
  return s;
}

void GridAgent::save(std::ostream& out) const {
  namespace io = nn::io;
  if (outstanding_ != 0) throw std::logic_error("grid agent: save() with designs asked and not told");
  io::write_string(out, kMagic);
  io::write_i64(out, config_.action_dims);
  io::write_engine(out, rng_);
  io::write_vector(out, best_x_);
  io::write_f64(out, best_y_);
  for (int c : order_) io::write_i64(out, c);
  io::write_i64(out, coordinate_);
  io::write_i64(out, level_);
  io::write_f64(out, span_);
  io::write_i64(out, passes_);
  if (!out) throw std::runtime_error("grid agent: save: write failed");
}

void GridAgent::load(std::istream& in) {
  namespace io = nn::io;
  if (io::read_string(in, 256) != kMagic) throw std::runtime_error("checkpoint: not a meshforge grid-agent checkpoint");
  if (io::read_i64(in) != config_.action_dims) throw std::runtime_error("checkpoint: grid agent has a different action_dims");
  const std::mt19937_64 rng = io::read_engine(in);
  Eigen::VectorXd best_x = io::read_vector(in);
  const double best_y = io::read_f64(in);
  std::vector<int> order(static_cast<std::size_t>(config_.action_dims));
  for (int& c : order) c = static_cast<int>(io::read_i64(in));
  const auto coordinate = io::read_i64(in), level = io::read_i64(in);
  const double span = io::read_f64(in);
  const auto passes = io::read_i64(in);
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  bool permutation = true;
  for (int i = 0; i < config_.action_dims; ++i) permutation = permutation && sorted[static_cast<std::size_t>(i)] == i;
  if (!in || best_x.size() != config_.action_dims || !permutation || coordinate < 0 ||
      coordinate >= config_.action_dims || level < 0 || level >= config_.levels || !(span > 0 && span <= 1) || passes < 0)
    throw std::runtime_error("checkpoint: corrupt grid agent");
  rng_ = rng;
  best_x_ = best_x;
  best_y_ = best_y;
  order_ = order;
  coordinate_ = static_cast<int>(coordinate);
  level_ = static_cast<int>(level);
  span_ = span;
  passes_ = passes;
  outstanding_ = 0;
}

}  // namespace meshforge::search
