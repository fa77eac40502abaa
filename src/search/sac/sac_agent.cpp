#include "search/sac/sac_agent.h"

#include <chrono>

#include <algorithm>
#include <istream>
#include <new>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "search/nn/serialize.h"
#include "search/sac/learner.h"
#include "search/sac/replay_buffer.h"

namespace meshforge::search::sac {
namespace {

constexpr std::string_view kMagic = "meshforge-sac-moe-checkpoint";
constexpr std::uint64_t kVersion = 1;
constexpr std::size_t kMaxCheckpointBytes = std::size_t{1} << 34;

void write_sizes(std::ostream& out, const std::vector<int>& v) {
  nn::io::write_u64(out, v.size());
  for (const int x : v) nn::io::write_i64(out, x);
}

std::vector<int> read_sizes(std::istream& in) {
  const std::uint64_t n = nn::io::read_u64(in);
  if (n > 1024) throw std::runtime_error("checkpoint: corrupt layer list");
  std::vector<int> v(n);
  for (int& x : v) x = static_cast<int>(nn::io::read_i64(in));
  return v;
}

// The fields that fix the shapes of the saved arrays; all must match on load.
void write_structure(std::ostream& out, const SacConfig& c) {
  namespace io = nn::io;
  io::write_tag(out, "structure");
  io::write_i64(out, c.state_dims);
  io::write_i64(out, c.action_dims);
  io::write_i64(out, c.experts);
  io::write_i64(out, c.gate_begin);
  io::write_i64(out, c.resolved_gate_end());
  write_sizes(out, c.gate_hidden);
  write_sizes(out, c.actor_hidden);
  write_sizes(out, c.critic_hidden);
  io::write_i64(out, static_cast<std::int64_t>(c.activation));
  io::write_i64(out, c.buffer_capacity);
  io::write_i64(out, c.gate_usage_window);
}

void check_structure(std::istream& in, const SacConfig& c) {
  namespace io = nn::io;
  io::expect_tag(in, "structure");
  const auto same = [&](std::int64_t saved, std::int64_t mine, const char* field) {
    if (saved != mine)
      throw std::runtime_error(std::string("checkpoint: incompatible ") + field + " (checkpoint " +
                               std::to_string(saved) + ", agent " + std::to_string(mine) + ")");
  };
  same(io::read_i64(in), c.state_dims, "state_dims");
  same(io::read_i64(in), c.action_dims, "action_dims");
  same(io::read_i64(in), c.experts, "experts");
  same(io::read_i64(in), c.gate_begin, "gate_begin");
  same(io::read_i64(in), c.resolved_gate_end(), "gate_end");
  if (read_sizes(in) != c.gate_hidden) throw std::runtime_error("checkpoint: incompatible gate_hidden");
  if (read_sizes(in) != c.actor_hidden)
    throw std::runtime_error("checkpoint: incompatible actor_hidden");
  if (read_sizes(in) != c.critic_hidden)
    throw std::runtime_error("checkpoint: incompatible critic_hidden");
  same(io::read_i64(in), static_cast<std::int64_t>(c.activation), "activation");
  same(io::read_i64(in), c.buffer_capacity, "buffer_capacity");
  same(io::read_i64(in), c.gate_usage_window, "gate_usage_window");
}

}  // namespace

struct SacMoeAgent::Impl {
  SacConfig config;
  nn::Rng rng;
  SacLearner learner;
  ReplayBuffer buffer;
  Batch batch;
  mutable MoeActor::Tape ask_tape;
  Matrix ask_state, ask_eps;
  std::int64_t transitions = 0, asks = 0;
  mutable double probe_update_s = -1;  // seconds of one gradient step, timed on a throwaway learner
  Matrix gate_history;  // K x window ring of the gates of the last asks
  Index gate_head = 0, gate_count = 0;

