#include "search/explorer.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <deque>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "report/report_json.h"
#include "report/run_record.h"
#include "search/checkpoint_file.h"

namespace meshforge::search {
namespace {

constexpr std::string_view kMagicFormat1{"MFXCKPT\x01", 8};
constexpr std::string_view kMagicFormat2{"MFXCKPT\x02", 8};

using checkpoint::Reader;
using checkpoint::Writer;
using checkpoint::read_file;

// The payload of a checkpoint after checking magic, size and checksum.
std::string checked_payload(const std::filesystem::path& file, const std::string& bytes) {
  if (std::string_view(bytes).substr(0, kMagicFormat1.size()) == kMagicFormat1)
    throw InputError(file.string(), "", "a checkpoint of an older meshforge (format 1, no Pareto front): start a fresh run");
  if (std::string_view(bytes).substr(0, kMagicFormat2.size()) == kMagicFormat2)
    throw InputError(file.string(), "", "a checkpoint of an older meshforge (format 2, no lanes): start a fresh run");
  return checkpoint::unframe(file, bytes, kCheckpointMagic, "explore checkpoint");
}

struct Header {
  std::map<std::string, std::string> run_info;
  std::string agent_name;
  std::int64_t evaluations = 0, state_dims = 0, action_dims = 0;
};

Header read_header(Reader& r) {
  Header h;
  r.field = "run_info";
  const auto n = r.u64();
  if (n > 10000) throw std::runtime_error("implausible run_info size");
  for (std::uint64_t i = 0; i < n; ++i) {
    auto k = r.str(1 << 16);
    h.run_info[k] = r.str(1 << 20);
  }
  r.field = "header";
  h.agent_name = r.str(1 << 10);
  h.evaluations = r.i64();
  h.state_dims = r.i64();
  h.action_dims = r.i64();
  return h;
}

bool better(double score, bool feasible, const BestDesign& best) {
  if (!best.found) return true;
  if (feasible != best.feasible) return feasible;
  return score > best.score;
}

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Stride of progress.csv's sample at evaluation e: 1 up to kProgressFullRows, then 10^(digits(e) - 4).
std::int64_t progress_stride(std::int64_t e) {
  if (e <= kProgressFullRows) return 1;
  std::int64_t stride = 1;
  for (std::int64_t v = e; v >= kProgressFullRows; v /= 10) stride *= 10;
  return stride;
}
}  // namespace

bool progress_row_kept(std::int64_t evaluation, bool improves_best) {
  return improves_best || evaluation % progress_stride(evaluation) == 0;
}

std::int64_t last_sampled_progress_row(std::int64_t e) { return e - e % progress_stride(e); }

CheckpointInfo read_checkpoint_info(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw InputError(file.string(), "", "no checkpoint here: nothing to resume");
  const std::string payload = checked_payload(file, read_file(file));
  Reader r{payload};
  try {
    const Header h = read_header(r);
    return {h.run_info, h.evaluations, h.agent_name};
  } catch (const std::runtime_error& e) {
    throw InputError(file.string(), r.field, std::string("corrupt checkpoint: ") + e.what());
  }
}

namespace {
// Everything a checkpoint holds, parsed and checked against the environment it is for.
struct ParsedCheckpoint {
  Header header;
  std::int64_t episodes = 0;
  std::mt19937_64 rng;
  BestDesign best;
  ParetoFront front;
  std::vector<Explorer::Lane> lanes;
  std::string agent_blob;
};

// lanes_expected = 0: any number of lanes (a warm start reads only the agent).
ParsedCheckpoint parse_checkpoint(const std::filesystem::path& path, const std::string& bytes, const std::string& agent_name,
                                  const Environment& env, std::size_t lanes_expected) {
  const std::string payload = checked_payload(path, bytes);
  Reader r{payload};
  ParsedCheckpoint c;
  Header& h = c.header;
  try {
    h = read_header(r);
    if (h.agent_name != agent_name)
      throw InputError(path.string(), "agent", fmt::format("the checkpoint is of agent '{}', this run uses '{}'", h.agent_name, agent_name));
    if (h.state_dims != env.state_dims() || h.action_dims != env.action_dims())
      throw InputError(path.string(), "header",
                       fmt::format("state/action dimensions {}/{} do not match this build's {}/{}", h.state_dims,
                                   h.action_dims, env.state_dims(), env.action_dims()));
    if (h.evaluations < 0) throw std::runtime_error("negative evaluation count");
    r.field = "explorer";
    c.episodes = r.i64();
    std::istringstream rs(r.str(1 << 16));
    rs >> c.rng;
    if (!rs) throw std::runtime_error("random engine state unreadable");
    c.best.found = r.u64() != 0;
    c.best.x = r.vec(env.action_dims());
    c.best.score = r.f64();
    c.best.feasible = r.u64() != 0;
    c.best.evaluation = r.i64();
    r.field = "pareto";
    const std::uint64_t n_front = r.u64();
    if (n_front > static_cast<std::uint64_t>(h.evaluations)) throw std::runtime_error("more Pareto points than evaluations");
    for (std::uint64_t i = 0; i < n_front; ++i) {
      ParetoPoint p;
      p.x = r.vec(env.action_dims());
      std::array<double, kObjectives> o{};
      for (double& v : o) v = r.f64();
      p.objectives = {o[0], o[1], o[2], o[3], o[4]};
      p.score = r.f64();
      p.evaluation = r.i64();
      c.front.offer(p);
    }
    r.field = "lanes";
    const std::uint64_t n_lanes = r.u64();
    if (lanes_expected > 0 && n_lanes != lanes_expected)
      throw InputError(path.string(), "lanes", fmt::format("the checkpoint ran {} lanes, this run {}", n_lanes, lanes_expected));
    if (n_lanes < 1 || n_lanes > 4096) throw std::runtime_error("implausible lane count");
    c.lanes.resize(n_lanes);
    for (auto& lane : c.lanes) {
      EnvironmentState& s = lane.state;
      lane.episode = r.i64();
      if (lane.episode < 0 || lane.episode > c.episodes) throw std::runtime_error("lane episode out of range");
      s.x = r.vec(env.action_dims());
      s.has_report = r.u64() != 0;
      for (double& f : s.report) f = r.f64();
      s.score = r.f64();
      s.step = static_cast<int>(r.i64());
      s.episode_best = r.f64();
      if (s.step < 0 || s.step > env.config().episode_steps) throw std::runtime_error("episode step out of range");
    }
    r.field = "agent";
    c.agent_blob = r.str();
    if (r.pos != payload.size()) throw std::runtime_error("trailing bytes");
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const InputError*>(&e)) throw;
    throw InputError(path.string(), r.field, std::string("corrupt checkpoint: ") + e.what());
  }
  return c;
}
}  // namespace

