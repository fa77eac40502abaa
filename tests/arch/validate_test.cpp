// validate(): every rule fires on its own, with a message that names the field.
// Uses a hand-filled node so the test does not depend on the shipped node files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "arch/design.h"

namespace meshforge::arch {
namespace {

using ::testing::HasSubstr;

tech::Node test_node() {
  tech::Node n;
  n.name = "testnode";
  n.feature_nm = 3;
  n.vdd_nominal = 0.75;
  n.vdd_min = 0.5;
  n.vth = 0.3;
  n.alpha = 1.3;
  n.fmax_hz = 3.0e9;
  tech::DramInterface hbm;
  hbm.name = "hbm3";
  hbm.bandwidth_bytes_per_s = 819e9;
  n.dram["hbm3"] = hbm;
  tech::DramInterface lp;
  lp.name = "lpddr5";
  lp.bandwidth_bytes_per_s = 51.2e9;
  n.dram["lpddr5"] = lp;
  return n;
}

Design valid_design() {
  Design d;
  d.name = "ok";
  d.rows = 4;
  d.cols = 6;
  TileClass big;
  big.name = "big";
  big.vlen_bits = 1024;
  big.mac_rows = 8;
  big.wmem_bytes = 4 << 20;
  TileClass ctl;
  ctl.name = "ctl";
  ctl.fetch_width = 8;
  ctl.wmem_bytes = 0;
  d.tile_classes = {big, ctl};
  d.class_map.assign(24, 0);
  d.class_map[0] = 1;
  d.dram = {"hbm3", 2};
  d.clock_hz = 1.0e9;
  return d;
}

// Lines of validate() that start with "<field>: ".
std::vector<std::string> lines_for(const std::vector<std::string>& lines,
                                   const std::string& field) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.rfind(field + ": ", 0) == 0) out.push_back(l);
  }
  return out;
}

TEST(Validate, ValidDesignHasNoProblems) {
  EXPECT_THAT(validate(valid_design(), test_node()), ::testing::IsEmpty());
  EXPECT_THAT(validate(Design{}, test_node()), ::testing::IsEmpty());
  Design d = valid_design();
  d.supply_v = 0.75 * 1.1;  // overdrive at the top of the allowed range
  d.clock_hz = 3.2e9;
  EXPECT_THAT(validate(d, test_node()), ::testing::IsEmpty());
  d = valid_design();
  d.class_map.clear();  // empty map = every tile class 0
  d.dram = {"none", 0};
  d.tile_classes[0].wmem_bytes = 0;
  d.mapping = {24, 24, KvPlacement::amem, PlacementOrder::row_major};
  EXPECT_THAT(validate(d, test_node()), ::testing::IsEmpty());
}

struct Rule {
  const char* field;
  std::function<void(Design&)> break_it;
  const char* says;  // a piece of the reason
};

