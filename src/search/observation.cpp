#include "search/observation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string_view>

#include "mapping/plan.h"

namespace meshforge::search {
namespace {

double lg(double x) { return std::log10(std::max(x, 1e-30)); }
double signed01(double x) { return 2.0 * std::clamp(x, 0.0, 1.0) - 1.0; }

struct Feature {
  StateField field;
  double value;
};

struct GraphFigures {
  double flops = 0, bytes = 0, tokens = 1, gemm_flops = 0, kv = 0;
};

GraphFigures figures(const workload::Graph& g) {
  GraphFigures f;
  f.tokens = std::max<double>(1.0, static_cast<double>(g.tokens));
  for (const auto& op : g.ops) {
    f.flops += op.flops;
    f.bytes += op.weight_read_bytes + op.input_bytes + op.output_bytes + op.kv_read_bytes + op.kv_write_bytes;
    if (op.kind == workload::OpKind::matmul || op.kind == workload::OpKind::attention_scores ||
        op.kind == workload::OpKind::attention_context || op.kind == workload::OpKind::conv)
      f.gemm_flops += op.flops;
    f.kv += std::max(op.kv_read_bytes, op.kv_write_bytes);
  }
  return f;
}

std::vector<Feature> context_features(const ppa::Workload& w, const tech::Node& node, const ppa::Scenario& sc) {
  std::vector<Feature> out;
  auto add = [&](std::string name, std::string meaning, double value) {
    out.push_back({{std::move(name), 1, std::move(meaning)}, std::isfinite(value) ? value : 0.0});
  };
  const workload::Graph& main = w.decode.ops.empty() ? w.prefill : w.decode;
  const GraphFigures pre = figures(w.prefill), dec = figures(w.decode);

  // Workload (20).
  add("workload.parameters", "(log10 parameters - 9) / 2", (lg(static_cast<double>(main.parameters)) - 9) / 2);
  add("workload.weight_bytes", "(log10 weight storage bytes - 9) / 2", (lg(main.total_weight_bytes()) - 9) / 2);
  add("workload.prefill_flops_per_token", "(log10 FLOPs per prefill token - 9) / 2", (lg(pre.flops / pre.tokens) - 9) / 2);
  add("workload.decode_flops_per_token", "(log10 FLOPs per decoded token - 9) / 2", (lg(dec.flops / dec.tokens) - 9) / 2);
  add("workload.prefill_bytes_per_token", "(log10 bytes moved per prefill token (weights, activations, KV) - 7) / 3",
      (lg(pre.bytes / pre.tokens) - 7) / 3);
  add("workload.decode_bytes_per_token", "(log10 bytes moved per decoded token - 8) / 3", (lg(dec.bytes / dec.tokens) - 8) / 3);
  add("workload.prefill_intensity", "log10(FLOPs / byte) of prefill / 3", pre.bytes > 0 ? lg(pre.flops / pre.bytes) / 3 : 0.0);
  add("workload.decode_intensity", "log10(FLOPs / byte) of decode / 3", dec.bytes > 0 ? lg(dec.flops / dec.bytes) / 3 : 0.0);
  std::map<std::int64_t, int> k_votes;
  std::int64_t heads = 0;
  for (const auto& op : main.ops) {
    if (op.kind == workload::OpKind::matmul && op.gemm.k > 0) k_votes[op.gemm.k] += 1;
    if (op.kind == workload::OpKind::attention_scores && heads == 0 && op.gemm.count > 0)
      heads = op.gemm.count / std::max<std::int64_t>(1, main.scenario.batch);
  }
  std::int64_t hidden = 0;
  int votes = 0;
  for (const auto& [k, n] : k_votes)
    if (n > votes) {
      hidden = k;
      votes = n;
    }
  add("workload.layers", "log10(layer units: pipeline-cut granularity) / 2", lg(static_cast<double>(std::max<std::size_t>(1, mapping::layer_units(main).end_op.size()))) / 2);
  add("workload.hidden", "log10(hidden size: most common GEMM reduction dim) - 3", lg(static_cast<double>(std::max<std::int64_t>(1, hidden))) - 3);
  add("workload.heads", "log10(attention heads) / 2", lg(static_cast<double>(std::max<std::int64_t>(1, heads))) / 2);
  add("workload.kv_bytes_per_token", "(log10 KV-cache bytes per token of context - 5) / 2", (lg(static_cast<double>(std::max<std::int64_t>(1, main.kv_cache_bytes_per_token))) - 5) / 2);
  add("workload.kv_cache_bytes", "(log10 KV cache of the decode context x batch - 8) / 2", (lg(std::max(1.0, dec.kv)) - 8) / 2);
  add("workload.prompt_tokens", "log10(prefill tokens per sequence, incl. image tokens) / 4", lg(static_cast<double>(std::max<std::int64_t>(1, w.prefill.tokens_per_sequence))) / 4);
  add("workload.context_tokens", "log10(decode context per sequence) / 4", lg(static_cast<double>(std::max<std::int64_t>(1, w.decode.scenario.context_tokens))) / 4);
  add("workload.batch", "log10(batch) / 2", lg(static_cast<double>(std::max<std::int64_t>(1, main.scenario.batch))) / 2);
  add("workload.weight_bits", "bits per weight / 16", 8.0 * workload::bytes_per_element(main.scenario.weight_precision) / 16.0);
  add("workload.gemm_share", "share of the scored phase's FLOPs in GEMMs, 2x - 1",
      [&] { const auto& f = sc.scored_phase == workload::Phase::decode ? dec : pre; return f.flops > 0 ? signed01(f.gemm_flops / f.flops) : -1.0; }());
  add("workload.idle_parameter_share", "share of parameters decode does not use (vision tower), 2x - 1",
      main.parameters > 0 ? signed01(1.0 - static_cast<double>(w.decode.decode_parameters) / static_cast<double>(main.parameters)) : -1.0);
  add("workload.scored_phase", "phase mix: +1 = decode scored, -1 = prefill scored", sc.scored_phase == workload::Phase::decode ? 1.0 : -1.0);

  // Node (16).
  const workload::Precision mac_p = workload::bytes_per_element(main.scenario.weight_precision) >
                                            workload::bytes_per_element(main.scenario.activation_precision)
                                        ? main.scenario.weight_precision
                                        : main.scenario.activation_precision;
  const auto mac_it = node.mac_energy_pj.find(static_cast<tech::MacFormat>(static_cast<int>(mac_p)));
  add("node.feature_nm", "(log10 feature size in nm - 1) / 0.5", (lg(node.feature_nm) - 1) / 0.5);
  add("node.logic_density", "log10(MTr/mm2) - 2", lg(node.logic_density_mtr_per_mm2) - 2);
  add("node.sram_density", "log10(Mbit/mm2 of a 1 MiB macro) - 1", lg(tech::sram_density_mbit_per_mm2(node, 1 << 20)) - 1);
  add("node.rom_density_factor", "ROM / SRAM density - 3", node.rom_density_factor - 3);
  add("node.mac_energy", "log10(pJ per MAC at the model's precision) + 0.5", mac_it != node.mac_energy_pj.end() ? lg(mac_it->second) + 0.5 : 0.0);
  add("node.sram_read_energy", "log10(pJ per bit read from a 1 MiB macro) + 1.5", lg(tech::sram_read_energy_pj_per_bit(node, 1 << 20)) + 1.5);
  add("node.router_energy", "log10(pJ per bit per router traversal) + 1.8", lg(node.router_energy_pj_per_bit) + 1.8);
  add("node.wire_energy", "log10(pJ per bit per mm) + 1.6", lg(node.wire_energy_pj_per_bit_mm) + 1.6);
  const auto leak = [&](tech::Flavor f) { const auto it = node.leakage.find(f); return it == node.leakage.end() ? tech::Leakage{} : it->second; };
  add("node.logic_leakage_hp", "log10(mW/mm2 of hp logic)", lg(leak(tech::Flavor::high_performance).logic_mw_per_mm2));
  add("node.logic_leakage_ll", "log10(mW/mm2 of ll logic)", lg(leak(tech::Flavor::low_leakage).logic_mw_per_mm2));
  add("node.sram_leakage", "log10(pW per SRAM bit, hp) - 2.5", lg(leak(tech::Flavor::high_performance).sram_pw_per_bit) - 2.5);
  add("node.fmax", "2 x log10(fmax in GHz)", 2 * lg(node.fmax_hz / 1e9));
  add("node.vdd_nominal", "(vdd_nominal - 0.8 V) / 0.1 V", (node.vdd_nominal - 0.8) / 0.1);
  add("node.vdd_min", "(vdd_min - 0.55 V) / 0.1 V", (node.vdd_min - 0.55) / 0.1);
  add("node.reticle", "log10(reticle limit / 858 mm2)", lg(node.reticle_limit_mm2 / 858.0));
  double bw = 0;
  for (const auto& [name, d] : node.dram) bw = std::max(bw, d.bandwidth_bytes_per_s);
  add("node.dram_bandwidth", "log10(fastest DRAM interface, bytes/s per PHY) - 11", bw > 0 ? lg(bw) - 11 : -2.0);

  // Mode and budgets (7).
  const auto& b = sc.budgets;
  add("mode.low_power", "+1 = low-power mode, -1 = performance", sc.mode == ppa::Mode::low_power ? 1.0 : -1.0);
  add("mode.power_budget", "log10(power budget in W) / 2", lg(b.power_budget_w) / 2);
  add("mode.area_budget", "log10(area budget / 858 mm2)", lg(b.area_budget_mm2 / 858.0));
  add("mode.fixed_clock", "log10(fixed clock in Hz) - 8; 0 when the clock is free", b.fixed_clock_hz > 0 ? lg(b.fixed_clock_hz) - 8 : 0.0);
  add("mode.min_tokens_per_second", "log10(1 + throughput target) / 3", lg(1.0 + b.min_tokens_per_second) / 3);
  add("mode.tokens_per_second_ceiling", "log10(throughput score ceiling) / 3 - 1", lg(b.tokens_per_second_ceiling) / 3 - 1);
  add("mode.power_reference", "log10(low-power reference power in W) + 2", lg(b.power_reference_w) + 2);
  return out;
}

// Names of the report features, in report_features() order.
const std::array<std::pair<const char*, const char*>, kReportFeatures>& report_feature_names() {
  static const std::array<std::pair<const char*, const char*>, kReportFeatures> names = {{
      {"report.score", "PPA score, 2s - 1"},
      {"report.feasible", "+1 feasible, -1 not"},
      {"report.tokens_per_second_prefill", "log10(1 + prefill tokens/s) / 3 - 1"},
      {"report.tokens_per_second_decode", "log10(1 + decode tokens/s) / 3 - 1"},
      {"report.power", "log10(power in W of the scored phase) / 2"},
      {"report.area", "log10(area / 858 mm2)"},
      {"report.energy_per_token", "(log10(J per token of the scored phase) + 3) / 3"},
      {"report.utilisation", "achieved / peak FLOP/s of the scored phase, 2x - 1"},
      {"report.roofline_share", "tokens/s / roofline tokens/s of the scored phase, 2x - 1"},
      {"report.bottleneck.compute", "share of op time bound by compute, 2x - 1"},
      {"report.bottleneck.issue", "... by instruction issue"},
      {"report.bottleneck.local_memory", "... by local memory"},
      {"report.bottleneck.noc", "... by the NoC"},
      {"report.bottleneck.dram", "... by DRAM"},
      {"report.bottleneck.latency", "... by fixed latency"},
      {"report.load_balance", "mean / max stage busy time, 2x - 1"},
      {"report.bubble_share", "share of stage time waiting on dependencies, 2x - 1"},
      {"report.weights_on_chip", "share of weight bytes on chip, 2x - 1"},
      {"report.kv_on_chip", "share of KV bytes on chip, 2x - 1"},
      {"report.violations", "log10(1 + violation count)"},
      {"report.violation.reticle", "1 if the die exceeds the reticle, else 0"},
      {"report.violation.area_budget", "1 if over the area budget"},
      {"report.violation.power_budget", "1 if over the power budget"},
      {"report.violation.throughput", "1 if below the throughput target"},
      {"report.violation.clock", "1 if the clock breaks the mode or the node"},
      {"report.violation.capacity", "1 if weights / KV cache have no home (no DRAM) or a mapping hint fails"},
      {"report.violation.other", "1 for any other violation"},
  }};
  return names;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

ReportFeatures report_features(const ppa::Report& r) {
  ReportFeatures f{};
  const bool decode = r.scored_phase != "prefill";
  const ppa::PhaseReport& p = decode ? r.decode : r.prefill;
  std::size_t i = 0;
  f[i++] = signed01(r.ppa_score);
  f[i++] = r.feasible ? 1.0 : -1.0;
  f[i++] = lg(1.0 + r.prefill.tokens_per_second) / 3 - 1;
  f[i++] = lg(1.0 + r.decode.tokens_per_second) / 3 - 1;
  f[i++] = r.power_w > 0 ? lg(r.power_w) / 2 : -3.0;
  f[i++] = r.area_mm2 > 0 ? lg(r.area_mm2 / 858.0) : -3.0;
  f[i++] = r.energy_per_token_j > 0 ? (lg(r.energy_per_token_j) + 3) / 3 : -3.0;
  f[i++] = signed01(p.utilisation);
  f[i++] = signed01(p.roofline_share);
  for (int b = 0; b < ppa::kBottlenecks; ++b) f[i++] = signed01(p.bottleneck_share[static_cast<std::size_t>(b)]);
  f[i++] = signed01(p.load_balance);
  f[i++] = signed01(p.bubble_share);
  const double w_total = r.weight_bytes_on_chip + r.weight_bytes_in_dram;
  f[i++] = w_total > 0 ? signed01(r.weight_bytes_on_chip / w_total) : -1.0;
  const double kv_total = r.kv_bytes_on_chip + r.kv_bytes_in_dram;
  f[i++] = kv_total > 0 ? signed01(r.kv_bytes_on_chip / kv_total) : 1.0;
  f[i++] = lg(1.0 + static_cast<double>(r.violations.size()));
  std::array<double, 7> flags{};
  for (const auto& v : r.violations) {
    std::size_t k = 6;
    if (starts_with(v, "area:")) k = 0;
    else if (starts_with(v, "budget.area")) k = 1;
    else if (starts_with(v, "budget.power")) k = 2;
    else if (starts_with(v, "budget.throughput")) k = 3;
    else if (starts_with(v, "clock")) k = 4;
    else if (starts_with(v, "weights") || starts_with(v, "kv_cache") || starts_with(v, "mapping")) k = 5;
    flags[k] = 1.0;
  }
  for (double x : flags) f[i++] = x;
  for (auto& x : f)
    if (!std::isfinite(x)) x = 0.0;
  return f;
}

Observation::Observation(const ppa::Workload& workload, const tech::Node& node, const ppa::Scenario& scenario,
                         int action_dims)
    : action_dims_(action_dims) {
  const auto features = context_features(workload, node, scenario);
  if (static_cast<int>(features.size()) != kContextDims) throw std::logic_error("observation: context size mismatch");
  context_.resize(kContextDims);
  for (int i = 0; i < kContextDims; ++i) context_[i] = features[static_cast<std::size_t>(i)].value;
}

Eigen::VectorXd Observation::state(const Eigen::VectorXd& design, const ReportFeatures* last, double step_fraction,
                                   double episode_best) const {
  Eigen::VectorXd s = Eigen::VectorXd::Zero(dims());
  s.head(kContextDims) = context_;
  for (int i = 0; i < action_dims_ && i < design.size(); ++i) {
    const double v = design[i];
    s[kContextDims + i] = std::isfinite(v) ? std::clamp(v, -1.0, 1.0) : 0.0;
  }
  const int r = report_begin();
  if (last) {
    s[r] = 1.0;
    for (int i = 0; i < kReportFeatures; ++i) s[r + 1 + i] = (*last)[static_cast<std::size_t>(i)];
  }
  const int e = episode_begin();
  s[e] = signed01(step_fraction);
  s[e + 1] = episode_best < 0 ? -1.0 : signed01(episode_best);
  return s;
}

std::vector<StateField> Observation::fields() const {
  std::vector<StateField> out;
  // The context fields do not depend on the values; any workload would do, but the names come
  // from the same function that computes them so that they cannot drift apart.
  static const std::vector<StateField> context_fields = [] {
    ppa::Workload empty;
    tech::Node node;
    std::vector<StateField> f;
    for (auto& feature : context_features(empty, node, ppa::Scenario{})) f.push_back(feature.field);
    return f;
  }();
  out = context_fields;
  out.push_back({"design", action_dims_, "the current design: its action vector in [-1, 1] (docs/mdp.md, action table)"});
  out.push_back({"report.present", 1, "1 when the current design has been evaluated (the block below is its report), else 0 and the block is 0"});
  for (const auto& [name, meaning] : report_feature_names()) out.push_back({name, 1, meaning});
  out.push_back({"episode.progress", 1, "steps taken / episode length, 2x - 1"});
  out.push_back({"episode.best_score", 1, "best score of the episode so far, 2s - 1 (-1 before the first)"});
  return out;
}

}  // namespace meshforge::search
