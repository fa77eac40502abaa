// The state vector: documented layout, the gate block first, finite normalised values.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "ppa/evaluate.h"
#include "search/action_space.h"
#include "search/observation.h"
#include "workload/model.h"

namespace {

using namespace meshforge;
const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

const ppa::Workload& workload_for(const std::string& model) {
  static std::map<std::string, std::unique_ptr<ppa::Workload>> cache;
  auto& w = cache[model];
  if (!w) {
    const auto file = workload::resolve_model(model, kData);
    workload::Scenario s;
    w = std::make_unique<ppa::Workload>();
    s.phase = workload::Phase::prefill;
    w->prefill = workload::build_graph(file, s);
    s.phase = workload::Phase::decode;
    w->decode = workload::build_graph(file, s);
  }
  return *w;
}

ppa::Scenario scenario_for(ppa::Mode mode) {
  ppa::Scenario s;
  s.mode = mode;
  s.budgets = ppa::defaults_for(mode);
  return s;
}

TEST(Observation, FieldsAddUpAndTheGateBlockComesFirst) {
  const auto node = tech::load_node("5nm", kData);
  const auto& w = workload_for("llama-3.1-8b");
  const auto sc = scenario_for(ppa::Mode::performance);
  const search::ActionSpace actions(node, w, sc);
  const search::Observation obs(w, node, sc, actions.dims());
  int total = 0;
  std::set<std::string> names;
  for (const auto& f : obs.fields()) {
    EXPECT_GE(f.dims, 1) << f.name;
    EXPECT_FALSE(f.meaning.empty()) << f.name;
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate " << f.name;
    total += f.dims;
  }
  EXPECT_EQ(total, obs.dims());
  EXPECT_EQ(obs.context_begin(), 0);
  EXPECT_EQ(obs.context_end(), search::Observation::kContextDims);
  EXPECT_EQ(obs.design_begin(), obs.context_end());
  // The first kContextDims fields are the workload / node / mode features.
  const auto fields = obs.fields();
  for (int i = 0; i < obs.context_end(); ++i) {
    const auto& n = fields[static_cast<std::size_t>(i)].name;
    EXPECT_TRUE(n.rfind("workload.", 0) == 0 || n.rfind("node.", 0) == 0 || n.rfind("mode.", 0) == 0) << n;
  }
  EXPECT_EQ(fields[static_cast<std::size_t>(obs.context_end())].name, "design");
}

TEST(Observation, DocumentedTotalMatches) {
  std::ifstream in(std::filesystem::path(MESHFORGE_TESTS_DIR) / ".." / "docs" / "mdp.md");
  ASSERT_TRUE(in) << "docs/mdp.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  const auto node = tech::load_node("3nm", kData);
  const auto& w = workload_for("llama-3.1-8b");
  const auto sc = scenario_for(ppa::Mode::performance);
  const search::ActionSpace actions(node, w, sc);
  const search::Observation obs(w, node, sc, actions.dims());
  std::smatch m;
  const std::string s = text.str();
  ASSERT_TRUE(std::regex_search(s, m, std::regex(R"(State total: \*\*(\d+)\*\*)")));
  EXPECT_EQ(std::stoi(m[1]), obs.dims());
  ASSERT_TRUE(std::regex_search(s, m, std::regex(R"(Action total: \*\*(\d+)\*\*)")));
  EXPECT_EQ(std::stoi(m[1]), actions.dims());
  ASSERT_TRUE(std::regex_search(s, m, std::regex(R"(gate block: state\[0, (\d+)\))")));
  EXPECT_EQ(std::stoi(m[1]), obs.context_end());
  // Every state field and every action dimension is named in the doc.
  for (const auto& f : obs.fields()) EXPECT_NE(s.find("`" + f.name + "`"), std::string::npos) << f.name;
  for (const auto& d : actions.describe()) {
    const std::string generic = d.name.rfind("class", 0) == 0 ? "classK" + d.name.substr(6) : d.name;
    EXPECT_NE(s.find("`" + generic + "`"), std::string::npos) << d.name;
  }
}

TEST(Observation, ContextDistinguishesModelsNodesAndModesAndStaysNormalised) {
  const auto micro = ppa::load_microarch(kData);
  std::vector<Eigen::VectorXd> contexts;
  for (const std::string model : {"llama-3.1-8b", "smolvlm-256m-instruct"}) {
    for (const auto& name : tech::known_node_names()) {
      for (const auto mode : {ppa::Mode::performance, ppa::Mode::low_power}) {
        const auto node = tech::load_node(name, kData);
        const auto& w = workload_for(model);
        const auto sc = scenario_for(mode);
        const search::ActionSpace actions(node, w, sc);
        const search::Observation obs(w, node, sc, actions.dims());
        const auto& c = obs.context();
        ASSERT_EQ(c.size(), obs.context_end());
        for (int i = 0; i < c.size(); ++i) {
          ASSERT_TRUE(std::isfinite(c[i])) << obs.fields()[static_cast<std::size_t>(i)].name;
          EXPECT_LE(std::fabs(c[i]), 3.0) << model << " " << name << " " << obs.fields()[static_cast<std::size_t>(i)].name;
        }
        for (const auto& other : contexts) EXPECT_GT((other - c).norm(), 1e-6);
        contexts.push_back(c);

        // A real report's features are finite and bounded too.
        ppa::Evaluator ev(w, node, micro);
        const auto small = arch::load_design(kData / "designs" / "small-4x4.yaml");
        const auto report = ev.evaluate(small, sc);
        const auto f = search::report_features(report);
        for (double v : f) {
          ASSERT_TRUE(std::isfinite(v));
          EXPECT_LE(std::fabs(v), 4.0);
        }
        const Eigen::VectorXd x = actions.encode(small);
        const Eigen::VectorXd s = obs.state(x, &f, 0.5, report.ppa_score);
        ASSERT_EQ(s.size(), obs.dims());
        EXPECT_EQ(s.head(obs.context_end()), c);
        EXPECT_EQ(s.segment(obs.design_begin(), actions.dims()), x);
        EXPECT_EQ(s[obs.report_begin()], 1.0);
        EXPECT_DOUBLE_EQ(s[obs.report_begin() + 1], 2 * report.ppa_score - 1);
        EXPECT_DOUBLE_EQ(s[obs.episode_begin()], 0.0);
      }
    }
  }
}

TEST(Observation, UnevaluatedDesignHasAnEmptyReportBlock) {
  const auto node = tech::load_node("12nm", kData);
  const auto& w = workload_for("smolvlm-256m-instruct");
  const auto sc = scenario_for(ppa::Mode::low_power);
  const search::ActionSpace actions(node, w, sc);
  const search::Observation obs(w, node, sc, actions.dims());
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(actions.dims(), 0.3);
  const auto s = obs.state(x, nullptr, 0.0, -1);
  EXPECT_TRUE(s.segment(obs.report_begin(), 1 + search::kReportFeatures).isZero());
  EXPECT_EQ(s[obs.episode_begin()], -1.0);
  EXPECT_EQ(s[obs.episode_begin() + 1], -1.0);
}

TEST(Observation, ViolationFlagsFollowTheReport) {
  ppa::Report r;
  r.scored_phase = "decode";
  r.violations = {"area: 4555 mm2 exceeds the reticle limit", "budget.power: 178 W exceeds", "weights: 1 GB do not fit"};
  const auto f = search::report_features(r);
  const int flags = search::kReportFeatures - 7;
  EXPECT_EQ(f[static_cast<std::size_t>(flags + 0)], 1.0);  // reticle
  EXPECT_EQ(f[static_cast<std::size_t>(flags + 1)], 0.0);  // area budget
  EXPECT_EQ(f[static_cast<std::size_t>(flags + 2)], 1.0);  // power budget
  EXPECT_EQ(f[static_cast<std::size_t>(flags + 5)], 1.0);  // capacity
  EXPECT_EQ(f[static_cast<std::size_t>(flags + 6)], 0.0);  // other
}

}  // namespace
