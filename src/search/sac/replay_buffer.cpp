#include "search/sac/replay_buffer.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "search/nn/serialize.h"

namespace meshforge::search::sac {

ReplayBuffer::ReplayBuffer(Index capacity, Index state_dims, Index action_dims)
    : capacity_(capacity), state_dims_(state_dims), action_dims_(action_dims) {
  if (capacity <= 0 || state_dims <= 0 || action_dims <= 0)
    throw std::invalid_argument("ReplayBuffer: capacity and dimensions must be positive");
  reserve_for(std::min<Index>(capacity_, 1024));
}

void ReplayBuffer::reserve_for(Index slots) {
  if (slots <= states_.cols()) return;
  states_.conservativeResize(state_dims_, slots);
  actions_.conservativeResize(action_dims_, slots);
  next_states_.conservativeResize(state_dims_, slots);
  rewards_.conservativeResize(slots);
  terminals_.conservativeResize(slots);
}

void ReplayBuffer::add(const Transition& t) {
  if (t.state.size() != state_dims_ || t.next_state.size() != state_dims_ ||
      t.action.size() != action_dims_)
    throw std::invalid_argument("ReplayBuffer::add: transition has state " +
                                std::to_string(t.state.size()) + "/" +
                                std::to_string(t.next_state.size()) + ", action " +
                                std::to_string(t.action.size()) + " dims; expected " +
                                std::to_string(state_dims_) + ", " + std::to_string(action_dims_));
  if (head_ >= states_.cols()) reserve_for(std::min(capacity_, 2 * states_.cols()));
  states_.col(head_) = t.state;
  actions_.col(head_) = t.action;
  next_states_.col(head_) = t.next_state;
  rewards_(head_) = t.reward;
  terminals_(head_) = t.terminal ? 1.0 : 0.0;
  head_ = (head_ + 1) % capacity_;
  size_ = std::min(size_ + 1, capacity_);
}

Transition ReplayBuffer::at(Index slot) const {
  if (slot < 0 || slot >= size_) throw std::out_of_range("ReplayBuffer::at: slot out of range");
  // The buffer keeps what SAC learns from; the evaluation behind each reward is not stored.
  return {states_.col(slot), actions_.col(slot), rewards_(slot), next_states_.col(slot),
          terminals_(slot) != 0.0, Evaluation{}};
}

void ReplayBuffer::sample(Index batch_size, nn::Rng& rng, Batch& out) const {
  if (size_ == 0) throw std::logic_error("ReplayBuffer::sample: buffer is empty");
  out.states.resize(state_dims_, batch_size);
  out.actions.resize(action_dims_, batch_size);
  out.next_states.resize(state_dims_, batch_size);
  out.rewards.resize(1, batch_size);
  out.terminals.resize(1, batch_size);
  for (Index b = 0; b < batch_size; ++b) {
    const auto i = static_cast<Index>(nn::uniform_index(rng, static_cast<std::uint64_t>(size_)));
    out.states.col(b) = states_.col(i);
    out.actions.col(b) = actions_.col(i);
    out.next_states.col(b) = next_states_.col(i);
    out.rewards(0, b) = rewards_(i);
    out.terminals(0, b) = terminals_(i);
  }
}

void ReplayBuffer::save(std::ostream& out) const {
  namespace io = nn::io;
  io::write_tag(out, "replay");
  io::write_i64(out, capacity_);
  io::write_i64(out, state_dims_);
  io::write_i64(out, action_dims_);
  io::write_i64(out, size_);
  io::write_i64(out, head_);
  io::write_matrix(out, states_.leftCols(size_));
  io::write_matrix(out, actions_.leftCols(size_));
  io::write_matrix(out, next_states_.leftCols(size_));
  io::write_vector(out, rewards_.head(size_));
  io::write_vector(out, terminals_.head(size_));
}

void ReplayBuffer::load(std::istream& in) {
  namespace io = nn::io;
  io::expect_tag(in, "replay");
  if (io::read_i64(in) != capacity_ || io::read_i64(in) != state_dims_ ||
      io::read_i64(in) != action_dims_)
    throw std::runtime_error("checkpoint: replay buffer capacity or dimensions differ");
  const std::int64_t size = io::read_i64(in);
  const std::int64_t head = io::read_i64(in);
  if (size < 0 || size > capacity_ || head < 0 || head >= capacity_ ||
      (size < capacity_ && head != size % capacity_))
    throw std::runtime_error("checkpoint: corrupt replay buffer size/head");
  ReplayBuffer fresh(capacity_, state_dims_, action_dims_);
  fresh.reserve_for(std::max<Index>(size, std::min<Index>(capacity_, 1024)));
  Matrix s(state_dims_, size), a(action_dims_, size), s2(state_dims_, size);
  Eigen::VectorXd r(size), d(size);
  io::read_matrix_into(in, s, "replay states");
  io::read_matrix_into(in, a, "replay actions");
  io::read_matrix_into(in, s2, "replay next states");
  io::read_vector_into(in, r, "replay rewards");
  io::read_vector_into(in, d, "replay terminals");
  fresh.states_.leftCols(size) = s;
  fresh.actions_.leftCols(size) = a;
  fresh.next_states_.leftCols(size) = s2;
  fresh.rewards_.head(size) = r;
  fresh.terminals_.head(size) = d;
  fresh.size_ = size;
  fresh.head_ = head;
  *this = std::move(fresh);
}

}  // namespace meshforge::search::sac
