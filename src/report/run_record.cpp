#include "report/run_record.h"

#include <fmt/format.h>

#include <functional>
#include <iterator>

#include "report/report_json.h"

namespace meshforge::report {
namespace {

using nlohmann::ordered_json;

// progress.csv's columns: name and how a row writes it (scores to 9 digits, metrics to 6).
struct ProgressColumn {
  const char* name;
  void (*write)(std::string& out, const ProgressRow& r);
};

constexpr ProgressColumn kProgressColumns[] = {
    {"evaluation", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{}", r.evaluation); }},
    {"episode", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{}", r.episode); }},
    {"step", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{}", r.step); }},
    {"score", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.9g}", r.score); }},
    {"feasible", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{}", r.feasible ? 1 : 0); }},
    {"reward", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.9g}", r.reward); }},
    {"tokens_per_second_prefill", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.prefill_tokens_per_second); }},
    {"tokens_per_second_decode", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.decode_tokens_per_second); }},
    {"power_w", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.power_w); }},
    {"area_mm2", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.area_mm2); }},
    {"best_score", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.9g}", r.best_score); }},
    {"best_feasible", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{}", r.best_feasible ? 1 : 0); }},
    {"best_evaluation", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{}", r.best_evaluation); }},
    {"best_tokens_per_second_prefill", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.best_prefill_tokens_per_second); }},
    {"best_tokens_per_second_decode", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.best_decode_tokens_per_second); }},
    {"best_power_w", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.best_power_w); }},
    {"best_area_mm2", [](std::string& o, const ProgressRow& r) { fmt::format_to(std::back_inserter(o), "{:.6g}", r.best_area_mm2); }},
};

// summary.csv's columns; a class column writes nothing for a design with fewer classes.
struct SweepColumn {
  std::string name;
  std::function<void(std::string& out, const SweepSummaryRow& r)> write;
};

