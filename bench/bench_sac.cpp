// Gradient updates per second of the SAC + mixture-of-experts agent at the paper's size (52-dim
// policy state, 30-dim action) with the default networks (2 x 256, batch 128), for K = 4 and K = 1
// experts (and 2 x 128 networks), and the latency of one exploratory ask. Run: build/bench/bench_sac
// (docs/agent.md gives the numbers and the command used.)
#include <benchmark/benchmark.h>

#include "search/nn/random.h"
#include "search/sac/sac_agent.h"

namespace {

using meshforge::search::Transition;
using meshforge::search::sac::SacConfig;
using meshforge::search::sac::SacMoeAgent;

SacConfig paper_sized(int experts, int hidden = 256) {
  SacConfig c;
  c.actor_hidden = c.critic_hidden = {hidden, hidden};
  c.state_dims = 52;
  c.action_dims = 30;
  c.experts = experts;
  c.gate_begin = 0;
  c.gate_end = 12;
  c.learning_starts = 1'000'000;  // fill the buffer without updating
  return c;
}

void fill(SacMoeAgent& agent, int n) {
  meshforge::search::nn::Rng rng(1);
  Eigen::VectorXd s(52), s2(52);
  for (int i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < 52; ++j) s2(j) = meshforge::search::nn::standard_normal(rng);
    agent.tell({s, agent.ask(s, true), meshforge::search::nn::standard_normal(rng), s2, i % 10 == 0, {}});
    s = s2;
  }
}

void BM_SacUpdate(benchmark::State& state) {
  SacMoeAgent agent(
      paper_sized(static_cast<int>(state.range(0)), static_cast<int>(state.range(1))));
  fill(agent, 2000);
  for (auto _ : state) agent.update();
  state.SetItemsProcessed(state.iterations());
  state.counters["updates/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SacUpdate)
    ->ArgNames({"experts", "hidden"})
    ->Args({4, 256})
    ->Args({1, 256})
    ->Args({4, 128})
    ->Args({1, 128})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

void BM_SacAsk(benchmark::State& state) {
  SacConfig c = paper_sized(static_cast<int>(state.range(0)));
  c.learning_starts = 1;
  SacMoeAgent agent(c);
  const Eigen::VectorXd s = Eigen::VectorXd::LinSpaced(52, -1, 1);
  agent.tell({s, agent.ask(s, true), 0.0, s, true, {}});  // past warm-up: the policy answers
  for (auto _ : state) benchmark::DoNotOptimize(agent.ask(s, true));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SacAsk)->Arg(4)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
