#include "dist/world.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#if MESHFORGE_MPI
#include <mpi.h>
#endif

namespace meshforge::dist {
namespace {

// The first of these variables the environment holds, as a number (-1 when none is set or it is
// not a number).
int env_number(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* v = std::getenv(name);
    if (!v || !*v) continue;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (*end == '\0' && n >= 0 && n < (1L << 30)) return static_cast<int>(n);
  }
  return -1;
}

#if MESHFORGE_MPI
void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI: ") + what + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// Sizes and displacements of a gatherv of `lengths`.
std::vector<int> displacements(const std::vector<int>& lengths) {
  std::vector<int> d(lengths.size(), 0);
  for (std::size_t i = 1; i < lengths.size(); ++i) d[i] = d[i - 1] + lengths[i - 1];
  return d;
}

// The texts of a gatherv, back apart.
std::vector<std::string> pieces(const std::string& all, const std::vector<int>& lengths, const std::vector<int>& at) {
  std::vector<std::string> out;
  for (std::size_t r = 0; r < lengths.size(); ++r)
    out.push_back(all.substr(static_cast<std::size_t>(at[r]), static_cast<std::size_t>(lengths[r])));
  return out;
}

int length_of(const std::string& text) {
  if (text.size() > static_cast<std::size_t>(1) << 30) throw std::runtime_error("MPI: a message over 1 GiB");
  return static_cast<int>(text.size());
}
#endif

}  // namespace

bool launched_by_mpi() {
  // A process a rank started (compare's explore runs) inherits the launcher's variables but is no rank.
  if (const char* own = std::getenv(kNotARankVariable); own && std::string(own) == "1") return false;
  return env_number({"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) >= 0;
}
int launcher_rank() { return std::max(0, env_number({"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})); }
int launcher_size() { return std::max(1, env_number({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})); }

bool built_with_mpi() {
#if MESHFORGE_MPI
  return true;
#else
  return false;
#endif
}

struct World::Pending {
  std::string text;
#if MESHFORGE_MPI
  MPI_Request request;
#endif
};

World& World::get() {
  static World world;
  return world;
}

World::World() {
  if (!launched_by_mpi()) return;
#if MESHFORGE_MPI
  int provided = 0;
  // Funneled: only the main thread calls MPI (the batch evaluator's threads never do).
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  initialised_ = true;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  MPI_Comm local;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local), "MPI_Comm_split_type");
  check(MPI_Comm_size(local, &local_size_), "MPI_Comm_size");
  MPI_Comm_free(&local);
#else
  if (launcher_size() > 1)
    throw std::runtime_error("started as " + std::to_string(launcher_size()) +
                             " MPI ranks, but this meshforge was built without MPI (MESHFORGE_MPI off): every rank would "
                             "run everything; install libopenmpi-dev and rebuild, or run it without mpirun");
#endif
}

World::~World() {
#if MESHFORGE_MPI
  if (initialised_) {
    complete_sends();
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
#endif
}

void World::complete_sends() {
#if MESHFORGE_MPI
  for (const auto& p : pending_) MPI_Wait(&p->request, MPI_STATUS_IGNORE);
  pending_.clear();
#endif
}

void World::send(int to, int tag, const std::string& text) {
#if MESHFORGE_MPI
  if (!initialised_ || to < 0 || to >= size_) throw std::runtime_error("MPI: send to rank " + std::to_string(to) + " of " + std::to_string(size_));
  // Sends that have completed free their buffers.
  std::erase_if(pending_, [](const std::unique_ptr<Pending>& p) {
    int done = 0;
    MPI_Test(&p->request, &done, MPI_STATUS_IGNORE);
    return done != 0;
  });
  auto& p = pending_.emplace_back(std::make_unique<Pending>(Pending{text, MPI_REQUEST_NULL}));
  check(MPI_Isend(p->text.data(), length_of(p->text), MPI_CHAR, to, tag, MPI_COMM_WORLD, &p->request), "MPI_Isend");
#else
  (void)tag;
  (void)text;
  throw std::runtime_error("MPI: send to rank " + std::to_string(to) + " in a world of one");
#endif
}

bool World::receive(int tag, int& from, std::string& text) {
#if MESHFORGE_MPI
  if (!initialised_ || size_ == 1) return false;
  int arrived = 0;
  MPI_Status status;
  check(MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
  if (!arrived) return false;
  int length = 0;
  check(MPI_Get_count(&status, MPI_CHAR, &length), "MPI_Get_count");
  text.assign(static_cast<std::size_t>(length), '\0');
  from = status.MPI_SOURCE;
  check(MPI_Recv(text.data(), length, MPI_CHAR, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
  return true;
#else
  (void)tag;
  (void)from;
  (void)text;
  return false;
#endif
}

void World::barrier() {
#if MESHFORGE_MPI
  if (!initialised_ || size_ == 1) return;
  complete_sends();
  MPI_Request request;
  check(MPI_Ibarrier(MPI_COMM_WORLD, &request), "MPI_Ibarrier");
  auto pause = std::chrono::microseconds(200);
  for (int done = 0;;) {
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) return;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
#endif
}

std::string World::broadcast(const std::string& text) {
#if MESHFORGE_MPI
  if (!initialised_ || size_ == 1) return text;
  barrier();
  int length = root() ? length_of(text) : 0;
  check(MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = root() ? text : std::string(static_cast<std::size_t>(length), '\0');
  if (length > 0) check(MPI_Bcast(out.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return out;
#else
  return text;
#endif
}

std::vector<std::string> World::gather(const std::string& text) {
#if MESHFORGE_MPI
  if (!initialised_ || size_ == 1) return {text};
  barrier();
  const int mine = length_of(text);
  std::vector<int> lengths(root() ? static_cast<std::size_t>(size_) : 0);
  check(MPI_Gather(&mine, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::vector<int> at = displacements(lengths);
  std::string all(root() ? static_cast<std::size_t>(at.back() + lengths.back()) : 0, '\0');
  check(MPI_Gatherv(text.data(), mine, MPI_CHAR, all.data(), lengths.data(), at.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  return pieces(all, lengths, at);
#else
  return {text};
#endif
}

std::vector<std::string> World::all_gather(const std::string& text) {
#if MESHFORGE_MPI
  if (!initialised_ || size_ == 1) return {text};
  barrier();
  const int mine = length_of(text);
  std::vector<int> lengths(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&mine, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
  std::vector<int> at = displacements(lengths);
  std::string all(static_cast<std::size_t>(at.back() + lengths.back()), '\0');
  check(MPI_Allgatherv(text.data(), mine, MPI_CHAR, all.data(), lengths.data(), at.data(), MPI_CHAR, MPI_COMM_WORLD),
        "MPI_Allgatherv");
  return pieces(all, lengths, at);
#else
  return {text};
#endif
}

std::vector<std::size_t> share_of(std::size_t items, int rank, int size) {
  std::vector<std::size_t> out;
  if (size < 1 || rank < 0 || rank >= size) return out;
  for (std::size_t i = static_cast<std::size_t>(rank); i < items; i += static_cast<std::size_t>(size)) out.push_back(i);
  return out;
}

}  // namespace meshforge::dist
