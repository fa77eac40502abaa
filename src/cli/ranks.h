// The ranks of an MPI launch (dist/world.h) as sweep, compare and campaign use them: errors every
// rank agrees on, so that exactly one rank prints the one-line message, every rank exits with the
// same status and none waits forever for a rank that failed; and the cores each rank takes.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dist/world.h"

namespace meshforge::cli {

// How a piece of work ended, as one rank tells the others: the exception main would print, its
// exit status and message.
struct Outcome {
  enum class Kind { ok, input, interrupted, exit, internal };
  Kind kind = Kind::ok;
  int status = 0;
  std::string message;

  bool ok() const { return kind == Kind::ok; }
  // The kind, status and message of a caught exception (main's mapping: InputError 2, Interrupted
  // 128 + the signal, ExitStatus its own, anything else 3).
  static Outcome of(const std::exception_ptr& e);
  // The same exception again (InputError, Interrupted, ExitStatus or std::runtime_error).
  [[noreturn]] void rethrow() const;
  nlohmann::json to_json() const;
  static Outcome from_json(const nlohmann::json& j);
};

// dist::World::get(), its refusal (a launch of several ranks by a binary built without MPI, or
// MPI_Init failing) as an InputError: one line, status 2.
dist::World& this_launch();

// Runs fn on every rank. When it throws on one or more ranks, it throws on all of them: the lowest
// failing rank rethrows its own exception (main prints it), the others throw ExitStatus with that
// rank's status (main prints nothing). Without MPI: fn().
void on_every_rank(dist::World& world, const std::function<void()>& fn);
// fn on root only (the side effects of a command: output directories, its state file); a failure
// reaches every rank as above.
void on_root(dist::World& world, const std::function<void()>& fn);

// `--threads` / `--jobs` as a rank takes them when not given: this machine's cores shared by the
// ranks it runs (at least 1).
int cores_per_rank(const dist::World& world);

// Items 0 .. n-1 (the runs of a command) dealt to the ranks as they free a slot, so that unequal
// runs keep every rank busy: root holds the queue, takes from it itself and answers the other
// ranks' requests, one item per request. Which rank runs an item is not fixed; every item goes
// to exactly one rank. Without MPI the items come in order.
class RunQueue {
 public:
  RunQueue(dist::World& world, std::size_t items);  // items: as root counts them
  // The next item for this rank, if one is ready now (never blocks: on the other ranks the answer
  // to a request may still be on its way); nothing once the queue is closed for this rank.
  std::optional<std::size_t> next();
  // Root: answers the requests that have arrived. Call it often (every turn of a polling loop).
  void serve();
  // No more items will come to this rank (the queue is empty, or stop() was called).
  bool closed() const { return closed_; }
  // This rank takes no more items (Ctrl-C); on root, no rank does.
  void stop() { stopped_ = true; }
  // This rank is done: the other ranks say so to root (after the answer to a request still on its
  // way; an item it brings is not run), root waits until every rank has. Polls.
  void finish();

 private:
  dist::World& world_;
  std::size_t items_ = 0, next_ = 0;
  bool closed_ = false, stopped_ = false, asked_ = false;
  int finished_ranks_ = 0;  // root: the other ranks that said they are done
};

// "rank R: " on the ranks of a distributed launch, "" otherwise: the prefix of a rank's own
// progress lines on stderr.
std::string rank_prefix(const dist::World& world);

}  // namespace meshforge::cli