  explicit Impl(const SacConfig& c)
      : config(c),
        rng(c.seed),
        learner(c, rng),
        buffer(c.buffer_capacity, c.state_dims, c.action_dims),
        ask_state(c.state_dims, 1),
        ask_eps(c.action_dims, 1),
        gate_history(Matrix::Zero(c.experts, c.gate_usage_window)) {}

  void check_state(const Eigen::VectorXd& state) const {
    if (state.size() != config.state_dims)
      throw std::invalid_argument("SacMoeAgent::ask: state has " + std::to_string(state.size()) +
                                  " entries, expected " + std::to_string(config.state_dims));
    if (!state.allFinite()) throw std::invalid_argument("SacMoeAgent::ask: non-finite state");
  }

  void record_gates(const Matrix& gates) {
    gate_history.col(gate_head) = gates.col(0);
    gate_head = (gate_head + 1) % gate_history.cols();
    gate_count = std::min(gate_count + 1, gate_history.cols());
  }

  void update() {
    buffer.sample(config.batch_size, rng, batch);
    learner.update(batch, rng);
  }
};

SacMoeAgent::SacMoeAgent(const SacConfig& config) : impl_(std::make_unique<Impl>(config)) {}
SacMoeAgent::~SacMoeAgent() = default;

std::string SacMoeAgent::name() const { return impl_->config.experts > 1 ? "sac-moe" : "sac"; }

const SacConfig& SacMoeAgent::config() const { return impl_->config; }
std::int64_t SacMoeAgent::transitions() const { return impl_->transitions; }
const ReplayBuffer& SacMoeAgent::replay_buffer() const { return impl_->buffer; }
SacLearner& SacMoeAgent::learner() { return impl_->learner; }

Eigen::VectorXd SacMoeAgent::ask(const Eigen::VectorXd& state, bool explore) {
  Impl& m = *impl_;
  m.check_state(state);
  m.ask_state.col(0) = state;
  ++m.asks;
  const MoeActor& actor = m.learner.actor();
  if (explore && m.transitions < m.config.learning_starts) {
    // Warm-up: uniform actions, as stable-baselines3 does before learning_starts.
    m.record_gates(actor.gate_weights(m.ask_state, m.ask_tape));
    Eigen::VectorXd action(m.config.action_dims);
    for (Index i = 0; i < action.size(); ++i) action(i) = nn::uniform(m.rng, -1.0, 1.0);
    return action;
  }
  if (explore)
    nn::fill_standard_normal(m.ask_eps, m.rng);
  else
    m.ask_eps.setZero();
  actor.forward(m.ask_state, m.ask_eps, m.ask_tape);
  m.record_gates(m.ask_tape.gates);
  return m.ask_tape.action.col(0);
}

void SacMoeAgent::tell(const Transition& transition) {
  Impl& m = *impl_;
  m.buffer.add(transition);
  ++m.transitions;
  if (m.transitions >= m.config.learning_starts)
    for (int i = 0; i < m.config.updates_per_step; ++i) m.update();
}

void SacMoeAgent::update() { impl_->update(); }

Eigen::VectorXd SacMoeAgent::gate_weights(const Eigen::VectorXd& state) const {
  impl_->check_state(state);
  MoeActor::Tape tape;
  return impl_->learner.actor().gate_weights(state, tape).col(0);
}

namespace {
// Seconds of one gradient step at this config: a learner of the same sizes (its own engine, so the
// agent's state and random sequence are untouched) updated a few times on a constant batch.
double time_one_update(const SacConfig& c) {
  nn::Rng rng(c.seed ^ 0x7e57ab1eULL);
  SacLearner learner(c, rng);
  Batch b;
  b.states = Matrix::Constant(c.state_dims, c.batch_size, 0.1);
  b.actions = Matrix::Constant(c.action_dims, c.batch_size, 0.1);
  b.rewards = Matrix::Zero(1, c.batch_size);
  b.next_states = b.states;
  b.terminals = Matrix::Zero(1, c.batch_size);
  learner.update(b, rng);  // first touch of every buffer
  const int n = 3;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) learner.update(b, rng);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / n;
}
}  // namespace

