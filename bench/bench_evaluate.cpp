// Evaluations per second of the PPA evaluator (target: >= 10,000/s on one core for Llama 3.1 8B
// decode on the heterogeneous 41x42 mesh). Run: build/bench/bench_evaluate
#include <benchmark/benchmark.h>

#include <filesystem>

#include "ppa/evaluate.h"
#include "workload/hf_config.h"

namespace {

using namespace meshforge;
const std::filesystem::path kData = MESHFORGE_BENCH_DATA_DIR;

ppa::Workload llama(workload::Phase only, std::int64_t batch) {
  const auto spec = workload::parse_hf_config(kData / "models" / "llama-3.1-8b.json");
  workload::Scenario s;
  s.batch = batch;
  ppa::Workload w;
  s.phase = workload::Phase::decode;
  w.decode = workload::build_hf_graph(spec, s);
  if (only == workload::Phase::prefill) {
    s.phase = workload::Phase::prefill;
    w.prefill = workload::build_hf_graph(spec, s);
  }
  return w;
}

void run(benchmark::State& state, const ppa::Workload& work) {
  const auto node = tech::load_node("3nm", kData);
  const auto micro = ppa::load_microarch(kData);
  const auto design = arch::load_design(kData / "designs" / "llama-3.1-8b-41x42.yaml");
  ppa::Scenario scenario;
  scenario.budgets = ppa::defaults_for(ppa::Mode::performance);
  ppa::Evaluator evaluator(work, node, micro);
  ppa::Report report;
  for (auto _ : state) {
    evaluator.evaluate(design, scenario, report);
    benchmark::DoNotOptimize(report.ppa_score);
  }
  state.counters["evaluations_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_EvaluateLlamaDecode41x42(benchmark::State& state) { run(state, llama(workload::Phase::decode, 1)); }
void BM_EvaluateLlamaDecodeBatch16_41x42(benchmark::State& state) { run(state, llama(workload::Phase::decode, 16)); }
void BM_EvaluateLlamaPrefillAndDecode41x42(benchmark::State& state) { run(state, llama(workload::Phase::prefill, 1)); }

BENCHMARK(BM_EvaluateLlamaDecode41x42)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EvaluateLlamaDecodeBatch16_41x42)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EvaluateLlamaPrefillAndDecode41x42)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
