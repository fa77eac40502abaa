// The PPA evaluator: a model's two phases on a design at a node -> performance, power, area, score.
// Pure: no I/O, no globals, no randomness. Prepare once per (model, node), evaluate many designs.
#pragma once

#include <array>

#include <memory>
#include <vector>

#include "arch/design.h"
#include "ppa/microarch.h"
#include "ppa/report.h"
#include "tech/node.h"
#include "workload/graph.h"

namespace meshforge::ppa {

enum class Mode { performance, low_power };
const char* to_string(Mode m);

// Budgets (ppa/report.h: a report keeps the ones it was scored against) by mode.
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

// One tile of each design class as the area model sees it (mm^2 at the node, the floorplan
// utilisation included): what the RTL floorplan sizes its tiles by, and the pipeline depth of each
// declared format's MAC lane at the design's clock that the area prices (what the RTL generates).
// Independent of the workload.
struct TileArea {
  double core_mm2 = 0, control_mm2 = 0, vector_mm2 = 0, imem_mm2 = 0, wmem_mm2 = 0, amem_mm2 = 0, router_mm2 = 0;
  double floorplan_utilisation = 1;  // each block above is its cells' area / this (synthesis compares cells)
  std::array<int, 6> mac_lane_stages{};  // by tech::MacFormat index; 0 = format not declared
  double total_mm2() const { return core_mm2 + control_mm2 + vector_mm2 + imem_mm2 + wmem_mm2 + amem_mm2 + router_mm2; }
};
std::vector<TileArea> tile_areas(const arch::Design& design, const tech::Node& node, const Microarch& microarch);

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
  friend std::vector<TileArea> tile_areas(const arch::Design&, const tech::Node&, const Microarch&);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience: prepares, evaluates, discards.
Report evaluate(const Workload& workload, const tech::Node& node, const Microarch& microarch,
                const arch::Design& design, const Scenario& scenario);

}  // namespace meshforge::ppa
