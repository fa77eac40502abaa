#include "store/runs_db.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <utility>

#include "arch/design.h"
#include "common/input_error.h"
#include "search/nn/serialize.h"

namespace meshforge::store {
namespace {

constexpr const char* kApplicationSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  started_utc TEXT NOT NULL,
  command TEXT NOT NULL,
  model TEXT, node TEXT, mode TEXT, agent TEXT, seed INTEGER,
  meshforge_version TEXT,
  settings_json TEXT NOT NULL);
CREATE TABLE designs(hash TEXT NOT NULL UNIQUE, name TEXT, yaml_deflate BLOB NOT NULL);
CREATE TABLE evaluations(
  run INTEGER NOT NULL REFERENCES runs(id),
  evaluation INTEGER NOT NULL,
  episode INTEGER NOT NULL,
  design TEXT NOT NULL REFERENCES designs(hash),
  score REAL NOT NULL,
  feasible INTEGER NOT NULL,
  violations TEXT NOT NULL,
  violation_count INTEGER NOT NULL,
  decode_tokens_per_second REAL, prefill_tokens_per_second REAL, time_to_first_token_s REAL,
  power_w REAL, area_mm2 REAL, decode_energy_per_token_j REAL, clock_hz REAL, tiles INTEGER,
  PRIMARY KEY(run, evaluation)) WITHOUT ROWID;
CREATE INDEX evaluations_by_score ON evaluations(feasible DESC, score DESC);
)sql";

// ---- a thin RAII layer over the C API ----

struct Db {
  sqlite3* h = nullptr;
  std::string path;
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() {
    if (h) sqlite3_close(h);
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path, "", fmt::format("{}: {}", what, h ? sqlite3_errmsg(h) : "out of memory"));
  }
  void exec(const char* sql) const {
    char* err = nullptr;
    if (sqlite3_exec(h, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "error";
      sqlite3_free(err);
      throw InputError(path, "", msg);
    }
  }
};

struct Stmt {
  sqlite3_stmt* s = nullptr;
  const Db& db;
  Stmt(const Db& d, const char* sql) : db(d) {
    if (sqlite3_prepare_v2(d.h, sql, -1, &s, nullptr) != SQLITE_OK) d.fail("not a meshforge runs database");
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s); }
  Stmt& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(s, i, v)); }
  Stmt& bind(int i, double v) { return check(sqlite3_bind_double(s, i, v)); }
  Stmt& bind(int i, const std::string& v) { return check(sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT)); }
  Stmt& bind_blob(int i, const std::string& v) {
    return check(sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Stmt& check(int rc) {
    if (rc != SQLITE_OK) db.fail("cannot write");
    return *this;
  }
  bool step() {  // true: a row
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db.fail("cannot read or write");
  }
  void run() {
    step();
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
  std::int64_t i64(int c) const { return sqlite3_column_int64(s, c); }
  double f64(int c) const { return sqlite3_column_double(s, c); }
  std::string text(int c) const {
    const auto* p = sqlite3_column_text(s, c);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::string blob(int c) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, c))) : std::string();
  }
};

// Designs are stored as raw deflate against a preset dictionary, the first design the database
// stored (meta 'design_dictionary'): the designs of one run share almost all their text, so each
// shrinks ~8x (1.2 kB of YAML to ~150 bytes). Schema 1 stored the YAML as text.
constexpr int kFirstCompressedSchema = 2;

class DesignCodec {
 public:
  DesignCodec() = default;
  DesignCodec(const DesignCodec&) = delete;
  DesignCodec& operator=(const DesignCodec&) = delete;
  ~DesignCodec() {
    if (deflating_) deflateEnd(&z_);
  }
  void set_dictionary(std::string dictionary) { dictionary_ = std::move(dictionary); }
  const std::string& dictionary() const { return dictionary_; }

