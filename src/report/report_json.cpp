#include "report/report_json.h"

#include <fmt/format.h>

#include "common/format.h"

namespace meshforge::report {
namespace {

using nlohmann::ordered_json;

template <typename Breakdown, std::size_t N>
ordered_json parts_json(const ppa::Part<Breakdown> (&parts)[N], const Breakdown& b) {
  ordered_json out = ordered_json::object();
  for (const auto& p : parts) out[p.key] = b.*p.member;
  return out;
}

ordered_json phase_json(const ppa::PhaseReport& p) {
  ordered_json stages = ordered_json::array();
  for (const auto& st : p.stages)
    stages.push_back({{"first_op", st.first_op}, {"end_op", st.end_op}, {"first_slot", st.first_slot}, {"tiles", st.tiles},
                      {"time_s", st.time_s}, {"bottleneck", ppa::to_string(st.bottleneck)}, {"duty", st.duty},
                      {"mac_activity", st.mac_activity}, {"power_w", st.power_w}});
  ordered_json shares = ordered_json::object();
  for (int b = 0; b < ppa::kBottlenecks; ++b)
    shares[ppa::to_string(static_cast<ppa::Bottleneck>(b))] = p.bottleneck_share[static_cast<std::size_t>(b)];
  return {
      {"runs", p.runs},
      {"unhoused_bytes", p.unhoused_bytes},
      {"activation_peak_bytes", p.activation_peak_bytes},
      {"activation_spill_bytes", p.activation_spill_bytes},
      {"tokens_per_second", p.tokens_per_second},
      {"ms_per_token", p.ms_per_token},
      {"step_latency_s", p.step_latency_s},
      {"energy_per_token_j", p.energy_per_token_j},
      {"power_w", p.power_w},
      {"utilisation", p.utilisation},
      {"roofline_tokens_per_second", p.roofline_tokens_per_second},
      {"roofline_share", p.roofline_share},
      {"pipeline_stages", p.pipeline_stages},
      {"microbatches", p.microbatches},
      {"bottleneck", ppa::to_string(p.bottleneck)},
      {"bottleneck_share", shares},
      {"load_balance", p.load_balance},
      {"bubble_share", p.bubble_share},
      {"stages", stages},
  };
}

// The effective budgets and targets, in the units their names say; throughput in the report's
// throughput_unit per second.
ordered_json budgets_json(const ppa::Budgets& b) {
  return {
      {"power_budget_w", b.power_budget_w},
      {"area_budget_mm2", b.area_budget_mm2},
      {"throughput_ceiling_per_s", b.tokens_per_second_ceiling},
      {"fixed_clock_mhz", b.fixed_clock_hz / 1e6},
      {"min_throughput_per_s", b.min_tokens_per_second},
      {"max_time_to_first_token_s", b.max_time_to_first_token_s},
      {"power_reference_w", b.power_reference_w},
      {"junction_temperature_c", b.junction_temperature_c},
  };
}

}  // namespace

ordered_json to_json(const ppa::Report& r) {
  return {
      {"schema_version", kReportSchemaVersion},
      {"feasible", r.feasible},
      {"violations", r.violations},
      {"ppa_score", r.ppa_score},
      {"scored_phase", r.scored_phase},
      {"throughput_unit", std::string(workload::plural(r.unit))},
      {"tokens_per_second", {{"prefill", r.prefill.tokens_per_second}, {"decode", r.decode.tokens_per_second}}},
      {"ms_per_token", {{"prefill", r.prefill.ms_per_token}, {"decode", r.decode.ms_per_token}}},
      {"power_w", r.power_w},
      {"board_power_w", r.board_power_w},
      {"idle_power_w", r.idle_power_w},
      {"area_mm2", r.area_mm2},
      {"die_area_estimate_mm2", r.die_area_estimate_mm2},
      {"energy_per_token_j", r.energy_per_token_j},
      {"clock_hz", r.clock_hz},
      {"requested_clock_hz", r.requested_clock_hz},
      {"supply_v", r.supply_v},
      {"time_to_first_token_s", r.time_to_first_token_s},
      {"peak_flops_per_s", r.peak_flops_per_s},
      {"budgets", budgets_json(r.budgets)},
      {"memory",
       {{"weight_bytes_on_chip", r.weight_bytes_on_chip},
        {"weight_bytes_in_dram", r.weight_bytes_in_dram},
        {"kv_bytes_on_chip", r.kv_bytes_on_chip},
        {"kv_bytes_in_dram", r.kv_bytes_in_dram},
        {"dram_capacity_bytes", r.dram_capacity_bytes},
        {"dram_channels_max", r.dram_channels_max},
        {"interposer_mm2", r.interposer_mm2}}},
      {"breakdown", {{"power_w", parts_json(ppa::kPowerParts, r.power)}, {"area_mm2", parts_json(ppa::kAreaParts, r.area)}}},
      {"prefill", phase_json(r.prefill)},
      {"decode", phase_json(r.decode)},
      {"tile_order", r.tile_order},
  };
}

namespace {

std::string pct(double share) { return fmt::format("{:.1f}%", 100.0 * share); }

}  // namespace

std::string to_table(const ppa::Report& r) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line(fmt::format("feasible     {}", r.feasible ? "yes" : "NO"));
  for (const auto& v : r.violations) line("  violation  " + v);
  line(fmt::format("PPA score    {:.4f} (scored on {})", r.ppa_score, r.scored_phase));
  line(fmt::format("clock        {} at {:.3f} V   peak {}{}", si(r.clock_hz, "Hz"), r.supply_v, si(r.peak_flops_per_s, "FLOP/s"),
                   r.requested_clock_hz > r.clock_hz * (1 + 1e-9) ? " (the design asks " + si(r.requested_clock_hz, "Hz") + ")" : ""));
  line(fmt::format("first token  {:.3g} s after the prompt (prefill step)", r.time_to_first_token_s));
  line("");
  line(fmt::format("{:<26} {:>14} {:>14}", "", "prefill", "decode"));
  auto row = [&](const std::string& name, auto get) { line(fmt::format("{:<26} {:>14} {:>14}", name, get(r.prefill), get(r.decode))); };
  const std::string_view unit = workload::to_string(r.unit), units = workload::plural(r.unit);
  row("runs", [](const ppa::PhaseReport& p) { return p.runs ? std::string("yes") : "no: " + bytes(p.unhoused_bytes) + " homeless"; });
  row(fmt::format("{}/s", units), [](const ppa::PhaseReport& p) { return fmt::format("{:.4g}", p.tokens_per_second); });
  row(fmt::format("ms/{}", unit), [](const ppa::PhaseReport& p) { return fmt::format("{:.4g}", p.ms_per_token); });
  row("step latency", [](const ppa::PhaseReport& p) { return si(p.step_latency_s, "s"); });
  row("power", [](const ppa::PhaseReport& p) { return si(p.power_w, "W"); });
  row(fmt::format("energy/{}", unit), [](const ppa::PhaseReport& p) { return si(p.energy_per_token_j, "J"); });
  row("utilisation", [](const ppa::PhaseReport& p) { return pct(p.utilisation); });
  row(fmt::format("roofline {}/s", units), [](const ppa::PhaseReport& p) { return fmt::format("{:.4g}", p.roofline_tokens_per_second); });
  row("share of roofline", [](const ppa::PhaseReport& p) { return pct(p.roofline_share); });
  row("pipeline stages", [](const ppa::PhaseReport& p) { return std::to_string(p.pipeline_stages); });
  row("micro-batches", [](const ppa::PhaseReport& p) { return std::to_string(p.microbatches); });
  row("bottleneck", [](const ppa::PhaseReport& p) { return std::string(ppa::to_string(p.bottleneck)); });
  for (int b = 0; b < ppa::kBottlenecks; ++b) {
    const auto k = static_cast<std::size_t>(b);
    line(fmt::format("{:<26} {:>14} {:>14}", std::string("  bound by ") + ppa::to_string(static_cast<ppa::Bottleneck>(b)),
                     pct(r.prefill.bottleneck_share[k]), pct(r.decode.bottleneck_share[k])));
  }
  row("stage load balance", [](const ppa::PhaseReport& p) { return pct(p.load_balance); });
  row("stages bound by", [](const ppa::PhaseReport& p) {
    std::array<int, ppa::kBottlenecks> n{};
    for (const auto& st : p.stages) n[static_cast<std::size_t>(st.bottleneck)] += 1;
    std::string summary;
    for (int b = 0; b < ppa::kBottlenecks; ++b)
      if (n[static_cast<std::size_t>(b)] > 0)
        summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", n[static_cast<std::size_t>(b)],
                               ppa::to_string(static_cast<ppa::Bottleneck>(b)));
    return summary;
  });
  row("dependency bubbles", [](const ppa::PhaseReport& p) { return pct(p.bubble_share); });
  row("live activations", [](const ppa::PhaseReport& p) { return bytes(p.activation_peak_bytes); });
  row("activations spilled", [](const ppa::PhaseReport& p) { return bytes(p.activation_spill_bytes); });
  line("");
  line(fmt::format("power ({})    {}   board {}   idle {}", r.scored_phase, si(r.power_w, "W"), si(r.board_power_w, "W"),
                   si(r.idle_power_w, "W")));
  for (const auto& p : ppa::kPowerParts)
    line(fmt::format("  {:<24} {:>12} {:>7}", p.label, si(r.power.*p.member, "W"), pct(r.power_w > 0 ? r.power.*p.member / r.power_w : 0)));
  line(fmt::format("area         {:.4g} mm2   (a shipping die of this description: ~{:.4g} mm2, by a fitted factor)", r.area_mm2,
                   r.die_area_estimate_mm2));
  for (const auto& p : ppa::kAreaParts)
    line(fmt::format("  {:<24} {:>12} {:>7}", p.label, fmt::format("{:.4g} mm2", r.area.*p.member),
                     pct(r.area_mm2 > 0 ? r.area.*p.member / r.area_mm2 : 0)));
  line(fmt::format("weights      {} on chip, {} in DRAM", bytes(r.weight_bytes_on_chip), bytes(r.weight_bytes_in_dram)));
  line(fmt::format("KV cache     {} on chip, {} in DRAM", bytes(r.kv_bytes_on_chip), bytes(r.kv_bytes_in_dram)));
  return out;
}

