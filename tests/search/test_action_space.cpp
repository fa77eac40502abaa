// The action decoder: every action in [-1, 1]^D (and beyond) decodes to a valid design on every
// node, for every shipped model and both modes; encode inverts decode on its image.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "arch/design.h"
#include "ppa/evaluate.h"
#include "search/action_space.h"
#include "tech/node.h"
#include "workload/model.h"

namespace {

using namespace meshforge;
const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

const ppa::Workload& workload_of(const std::string& model) {
  static std::map<std::string, std::unique_ptr<ppa::Workload>> cache;
  auto& w = cache[model];
  if (!w) {
    const auto file = workload::resolve_model(model, kData);
    workload::Scenario s;
    s.phase = workload::Phase::prefill;
    w = std::make_unique<ppa::Workload>();
    w->prefill = workload::build_graph(file, s);
    s.phase = workload::Phase::decode;
    w->decode = workload::build_graph(file, s);
  }
  return *w;
}

const tech::Node& node_of(const std::string& name) {
  static std::map<std::string, tech::Node> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, tech::load_node(name, kData)).first;
  return it->second;
}

ppa::Scenario scenario_of(ppa::Mode mode) {
  ppa::Scenario s;
  s.mode = mode;
  s.budgets = ppa::defaults_for(mode);
  return s;
}

Eigen::VectorXd random_action(std::mt19937_64& rng, int dims, double lo = -1.0, double hi = 1.0) {
  std::uniform_real_distribution<double> u(lo, hi);
  Eigen::VectorXd a(dims);
  for (int i = 0; i < dims; ++i) a[i] = u(rng);
  return a;
}

void expect_valid(const arch::Design& d, const tech::Node& node, const std::string& where) {
  const auto structure = arch::validate_structure(d);
  ASSERT_TRUE(structure.empty()) << where << ": " << structure.front();
  const auto problems = arch::validate(d, node);
  ASSERT_TRUE(problems.empty()) << where << ": " << problems.front();
  const double v = arch::operating_supply_v(d, node);
  ASSERT_LE(d.clock_hz, tech::max_frequency_hz(node, v) * (1 + 1e-9)) << where;
}

TEST(ActionSpace, HasAtLeastThirtyNamedDimensions) {
  const search::ActionSpace space(node_of("3nm"), workload_of("llama-3.1-8b"), scenario_of(ppa::Mode::performance));
  EXPECT_GE(space.dims(), 30);
  ASSERT_EQ(static_cast<int>(space.describe().size()), space.dims());
  std::set<std::string> names;
  for (const auto& d : space.describe()) {
    EXPECT_FALSE(d.name.empty());
    EXPECT_FALSE(d.meaning.empty()) << d.name;
    names.insert(d.name);
  }
  EXPECT_EQ(static_cast<int>(names.size()), space.dims());
}

TEST(ActionSpace, RandomActionsDecodeToValidDesignsOnEveryNodeModelAndMode) {
  std::mt19937_64 rng(7);
  for (const std::string model : {"llama-3.1-8b", "smolvlm-256m-instruct"}) {
    for (const auto& node_name : tech::known_node_names()) {
      for (const auto mode : {ppa::Mode::performance, ppa::Mode::low_power}) {
        const auto& node = node_of(node_name);
        const search::ActionSpace space(node, workload_of(model), scenario_of(mode));
        const std::string where = model + " on " + node_name + (mode == ppa::Mode::performance ? " performance" : " low-power");
        for (int i = 0; i < 600; ++i) {
          // Mostly inside the box, some far outside it (clamped), some on its corners.
          Eigen::VectorXd a = i % 5 == 4 ? random_action(rng, space.dims(), -3, 3) : random_action(rng, space.dims());
          if (i % 7 == 6) a = a.array().sign();
          const arch::Design d = space.decode(a);
          expect_valid(d, node, where);
          if (mode == ppa::Mode::low_power) {
            ASSERT_EQ(d.clock_hz, 10e6) << where;
          }
          ASSERT_LE(d.rows, space.bounds().max_side);
          ASSERT_LE(d.cols, space.bounds().max_side);
          for (const auto& t : d.tile_classes) {
            ASSERT_LE(t.vlen_bits, 4096);
            ASSERT_LE(t.wmem_bytes, space.bounds().wmem_max);
          }
        }
      }
    }
  }
}

