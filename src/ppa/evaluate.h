// The PPA evaluator: a model's two phases on a design at a node -> performance, power, area, score.
// Pure: no I/O, no globals, no randomness. Prepare once per (model, node), evaluate many designs.
#pragma once

#include <memory>

#include "arch/design.h"
#include "ppa/microarch.h"
#include "ppa/report.h"
#include "tech/node.h"
#include "workload/graph.h"

namespace meshforge::ppa {

enum class Mode { performance, low_power };
const char* to_string(Mode m);

// Budgets and targets of the score (docs/ppa-score.md). Defaults depend on the mode:
// defaults_for(mode).
struct Budgets {
  double power_budget_w = 75.0;         // performance: a PCIe-card-class inference chip (assumption)
  double area_budget_mm2 = 858.0;       // one reticle
  double tokens_per_second_ceiling = 1e6;  // performance: log-scale top of the throughput score
  double fixed_clock_hz = 0;            // low-power: the clock the design must run at (0 = any)
  double min_tokens_per_second = 0;     // low-power: throughput target of the scored phase
  double max_time_to_first_token_s = 1; // prefill latency budget (0 = none); see defaults_for
  double power_reference_w = 0.010;     // low-power: power at which the power score is 0.5
  double junction_temperature_c = 85;   // leakage is characterised at 25 C and doubles every ~22 C
};
Budgets defaults_for(Mode mode);

struct Scenario {
  Mode mode = Mode::performance;
  workload::Phase scored_phase = workload::Phase::decode;
  Budgets budgets;
};

// Both phases of one model for one workload scenario (batch, lengths, precisions).
struct Workload {
  workload::Graph prefill;
  workload::Graph decode;
};

// Holds per-(workload, node) preparation and reusable buffers; evaluate() does not allocate once
// warmed up (except for violation messages). Not thread-safe: one Evaluator per thread.
class Evaluator {
 public:
  Evaluator(const Workload& workload, const tech::Node& node, const Microarch& microarch);
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;

  Report evaluate(const arch::Design& design, const Scenario& scenario);
  void evaluate(const arch::Design& design, const Scenario& scenario, Report& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience: prepares, evaluates, discards.
Report evaluate(const Workload& workload, const tech::Node& node, const Microarch& microarch,
                const arch::Design& design, const Scenario& scenario);

}  // namespace meshforge::ppa