const std::vector<SweepColumn>& sweep_columns() {
  static const std::vector<SweepColumn> columns = [] {
    using R = SweepSummaryRow;
    auto out = [](std::string& o) { return std::back_inserter(o); };
    std::vector<SweepColumn> c = {
        {"node", [](std::string& o, const R& r) { o += r.node; }},
        {"mesh_rows", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{}", r.design->rows); }},
        {"mesh_cols", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{}", r.design->cols); }},
        {"tokens_per_second_prefill", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{:.6g}", r.report->prefill.tokens_per_second); }},
        {"tokens_per_second_decode", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{:.6g}", r.report->decode.tokens_per_second); }},
        {"power_w", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{:.6g}", r.report->power_w); }},
        {"area_mm2", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{:.6g}", r.report->area_mm2); }},
        {"ppa_score", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{:.6f}", r.score); }},
        {"feasible", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{}", r.feasible ? 1 : 0); }},
        {"clock_mhz", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{:g}", r.design->clock_hz / 1e6); }},
        {"supply_v", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{:g}", r.report->supply_v); }},
        {"dram_kind", [](std::string& o, const R& r) { o += r.design->dram.kind; }},
        {"dram_channels", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{}", r.design->dram.channels); }},
        {"tile_classes", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{}", r.design->tile_classes.size()); }},
        {"evaluations", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{}", r.evaluations); }},
        {"found_at_evaluation", [=](std::string& o, const R& r) { fmt::format_to(out(o), "{}", r.found_at_evaluation); }},
        {"throughput_unit", [](std::string& o, const R& r) { o += workload::plural(r.report->unit); }},
    };
    for (int k = 0; k < kSweepSummaryClasses; ++k) {
      const auto i = static_cast<std::size_t>(k);
      auto cls = [i](const R& r) { return i < r.design->tile_classes.size() ? &r.design->tile_classes[i] : nullptr; };
      c.push_back({fmt::format("class{}_tiles", k), [=](std::string& o, const R& r) {
                     if (!cls(r)) return;
                     int tiles = 0;
                     for (int t = 0; t < r.design->tiles(); ++t)
                       tiles += r.design->class_of(t / r.design->cols, t % r.design->cols) == k ? 1 : 0;
                     fmt::format_to(out(o), "{}", tiles);
                   }});
      c.push_back({fmt::format("class{}_fetch_width", k), [=](std::string& o, const R& r) { if (cls(r)) fmt::format_to(out(o), "{}", cls(r)->fetch_width); }});
      c.push_back({fmt::format("class{}_vlen_bits", k), [=](std::string& o, const R& r) { if (cls(r)) fmt::format_to(out(o), "{}", cls(r)->vlen_bits); }});
      c.push_back({fmt::format("class{}_mac_rows", k), [=](std::string& o, const R& r) { if (cls(r)) fmt::format_to(out(o), "{}", cls(r)->mac_rows); }});
      c.push_back({fmt::format("class{}_imem_bytes", k), [=](std::string& o, const R& r) { if (cls(r)) fmt::format_to(out(o), "{}", cls(r)->imem_bytes); }});
      c.push_back({fmt::format("class{}_wmem_bytes", k), [=](std::string& o, const R& r) { if (cls(r)) fmt::format_to(out(o), "{}", cls(r)->wmem_bytes); }});
      c.push_back({fmt::format("class{}_amem_bytes", k), [=](std::string& o, const R& r) { if (cls(r)) fmt::format_to(out(o), "{}", cls(r)->amem_bytes); }});
      c.push_back({fmt::format("class{}_weight_storage", k), [=](std::string& o, const R& r) { if (cls(r)) o += arch::to_string(cls(r)->weight_storage); }});
    }
    return c;
  }();
  return columns;
}

ordered_json pareto_json(const ParetoSummary& p) {
  ordered_json j;
  j["points"] = p.points;
  j["file"] = p.file;
  j["hypervolume"] = p.hypervolume;
  ordered_json box;
  for (const auto& [name, wb] : p.box_worst_best) box[name] = {wb[0], wb[1]};
  j["hypervolume_box_worst_best"] = box;
  if (p.picked)
    j["picked"] = {{"weights", {p.picked->weights[0], p.picked->weights[1], p.picked->weights[2]}},
                   {"evaluation", p.picked->evaluation},
                   {"file", p.picked->file}};
  return j;
}

ordered_json search_json(const SearchSummary& s) {
  ordered_json j;
  j["agent"] = s.agent;
  j["seed"] = s.seed;
  j["evaluations"] = s.evaluations;
  j["found_at_evaluation"] = s.found_at_evaluation;
  j["episodes"] = s.episodes;
  j["cache_hits_this_session"] = s.cache_hits_this_session;
  j["ended_on"] = s.ended_on;
  if (s.time_budget_s) j["time_budget_s"] = *s.time_budget_s;
  ordered_json settings = ordered_json::object();
  for (const auto& [k, v] : s.settings) settings[k] = v;
  j["settings"] = settings;
  ordered_json agent;
  agent["updates"] = s.agent_updates;
  agent["critic_loss"] = s.critic_loss;
  agent["actor_loss"] = s.actor_loss;
  agent["entropy_temperature"] = s.entropy_temperature;
  for (const auto& [key, v] : s.agent_vectors) agent[key] = v;
  j["agent_stats"] = agent;
  j["pareto"] = pareto_json(s.pareto);
  return j;
}

}  // namespace

ordered_json to_json(const ppa::Report& report, const RunContext& context, const SearchSummary* search) {
  ordered_json j = to_json(report);
  j["model"] = context.model;
  j["node"] = context.node;
  j["design"] = context.design;
  j["mode"] = context.mode;
  if (search) j["search"] = search_json(*search);
  return j;
}

std::string progress_csv_header() {
  std::string out;
  for (const auto& c : kProgressColumns) {
    if (!out.empty()) out += ',';
    out += c.name;
  }
  return out + "\n";
}

void append_progress_csv_row(std::string& out, const ProgressRow& row) {
  bool first = true;
  for (const auto& c : kProgressColumns) {
    if (!first) out += ',';
    first = false;
    c.write(out, row);
  }
  out += '\n';
}

std::string sweep_summary_csv_header() {
  std::string out;
  for (const auto& c : sweep_columns()) out += (out.empty() ? "" : ",") + c.name;
  return out + "\n";
}

void append_sweep_summary_csv_row(std::string& out, const SweepSummaryRow& row) {
  bool first = true;
  for (const auto& c : sweep_columns()) {
    if (!first) out += ',';
    // Without a design only the node is known.
    if (first || (row.design && row.report)) c.write(out, row);
    first = false;
  }
  out += '\n';
}

}  // namespace meshforge::report