TEST(ActionSpace, ExtremeAndNonFiniteActionsAreValid) {
  for (const auto& node_name : tech::known_node_names()) {
    const auto& node = node_of(node_name);
    const search::ActionSpace space(node, workload_of("llama-3.1-8b"), scenario_of(ppa::Mode::performance));
    const int n = space.dims();
    const std::vector<Eigen::VectorXd> extremes = {
        Eigen::VectorXd::Constant(n, -1.0), Eigen::VectorXd::Constant(n, 1.0), Eigen::VectorXd::Zero(n),
        Eigen::VectorXd::Constant(n, std::nan("")), Eigen::VectorXd::Constant(n, 1e300), Eigen::VectorXd::Zero(3)};
    for (const auto& a : extremes) expect_valid(space.decode(a), node, node_name);
    // The top of the clock range needs an overdrive supply, which the decoder states.
    Eigen::VectorXd top = Eigen::VectorXd::Zero(n);
    top[search::ActionSpace::kClock] = 1.0;
    top[search::ActionSpace::kFlavor] = -1.0;  // hp: low-leakage cells cannot reach it
    const auto d = space.decode(top);
    EXPECT_GT(d.clock_hz, node.fmax_hz) << node_name;
    EXPECT_GT(d.supply_v, node.vdd_nominal) << node_name;
    EXPECT_LE(d.supply_v, 1.1 * node.vdd_nominal + 1e-12) << node_name;
  }
}

TEST(ActionSpace, DecodeIsDeterministicAndCoversTheDiscreteChoices) {
  const auto& node = node_of("7nm");
  const search::ActionSpace space(node, workload_of("llama-3.1-8b"), scenario_of(ppa::Mode::performance));
  std::mt19937_64 rng(3);
  std::set<int> vlens, fetches, classes, links;
  std::set<std::string> drams;
  std::set<int> routings, orders, kvs;
  for (int i = 0; i < 3000; ++i) {
    const auto a = random_action(rng, space.dims());
    const auto d = space.decode(a);
    ASSERT_EQ(d, space.decode(a));
    for (const auto& t : d.tile_classes) {
      vlens.insert(t.vlen_bits);
      fetches.insert(t.fetch_width);
    }
    classes.insert(static_cast<int>(d.tile_classes.size()));
    links.insert(d.noc.link_bits);
    drams.insert(d.dram.kind);
    routings.insert(static_cast<int>(d.noc.routing));
    orders.insert(static_cast<int>(d.mapping.placement_order));
    kvs.insert(static_cast<int>(d.mapping.kv_placement));
  }
  EXPECT_EQ(vlens, (std::set<int>{64, 128, 256, 512, 1024, 2048, 4096}));
  EXPECT_EQ(fetches, (std::set<int>{1, 2, 4, 8}));
  EXPECT_EQ(classes, (std::set<int>{1, 2, 3}));
  EXPECT_EQ(links.size(), 7u);
  EXPECT_EQ(drams, (std::set<std::string>{"none", "lpddr5", "hbm3", "gddr6", "ddr4"}));
  EXPECT_EQ(routings.size(), 3u);
  EXPECT_EQ(orders.size(), 3u);
  EXPECT_EQ(kvs.size(), 3u);
}

TEST(ActionSpace, RangesFollowTheModelAndTheNode) {
  const auto& n3 = node_of("3nm");
  const auto& n28 = node_of("28nm");
  const search::ActionSpace llama(n3, workload_of("llama-3.1-8b"), scenario_of(ppa::Mode::performance));
  const search::ActionSpace smol(n3, workload_of("smolvlm-256m-instruct"), scenario_of(ppa::Mode::performance));
  const search::ActionSpace old(n28, workload_of("llama-3.1-8b"), scenario_of(ppa::Mode::performance));
  // The largest mesh of the largest WMEM holds the model's weights.
  for (const auto* s : {&llama, &smol}) {
    const auto& b = s->bounds();
    EXPECT_GE(static_cast<double>(b.wmem_max) * b.max_side * b.max_side, 2.0 * 8.03e9 * (s == &llama ? 1 : 0.03));
  }
  EXPECT_GE(static_cast<double>(smol.bounds().wmem_max), workload_of("smolvlm-256m-instruct").decode.total_weight_bytes());
  EXPECT_GT(llama.bounds().wmem_max, smol.bounds().wmem_max - 1);
  EXPECT_GT(llama.bounds().amem_max, 64.0 * 1024 * 1024);  // 64 MiB of KV at 512 tokens
  EXPECT_GE(llama.bounds().max_stages, 32);
  // Clock ranges end at the node's fmax (overdriven).
  EXPECT_NEAR(llama.bounds().clock_max_hz, tech::max_frequency_hz(n3, 1.1 * n3.vdd_nominal), 1e5);
  EXPECT_NEAR(old.bounds().clock_max_hz, tech::max_frequency_hz(n28, 1.1 * n28.vdd_nominal), 1e5);
  EXPECT_LT(old.bounds().clock_max_hz, llama.bounds().clock_max_hz);
}