std::string read_checkpoint_agent_state(const std::filesystem::path& file, const std::string& agent_name,
                                        const Environment& env) {
  if (!std::filesystem::exists(file)) throw InputError(file.string(), "", "no checkpoint here: nothing to start from");
  return parse_checkpoint(file, read_file(file), agent_name, env, 0).agent_blob;
}

Explorer::Explorer(Environment& env, Agent& agent, ExplorerConfig config)
    : env_(env),
      agent_(agent),
      config_(std::move(config)),
      rng_(config_.seed ^ 0x9e3779b97f4a7c15ULL),
      lanes_(static_cast<std::size_t>(std::max(1, config_.lanes))),
      batch_(env, std::max(1, config_.threads)) {
  if (config_.lanes < 1) throw std::invalid_argument("explorer: lanes must be >= 1");
  batch_.spread_over(config_.peers);
}

Explorer::~Explorer() = default;

void Explorer::open_fresh() {
  opened_ = true;
  if (config_.out_dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(config_.out_dir, ec);
  if (ec) throw InputError(config_.out_dir.string(), "--out", "cannot create the output directory: " + ec.message());
  progress_.open(file(kProgressFile), std::ios::binary | std::ios::trunc);
  if (!progress_) throw InputError(file(kProgressFile).string(), "--out", "cannot write: " + std::string(std::strerror(errno)));
  progress_ << report::progress_csv_header();
  progress_.flush();
  if (!progress_) throw InputError(file(kProgressFile).string(), "--out", "cannot write");
  timeline_.open(file(kTimelineFile), std::ios::binary | std::ios::trunc);
  timeline_ << "evaluation,seconds,best_score,best_feasible\n";
  if (config_.log) config_.log->start(config_.run_info, 0);
}

void Explorer::start_episode() {
  Eigen::VectorXd x(env_.action_dims());
  const bool first = episodes_ == 0;
  const double u = uniform01(rng_);  // drawn every episode, so the sequence does not depend on the branch
  if (first && config_.seed_design) {
    env_.reset(*config_.seed_design);
  } else if (!first && best_.found && u < config_.start_from_best) {
    env_.reset(best_.x, &best_features_, best_.score);
  } else {
    for (int i = 0; i < x.size(); ++i) x[i] = 2.0 * uniform01(rng_) - 1.0;
    env_.reset(x);
  }
  ++episodes_;
}

void Explorer::record(const StepResult& step, std::int64_t episode) {
  ++evaluations_;
  const ppa::Report& r = *step.report;
  const double score = std::clamp(r.ppa_score, 0.0, 1.0);
  if (better(score, r.feasible, best_)) {
    best_.found = true;
    best_.x = step.x;
    best_.design = step.design;
    best_.report = r;
    best_.score = score;
    best_.feasible = r.feasible;
    best_.evaluation = evaluations_;
    best_features_ = report_features(r);
  }
  if (r.feasible) front_.offer({step.x, objectives_of(r), score, evaluations_});
  if (config_.log) config_.log->add(evaluations_, episode, step.design, r, score);
  if (!progress_.is_open() || !progress_row_kept(evaluations_, best_.evaluation == evaluations_)) return;
  report::ProgressRow row;
  row.evaluation = evaluations_;
  row.episode = episode;
  row.step = env_.snapshot().step;
  row.score = score;
  row.feasible = r.feasible;
  row.reward = step.reward;
  row.prefill_tokens_per_second = r.prefill.tokens_per_second;
  row.decode_tokens_per_second = r.decode.tokens_per_second;
  row.power_w = r.power_w;
  row.area_mm2 = r.area_mm2;
  row.best_score = best_.score;
  row.best_feasible = best_.feasible;
  row.best_evaluation = best_.evaluation;
  row.best_prefill_tokens_per_second = best_.report.prefill.tokens_per_second;
  row.best_decode_tokens_per_second = best_.report.decode.tokens_per_second;
  row.best_power_w = best_.report.power_w;
  row.best_area_mm2 = best_.report.area_mm2;
  progress_line_.clear();
  report::append_progress_csv_row(progress_line_, row);
  progress_ << progress_line_;
}

std::string Explorer::serialize(bool with_agent) const {
  Writer w;
  w.u64(config_.run_info.size());
  for (const auto& [k, v] : config_.run_info) {
    w.str(k);
    w.str(v);
  }
  w.str(agent_.name());
  w.i64(evaluations_);
  w.i64(env_.state_dims());
  w.i64(env_.action_dims());
  // Explorer.
  w.i64(episodes_);
  std::ostringstream rng;
  rng << rng_;
  w.str(rng.str());
  w.u64(best_.found ? 1 : 0);
  w.vec(best_.found ? best_.x : Eigen::VectorXd::Zero(env_.action_dims()));
  w.f64(best_.score);
  w.u64(best_.feasible ? 1 : 0);
  w.i64(best_.evaluation);
  w.u64(front_.points().size());
  for (const auto& p : front_.points()) {
    w.vec(p.x);
    for (double v : p.objectives.as_array()) w.f64(v);
    w.f64(p.score);
    w.i64(p.evaluation);
  }
  // Lanes: the environment state of each episode in progress.
  w.u64(lanes_.size());
  for (const Lane& lane : lanes_) {
    const EnvironmentState& s = lane.state;
    w.i64(lane.episode);
    w.vec(lane.episode > 0 ? s.x : Eigen::VectorXd::Zero(env_.action_dims()));
    w.u64(s.has_report ? 1 : 0);
    for (double f : s.report) w.f64(f);
    w.f64(s.score);
    w.i64(s.step);
    w.f64(s.episode_best);
  }
  // Agent (empty when a campaign saves its shared agent once, beside its explorers).
  std::ostringstream agent;
  if (with_agent) agent_.save(agent);
  w.str(agent.str());
  return std::move(w.buf);
}

void Explorer::flush_outputs() {
  if (config_.out_dir.empty()) return;
  if (progress_.is_open()) {
    progress_.flush();
    if (!progress_) throw InputError(file(kProgressFile).string(), "", "cannot write");
  }
  if (timeline_.is_open()) timeline_.flush();
  if (config_.log) config_.log->flush();
}

std::string Explorer::checkpoint_bytes(bool with_agent) {
  flush_outputs();
  const std::string payload = serialize(with_agent);
  return checkpoint::frame(kCheckpointMagic, payload);
}

void Explorer::save_checkpoint() {
  if (config_.out_dir.empty()) return;
  if (!config_.write_checkpoint) {
    flush_outputs();
    return;
  }
  write_file_atomically(file(kCheckpointFile), checkpoint_bytes(true));
}

void Explorer::resume() {
  const auto path = file(kCheckpointFile);
  if (config_.out_dir.empty() || !std::filesystem::exists(path))
    throw InputError(path.string(), "", "no checkpoint here: nothing to resume");
  resume_from(read_file(path), path, true);
}

void Explorer::resume_from(const std::string& bytes, const std::filesystem::path& path, bool with_agent) {
  if (config_.out_dir.empty()) throw InputError(path.string(), "", "a run without an output directory cannot resume");
  ParsedCheckpoint c = parse_checkpoint(path, bytes, agent_.name(), env_, lanes_.size());
  const Header& h = c.header;

  // progress.csv must reach the checkpoint: its rows up to the checkpoint's evaluations are kept,
  // the rest dropped; the last row the sample keeps whatever the scores must be among them.
  const auto csv_path = file(kProgressFile);
  std::string kept;
  {
    std::ifstream in(csv_path, std::ios::binary);
    if (!in) throw InputError(csv_path.string(), "", "missing: a resumed run continues its progress.csv");
    std::string line;
    bool header = true;
    std::int64_t last = 0;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // a last line without newline was cut off by a crash
      if (header) {
        if (line + "\n" != report::progress_csv_header())
          throw InputError(csv_path.string(), "header", "not the progress file of an explore run");
        header = false;
        kept += line + "\n";
        continue;
      }
      std::int64_t e = 0;
      const auto comma = line.find(',');
      const auto [end, ec] = std::from_chars(line.data(), line.data() + (comma == std::string::npos ? line.size() : comma), e);
      if (ec != std::errc() || e <= last)
        throw InputError(csv_path.string(), "evaluation", fmt::format("row after evaluation {} is not a later evaluation", last));
      if (e > h.evaluations) break;
      kept += line + "\n";
      last = e;
    }
    if (header) throw InputError(csv_path.string(), "header", "not the progress file of an explore run");
    if (last < last_sampled_progress_row(h.evaluations))
      throw InputError(csv_path.string(), "", fmt::format("reaches evaluation {}, the checkpoint {}", last, h.evaluations));
  }

  if (with_agent) {
    try {
      std::istringstream in(c.agent_blob);
      agent_.load(in);
    } catch (const std::exception& e) {
      throw InputError(path.string(), "agent", std::string("corrupt checkpoint: ") + e.what());
    }
  }

  evaluations_ = h.evaluations;
  episodes_ = c.episodes;
  rng_ = c.rng;
  lanes_ = c.lanes;
  if (lanes_.back().episode > 0) env_.restore(lanes_.back().state);
  front_ = c.front;
  best_ = BestDesign{};
  if (c.best.found) {
    best_ = c.best;
    best_.design = env_.actions().decode(c.best.x);
    best_.report = env_.evaluate(c.best.x);  // deterministic: the same report as when it was found
    best_features_ = report_features(best_.report);
  }
  // timeline.csv continues from its last row's seconds (absent in a run copied without it).
  {
    std::ifstream in(file(kTimelineFile), std::ios::binary);
    std::string line, last;
    while (std::getline(in, line))
      if (!line.empty()) last = line;
    const auto comma = last.find(',');
    if (comma != std::string::npos) {
      try {
        seconds_before_ = std::stod(last.substr(comma + 1));
      } catch (const std::exception&) {
        seconds_before_ = 0;  // the header, or a torn row
      }
    }
  }
  timeline_.open(file(kTimelineFile), std::ios::binary | std::ios::app);
  write_file_atomically(csv_path, kept);
  if (config_.log) config_.log->start(config_.run_info, h.evaluations);
  progress_.open(csv_path, std::ios::binary | std::ios::app);
  if (!progress_) throw InputError(csv_path.string(), "", "cannot write: " + std::string(std::strerror(errno)));
  opened_ = true;
}

