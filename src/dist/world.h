// The processes of one MPI launch (`mpirun -n N meshforge sweep ...`), or this process alone.
//
// MPI is initialised on the first World::get() and only when an MPI launcher started the process
// (its environment names a rank: OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK), so a plain
// `meshforge ...` and the processes a command starts (compare's explore runs) never touch MPI.
// Finalised when the program exits. Built without MPI (MESHFORGE_MPI off), the world is always
// this one process, and a launch of several ranks is refused by World::get() with one line.
//
// Waits (barrier, and the gathers that follow one) poll with short sleeps instead of MPI's busy
// wait, so a rank that has finished its share does not take a core from one still working.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace meshforge::dist {

// Whether an MPI launcher started this process, and the rank and size its environment gives
// (0 and 1 when none did), read without any MPI call. False when kNotARankVariable is "1": set it
// for the processes a rank starts (they inherit the launcher's variables).
inline constexpr const char* kNotARankVariable = "MESHFORGE_NOT_A_RANK";
bool launched_by_mpi();
int launcher_rank();
int launcher_size();

// Whether this binary was built with MPI (MESHFORGE_MPI).
bool built_with_mpi();

class World {
 public:
  // The world of this process; the first call initialises MPI (see above). Throws
  // std::runtime_error when launched as several ranks by a binary built without MPI, or when
  // MPI_Init fails.
  static World& get();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  bool distributed() const { return size_ > 1; }
  // Ranks of this launch on this machine (for how many cores each one takes by default).
  int local_size() const { return local_size_; }

  // Returns once every rank has called it.
  void barrier();
  // Root's text, on every rank (the argument is ignored elsewhere).
  std::string broadcast(const std::string& text);
  // Every rank's text in rank order on root; empty on the other ranks.
  std::vector<std::string> gather(const std::string& text);
  // Every rank's text in rank order, on every rank.
  std::vector<std::string> all_gather(const std::string& text);
  // Point to point, for a work queue: sends text to rank `to` under `tag` and returns at once
  // (delivered in the background; every send is complete before the next collective returns and
  // before MPI is finalised), and takes the next message under `tag` from any rank when one has
  // arrived (false, at once, when none has).
  void send(int to, int tag, const std::string& text);
  bool receive(int tag, int& from, std::string& text);
  // Returns once every send so far has been taken by its receiver. A long message moves only
  // while this process calls MPI, so one sent before a long computation waits for it unless this
  // is called first.
  void complete_sends();

  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World();

 private:
  World();
  struct Pending;
  std::vector<std::unique_ptr<Pending>> pending_;  // sends in flight, with their buffers
  int rank_ = 0, size_ = 1, local_size_ = 1;
  bool initialised_ = false;  // this process called MPI_Init (and so finalises)
};

// The items (0 .. items-1, in order) rank `rank` of `size` runs: every size-th one, starting at
// its rank. Every item belongs to exactly one rank.
std::vector<std::size_t> share_of(std::size_t items, int rank, int size);

}  // namespace meshforge::dist
