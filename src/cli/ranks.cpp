#include "cli/ranks.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/explore_common.h"
#include "common/input_error.h"

namespace meshforge::cli {

Outcome Outcome::of(const std::exception_ptr& e) {
  Outcome o;
  if (!e) return o;
  try {
    std::rethrow_exception(e);
  } catch (const ExitStatus& x) {
    o = {Kind::exit, x.status(), ""};
  } catch (const Interrupted& x) {
    o = {Kind::interrupted, interrupt_exit_status(), x.what()};
  } catch (const InputError& x) {
    o = {Kind::input, 2, x.what()};
  } catch (const CLI::Error& x) {
    o = {Kind::input, 2, x.what()};
  } catch (const std::exception& x) {
    o = {Kind::internal, 3, x.what()};
  } catch (...) {
    o = {Kind::internal, 3, "unknown error"};
  }
  return o;
}

void Outcome::rethrow() const {
  switch (kind) {
    case Kind::input: throw InputError("", "", message);
    case Kind::interrupted: throw Interrupted(message);
    case Kind::exit: throw ExitStatus(status);
    case Kind::ok:
    case Kind::internal: break;
  }
  throw std::runtime_error(message);
}

nlohmann::json Outcome::to_json() const {
  return {{"kind", static_cast<int>(kind)}, {"status", status}, {"message", message}};
}

Outcome Outcome::from_json(const nlohmann::json& j) {
  Outcome o;
  const int kind = j.at("kind").get<int>();
  if (kind < 0 || kind > static_cast<int>(Kind::internal)) throw std::runtime_error("MPI: a rank sent an unknown outcome");
  o.kind = static_cast<Kind>(kind);
  o.status = j.at("status").get<int>();
  o.message = j.at("message").get<std::string>();
  return o;
}

namespace {

// Every rank's outcome; throws as on_every_rank says when any failed.
void agree(dist::World& world, const std::exception_ptr& mine) {
  if (!world.distributed()) {
    if (mine) std::rethrow_exception(mine);
    return;
  }
  const auto all = world.all_gather(Outcome::of(mine).to_json().dump());
  for (std::size_t r = 0; r < all.size(); ++r) {
    const Outcome o = Outcome::from_json(nlohmann::json::parse(all[r]));
    if (o.ok()) continue;
    if (static_cast<int>(r) == world.rank()) std::rethrow_exception(mine);
    throw ExitStatus(o.status);
  }
}

}  // namespace

dist::World& this_launch() {
  try {
    return dist::World::get();
  } catch (const std::runtime_error& e) {
    throw InputError("", "", e.what());
  }
}

void on_every_rank(dist::World& world, const std::function<void()>& fn) {
  std::exception_ptr mine;
  try {
    fn();
  } catch (...) {
    mine = std::current_exception();
  }
  agree(world, mine);
}

void on_root(dist::World& world, const std::function<void()>& fn) {
  on_every_rank(world, [&] {
    if (world.root()) fn();
  });
}

namespace {
constexpr int kAskTag = 101;    // another rank to root: "next" (a free slot) or "done"
constexpr int kAnswerTag = 102; // root to it: an item, or "" (none left)
}  // namespace

RunQueue::RunQueue(dist::World& world, std::size_t items) : world_(world), items_(items) {}

std::optional<std::size_t> RunQueue::next() {
  if (closed_) return std::nullopt;
  if (stopped_) {
    closed_ = true;
    return std::nullopt;
  }
  if (world_.root()) {
    serve();
    if (next_ < items_) return next_++;
    closed_ = true;
    return std::nullopt;
  }
  if (!asked_) {
    world_.send(0, kAskTag, "next");
    asked_ = true;
  }
  int from = 0;
  std::string answer;
  if (!world_.receive(kAnswerTag, from, answer)) return std::nullopt;
  asked_ = false;
  if (answer.empty()) {
    closed_ = true;
    return std::nullopt;
  }
  return static_cast<std::size_t>(std::stoull(answer));
}

void RunQueue::serve() {
  if (!world_.root() || !world_.distributed()) return;
  int from = 0;
  for (std::string ask; world_.receive(kAskTag, from, ask);) {
    if (ask == "done") {
      ++finished_ranks_;
    } else if (!stopped_ && next_ < items_) {
      world_.send(from, kAnswerTag, std::to_string(next_++));
    } else {
      world_.send(from, kAnswerTag, "");
    }
  }
}

void RunQueue::finish() {
  closed_ = true;
  if (!world_.distributed()) return;
  if (world_.root()) {
    stopped_ = true;  // whoever asks now gets nothing
    for (auto pause = std::chrono::microseconds(200); finished_ranks_ < world_.size() - 1;
         pause = std::min(pause * 2, std::chrono::microseconds(20000))) {
      serve();
      std::this_thread::sleep_for(pause);
    }
    return;
  }
  int from = 0;
  std::string answer;
  for (auto pause = std::chrono::microseconds(200); asked_ && !world_.receive(kAnswerTag, from, answer);
       pause = std::min(pause * 2, std::chrono::microseconds(20000)))
    std::this_thread::sleep_for(pause);
  asked_ = false;
  world_.send(0, kAskTag, "done");
}

int cores_per_rank(const dist::World& world) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, world.local_size()));
}

std::string rank_prefix(const dist::World& world) {
  return world.distributed() ? fmt::format("rank {}: ", world.rank()) : std::string();
}

}  // namespace meshforge::cli
