// meshforge evaluate: one design, one model, one node -> the PPA report.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "arch/design.h"
#include "cli/commands.h"
#include "common/input_error.h"
#include "ppa/evaluate.h"
#include "report/report_json.h"
#include "report/run_record.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::cli {
namespace {

struct EvaluateOptions {
  std::string model = "llama-3.1-8b";
  std::string node;
  std::vector<std::string> designs;
  std::string mode = "performance";
  ScenarioOptions scenario;
  double power_budget_w = 0, area_budget_mm2 = 0, min_tokens_per_second = -1, fixed_clock_mhz = -1, max_ttft_s = -1;
  bool json = false;
};

}  // namespace

void add_evaluate_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<EvaluateOptions>();
  CLI::App* c = app.add_subcommand("evaluate", "Predict performance, power, area and PPA score of one design");
  c->footer(
      "Evaluates the design for both phases (prefill and decode, never mixed) and scores the one --phase\n"
      "names. Any design evaluates against any model and node: infeasible is a valid answer, with its\n"
      "reasons. Score formulas: docs/ppa-score.md. JSON fields: feasible, violations, throughput_unit\n"
      "(tokens, or inferences for an ONNX model without --token-dim: what tokens_per_second and the other\n"
      "per-token figures count), tokens_per_second {prefill, decode}, ms_per_token {prefill, decode},\n"
      "power_w, area_mm2, energy_per_token_j, ppa_score, budgets {power_budget_w, area_budget_mm2, ...: the\n"
      "effective values scored against}, breakdown {power_w, area_mm2}, and per-phase detail.\n"
      "Several --design options (or --design A B C) evaluate each and print them side by side, one column\n"
      "per design (--json: an array of the objects).\n"
      "Example: meshforge evaluate --model llama-3.1-8b --node 3nm --design llama-3.1-8b-41x42");
  c->add_option("--model", o->model, "Model: config.json, .onnx or shipped short name")->capture_default_str();
  c->add_option("--node", o->node, "Process node: 3nm 5nm 7nm 12nm 16nm 22nm 28nm")->required();
  c->add_option("--design", o->designs, "Design YAML file or shipped design name (data/designs/); several compare side by side")
      ->required()
      ->expected(1, 64);
  c->add_option("--mode", o->mode,
                "performance: tokens/s under power and area budgets; low-power: least power at a fixed "
                "clock (10 MHz by default) meeting a throughput target")
      ->check(CLI::IsMember({"performance", "low-power"}))->capture_default_str();
  o->scenario.add_to(*c);
  c->add_option("--power-budget", o->power_budget_w, "Power budget in W (performance default 75)")->check(finite_positive());
  c->add_option("--area-budget", o->area_budget_mm2, "Area budget in mm2 (default 858, one reticle)")->check(finite_positive());
  c->add_option("--min-tokens-per-second", o->min_tokens_per_second, "Low-power throughput target of the scored phase (default 1)")->check(finite_non_negative());
  c->add_option("--fixed-clock-mhz", o->fixed_clock_mhz, "Low-power mode clock in MHz (default 10; 0 = any)")->check(finite_non_negative());
  c->add_option("--max-ttft-s", o->max_ttft_s, "Time-to-first-token budget in s: the prefill step, images and prompt (default 1 in performance mode, 10 in low-power mode; 0 = none)")->check(finite_non_negative());
  c->add_flag("--json", o->json, "Print one JSON object instead of the table");
  c->callback([o, &global] {
    const auto data = global.resolved_data_dir();
    const auto node = tech::load_node(o->node, data);
    const auto micro = ppa::load_microarch(data);
    std::vector<arch::Design> designs;
    for (const auto& d : o->designs) designs.push_back(arch::load_design(resolve_design(d, data)));  // all checked before any work
    const auto model_file = workload::resolve_model(o->model, data);
    const auto work = build_workload(model_file, o->scenario);
    for (const auto& w : work.decode.warnings) std::cerr << "meshforge: warning: " << w << "\n";
    for (const auto* g : {&work.prefill, &work.decode})
      for (const auto& n : g->notes) std::cerr << "meshforge: note: " << n << "\n";
    const auto scenario = make_ppa_scenario(o->mode, *workload::parse_phase(o->scenario.phase), o->power_budget_w,
                                            o->area_budget_mm2, o->min_tokens_per_second, o->fixed_clock_mhz, o->max_ttft_s);
    ppa::Evaluator evaluator(work, node, micro);
    std::vector<ppa::Report> reports;
    for (const auto& d : designs) reports.push_back(evaluator.evaluate(d, scenario));
    auto json_of = [&](std::size_t i) {
      return report::to_json(reports[i], {work.decode.model_name, node.name, designs[i].name, o->mode});
    };
    if (o->json && designs.size() == 1) {
      std::cout << json_of(0).dump(1) << "\n";
    } else if (o->json) {
      auto all = nlohmann::ordered_json::array();
      for (std::size_t i = 0; i < designs.size(); ++i) all.push_back(json_of(i));
      std::cout << all.dump(1) << "\n";
    } else if (designs.size() == 1) {
      const auto& design = designs.front();
      fmt::print("design       {} ({}x{} mesh, {} tile classes) on {}, model {}, {} mode\n", design.name, design.rows,
                 design.cols, design.tile_classes.size(), node.name, work.decode.model_name, o->mode);
      std::cout << report::to_table(reports.front());
    } else {
      std::vector<std::string> names;
      for (std::size_t i = 0; i < designs.size(); ++i) {
        fmt::print("design {}     {} ({}x{} mesh, {} tile classes) from {}\n", i + 1, designs[i].name, designs[i].rows,
                   designs[i].cols, designs[i].tile_classes.size(), o->designs[i]);
        names.push_back(fmt::format("{}: {}", i + 1, designs[i].name));
      }
      fmt::print("on {}, model {}, {} mode\n\n", node.name, work.decode.model_name, o->mode);
      std::cout << report::to_comparison_table(names, reports);
    }
  });
}

}  // namespace meshforge::cli