void Explorer::begin() {
  if (!opened_) open_fresh();
}

bool Explorer::step() {
  if (budget_spent()) return false;
  const auto n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(lanes_.size()), config_.budget - evaluations_));
  // Ask in lane order (the agent's and the explorer's random draws keep one order) ...
  std::vector<Proposal> proposals;
  std::vector<Eigen::VectorXd> actions;
  std::vector<const arch::Design*> designs;
  proposals.reserve(n);
  actions.reserve(n);
  for (std::size_t l = 0; l < n; ++l) {
    Lane& lane = lanes_[l];
    if (lane.episode > 0) env_.restore(lane.state);
    if (lane.episode == 0 || env_.episode_done()) {
      start_episode();
      lane.episode = episodes_;
    }
    actions.push_back(agent_.ask(env_.state(), true));
    proposals.push_back(env_.propose(actions.back()));
    lane.state = env_.snapshot();
  }
  // ... evaluate the batch on the threads ...
  for (const Proposal& p : proposals) designs.push_back(&p.design);
  batch_.evaluate(designs, batch_reports_);
  // ... and tell in lane order.
  for (std::size_t l = 0; l < n; ++l) {
    Lane& lane = lanes_[l];
    env_.restore(lane.state);
    const ppa::Report& r = batch_reports_[l];
    StepResult result = env_.commit(std::move(proposals[l]), r);
    Evaluation evaluation{result.x, std::clamp(r.ppa_score, 0.0, 1.0), r.feasible, static_cast<int>(r.violations.size()),
                          r.decode.tokens_per_second, r.prefill.tokens_per_second, r.time_to_first_token_s,
                          r.power_w, r.area_mm2, r.decode.energy_per_token_j};
    agent_.tell(Transition{result.state, actions[l], result.reward, result.next_state, result.terminal, std::move(evaluation)});
    record(result, lane.episode);
    lane.state = env_.snapshot();
  }
  return true;
}