TEST(ActionSpace, EncodeInvertsDecodeOnItsImage) {
  std::mt19937_64 rng(11);
  for (const std::string model : {"llama-3.1-8b", "smolvlm-256m-instruct"}) {
    for (const std::string node_name : {"3nm", "16nm", "28nm"}) {
      const auto& node = node_of(node_name);
      const search::ActionSpace space(node, workload_of(model), scenario_of(ppa::Mode::performance));
      int exact = 0;
      const int n = 400;
      for (int i = 0; i < n; ++i) {
        const auto d = space.decode(random_action(rng, space.dims()));
        const auto again = space.decode(space.encode(d));
        // Everything but the class layout is reproduced exactly.
        ASSERT_EQ(again.rows, d.rows);
        ASSERT_EQ(again.cols, d.cols);
        ASSERT_EQ(again.clock_hz, d.clock_hz);
        ASSERT_EQ(again.supply_v, d.supply_v);
        ASSERT_EQ(again.noc, d.noc);
        ASSERT_EQ(again.dram, d.dram);
        ASSERT_EQ(again.mapping, d.mapping);
        ASSERT_EQ(again.flavor, d.flavor);
        ASSERT_EQ(again.power_gate_idle_tiles, d.power_gate_idle_tiles);
        ASSERT_EQ(again.tile_classes.size(), d.tile_classes.size());
        exact += again == d;
      }
      // Layouts are recovered unless a dropped class shifted the others (a few per cent).
      EXPECT_GE(exact, n * 85 / 100) << model << " " << node_name;
    }
  }
}

TEST(ActionSpace, EncodesTheShippedDesigns) {
  const auto& node = node_of("3nm");
  const search::ActionSpace space(node, workload_of("llama-3.1-8b"), scenario_of(ppa::Mode::performance));
  const auto big = arch::load_design(kData / "designs" / "llama-3.1-8b-41x42.yaml");
  const auto d = space.decode(space.encode(big));
  expect_valid(d, node, "llama-3.1-8b-41x42");
  EXPECT_EQ(d.rows, 41);
  EXPECT_EQ(d.cols, 42);
  EXPECT_NEAR(d.clock_hz, big.clock_hz, 1e5);
  ASSERT_EQ(d.tile_classes.size(), 3u);
  for (std::size_t c = 0; c < 3; ++c) {
    auto expected = big.tile_classes[c];
    expected.name = d.tile_classes[c].name;
    EXPECT_EQ(d.tile_classes[c], expected) << "class " << c;
  }
  std::array<int, 3> counts{}, want{};
  for (int t = 0; t < d.tiles(); ++t) {
    counts[d.class_map[static_cast<std::size_t>(t)]] += 1;
    want[big.class_map[static_cast<std::size_t>(t)]] += 1;
  }
  EXPECT_EQ(counts, want);
  EXPECT_EQ(d.noc, big.noc);
  EXPECT_EQ(d.dram, big.dram);

  const search::ActionSpace low(node, workload_of("smolvlm-256m-instruct"), scenario_of(ppa::Mode::low_power));
  const auto smol = arch::load_design(kData / "designs" / "smolvlm-10mhz.yaml");
  const auto s = low.decode(low.encode(smol));
  expect_valid(s, node, "smolvlm-10mhz");
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.cols, 4);
  EXPECT_EQ(s.clock_hz, 10e6);
  ASSERT_EQ(s.tile_classes.size(), 1u);
  EXPECT_EQ(s.tile_classes[0].wmem_bytes, smol.tile_classes[0].wmem_bytes);
  EXPECT_EQ(s.tile_classes[0].weight_storage, arch::WeightStorage::rom);
  EXPECT_EQ(s.flavor, tech::Flavor::low_leakage);
  EXPECT_TRUE(s.power_gate_idle_tiles);
  EXPECT_EQ(s.dram.kind, "none");
}

TEST(ActionSpace, ChooseClockNeverExceedsFmax) {
  for (const auto& name : tech::known_node_names()) {
    const auto& node = node_of(name);
    for (double f : {1e5, 10e6, node.fmax_hz, node.fmax_hz * 1.01, node.fmax_hz * 1.05, node.fmax_hz * 10}) {
      const auto c = search::choose_clock(node, f);
      arch::Design d;
      d.clock_hz = c.clock_hz;
      d.supply_v = c.supply_v;
      expect_valid(d, node, name);
      EXPECT_LE(c.clock_hz, f);
    }
  }
}

}  // namespace
