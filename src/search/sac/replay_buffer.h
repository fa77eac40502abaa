// Fixed-capacity replay ring buffer with uniform sampling (with replacement) from a seeded engine.
// Storage is one column per transition and grows geometrically up to the capacity, so a large
// capacity costs memory only as it fills.
#pragma once

#include <iosfwd>

#include "search/agent.h"
#include "search/nn/layers.h"
#include "search/nn/random.h"

namespace meshforge::search::sac {

using nn::Index;
using nn::Matrix;

// A training batch, one column per sampled transition.
struct Batch {
  Matrix states;       // state_dims x B
  Matrix actions;      // action_dims x B
  Matrix rewards;      // 1 x B
  Matrix next_states;  // state_dims x B
  Matrix terminals;    // 1 x B, 1 = terminal (no bootstrap), 0 otherwise
  Index size() const { return states.cols(); }
};

class ReplayBuffer {
 public:
  ReplayBuffer() = default;
  ReplayBuffer(Index capacity, Index state_dims, Index action_dims);

  // Stores a copy; once full, overwrites the oldest transition. Throws std::invalid_argument on
  // wrong dimensions.
  void add(const Transition& t);

  Index size() const { return size_; }
  Index capacity() const { return capacity_; }
  bool full() const { return size_ == capacity_; }
  // Storage slot the next add() writes to.
  Index head() const { return head_; }
  // The transition in storage slot i (0 <= i < size()). Slot i holds add() number
  // i + k * capacity for the largest such k.
  Transition at(Index slot) const;
  // The slot of the i-th oldest stored transition.
  Index slot_of_oldest(Index i) const { return full() ? (head_ + i) % capacity_ : i; }

  // batch_size slots drawn uniformly with replacement; requires size() > 0. No allocation once
  // `out` has been used with this batch size.
  void sample(Index batch_size, nn::Rng& rng, Batch& out) const;

  // Only the stored transitions are written; load() requires the same capacity and dimensions.
  void save(std::ostream& out) const;
  void load(std::istream& in);

 private:
  void reserve_for(Index slots);

  Index capacity_ = 0, state_dims_ = 0, action_dims_ = 0;
  Index size_ = 0, head_ = 0;
  Matrix states_, actions_, next_states_;
  Eigen::VectorXd rewards_, terminals_;
};

}  // namespace meshforge::search::sac