  std::string compress(const std::string& text) {
    if (!deflating_) {
      if (deflateInit2(&z_, 6, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("zlib: deflateInit2 failed");
      deflating_ = true;
    } else if (deflateReset(&z_) != Z_OK) {
      throw std::runtime_error("zlib: deflateReset failed");
    }
    if (!dictionary_.empty() &&
        deflateSetDictionary(&z_, reinterpret_cast<const Bytef*>(dictionary_.data()), static_cast<uInt>(dictionary_.size())) != Z_OK)
      throw std::runtime_error("zlib: deflateSetDictionary failed");
    std::string out(deflateBound(&z_, static_cast<uLong>(text.size())), '\0');
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z_.avail_in = static_cast<uInt>(text.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
    out.resize(out.size() - z_.avail_out);
    return out;
  }

  // False when the bytes are not a stream this dictionary wrote.
  bool decompress(const std::string& bytes, std::string& text) const {
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) return false;
    if (!dictionary_.empty() &&
        inflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dictionary_.data()), static_cast<uInt>(dictionary_.size())) != Z_OK) {
      inflateEnd(&z);
      return false;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    text.clear();
    char buf[4096];
    int rc = Z_OK;
    while (rc == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      text.append(buf, sizeof buf - z.avail_out);
      if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break;  // input ended before the stream did
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END;
  }

 private:
  std::string dictionary_;
  z_stream z_{};
  bool deflating_ = false;
};

// Opens an existing database and checks it is ours and not from a newer meshforge.
int open_checked(Db& db, const std::filesystem::path& file, bool writable) {
  db.path = file.string();
  if (!std::filesystem::exists(file)) throw InputError(db.path, "", "no such file");
  const int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
  if (sqlite3_open_v2(db.path.c_str(), &db.h, flags, nullptr) != SQLITE_OK) db.fail("cannot open");
  sqlite3_busy_timeout(db.h, 5000);
  std::string schema;
  int version = 0;
  try {
    Stmt v(db, "PRAGMA user_version");
    if (v.step()) version = static_cast<int>(v.i64(0));
    Stmt m(db, "SELECT value FROM meta WHERE key = 'schema'");
    if (m.step()) schema = m.text(0);
  } catch (const InputError&) {
    throw InputError(db.path, "", "not a meshforge runs database (or corrupt)");
  }
  if (schema != "meshforge-runs") throw InputError(db.path, "meta.schema", "not a meshforge runs database");
  if (version > kSchemaVersion)
    throw InputError(db.path, "user_version",
                     fmt::format("schema version {} is newer than this meshforge's {}: use a newer meshforge", version, kSchemaVersion));
  return version;
}

// The design dictionary of a database of schema >= 2 ('' before its first design is stored).
std::string stored_dictionary(const Db& db) {
  Stmt m(db, "SELECT value FROM meta WHERE key = 'design_dictionary'");
  return m.step() ? m.text(0) : std::string();
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string value_or(const std::map<std::string, std::string>& m, const std::string& k) {
  const auto it = m.find(k);
  return it == m.end() ? std::string() : it->second;
}

// One evaluation as queued for the writer thread.
struct Row {
  std::int64_t evaluation = 0, episode = 0;
  arch::Design design;
  double score = 0;
  bool feasible = false;
  std::vector<std::string> violations;
  double decode_tps = 0, prefill_tps = 0, ttft_s = 0, power_w = 0, area_mm2 = 0, energy_j = 0, clock_hz = 0;
};

class RunLog final : public search::EvaluationLog {
 public:
  RunLog(std::filesystem::path file, std::string command, std::string version)
      : file_(std::move(file)), command_(std::move(command)), version_(std::move(version)) {}
  ~RunLog() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (writer_.joinable()) writer_.join();  // commits what is queued
  }

  void start(const std::map<std::string, std::string>& info, std::int64_t kept) override {
    if (writer_.joinable()) throw std::logic_error("runs.db: started twice");
    db_.path = file_.string();
    if (kept == 0 || !std::filesystem::exists(file_)) {
      create(info);
    } else {
      schema_ = open_checked(db_, file_, true);
      db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
      if (schema_ >= kFirstCompressedSchema) codec_.set_dictionary(stored_dictionary(db_));
      Stmt r(db_, "SELECT max(id) FROM runs");
      run_ = r.step() ? r.i64(0) : 0;
      if (run_ == 0) throw InputError(db_.path, "runs", "holds no run to continue");
      Stmt del(db_, "DELETE FROM evaluations WHERE run = ?1 AND evaluation > ?2");
      del.bind(1, run_).bind(2, kept).run();
    }
    writer_ = std::thread([this] { write_loop(); });
  }

  void add(std::int64_t evaluation, std::int64_t episode, const arch::Design& design, const ppa::Report& r,
           double score) override {
    Row row{evaluation, episode, design, score, r.feasible, r.violations,
            r.decode.tokens_per_second, r.prefill.tokens_per_second, r.time_to_first_token_s,
            r.power_w, r.area_mm2, r.decode.energy_per_token_j, r.clock_hz};
    std::unique_lock lock(mu_);
    rethrow_locked();
    // Bounded queue: the explorer waits rather than growing memory without limit.
    space_.wait(lock, [&] { return queue_.size() < 4 * static_cast<std::size_t>(kBatchRows) || error_; });
    rethrow_locked();
    queue_.push_back(std::move(row));
    if (queue_.size() >= static_cast<std::size_t>(kBatchRows)) cv_.notify_one();
  }

  void flush() override {
    std::unique_lock lock(mu_);
    if (!writer_.joinable()) return;
    ++flush_requests_;
    const auto ticket = flush_requests_;
    cv_.notify_one();
    done_.wait(lock, [&] { return flushed_ >= ticket || error_; });
    rethrow_locked();
  }

 private:
  // A fresh run, or a resumed one whose runs.db is gone (its rows before the checkpoint are then
  // absent): a new file with one run.
  void create(const std::map<std::string, std::string>& info) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      std::filesystem::remove(file_.string() + suffix, ec);
    }
    if (sqlite3_open_v2(db_.path.c_str(), &db_.h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
      db_.fail("cannot create");
    sqlite3_busy_timeout(db_.h, 5000);
    db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; BEGIN;");
    db_.exec(kApplicationSchema);
    db_.exec(fmt::format("PRAGMA user_version = {};", kSchemaVersion).c_str());
    Stmt meta(db_, "INSERT INTO meta(key, value) VALUES ('schema', 'meshforge-runs'), ('version', ?1)");
    meta.bind(1, std::to_string(kSchemaVersion)).run();
    nlohmann::ordered_json settings(info);
    Stmt run(db_, "INSERT INTO runs(started_utc, command, model, node, mode, agent, seed, meshforge_version, settings_json) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    std::int64_t seed = 0;
    try {
      seed = std::stoll(value_or(info, "seed"));
    } catch (const std::exception&) {
      seed = 0;
    }
    run.bind(1, utc_now()).bind(2, command_).bind(3, value_or(info, "model")).bind(4, value_or(info, "node"))
        .bind(5, value_or(info, "mode")).bind(6, value_or(info, "agent")).bind(7, seed)
        .bind(8, version_).bind(9, settings.dump());
    run.run();
    run_ = sqlite3_last_insert_rowid(db_.h);
    db_.exec("COMMIT;");
  }

  void rethrow_locked() {
    if (error_) std::rethrow_exception(error_);
  }

  // The writer thread: takes the queue in batches, one transaction each.
  void write_loop() {
    try {
      // A database of schema 1 (a run resumed by this version) keeps its text designs.
      const bool compressed = schema_ >= kFirstCompressedSchema;
      Stmt design(db_, compressed ? "INSERT OR IGNORE INTO designs(hash, name, yaml_deflate) VALUES (?1, ?2, ?3)"
                                  : "INSERT OR IGNORE INTO designs(hash, name, yaml) VALUES (?1, ?2, ?3)");
      Stmt dictionary(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('design_dictionary', ?1)");
      Stmt eval(db_, "INSERT OR REPLACE INTO evaluations(run, evaluation, episode, design, score, feasible, violations, "
                     "violation_count, decode_tokens_per_second, prefill_tokens_per_second, time_to_first_token_s, power_w, "
                     "area_mm2, decode_energy_per_token_j, clock_hz, tiles) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
      std::set<std::uint64_t> known;  // designs already inserted by this writer
      for (;;) {
        std::deque<Row> batch;
        std::uint64_t ticket = 0;
        bool stop = false;
        {
          std::unique_lock lock(mu_);
          cv_.wait_for(lock, std::chrono::seconds(1), [&] {
            return stopping_ || flush_requests_ > flushed_ || queue_.size() >= static_cast<std::size_t>(kBatchRows);
          });
          const std::size_t n = std::min(queue_.size(), static_cast<std::size_t>(kBatchRows));
          for (std::size_t i = 0; i < n; ++i) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
          }
          ticket = flush_requests_;
          stop = stopping_ && queue_.empty();
          // A flush is done when nothing queued before it is left.
          if (!queue_.empty()) ticket = flushed_;
        }
        space_.notify_all();
        if (!batch.empty()) {
          db_.exec("BEGIN;");
          for (const Row& row : batch) {
            // The canonical form: the design under a fixed name, so equal designs hash equal.
            arch::Design canonical = row.design;
            canonical.name = "design";
            const std::string yaml = arch::to_yaml(canonical);
            const std::uint64_t h = search::nn::io::fnv1a(yaml);
            const std::string hash = fmt::format("{:016x}", h);
            if (known.insert(h).second) {
              design.bind(1, hash).bind(2, row.design.name);
              if (compressed) {
                if (codec_.dictionary().empty()) {
                  codec_.set_dictionary(yaml);
                  dictionary.bind(1, yaml).run();
                }
                design.bind_blob(3, codec_.compress(yaml));
              } else {
                design.bind(3, yaml);
              }
              design.run();
            }
            std::string violations;
            for (const auto& v : row.violations) violations += (violations.empty() ? "" : "\n") + v;
            eval.bind(1, run_).bind(2, row.evaluation).bind(3, row.episode).bind(4, hash).bind(5, row.score)
                .bind(6, std::int64_t{row.feasible ? 1 : 0}).bind(7, violations)
                .bind(8, static_cast<std::int64_t>(row.violations.size())).bind(9, row.decode_tps).bind(10, row.prefill_tps)
                .bind(11, row.ttft_s).bind(12, row.power_w).bind(13, row.area_mm2).bind(14, row.energy_j)
                .bind(15, row.clock_hz).bind(16, static_cast<std::int64_t>(row.design.tiles()));
            eval.run();
          }
          db_.exec("COMMIT;");
        }
        {
          std::lock_guard lock(mu_);
          flushed_ = std::max(flushed_, ticket);
        }
        done_.notify_all();
        if (stop) break;
      }
    } catch (...) {
      std::lock_guard lock(mu_);
      error_ = std::current_exception();
      space_.notify_all();
      done_.notify_all();
    }
  }

  std::filesystem::path file_;
  std::string command_, version_;
  Db db_;
  int schema_ = kSchemaVersion;  // of the file written: an older one when a resume continues it
  DesignCodec codec_;
  std::int64_t run_ = 0;
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_, space_, done_;
  std::deque<Row> queue_;
  std::uint64_t flush_requests_ = 0, flushed_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace

std::shared_ptr<search::EvaluationLog> open_run_log(const std::filesystem::path& db, const std::string& command,
                                                    const std::string& meshforge_version) {
  return std::make_shared<RunLog>(db, command, meshforge_version);
}

std::vector<StoredEvaluation> top(const std::filesystem::path& file, const TopQuery& q) {
  Db db;
  open_checked(db, file, false);
  // Each design once, at its best evaluation; then the best designs.
  Stmt s(db,
         "SELECT e.run, e.evaluation, r.model, r.node, r.mode, r.agent, r.seed, e.design, d.name, e.score, e.feasible, "
         "e.violation_count, e.decode_tokens_per_second, e.prefill_tokens_per_second, e.time_to_first_token_s, e.power_w, "
         "e.area_mm2, e.decode_energy_per_token_j, e.clock_hz, e.tiles "
         "FROM evaluations e JOIN runs r ON r.id = e.run JOIN designs d ON d.hash = e.design "
         "WHERE (?1 = '' OR r.model = ?1) AND (?2 = '' OR r.node = ?2) AND (?3 = '' OR r.mode = ?3) "
         "AND (?4 = 0 OR e.feasible = 1) "
         "ORDER BY e.feasible DESC, e.score DESC, e.run, e.evaluation");
  s.bind(1, q.model).bind(2, q.node).bind(3, q.mode).bind(4, std::int64_t{q.feasible_only ? 1 : 0});
  std::vector<StoredEvaluation> out;
  std::set<std::string> seen;
  while (static_cast<int>(out.size()) < q.k && s.step()) {
    StoredEvaluation e;
    e.db = file;
    e.run = s.i64(0);
    e.evaluation = s.i64(1);
    e.model = s.text(2);
    e.node = s.text(3);
    e.mode = s.text(4);
    e.agent = s.text(5);
    e.seed = s.i64(6);
    e.design_hash = s.text(7);
    e.design_name = s.text(8);
    e.score = s.f64(9);
    e.feasible = s.i64(10) != 0;
    e.violations = static_cast<int>(s.i64(11));
    e.decode_tokens_per_second = s.f64(12);
    e.prefill_tokens_per_second = s.f64(13);
    e.time_to_first_token_s = s.f64(14);
    e.power_w = s.f64(15);
    e.area_mm2 = s.f64(16);
    e.decode_energy_per_token_j = s.f64(17);
    e.clock_hz = s.f64(18);
    e.tiles = static_cast<int>(s.i64(19));
    if (seen.insert(e.design_hash).second) out.push_back(std::move(e));
  }
  return out;
}

std::string design_yaml(const std::filesystem::path& file, const std::string& hash) {
  Db db;
  const int schema = open_checked(db, file, false);
  if (schema < kFirstCompressedSchema) {
    Stmt s(db, "SELECT yaml FROM designs WHERE hash = ?1");
    s.bind(1, hash);
    if (!s.step()) throw InputError(file.string(), "designs", "no design " + hash);
    return s.text(0);
  }
  Stmt s(db, "SELECT yaml_deflate FROM designs WHERE hash = ?1");
  s.bind(1, hash);
  if (!s.step()) throw InputError(file.string(), "designs", "no design " + hash);
  DesignCodec codec;
  codec.set_dictionary(stored_dictionary(db));
  std::string yaml;
  if (!codec.decompress(s.blob(0), yaml)) throw InputError(file.string(), "designs.yaml_deflate", "corrupt design " + hash);
  return yaml;
}

std::vector<RunRow> run_rows(const std::filesystem::path& file, std::int64_t run) {
  Db db;
  open_checked(db, file, false);
  Stmt s(db, "SELECT evaluation, design, score FROM evaluations WHERE run = ?1 ORDER BY evaluation");
  s.bind(1, run);
  std::vector<RunRow> out;
  while (s.step()) out.push_back({s.i64(0), s.text(1), s.f64(2)});
  return out;
}

}  // namespace meshforge::store