AgentStats SacMoeAgent::stats() const {
  const Impl& m = *impl_;
  AgentStats s;
  s.warmup_tells_left = std::max<std::int64_t>(0, m.config.learning_starts - m.transitions);
  if (s.warmup_tells_left > 0) {
    if (m.probe_update_s < 0) m.probe_update_s = time_one_update(m.config);
    s.seconds_per_tell_after_warmup = m.probe_update_s * m.config.updates_per_step;
  }
  s.updates = m.learner.updates();
  s.critic_loss = m.learner.last_losses().critic;
  s.actor_loss = m.learner.last_losses().actor;
  s.entropy_temperature = m.learner.alpha();
  s.vectors["gate_usage"] = gate_usage();
  return s;
}

Eigen::VectorXd SacMoeAgent::gate_usage() const {
  const Impl& m = *impl_;
  if (m.gate_count == 0) return Eigen::VectorXd::Zero(m.config.experts);
  return m.gate_history.leftCols(m.gate_count).rowwise().mean();
}

std::map<std::string, Eigen::VectorXd> SacMoeAgent::explain(const Eigen::VectorXd& state) const {
  return {{"gate", gate_weights(state)}};
}

void SacMoeAgent::save(std::ostream& out) const {
  namespace io = nn::io;
  const Impl& m = *impl_;
  std::ostringstream body(std::ios::binary);
  write_structure(body, m.config);
  m.learner.save(body);
  m.buffer.save(body);
  io::write_engine(body, m.rng);
  io::write_i64(body, m.transitions);
  io::write_i64(body, m.asks);
  io::write_matrix(body, m.gate_history);
  io::write_i64(body, m.gate_head);
  io::write_i64(body, m.gate_count);
  const std::string bytes = std::move(body).str();
  io::write_string(out, kMagic);
  io::write_u64(out, kVersion);
  io::write_string(out, bytes);
  io::write_u64(out, io::fnv1a(bytes));
  out.flush();
  if (!out) throw std::runtime_error("SacMoeAgent::save: write failed");
}

void SacMoeAgent::load(std::istream& in) {
  namespace io = nn::io;
  if (io::read_string(in, 256) != kMagic)
    throw std::runtime_error("checkpoint: not a meshforge SAC-MoE checkpoint");
  if (io::read_u64(in) != kVersion) throw std::runtime_error("checkpoint: unsupported version");
  std::string bytes;
  try {
    bytes = io::read_string(in, kMaxCheckpointBytes);
  } catch (const std::bad_alloc&) {
    throw std::runtime_error("checkpoint: corrupt size field");
  }
  if (io::read_u64(in) != io::fnv1a(bytes))
    throw std::runtime_error("checkpoint: checksum mismatch (corrupt file)");

  std::istringstream body(bytes, std::ios::binary);
  auto fresh = std::make_unique<Impl>(impl_->config);
  check_structure(body, fresh->config);
  fresh->learner.load(body);
  fresh->buffer.load(body);
  fresh->rng = io::read_engine(body);
  fresh->transitions = io::read_i64(body);
  fresh->asks = io::read_i64(body);
  io::read_matrix_into(body, fresh->gate_history, "gate usage history");
  fresh->gate_head = io::read_i64(body);
  fresh->gate_count = io::read_i64(body);
  if (fresh->transitions < 0 || fresh->asks < 0 || fresh->gate_head < 0 ||
      fresh->gate_head >= fresh->gate_history.cols() || fresh->gate_count < 0 ||
      fresh->gate_count > fresh->gate_history.cols())
    throw std::runtime_error("checkpoint: corrupt counters");
  if (body.peek() != std::char_traits<char>::eof())
    throw std::runtime_error("checkpoint: trailing data");
  impl_ = std::move(fresh);
}

}  // namespace meshforge::search::sac