TEST(Validate, EachRuleFiresAndNamesItsField) {
  const std::int64_t gib = std::int64_t{1} << 30;
  const std::vector<Rule> rules = {
      {"mesh.rows", [](Design& d) { d.rows = 0; d.class_map.clear(); }, "1 .. 1024"},
      {"mesh.rows", [](Design& d) { d.rows = 1025; d.class_map.clear(); }, "got 1025"},
      {"mesh.cols", [](Design& d) { d.cols = -3; d.class_map.clear(); }, "1 .. 1024"},
      {"mesh.cols", [](Design& d) { d.cols = 2000; d.class_map.clear(); }, "got 2000"},
      {"tile_classes", [](Design& d) { d.tile_classes.clear(); d.class_map.clear(); },
       "at least one"},
      {"tile_classes", [](Design& d) { d.tile_classes.resize(11); }, "at most 10"},
      {"class_map", [](Design& d) { d.class_map.pop_back(); }, "4 x 6 = 24 entries, got 23"},
      {"tile_classes", [](Design& d) { for (auto& c : d.tile_classes) c.harvested = true; }, "every tile is harvested"},
      {"class_map[3][5]", [](Design& d) { d.class_map[23] = 2; }, "0 .. 1, got 2"},
      {"tile_classes[1].fetch_width", [](Design& d) { d.tile_classes[1].fetch_width = 3; },
       "1, 2, 4 or 8"},
      {"tile_classes[0].vlen_bits", [](Design& d) { d.tile_classes[0].vlen_bits = 100; },
       "power of two"},
      {"tile_classes[0].vlen_bits", [](Design& d) { d.tile_classes[0].vlen_bits = 32; },
       "64 .. 65536"},
      {"tile_classes[0].vlen_bits", [](Design& d) { d.tile_classes[0].vlen_bits = 131072; },
       "64 .. 65536"},
      {"tile_classes[0].mac_rows", [](Design& d) { d.tile_classes[0].mac_rows = 0; }, "1 .. 1024"},
      {"tile_classes[1].mac_rows", [](Design& d) { d.tile_classes[1].mac_rows = 1025; },
       "1 .. 1024"},
      {"tile_classes[0].imem_bytes", [](Design& d) { d.tile_classes[0].imem_bytes = 0; }, "> 0"},
      {"tile_classes[0].amem_bytes", [](Design& d) { d.tile_classes[0].amem_bytes = -1; }, "> 0"},
      {"tile_classes[1].wmem_bytes", [](Design& d) { d.tile_classes[1].wmem_bytes = -1; }, ">= 0"},
      {"tile_classes[0].wmem_bytes", [=](Design& d) { d.tile_classes[0].wmem_bytes = gib + 1; },
       "at most 1GiB"},
      {"tile_classes[0].imem_bytes", [=](Design& d) { d.tile_classes[0].imem_bytes = 2 * gib; },
       "at most 1GiB"},
      {"tile_classes[1].amem_bytes", [=](Design& d) { d.tile_classes[1].amem_bytes = 4 * gib; },
       "at most 1GiB"},
      {"noc.link_bits", [](Design& d) { d.noc.link_bits = 48; }, "power of two"},
      {"noc.link_bits", [](Design& d) { d.noc.link_bits = 16; }, "32 .. 2048"},
      {"noc.link_bits", [](Design& d) { d.noc.link_bits = 4096; }, "32 .. 2048"},
      {"noc.virtual_channels", [](Design& d) { d.noc.virtual_channels = 0; }, "1 .. 16"},
      {"noc.virtual_channels", [](Design& d) { d.noc.virtual_channels = 17; }, "1 .. 16"},
      {"noc.buffer_depth_flits", [](Design& d) { d.noc.buffer_depth_flits = 0; }, "1 .. 64"},
      {"noc.buffer_depth_flits", [](Design& d) { d.noc.buffer_depth_flits = 65; }, "1 .. 64"},
      {"dram.kind", [](Design& d) { d.dram.kind = "gddr6"; }, "hbm3, lpddr5"},
      {"dram.kind", [](Design& d) { d.dram.kind = ""; }, "empty"},
      {"dram.channels", [](Design& d) { d.dram.channels = 0; }, "at least 1"},
      {"dram.channels", [](Design& d) { d.dram = {"none", 2}; }, "0 when dram.kind is none"},
      {"clock_mhz", [](Design& d) { d.clock_hz = 0; }, "0.001 .. 100000 MHz"},
      {"clock_mhz", [](Design& d) { d.clock_hz = -5e6; }, "0.001 .. 100000 MHz"},
      {"clock_mhz", [](Design& d) { d.clock_hz = 1e-294; }, "0.001 .. 100000 MHz"},  // was feasible (issue 10)
      {"clock_mhz", [](Design& d) { d.clock_hz = 2e11; }, "0.001 .. 100000 MHz"},
      {"supply_v", [](Design& d) { d.supply_v = 0.3; }, "0.5 .. 0.825 V"},
      {"supply_v", [](Design& d) { d.supply_v = 0.9; }, "0.5 .. 0.825 V"},
      {"supply_v", [](Design& d) { d.supply_v = -0.1; }, "> 0"},
      {"mapping.pipeline_stages", [](Design& d) { d.mapping.pipeline_stages = -1; }, ">= 0"},
      {"mapping.pipeline_stages", [](Design& d) { d.mapping.pipeline_stages = 25; }, "24 tiles"},
      {"mapping.tensor_parallel", [](Design& d) { d.mapping.tensor_parallel = -2; }, ">= 0"},
      {"mapping.tensor_parallel", [](Design& d) { d.mapping.tensor_parallel = 25; },
       "number of tiles (24)"},
  };
  const tech::Node node = test_node();
  for (const Rule& rule : rules) {
    Design d = valid_design();
    rule.break_it(d);
    const auto problems = validate(d, node);
    const auto hits = lines_for(problems, rule.field);
    ASSERT_EQ(hits.size(), 1u) << rule.field << " / " << rule.says << "\n"
                               << ::testing::PrintToString(problems);
    EXPECT_THAT(hits.front(), HasSubstr(rule.says)) << hits.front();
    // The node-independent rules also appear in validate_structure (everything but the node's
    // DRAM kinds and voltage range).
    const std::string f = rule.field;
    const bool node_rule = (f == "dram.kind" && d.dram.kind == "gddr6") ||
                           (f == "supply_v" && d.supply_v > 0);
    EXPECT_EQ(lines_for(validate_structure(d), f).size(), node_rule ? 0u : 1u) << f;
  }
}

