// The state of the design MDP (docs/mdp.md lists every field with its dimension count):
//
//   [ context: workload | node | mode and budgets ][ current design ][ last report ][ episode ]
//
// The context block comes first and is contiguous: it is constant for a run (one model, node,
// mode) and is what the mixture-of-experts gate reads (context_begin() .. context_end()).
// Every feature is normalised to roughly [-1, 1] by a fixed affine map of its value or log10.
#pragma once

#include <Eigen/Core>
#include <array>
#include <string>
#include <vector>

#include "ppa/evaluate.h"
#include "ppa/report.h"
#include "tech/node.h"

namespace meshforge::search {

// The features of one report (the "last report" block without its presence flag). The
// environment keeps these, not the report, between steps and in checkpoints.
constexpr int kReportFeatures = 27;
using ReportFeatures = std::array<double, kReportFeatures>;
ReportFeatures report_features(const ppa::Report& report);

struct StateField {
  std::string name;     // "workload.decode_flops_per_token"
  int dims = 1;
  std::string meaning;  // what it is and how it is normalised
};

class Observation {
 public:
  static constexpr int kContextDims = 43;
  static constexpr int kEpisodeDims = 2;

  Observation(const ppa::Workload& workload, const tech::Node& node, const ppa::Scenario& scenario,
              int action_dims);

  int dims() const { return kContextDims + action_dims_ + 1 + kReportFeatures + kEpisodeDims; }
  int action_dims() const { return action_dims_; }
  // The gate block: [context_begin, context_end) of the state vector.
  static constexpr int context_begin() { return 0; }
  static constexpr int context_end() { return kContextDims; }
  int design_begin() const { return kContextDims; }
  int report_begin() const { return kContextDims + action_dims_; }
  int episode_begin() const { return report_begin() + 1 + kReportFeatures; }

  const Eigen::VectorXd& context() const { return context_; }

  // The full state. design: the current (normalised) action vector; last: the features of the
  // current design's report, or nullptr when it has not been evaluated (then the block is zero);
  // step_fraction: steps taken / episode length; episode_best: best score of this episode so far
  // (< 0 = none yet).
  Eigen::VectorXd state(const Eigen::VectorXd& design, const ReportFeatures* last, double step_fraction,
                        double episode_best) const;

  // Every field in state order; the dims add up to dims().
  std::vector<StateField> fields() const;

 private:
  int action_dims_;
  Eigen::VectorXd context_;
};

}  // namespace meshforge::search