std::string to_comparison_table(const std::vector<std::string>& names, const std::vector<ppa::Report>& reports) {
  if (names.size() != reports.size()) throw std::invalid_argument("to_comparison_table: one name per report");
  std::size_t width = 14;
  for (const auto& n : names) width = std::max(width, n.size() + 1);
  std::string out;
  auto row = [&](const std::string& label, auto get) {
    out += fmt::format("{:<30}", label);
    for (const auto& r : reports) out += fmt::format(" {:>{}}", get(r), width);
    out += "\n";
  };
  row("", [&, i = std::size_t{0}](const ppa::Report&) mutable { return names[i++]; });
  const ppa::Report& first = reports.front();
  const std::string_view unit = workload::to_string(first.unit), units = workload::plural(first.unit);
  row("feasible", [](const ppa::Report& r) { return r.feasible ? std::string("yes") : fmt::format("NO ({})", r.violations.size()); });
  row("PPA score", [](const ppa::Report& r) { return fmt::format("{:.4f}", r.ppa_score); });
  row(fmt::format("decode {}/s", units), [](const ppa::Report& r) { return fmt::format("{:.4g}", r.decode.tokens_per_second); });
  row(fmt::format("prefill {}/s", units), [](const ppa::Report& r) { return fmt::format("{:.4g}", r.prefill.tokens_per_second); });
  row("time to first token", [](const ppa::Report& r) { return si(r.time_to_first_token_s, "s"); });
  row(fmt::format("decode energy/{}", unit), [](const ppa::Report& r) { return si(r.decode.energy_per_token_j, "J"); });
  row("power (scored phase)", [](const ppa::Report& r) { return si(r.power_w, "W"); });
  row("board power", [](const ppa::Report& r) { return si(r.board_power_w, "W"); });
  row("idle power", [](const ppa::Report& r) { return si(r.idle_power_w, "W"); });
  row("area", [](const ppa::Report& r) { return fmt::format("{:.4g} mm2", r.area_mm2); });
  row("die estimate (fitted)", [](const ppa::Report& r) { return fmt::format("{:.4g} mm2", r.die_area_estimate_mm2); });
  row("clock", [](const ppa::Report& r) { return si(r.clock_hz, "Hz"); });
  row("supply", [](const ppa::Report& r) { return fmt::format("{:.3f} V", r.supply_v); });
  row("peak", [](const ppa::Report& r) { return si(r.peak_flops_per_s, "FLOP/s"); });
  row("decode bottleneck", [](const ppa::Report& r) { return std::string(ppa::to_string(r.decode.bottleneck)); });
  row("prefill bottleneck", [](const ppa::Report& r) { return std::string(ppa::to_string(r.prefill.bottleneck)); });
  row("weights on chip", [](const ppa::Report& r) { return bytes(r.weight_bytes_on_chip); });
  row("weights in DRAM", [](const ppa::Report& r) { return bytes(r.weight_bytes_in_dram); });
  for (const auto& p : ppa::kPowerParts) row("  power: " + std::string(p.label), [&](const ppa::Report& r) { return si(r.power.*p.member, "W"); });
  for (const auto& p : ppa::kAreaParts)
    row("  area: " + std::string(p.label), [&](const ppa::Report& r) { return fmt::format("{:.4g} mm2", r.area.*p.member); });
  for (std::size_t i = 0; i < reports.size(); ++i)
    for (const auto& v : reports[i].violations) out += fmt::format("violation ({}): {}\n", names[i], v);
  return out;
}

}  // namespace meshforge::report