void Explorer::finish() {
  // Outputs first: a disk that fills up now leaves the last checkpoint resumable.
  write_outputs();
  save_checkpoint();
}

Progress Explorer::progress() const {
  Progress p;
  p.evaluations = evaluations_;
  p.budget = config_.budget;
  p.episodes = episodes_;
  p.best = &best_;
  p.agent = agent_.stats();
  return p;
}

ExploreStatus Explorer::run(const std::function<void(const Progress&)>& on_progress,
                            const std::function<bool()>& stop_requested) {
  using clock = std::chrono::steady_clock;
  begin();
  const auto t0 = clock::now();
  auto last_checkpoint = t0, last_progress = t0;
  const std::int64_t at_start = evaluations_;
  std::int64_t last_checkpoint_evaluation = evaluations_;
  std::deque<std::pair<clock::time_point, std::int64_t>> samples{{t0, evaluations_}};  // for the recent rate
  // The agent's warm-up (SAC: random asks, no learning; one tell per evaluation) as it says at the
  // start: where it ends and what each tell costs after it.
  const AgentStats start_stats = on_progress ? agent_.stats() : AgentStats{};
  const std::int64_t warmup_end_evaluation = evaluations_ + start_stats.warmup_tells_left;
  const double learning_s_per_tell = start_stats.warmup_tells_left > 0 ? start_stats.seconds_per_tell_after_warmup : 0.0;
  bool warmup_over = false;
  double warmup_rate = 0;
  auto warmup_end = t0;
  auto report_progress = [&](clock::time_point now, bool finished) {
    if (!on_progress) return;
    Progress p = progress();
    p.finished = finished;
    p.seconds_elapsed = std::chrono::duration<double>(now - t0).count();
    p.evaluations_per_second = p.seconds_elapsed > 0 ? static_cast<double>(evaluations_ - at_start) / p.seconds_elapsed : 0.0;
    // Time left at the recent rate (over the last quarter of the run, at least the last second):
    // an agent's speed changes during a run (SAC's first evaluations, before it learns, are ~30x
    // faster than the rest), so the rate since the start would promise far too little.
    // An agent that leaves its warm-up (SAC starts learning) changes speed: the rate is measured
    // afresh from there, and until a second of it is measured the warm-up rate plus the agent's
    // own measure of its learning per tell stands in.
    if (learning_s_per_tell > 0 && !warmup_over && evaluations_ >= warmup_end_evaluation) {
      warmup_over = true;
      const double secs = std::chrono::duration<double>(now - t0).count();
      warmup_rate = secs > 0 ? static_cast<double>(evaluations_ - at_start) / secs : 0.0;
      samples.clear();
      warmup_end = now;
    }
    samples.emplace_back(now, evaluations_);
    const std::chrono::duration<double> window =
        std::max(std::chrono::duration<double>(1.0), std::chrono::duration<double>(0.25 * (now - t0)));
    while (samples.size() > 2 && now - samples[1].first >= window) samples.pop_front();
    const double span = std::chrono::duration<double>(now - samples.front().first).count();
    double recent = span > 0 ? static_cast<double>(evaluations_ - samples.front().second) / span : p.evaluations_per_second;
    if (warmup_over && warmup_rate > 0 && std::chrono::duration<double>(now - warmup_end).count() < 1.0)
      recent = 1.0 / (1.0 / warmup_rate + learning_s_per_tell);
    const double rate = recent > 0 ? recent : p.evaluations_per_second;
    p.seconds_left = rate > 0 ? static_cast<double>(std::max<std::int64_t>(0, config_.budget - evaluations_)) / rate : 0.0;
    // Still in its warm-up: the evaluations after it also cost the agent's learning per tell.
    if (!warmup_over && learning_s_per_tell > 0)
      p.seconds_left += static_cast<double>(std::max<std::int64_t>(0, config_.budget - std::max(evaluations_, warmup_end_evaluation))) *
                        learning_s_per_tell;
    if (config_.time_budget_seconds > 0)
      p.seconds_left = std::clamp(config_.time_budget_seconds - p.seconds_elapsed, 0.0, p.seconds_left);
    on_progress(p);
  };

  auto last_timeline = t0;
  auto timeline_row = [&](clock::time_point now) {
    if (!timeline_.is_open()) return;
    timeline_ << fmt::format("{},{:.3f},{:.9g},{}\n", evaluations_, seconds_before_ + std::chrono::duration<double>(now - t0).count(),
                             best_.score, best_.feasible ? 1 : 0);
    last_timeline = now;
  };

  ExploreStatus status = ExploreStatus::finished;
  time_budget_spent_ = false;
  while (!budget_spent()) {
    if (stop_requested && stop_requested()) {
      status = ExploreStatus::interrupted;
      break;
    }
    if (config_.time_budget_seconds > 0 &&
        std::chrono::duration<double>(clock::now() - t0).count() >= config_.time_budget_seconds) {
      time_budget_spent_ = true;  // a finished run: the wall-clock budget, not the evaluations, ran out
      break;
    }
    step();
    const auto now = clock::now();
    if (std::chrono::duration<double>(now - last_timeline).count() >= 0.05) timeline_row(now);
    if (std::chrono::duration<double>(now - last_progress).count() >= 0.2) {
      report_progress(now, false);
      last_progress = now;
    }
    // A fresh run is checkpointed after its first batch, so that a kill in its first seconds
    // leaves something to resume; then every checkpoint_seconds (and checkpoint_every).
    const bool first = at_start == 0 && last_checkpoint_evaluation == 0 && config_.checkpoint_seconds > 0;
    const bool every = config_.checkpoint_every > 0 && evaluations_ - last_checkpoint_evaluation >= config_.checkpoint_every;
    const bool timed = config_.checkpoint_seconds > 0 && std::chrono::duration<double>(now - last_checkpoint).count() >= config_.checkpoint_seconds;
    if ((first || every || timed) && !budget_spent()) {
      save_checkpoint();
      last_checkpoint = clock::now();
      last_checkpoint_evaluation = evaluations_;
    }
  }
  timeline_row(clock::now());
  timeline_.flush();
  finish();
  report_progress(clock::now(), true);
  return status;
}

