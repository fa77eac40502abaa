// meshforge analyze: what a model computes, per op kind and per layer type, for both phases.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "workload/hf_config.h"
#include "workload/model.h"
#include "workload/summary.h"

namespace meshforge::cli {
namespace {

using nlohmann::ordered_json;

struct AnalyzeOptions {
  std::string model;
  ScenarioOptions scenario;
  bool json = false;
};

ordered_json phase_json(const workload::Graph& g, const workload::GraphSummary& s) {
  return {
      {"unit", std::string(workload::to_string(g.unit))},
      {"tokens", s.tokens},
      {"tokens_per_sequence", g.tokens_per_sequence},
      {"context_tokens", g.scenario.context_tokens},
      {"flops", s.total.flops},
      {"flops_per_token", s.flops_per_token},
      {"weight_bytes_per_token", s.weight_bytes_per_token},
      {"kv_bytes_per_token", s.kv_bytes_per_token},
      {"activation_bytes_per_token", s.activation_bytes_per_token},
  };
}

ordered_json op_json(const workload::Op& op) {
  ordered_json j{
      {"name", op.name},
      {"kind", std::string(workload::to_string(op.kind))},
      {"block", op.block},
      {"layer", op.layer},
      {"flops", op.flops},
      {"parameters", op.parameters},
      {"weight_bytes", op.weight_bytes},
      {"weight_read_bytes", op.weight_read_bytes},
      {"input_bytes", op.input_bytes},
      {"output_bytes", op.output_bytes},
      {"kv_read_bytes", op.kv_read_bytes},
      {"kv_write_bytes", op.kv_write_bytes},
      {"producers", op.producers},
  };
  if (op.gemm.count > 0)
    j["gemm"] = {{"m", op.gemm.m}, {"k", op.gemm.k}, {"n", op.gemm.n}, {"count", op.gemm.count}};
  return j;
}

void print_breakdown(const std::string& title,
                     const std::vector<std::pair<std::string, workload::Totals>>& rows,
                     const workload::Totals& total) {
  fmt::print("\n{:<20} {:>6} {:>14} {:>11} {:>11} {:>11} {:>11}\n", title, "ops", "parameters",
             "FLOPs", "weights rd", "activations", "KV cache");
  auto line = [](const std::string& name, const workload::Totals& t) {
    fmt::print("{:<20} {:>6} {:>14} {:>11} {:>11} {:>11} {:>11}\n", name, t.ops,
               with_commas(t.parameters), si(t.flops), bytes(t.weight_read_bytes),
               bytes(t.activation_bytes), bytes(t.kv_bytes));
  };
  for (const auto& [name, t] : rows) line(name, t);
  line("total", total);
}

void print_table(const workload::Graph& detail, const workload::Graph& prefill,
                 const workload::GraphSummary& ps, const workload::Graph& decode,
                 const workload::GraphSummary& ds) {
  const auto& sc = detail.scenario;
  fmt::print("model        {} ({})\n", detail.model_name, detail.model_type);
  fmt::print("parameters   {} ({} of them input embeddings)\n", with_commas(detail.parameters),
             with_commas(detail.input_embedding_parameters));
  if (detail.decode_parameters > 0 && detail.decode_parameters < detail.parameters)
    fmt::print("per token    {} parameters used by the decoder for each generated token{}\n",
               with_commas(detail.decode_parameters),
               workload::is_mixture_of_experts_type(detail.model_type) ? " (routed experts: the chosen ones only)" : "");
  fmt::print("weights      {} at {}\n", bytes(detail.total_weight_bytes()),
             workload::to_string(sc.weight_precision));
  if (detail.kv_cache_bytes_per_token > 0 || detail.unit == workload::WorkUnit::token)
    fmt::print("KV cache     {} per token of context at {}\n", bytes(static_cast<double>(detail.kv_cache_bytes_per_token)),
               workload::to_string(sc.kv_precision));
  if (detail.unit == workload::WorkUnit::token)
    fmt::print("scenario     batch {}, prompt {} tokens/sequence, decode context {}, activations {}\n",
               sc.batch, prefill.tokens_per_sequence, decode.scenario.context_tokens,
               workload::to_string(sc.activation_precision));
  else
    fmt::print("scenario     batch {}, one inference per sequence (no token dimension; --token-dim names one), "
               "activations {}\n",
               sc.batch, workload::to_string(sc.activation_precision));

  const std::string_view unit = workload::to_string(detail.unit);
  fmt::print("\n{:<28} {:>14} {:>14}\n", fmt::format("per {}", unit), "prefill", "decode");
  fmt::print("{:<28} {:>14} {:>14}\n", "FLOPs", si(ps.flops_per_token), si(ds.flops_per_token));
  fmt::print("{:<28} {:>14} {:>14}\n", "weight bytes read", bytes(ps.weight_bytes_per_token),
             bytes(ds.weight_bytes_per_token));
  fmt::print("{:<28} {:>14} {:>14}\n", "KV-cache bytes (rd+wr)", bytes(ps.kv_bytes_per_token),
             bytes(ds.kv_bytes_per_token));
  fmt::print("{:<28} {:>14} {:>14}\n", "activation bytes (rd+wr)", bytes(ps.activation_bytes_per_token),
             bytes(ds.activation_bytes_per_token));
  fmt::print("{:<28} {:>14} {:>14}\n", "arithmetic intensity FLOP/B",
             fmt::format("{:.1f}", ps.flops_per_token / std::max(1.0, ps.weight_bytes_per_token + ps.kv_bytes_per_token)),
             fmt::format("{:.1f}", ds.flops_per_token / std::max(1.0, ds.weight_bytes_per_token + ds.kv_bytes_per_token)));

  const auto s = workload::summarize(detail);
  fmt::print("\n{} step: {} ops, {} {}", workload::to_string(sc.phase), detail.ops.size(), s.tokens,
             s.tokens == 1 ? unit : workload::plural(detail.unit));
  print_breakdown("\nop kind", s.by_kind, s.total);
  print_breakdown("layer type", s.by_block, s.total);
  for (const auto& w : detail.warnings) fmt::print("warning: {}\n", w);
  for (const auto& n : detail.notes) fmt::print("note: {}\n", n);
}

void run_analyze(const AnalyzeOptions& o, const GlobalOptions& global) {
  const auto path = workload::resolve_model(o.model, global.resolved_data_dir());
  const auto work = build_workload(path, o.scenario);
  const auto& prefill = work.prefill;
  const auto& decode = work.decode;
  const auto& detail = o.scenario.phase == "prefill" ? prefill : decode;
  const auto ps = workload::summarize(prefill), ds = workload::summarize(decode);
  for (const auto& w : detail.warnings) std::cerr << "meshforge: warning: " << w << "\n";

  if (!o.json) {
    print_table(detail, prefill, ps, decode, ds);
    return;
  }
  const auto& sc = detail.scenario;
  ordered_json out{
      {"model", detail.model_name},
      {"model_type", detail.model_type},
      {"model_file", path.string()},
      {"unit", std::string(workload::to_string(detail.unit))},
      {"parameters", detail.parameters},
      {"input_embedding_parameters", detail.input_embedding_parameters},
      {"decode_parameters", detail.decode_parameters},
      {"weight_bytes", detail.total_weight_bytes()},
      {"kv_cache_bytes_per_token", detail.kv_cache_bytes_per_token},
      {"scenario",
       {{"batch", sc.batch},
        {"seq_tokens", sc.seq_tokens},
        {"context_tokens", decode.scenario.context_tokens},
        {"images", sc.images},
        {"weight_precision", std::string(workload::to_string(sc.weight_precision))},
        {"activation_precision", std::string(workload::to_string(sc.activation_precision))},
        {"kv_precision", std::string(workload::to_string(sc.kv_precision))}}},
      {"prefill", phase_json(prefill, ps)},
      {"decode", phase_json(decode, ds)},
      {"phase", std::string(workload::to_string(sc.phase))},
      {"warnings", detail.warnings},
      {"notes", detail.notes},
  };
  ordered_json ops = ordered_json::array();
  for (const auto& op : detail.ops) ops.push_back(op_json(op));
  out["ops"] = std::move(ops);
  std::cout << out.dump(1) << "\n";
}

}  // namespace

void add_analyze_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<AnalyzeOptions>();
  CLI::App* c = app.add_subcommand(
      "analyze",
      "Describe what a model computes: parameters, FLOPs and bytes per token, prefill and decode");
  c->footer(
      "Per-token figures divide one step by the tokens it processes: prefill = B sequences x prompt\n"
      "tokens (text + image tokens), decode = B new tokens at context C. An ONNX model's unit is one\n"
      "inference (B per step) unless --token-dim names its token dimension; \"unit\" says which, and\n"
      "the *_per_token figures are per that unit. Bytes print in decimal units (kB, MB, GB).\n"
      "  flops_per_token             arithmetic operations (a multiply-accumulate counts 2)\n"
      "  weight_bytes_per_token      weight bytes the step reads (each weight once per step, shared\n"
      "                              by the batch; an embedding lookup reads only its rows)\n"
      "  kv_bytes_per_token          KV-cache bytes read and written\n"
      "  activation_bytes_per_token  activation bytes read and written by all ops (unfused)\n"
      "With --json: one JSON object on stdout with model_type, parameters, weight_bytes,\n"
      "prefill{}, decode{} and ops[] (the --phase step, in dependency order).\n"
      "Example: meshforge analyze llama-3.1-8b --phase prefill --seq 2048 --batch 4");
  c->add_option("MODEL", opts->model,
                "Hugging Face config.json, .onnx file, or shipped short name (e.g. llama-3.1-8b, "
                "smolvlm-256m-instruct)")
      ->required();
  opts->scenario.add_to(*c);
  c->add_flag("--json", opts->json, "Print one JSON object instead of the table");
  c->callback([opts, &global] { run_analyze(*opts, global); });
}

}  // namespace meshforge::cli
