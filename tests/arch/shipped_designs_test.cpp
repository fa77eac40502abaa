// The example designs in data/designs load, round-trip, and validate on the nodes they target:
// the Llama design on 3 nm, the SmolVLM and small designs on all seven nodes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "arch/design.h"

namespace meshforge::arch {
namespace {

const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

Design load_shipped(const std::string& file) { return load_design(kData / "designs" / file); }

bool have_node(const std::string& name) {
  return std::filesystem::exists(kData / "nodes" / (name + ".yaml"));
}

TEST(ShippedDesigns, AllLoadAndRoundTrip) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData / "designs")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const Design d = load_design(entry.path());
    EXPECT_THAT(validate_structure(d), ::testing::IsEmpty());
    EXPECT_EQ(parse_design_yaml(to_yaml(d), "roundtrip"), d);
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(ShippedDesigns, Llama41x42) {
  const Design d = load_shipped("llama-3.1-8b-41x42.yaml");
  EXPECT_EQ(d.rows, 41);
  EXPECT_EQ(d.cols, 42);
  ASSERT_EQ(d.tile_classes.size(), 3u);
  EXPECT_EQ(d.class_map.size(), 41u * 42u);
  EXPECT_EQ(d.tile_classes[0].vlen_bits, 1024);
  EXPECT_EQ(d.noc.link_bits, 256);
  EXPECT_EQ(d.dram.kind, "hbm3");
  EXPECT_EQ(d.flavor, tech::Flavor::high_performance);
  // Weight SRAM across the mesh: most of Llama 3.1 8B's 16 GB of FP16 weights.
  std::int64_t wmem = 0;
  for (int r = 0; r < d.rows; ++r) {
    for (int c = 0; c < d.cols; ++c) wmem += d.tile_classes[d.class_of(r, c)].wmem_bytes;
  }
  EXPECT_GT(wmem, std::int64_t{12} * 1000 * 1000 * 1000);
  EXPECT_LT(wmem, std::int64_t{8030261248} * 2);
}

TEST(ShippedDesigns, SmolVlm10MhzHoldsItsWeightsInRom) {
  const Design d = load_shipped("smolvlm-10mhz.yaml");
  EXPECT_EQ(d.tiles(), 12);
  EXPECT_EQ(d.clock_hz, 10e6);
  EXPECT_EQ(d.flavor, tech::Flavor::low_leakage);
  EXPECT_TRUE(d.power_gate_idle_tiles);
  EXPECT_EQ(d.dram.kind, "none");
  std::int64_t rom = 0;
  for (int r = 0; r < d.rows; ++r) {
    for (int c = 0; c < d.cols; ++c) {
      const TileClass& t = d.tile_classes[d.class_of(r, c)];
      EXPECT_EQ(t.weight_storage, WeightStorage::rom);
      rom += t.wmem_bytes;
    }
  }
  EXPECT_GE(rom, std::int64_t{256484928} * 2);  // the FP16 weights fit
}

TEST(ShippedDesigns, ValidOnTheirNodes) {
  if (!have_node("3nm")) GTEST_SKIP() << "data/nodes/3nm.yaml not present yet";
  const tech::Node n3 = tech::load_node("3nm", kData);
  EXPECT_THAT(validate(load_shipped("llama-3.1-8b-41x42.yaml"), n3), ::testing::IsEmpty());
  const Design smol = load_shipped("smolvlm-10mhz.yaml");
  const Design small = load_shipped("small-4x4.yaml");
  for (const std::string& name : tech::known_node_names()) {
    SCOPED_TRACE(name);
    if (!have_node(name)) {
      ADD_FAILURE() << "data/nodes/" << name << ".yaml missing";
      continue;
    }
    const tech::Node node = tech::load_node(name, kData);
    EXPECT_THAT(validate(smol, node), ::testing::IsEmpty());
    EXPECT_THAT(validate(small, node), ::testing::IsEmpty());
  }
}

// The annotated example in docs/design-format.md is a loadable, valid design.
TEST(ShippedDesigns, DocumentedExampleLoads) {
  const std::filesystem::path doc =
      std::filesystem::path(MESHFORGE_TESTS_DIR) / ".." / "docs" / "design-format.md";
  std::ifstream in(doc);
  ASSERT_TRUE(in) << doc;
  std::stringstream text;
  text << in.rdbuf();
  const std::string md = text.str();
  const std::string fence = "```yaml\n";
  const auto begin = md.find(fence);
  ASSERT_NE(begin, std::string::npos);
  const auto end = md.find("```", begin + fence.size());
  ASSERT_NE(end, std::string::npos);
  const Design d = parse_design_yaml(md.substr(begin + fence.size(), end - begin - fence.size()),
                                     doc.string());
  EXPECT_EQ(d.name, "example-6x8");
  EXPECT_EQ(d.tile_classes.size(), 3u);
  EXPECT_EQ(d.class_of(1, 7), 2);
  EXPECT_EQ(d.tile_classes[0].wmem_bytes, 8 << 20);
  EXPECT_EQ(d.clock_hz, 1.5e9);
}

}  // namespace
}  // namespace meshforge::arch
