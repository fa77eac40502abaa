// The action of the design MDP: a continuous vector in [-1, 1]^D decoded deterministically into a
// complete, valid design (docs/mdp.md lists every dimension). Ranges come from the node (clock up
// to fmax, the node's DRAM interfaces), the model (WMEM large enough for its weights, AMEM for its
// KV cache, pipeline depth up to its layer count) and the mode (low-power: the budget's fixed clock).
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "arch/design.h"
#include "ppa/evaluate.h"
#include "tech/node.h"

namespace meshforge::search {

// One dimension of the action vector, for docs, logs and tests.
struct ActionDim {
  std::string name;         // "class1.vlen_bits"
  std::string meaning;      // "VLEN 64 .. 4096 bits, power of two (7 levels)"
};

// How the tile classes are laid out over the mesh (action dimension "layout.pattern").
enum class LayoutPattern {
  scatter,        // classes interleaved evenly along the snake order (every pipeline region gets each)
  row_stripes,    // whole rows per class, interleaved
  column_stripes, // whole columns per class, interleaved
  snake_blocks,   // one contiguous block per class along the snake (pipeline) order
  centre_edge,    // class 0 in the centre, class 1 around it, class 2 on the edge
  checkerboard,   // classes 1 and 2 on the tiles of one parity ((row + col) odd), class 0 elsewhere
};
constexpr int kLayoutPatterns = 6;
const char* to_string(LayoutPattern p);

// The model- and scenario-dependent bounds of the action space.
struct ActionBounds {
  int max_side = 64;                    // rows and cols: 1 .. max_side
  double clock_min_hz = 0, clock_max_hz = 0;  // log range; clock_max = fmax at 1.1 x vdd_nominal
  double fixed_clock_hz = 0;            // > 0: every design clocks here (low-power mode)
  std::int64_t imem_min = 4096, imem_max = 256 * 1024;
  std::int64_t wmem_min = 16 * 1024, wmem_max = 0;   // wmem_max: next power of two >= model weights (<= 1 GiB)
  std::int64_t amem_min = 16 * 1024, amem_max = 0;   // amem_max: room for the KV cache and activations
  int max_mac_rows = 256;
  int max_stages = 1;                   // pipeline depth: the model's layer units
  std::vector<std::string> dram_kinds;  // "none" first, then the node's interfaces (sorted)
  int max_dram_channels = 8;
  // The MAC format the workload runs: decoded designs build their lanes for it (a chip made for
  // the model), so their area is that of the format they run.
  arch::MacFormatSet mac_formats = arch::mac_format_bit(tech::MacFormat::fp16);
};

class ActionSpace {
 public:
  static constexpr int kClasses = 3;          // tile classes the action describes
  static constexpr int kDimsPerClass = 7;

  // Indices of the dimensions (class c's fields at kClassBase + c * kDimsPerClass + field).
  enum Dim : int {
    kRows = 0, kCols, kClock,
    kClassBase,                                   // per class: the ClassField order below
    kShare1 = kClassBase + kClasses * kDimsPerClass, kShare2, kPattern,
    kLinkBits, kVirtualChannels, kBufferDepth, kRouting,
    kPipelineStages, kTensorParallel, kPlacementOrder, kKvPlacement,
    kDramKind, kDramChannels, kFlavor, kPowerGating,
    kDims
  };
  enum ClassField : int { kFetch = 0, kVlen, kMacRows, kImem, kWmem, kAmem, kStorage };
  static constexpr int class_dim(int cls, ClassField field) { return kClassBase + cls * kDimsPerClass + field; }

  // The workload fixes the memory ranges and the pipeline depth; the scenario the clock mode.
  ActionSpace(const tech::Node& node, const ppa::Workload& workload, const ppa::Scenario& scenario);

  int dims() const { return kDims; }
  const ActionBounds& bounds() const { return bounds_; }
  const std::vector<ActionDim>& describe() const { return dims_; }

  // Deterministic: the same vector gives the same design. Entries outside [-1, 1] are clamped,
  // NaN is read as 0. The result passes arch::validate(design, node) for the node of the bounds.
  arch::Design decode(const Eigen::VectorXd& action) const;
  // Approximate inverse: an action that decodes to (nearly) this design. Values the action cannot
  // express are rounded to the nearest expressible one; tile classes beyond the three most used
  // are folded into class 0; the layout pattern is the one that reproduces the class map best.
  Eigen::VectorXd encode(const arch::Design& design) const;

 private:
  ActionBounds bounds_;
  std::vector<ActionDim> dims_;
  tech::Node node_;                     // supplies (overdrive) and fmax
  void describe_dims();
};

// The clock grid and supply choice the decoder uses, exposed for tests: the highest clock on a
// 100 kHz grid not above f_hz that the node reaches at 1.1 x vdd_nominal, and the supply the
// design must state for it (0 = automatic when the clock is reachable at vdd_nominal).
struct ClockChoice {
  double clock_hz = 0;
  double supply_v = 0;
};
ClockChoice choose_clock(const tech::Node& node, double f_hz, tech::Flavor flavor = tech::Flavor::high_performance);

}  // namespace meshforge::search