void Explorer::write_outputs() {
  if (config_.out_dir.empty() || !best_.found) return;
  arch::Design d = best_.design;
  d.name = config_.design_name;
  auto info = [&](const char* key) {
    const auto it = config_.run_info.find(key);
    return it == config_.run_info.end() ? std::string() : it->second;
  };
  std::string yaml = fmt::format(
      "# Found by meshforge explore ({} agent, seed {}): the best of {} evaluations, at evaluation {}.\n"
      "# Model {}, node {}, {} mode: PPA score {:.4f}, {}.\n",
      agent_.name(), config_.seed, evaluations_, best_.evaluation, info("model"), info("node"), info("mode"), best_.score,
      best_.feasible ? "feasible" : "infeasible");
  if (!config_.evaluate_command.empty()) yaml += "# Evaluate it with: " + config_.evaluate_command + "\n";
  yaml += arch::to_yaml(d);
  write_file_atomically(file(kBestDesignFile), yaml);

  report::SearchSummary search;
  search.agent = agent_.name();
  search.seed = config_.seed;
  search.evaluations = evaluations_;
  search.found_at_evaluation = best_.evaluation;
  search.episodes = episodes_;
  search.cache_hits_this_session = batch_.cache_hits();
  search.ended_on = time_budget_spent_ ? "time_budget" : (budget_spent() ? "budget" : "stop");
  if (config_.time_budget_seconds > 0) search.time_budget_s = config_.time_budget_seconds;
  for (const auto& [k, v] : config_.run_info)
    if (!config_.unreported_settings.count(k)) search.settings.emplace_back(k, v);
  // What the agent learned: for SAC-MoE the gate's mean weight per expert over its recent asks
  // shows which experts the regime uses (docs/results.md); then the gate of this run's regime now.
  const AgentStats stats = agent_.stats();
  search.agent_updates = stats.updates;
  search.critic_loss = stats.critic_loss;
  search.actor_loss = stats.actor_loss;
  search.entropy_temperature = stats.entropy_temperature;
  auto add_vectors = [&](const std::map<std::string, Eigen::VectorXd>& vectors) {
    for (const auto& [key, v] : vectors) search.agent_vectors.emplace_back(key, std::vector<double>(v.data(), v.data() + v.size()));
  };
  add_vectors(stats.vectors);
  add_vectors(agent_.explain(env_.state()));
  search.pareto = write_pareto();
  const auto j = report::to_json(best_.report, {info("model"), info("node"), d.name, info("mode")}, &search);
  write_file_atomically(file(kReportFile), j.dump(1) + "\n");
}

