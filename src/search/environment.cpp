#include "search/environment.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace meshforge::search {

Environment::Environment(const ppa::Workload& workload, const tech::Node& node, const ppa::Microarch& microarch,
                         const ppa::Scenario& scenario, EnvironmentConfig config)
    : workload_(workload),
      node_(node),
      microarch_(microarch),
      config_(config),
      scenario_(scenario),
      actions_(node, workload, scenario),
      observation_(workload, node, scenario, actions_.dims()),
      evaluator_(workload, node, microarch) {
  if (config_.episode_steps < 1) throw std::invalid_argument("environment: episode_steps must be >= 1");
  if (!(config_.delta_scale > 0)) throw std::invalid_argument("environment: delta_scale must be > 0");
  reset(Eigen::VectorXd::Zero(actions_.dims()));
}

void Environment::reset(const Eigen::VectorXd& x, const ReportFeatures* report_of_x, double score_of_x) {
  state_ = EnvironmentState{};
  state_.x = Eigen::VectorXd::Zero(actions_.dims());
  for (int i = 0; i < actions_.dims() && i < x.size(); ++i)
    state_.x[i] = std::isfinite(x[i]) ? std::clamp(x[i], -1.0, 1.0) : 0.0;
  if (report_of_x) {
    state_.has_report = true;
    state_.report = *report_of_x;
    state_.score = score_of_x;
    state_.episode_best = score_of_x;
  }
}

Eigen::VectorXd Environment::state() const {
  return observation_.state(state_.x, state_.has_report ? &state_.report : nullptr,
                            static_cast<double>(state_.step) / config_.episode_steps, state_.episode_best);
}

const ppa::Report& Environment::evaluate(const Eigen::VectorXd& x) {
  evaluator_.evaluate(actions_.decode(x), scenario_, report_);
  return report_;
}

StepResult Environment::step(const Eigen::VectorXd& action) {
  Proposal p = propose(action);
  evaluator_.evaluate(p.design, scenario_, report_);
  return commit(std::move(p), report_);
}

Proposal Environment::propose(const Eigen::VectorXd& action) const {
  Proposal p;
  p.state = state();
  p.action = Eigen::VectorXd::Zero(actions_.dims());
  for (int i = 0; i < actions_.dims() && i < action.size(); ++i)
    p.action[i] = std::isfinite(action[i]) ? std::clamp(action[i], -1.0, 1.0) : 0.0;
  p.x = config_.action_mode == ActionMode::absolute
            ? p.action
            : Eigen::VectorXd((state_.x + config_.delta_scale * p.action).cwiseMax(-1.0).cwiseMin(1.0));
  p.design = actions_.decode(p.x);
  return p;
}

StepResult Environment::commit(Proposal proposal, const ppa::Report& report) {
  StepResult out;
  out.state = std::move(proposal.state);
  out.x = std::move(proposal.x);
  out.design = std::move(proposal.design);
  out.report = &report;

  const double s = std::clamp(std::isfinite(report.ppa_score) ? report.ppa_score : 0.0, 0.0, 1.0);
  const double before = std::max(0.0, state_.episode_best);
  out.reward = s + config_.improvement_bonus * std::max(0.0, s - before);

  state_.x = out.x;
  state_.has_report = true;
  state_.report = report_features(report);
  state_.score = s;
  state_.step += 1;
  state_.episode_best = std::max(state_.episode_best, s);
  out.terminal = state_.step >= config_.episode_steps;
  out.next_state = state();
  return out;
}

}  // namespace meshforge::search
