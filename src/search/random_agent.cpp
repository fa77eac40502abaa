#include "search/random_agent.h"

#include <istream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "search/nn/random.h"
#include "search/nn/serialize.h"

namespace meshforge::search {
namespace {
constexpr std::string_view kMagic = "meshforge-random-agent-checkpoint";
}

RandomAgent::RandomAgent(int action_dims, std::uint64_t seed, std::string name)
    : action_dims_(action_dims), name_(std::move(name)), rng_(seed) {
  if (action_dims <= 0) throw std::invalid_argument("RandomAgent: action_dims must be positive");
}

Eigen::VectorXd RandomAgent::ask(const Eigen::VectorXd& /*state*/, bool /*explore*/) {
  Eigen::VectorXd a(action_dims_);
  for (Eigen::Index i = 0; i < a.size(); ++i) a(i) = nn::uniform(rng_, -1.0, 1.0);
  return a;
}

void RandomAgent::tell(const Transition& transition) {
  if (transition.action.size() != action_dims_)
    throw std::invalid_argument("RandomAgent::tell: action has the wrong size");
  ++transitions_;
}

AgentStats RandomAgent::stats() const { return {}; }

void RandomAgent::save(std::ostream& out) const {
  namespace io = nn::io;
  io::write_string(out, kMagic);
  io::write_i64(out, action_dims_);
  io::write_i64(out, transitions_);
  io::write_engine(out, rng_);
  if (!out) throw std::runtime_error("RandomAgent::save: write failed");
}

void RandomAgent::load(std::istream& in) {
  namespace io = nn::io;
  if (io::read_string(in, 256) != kMagic)
    throw std::runtime_error("checkpoint: not a meshforge random-agent checkpoint");
  if (io::read_i64(in) != action_dims_)
    throw std::runtime_error("checkpoint: random agent has a different action_dims");
  const std::int64_t transitions = io::read_i64(in);
  const std::mt19937_64 rng = io::read_engine(in);
  if (transitions < 0) throw std::runtime_error("checkpoint: corrupt random agent");
  rng_ = rng;
  transitions_ = transitions;
}

}  // namespace meshforge::search