report::ParetoSummary Explorer::write_pareto() {
  // pareto/e<evaluation>.yaml per point of the front; files of points that left it are removed.
  const auto dir = file(kParetoDir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir.string(), "--out", "cannot create directory: " + ec.message());
  std::set<std::string> keep;
  std::string csv = "evaluation,score";
  for (const char* name : kObjectiveNames) csv += std::string(",") + name;
  csv += ",design\n";
  std::vector<Objectives> objectives;
  for (const auto& p : front_.points()) {
    const std::string name = fmt::format("e{}.yaml", p.evaluation);
    keep.insert(name);
    arch::Design d = env_.actions().decode(p.x);
    d.name = fmt::format("{}-e{}", config_.design_name, p.evaluation);
    const auto& o = p.objectives;
    std::string yaml = fmt::format(
        "# On the Pareto front of meshforge explore ({} agent, seed {}): evaluation {}, PPA score {:.4f}.\n"
        "# decode {:.6g} tok/s, time to first token {:.6g} s, {:.6g} W, {:.6g} mm2, {:.6g} J/token.\n",
        agent_.name(), config_.seed, p.evaluation, p.score, o.decode_tokens_per_second, o.time_to_first_token_s,
        o.power_w, o.area_mm2, o.energy_per_token_j);
    write_file_atomically(dir / name, yaml + arch::to_yaml(d));
    csv += fmt::format("{},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{}/{}\n", p.evaluation, p.score,
                       o.decode_tokens_per_second, o.time_to_first_token_s, o.power_w, o.area_mm2, o.energy_per_token_j,
                       kParetoDir, name);
    objectives.push_back(o);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.size() > 6 && n[0] == 'e' && e.path().extension() == ".yaml" && !keep.count(n)) std::filesystem::remove(e.path(), ec);
  }
  write_file_atomically(file(kParetoFile), csv);

  report::ParetoSummary summary;
  summary.points = front_.points().size();
  summary.file = kParetoFile;
  const HypervolumeBox box;
  front_hypervolume_ = hypervolume(objectives, box);
  summary.hypervolume = front_hypervolume_;
  for (int i = 0; i < kObjectives; ++i) {
    const auto k = static_cast<std::size_t>(i);
    summary.box_worst_best.push_back({kObjectiveNames[k], {box.worst.as_array()[k], box.best.as_array()[k]}});
  }
  if (config_.pick && !front_.points().empty()) {
    const auto& w = *config_.pick;
    const ParetoPoint& p = front_.points()[pick(front_.points(), w[0], w[1], w[2])];
    arch::Design d = env_.actions().decode(p.x);
    d.name = fmt::format("{}-picked", config_.design_name);
    write_file_atomically(file(kPickedDesignFile),
                          fmt::format("# Picked from the Pareto front by --pick {},{},{} (performance, power, area): "
                                      "evaluation {}, PPA score {:.4f}.\n",
                                      w[0], w[1], w[2], p.evaluation, p.score) +
                              arch::to_yaml(d));
    summary.picked = report::ParetoSummary::Picked{{w[0], w[1], w[2]}, p.evaluation, kPickedDesignFile};
  }
  return summary;
}

}  // namespace meshforge::search
