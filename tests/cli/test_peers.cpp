// The wire form an MPI launch's ranks exchange designs and reports in (cli/peers.h): every field
// survives the trip, doubles bit for bit, and a damaged message is refused rather than misread.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "../ppa/workload_fixture.h"
#include "cli/peers.h"

namespace meshforge::cli {
namespace {

namespace fs = std::filesystem;
const fs::path kData = MESHFORGE_TEST_DATA_DIR;

arch::Design shipped(const std::string& name) { return arch::load_design(kData / "designs" / (name + ".yaml")); }

// small-4x4 with a second tile class on every other tile: other memories, VLEN, formats, ROM.
arch::Design heterogeneous() {
  arch::Design d = shipped("small-4x4");
  d.name = "two-classes";
  arch::TileClass big = d.tile_classes.at(0);
  big.name = "big";
  big.vlen_bits *= 2;
  big.wmem_bytes *= 4;
  big.amem_bytes /= 2;
  big.weight_storage = arch::WeightStorage::rom;
  big.mac_formats = static_cast<arch::MacFormatSet>(big.mac_formats | arch::mac_format_bit(tech::MacFormat::int8));
  d.tile_classes.push_back(big);
  d.class_map.assign(static_cast<std::size_t>(d.tiles()), 0);
  for (std::size_t i = 1; i < d.class_map.size(); i += 2) d.class_map[i] = 1;
  d.clock_hz = 733.3e6;
  d.dram = {"lpddr5", 2};
  return d;
}

ppa::Report evaluated(const arch::Design& d, const std::string& model, const std::string& node, workload::Precision p) {
  ppa::Scenario sc;
  sc.budgets = ppa::defaults_for(sc.mode);
  return ppa::evaluate(ppa::testing::shipped_workload(model, p, 1, 512), ppa::testing::node(node), ppa::testing::micro(), d, sc);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(Peers, DesignsSurviveTheWireFieldForField) {
  const arch::Design a = shipped("llama-3.1-8b-41x42"), b = heterogeneous();
  const auto back = decode_designs(encode_designs({&a, &b, &a}));
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0], a);
  EXPECT_EQ(back[1], b);
  EXPECT_EQ(back[2], a);
  EXPECT_TRUE(same_bits(back[1].clock_hz, b.clock_hz));
  EXPECT_TRUE(decode_designs(encode_designs({})).empty());
}

TEST(Peers, ReportsSurviveTheWireFieldForField) {
  std::vector<ppa::Report> reports{evaluated(shipped("llama-3.1-8b-41x42"), "llama-3.1-8b", "3nm", workload::Precision::fp16),
                                   evaluated(heterogeneous(), "llama-3.1-8b", "7nm", workload::Precision::int8)};
  // Both a feasible design with pipeline stages and an infeasible one with reasons are carried.
  ASSERT_FALSE(reports[0].decode.stages.empty());
  ASSERT_FALSE(reports[1].violations.empty());
  const auto back = decode_reports(encode_reports(reports));
  ASSERT_EQ(back.size(), reports.size());
  for (std::size_t i = 0; i < reports.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(back[i], reports[i]);
    EXPECT_TRUE(same_bits(back[i].power_w, reports[i].power_w));
    EXPECT_TRUE(same_bits(back[i].decode.tokens_per_second, reports[i].decode.tokens_per_second));
    EXPECT_EQ(encode_reports({back[i]}), encode_reports({reports[i]}));
  }
}

TEST(Peers, ADamagedMessageIsRefused) {
  const std::vector<ppa::Report> reports{evaluated(heterogeneous(), "llama-3.1-8b", "7nm", workload::Precision::int8)};
  const std::string bytes = encode_reports(reports);
  for (const std::size_t keep : {std::size_t{0}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    SCOPED_TRACE(keep);
    EXPECT_THROW(decode_reports(bytes.substr(0, keep)), std::runtime_error);
  }
  EXPECT_THROW(decode_reports(bytes + "x"), std::runtime_error);
  const arch::Design d = heterogeneous();
  const std::string designs = encode_designs({&d});
  EXPECT_THROW(decode_designs(designs.substr(0, designs.size() - 3)), std::runtime_error);
}

}  // namespace
}  // namespace meshforge::cli