TEST(Validate, ClockAboveFmaxNamesBothNumbers) {
  const tech::Node node = test_node();
  Design d = valid_design();
  d.clock_hz = 4.0e9;
  d.supply_v = 0.75;  // nominal: fmax 3000 MHz
  auto hits = lines_for(validate(d, node), "clock_mhz");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_THAT(hits[0], HasSubstr("4000 MHz"));
  EXPECT_THAT(hits[0], HasSubstr("fmax of 3000 MHz"));
  EXPECT_THAT(hits[0], HasSubstr("0.75 V"));

  // Automatic supply: capped at nominal, so a clock above fmax is a violation too.
  d.supply_v = 0;
  hits = lines_for(validate(d, node), "clock_mhz");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_THAT(hits[0], HasSubstr("4000 MHz"));
  EXPECT_THAT(hits[0], HasSubstr("3000 MHz"));
  EXPECT_THAT(hits[0], HasSubstr("automatic supply"));

  // A low explicit supply cannot reach a clock the node makes at nominal.
  d.supply_v = 0.5;
  d.clock_hz = 2.9e9;
  hits = lines_for(validate(d, node), "clock_mhz");
  ASSERT_EQ(hits.size(), 1u);
  const double fmax_mhz = tech::max_frequency_hz(node, 0.5) / 1e6;
  EXPECT_LT(fmax_mhz, 2900);
  EXPECT_THAT(hits[0], HasSubstr("2900 MHz"));
  EXPECT_THAT(hits[0], HasSubstr("supply_v = 0.5 V"));
}

TEST(Validate, OperatingSupply) {
  const tech::Node node = test_node();
  Design d = valid_design();
  d.clock_hz = 10e6;
  EXPECT_NEAR(operating_supply_v(d, node), node.vdd_min, 1e-9);  // 10 MHz: the floor
  d.clock_hz = 3.0e9;
  EXPECT_NEAR(operating_supply_v(d, node), node.vdd_nominal, 1e-6);
  d.clock_hz = 9.0e9;
  EXPECT_LE(operating_supply_v(d, node), node.vdd_nominal);  // never overdrives on its own
  d.supply_v = 0.8;
  EXPECT_EQ(operating_supply_v(d, node), 0.8);
}

TEST(Validate, ReportsEveryProblemAtOnce) {
  Design d = valid_design();
  d.rows = 0;
  d.noc.link_bits = 100;
  d.tile_classes[0].vlen_bits = 3;
  d.dram.kind = "ddr9";
  d.clock_hz = 1e12;
  const auto problems = validate(d, test_node());
  EXPECT_EQ(lines_for(problems, "mesh.rows").size(), 1u);
  EXPECT_EQ(lines_for(problems, "noc.link_bits").size(), 1u);
  EXPECT_EQ(lines_for(problems, "tile_classes[0].vlen_bits").size(), 1u);
  EXPECT_EQ(lines_for(problems, "dram.kind").size(), 1u);
  EXPECT_EQ(lines_for(problems, "clock_mhz").size(), 1u);
}

}  // namespace
}  // namespace meshforge::arch
