// YAML reading and writing of arch::Design: round trip, sizes with units, strict keys and types,
// class map shape, malformed YAML, error locations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "arch/design.h"
#include "common/input_error.h"

namespace meshforge::arch {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Parses `text` expecting an InputError; returns it for inspection.
InputError parse_error(const std::string& text, const std::string& source = "test.yaml") {
  try {
    parse_design_yaml(text, source);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return InputError("", "", "");
}

const char* const kMinimal = R"(name: tiny
mesh: {rows: 2, cols: 3}
tile_classes:
  - name: a
    vlen_bits: 256
)";

Design heterogeneous() {
  Design d;
  d.name = "het: \"odd\" # name\twith\\escapes";
  d.rows = 3;
  d.cols = 5;
  TileClass a;
  a.name = "compute";
  a.fetch_width = 1;
  a.vlen_bits = 2048;
  a.mac_rows = 16;
  a.imem_bytes = 1000;                  // not a binary multiple: written as a plain integer
  a.wmem_bytes = 1536 * 1024;           // 1.5 MiB
  a.amem_bytes = std::int64_t{1} << 30;  // 1 GiB
  TileClass b;
  b.name = "null";                      // a YAML keyword as a name must survive
  b.fetch_width = 8;
  b.wmem_bytes = 0;
  b.weight_storage = WeightStorage::rom;
  b.mac_array = MacArray::systolic;     // written only when not the default
  TileClass c;
  c.name = "";
  c.vlen_bits = 65536;
  c.harvested = true;                   // written only when set
  d.tile_classes = {a, b, c};
  d.class_map = {0, 1, 2, 0, 1,  //
                 2, 2, 2, 2, 2,  //
                 1, 0, 0, 0, 1};
  d.noc = {512, 4, 16, Routing::west_first};
  d.dram = {"hbm3", 3};
  d.clock_hz = 1234567891.0;
  d.supply_v = 0.7125;
  d.flavor = tech::Flavor::low_leakage;
  d.power_gate_idle_tiles = true;
  d.mapping = {5, 3, KvPlacement::dram, PlacementOrder::column_major};
  return d;
}

TEST(DesignYaml, DefaultDesignRoundTrips) {
  const Design d;
  const Design back = parse_design_yaml(to_yaml(d), "default.yaml");
  EXPECT_EQ(back, d) << to_yaml(d);
}

TEST(DesignYaml, HeterogeneousDesignRoundTrips) {
  const Design d = heterogeneous();
  const std::string text = to_yaml(d);
  const Design back = parse_design_yaml(text, "het.yaml");
  EXPECT_EQ(back, d) << text;
  EXPECT_EQ(back.class_of(1, 4), 2);
  EXPECT_EQ(back.class_of(2, 0), 1);
  EXPECT_THAT(text, HasSubstr("wmem_bytes: 1536KiB"));
  EXPECT_THAT(text, HasSubstr("imem_bytes: 1000\n"));
  EXPECT_THAT(text, HasSubstr("harvested: true\n"));
  EXPECT_THAT(text, HasSubstr("clock_mhz: 1234.567891\n"));
  EXPECT_EQ(to_yaml(back), text);
}

TEST(DesignYaml, ClockAndSupplyRoundTripExactly) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> hz(1e3, 5e9), volts(0.3, 1.2);
  // Down to the 1 kHz the format allows (a watch crystal's 32.768 kHz, 1,234.5 Hz).
  std::vector<double> clocks = {1e9, 1.5e9, 1e7, 7.3e6, 33.333333e6, 1.0 / 3.0 * 1e9, 32768.0, 1234.5};
  for (int i = 0; i < 500; ++i) clocks.push_back(hz(rng));
  for (double f : clocks) {
    Design d;
    d.clock_hz = f;
    d.supply_v = volts(rng);
    const std::string text = to_yaml(d);
    const Design back = parse_design_yaml(text, "clock.yaml");
    ASSERT_EQ(back.clock_hz, f) << text;
    ASSERT_EQ(back.supply_v, d.supply_v) << text;
  }
}

TEST(DesignYaml, SaveAndLoadFile) {
  const auto path = std::filesystem::temp_directory_path() / "meshforge_arch_roundtrip.yaml";
  const Design d = heterogeneous();
  save_design(d, path);
  EXPECT_EQ(load_design(path), d);
  std::filesystem::remove(path);
}

TEST(DesignYaml, MissingFileNamesThePath) {
  try {
    load_design("/nonexistent/dir/design.yaml");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/dir/design.yaml");
  }
}

TEST(DesignYaml, MissingKeysTakeDefaults) {
  const Design d = parse_design_yaml(kMinimal, "tiny.yaml");
  Design expected;
  expected.name = "tiny";
  expected.rows = 2;
  expected.cols = 3;
  expected.tile_classes = {TileClass{}};
  expected.tile_classes[0].name = "a";
  expected.tile_classes[0].vlen_bits = 256;
  EXPECT_EQ(d, expected);
  EXPECT_TRUE(d.class_map.empty());

  const Design only_name = parse_design_yaml("name: x\n", "x.yaml");
  Design named;
  named.name = "x";
  EXPECT_EQ(only_name, named);
}

TEST(DesignYaml, ParsesByteSizesWithUnits) {
  EXPECT_EQ(parse_byte_size("512B"), 512);
  EXPECT_EQ(parse_byte_size("64KiB"), 65536);
  EXPECT_EQ(parse_byte_size("1.5MiB"), 1572864);
  EXPECT_EQ(parse_byte_size("2MB"), 2000000);
  EXPECT_EQ(parse_byte_size("1GiB"), std::int64_t{1} << 30);
  EXPECT_EQ(parse_byte_size("3KB"), 3000);
  EXPECT_EQ(parse_byte_size("0.5KiB"), 512);
  EXPECT_EQ(parse_byte_size("4 kib"), 4096);
  EXPECT_EQ(parse_byte_size(" 65536 "), 65536);
  EXPECT_EQ(parse_byte_size("0"), 0);
  EXPECT_EQ(parse_byte_size("2TiB"), std::int64_t{2} << 40);
  for (const char* bad : {"", "KiB", "1.3B", "-5", "-5KiB", "abc", "5 XB", "1e6", "64 KiBs",
                          "99999999999999999999", "1..5MiB", "9000000000TiB"}) {
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_byte_size(65536), "64KiB");
  EXPECT_EQ(format_byte_size(1572864), "1536KiB");
  EXPECT_EQ(format_byte_size(8 << 20), "8MiB");
  EXPECT_EQ(format_byte_size(std::int64_t{1} << 30), "1GiB");
  EXPECT_EQ(format_byte_size(1000), "1000");
  EXPECT_EQ(format_byte_size(0), "0");
  for (std::int64_t v : {std::int64_t{1}, std::int64_t{1023}, std::int64_t{4096},
                         std::int64_t{3} << 40, std::int64_t{123456789}}) {
    EXPECT_EQ(parse_byte_size(format_byte_size(v)), v) << v;
  }
}

TEST(DesignYaml, MemorySizesInTheFile) {
  const Design d = parse_design_yaml(R"(tile_classes:
  - imem_bytes: 32KiB
    wmem_bytes: "1.5MiB"
    amem_bytes: 2MB
  - imem_bytes: 512B
    wmem_bytes: 0
    amem_bytes: 65536
)",
                                     "sizes.yaml");
  ASSERT_EQ(d.tile_classes.size(), 2u);
  EXPECT_EQ(d.tile_classes[0].imem_bytes, 32768);
  EXPECT_EQ(d.tile_classes[0].wmem_bytes, 1572864);
  EXPECT_EQ(d.tile_classes[0].amem_bytes, 2000000);
  EXPECT_EQ(d.tile_classes[1].imem_bytes, 512);
  EXPECT_EQ(d.tile_classes[1].wmem_bytes, 0);
  EXPECT_EQ(d.tile_classes[1].amem_bytes, 65536);

  const InputError e = parse_error("tile_classes:\n  - wmem_bytes: 1.3B\n");
  EXPECT_EQ(e.field(), "tile_classes[0].wmem_bytes");
  EXPECT_THAT(e.reason(), HasSubstr("whole number of bytes"));
  EXPECT_THAT(e.reason(), HasSubstr("(line 2)"));
  EXPECT_EQ(parse_error("tile_classes:\n  - amem_bytes: 4 furlongs\n").field(),
            "tile_classes[0].amem_bytes");
}

TEST(DesignYaml, ClockIsWrittenInMegahertz) {
  const Design d = parse_design_yaml("clock_mhz: 1500\nsupply_v: 0.7\n", "c.yaml");
  EXPECT_EQ(d.clock_hz, 1.5e9);
  EXPECT_EQ(d.supply_v, 0.7);
  EXPECT_EQ(parse_design_yaml("clock_mhz: 10\n", "c.yaml").clock_hz, 1e7);
  EXPECT_EQ(parse_design_yaml("clock_mhz: 2.5e3\n", "c.yaml").clock_hz, 2.5e9);
  EXPECT_EQ(parse_design_yaml("clock_mhz: 0.032768\n", "c.yaml").clock_hz, 32768.0);
}

TEST(DesignYaml, UnknownKeyIsRejectedWithItsName) {
  InputError e = parse_error("name: x\nclock_mhzz: 1000\n", "typo.yaml");
  EXPECT_EQ(e.file(), "typo.yaml");
  EXPECT_EQ(e.field(), "clock_mhzz");
  EXPECT_THAT(e.reason(), HasSubstr("unknown key \"clock_mhzz\""));
  EXPECT_THAT(e.reason(), HasSubstr("did you mean clock_mhz?"));
  EXPECT_THAT(e.reason(), HasSubstr("(line 2)"));
  EXPECT_THAT(std::string(e.what()), StartsWith("typo.yaml: clock_mhzz: "));

  e = parse_error("tile_classes:\n  - name: a\n  - name: b\n    vlen: 512\n");
  EXPECT_EQ(e.field(), "tile_classes[1].vlen");
  EXPECT_THAT(e.reason(), HasSubstr("did you mean vlen_bits?"));
  EXPECT_THAT(e.reason(), HasSubstr("(line 4)"));

  e = parse_error("noc: {link_bits: 128, vcs: 2}\n");
  EXPECT_EQ(e.field(), "noc.vcs");
  EXPECT_THAT(e.reason(), HasSubstr("virtual_channels"));

  EXPECT_EQ(parse_error("mapping:\n  kv: amem\n").field(), "mapping.kv");
  EXPECT_EQ(parse_error("dram: {kind: hbm3, channels: 2, speed: 9}\n").field(), "dram.speed");
  EXPECT_EQ(parse_error("mesh: {rows: 2, cols: 2, layers: 3}\n").field(), "mesh.layers");
}

TEST(DesignYaml, DuplicateKeyIsRejected) {
  const InputError e = parse_error("name: a\nclock_mhz: 100\nclock_mhz: 200\n");
  EXPECT_EQ(e.field(), "clock_mhz");
  EXPECT_THAT(e.reason(), HasSubstr("duplicate"));
  EXPECT_THAT(e.reason(), HasSubstr("(line 3)"));
}

TEST(DesignYaml, WrongTypesAreRejected) {
  struct Case {
    const char* text;
    const char* field;
    const char* expected;
  };
  const Case cases[] = {
      {"mesh: {rows: four, cols: 4}\n", "mesh.rows", "expected an integer"},
      {"mesh: {rows: \"4\", cols: 4}\n", "mesh.rows", "expected an integer"},
      {"mesh: {rows: 4.5, cols: 4}\n", "mesh.rows", "expected an integer"},
      {"mesh: {rows: 99999999999, cols: 4}\n", "mesh.rows", "out of range"},
      {"mesh: 4\n", "mesh", "expected a map"},
      {"mesh: [4, 4]\n", "mesh", "expected a map"},
      {"mesh:\n", "mesh", "expected a map"},
      {"tile_classes: {name: a}\n", "tile_classes", "expected a list"},
      {"tile_classes:\n  - 5\n", "tile_classes[0]", "expected a map"},
      {"tile_classes:\n  - vlen_bits: [512]\n", "tile_classes[0].vlen_bits", "expected an integer"},
      {"tile_classes:\n  - weight_storage: flash\n", "tile_classes[0].weight_storage",
       "expected one of sram, rom"},
      {"tile_classes:\n  - mac_array: wavefront\n", "tile_classes[0].mac_array",
       "expected one of adder_tree, systolic"},
      {"noc: {routing: diagonal}\n", "noc.routing", "expected one of xy, yx, west_first"},
      {"clock_mhz: fast\n", "clock_mhz", "expected a clock in MHz"},
      {"clock_mhz: \"1000\"\n", "clock_mhz", "expected a clock in MHz"},
      {"clock_mhz: .inf\n", "clock_mhz", "expected a clock in MHz"},
      {"supply_v: [0.7]\n", "supply_v", "expected a supply in volts"},
      {"flavor: turbo\n", "flavor", "expected one of hp, ll"},
      {"power_gate_idle_tiles: 3\n", "power_gate_idle_tiles", "expected true or false"},
      {"power_gate_idle_tiles: \"true\"\n", "power_gate_idle_tiles", "expected true or false"},
      {"mapping: {kv_placement: sram}\n", "mapping.kv_placement",
       "expected one of auto, amem, dram"},
      {"mapping: {placement_order: spiral}\n", "mapping.placement_order",
       "expected one of snake, row_major, column_major"},
      {"dram: {kind: [hbm3]}\n", "dram.kind", "expected a string"},
      {"name: {first: a}\n", "name", "expected a string"},
      {"class_map: \"0000\"\n", "class_map", "expected a list"},
      {"- just\n- a list\n", "", "expected a map"},
  };
  for (const Case& c : cases) {
    const InputError e = parse_error(c.text);
    EXPECT_EQ(e.field(), c.field) << c.text;
    EXPECT_THAT(e.reason(), HasSubstr(c.expected)) << c.text;
  }
}

TEST(DesignYaml, AcceptsEquivalentSpellings) {
  const Design d = parse_design_yaml(R"(power_gate_idle_tiles: yes
flavor: "ll"
mapping: {kv_placement: auto, placement_order: row_major}
noc: {routing: yx}
tile_classes:
  - weight_storage: rom
)",
                                     "s.yaml");
  EXPECT_TRUE(d.power_gate_idle_tiles);
  EXPECT_EQ(d.flavor, tech::Flavor::low_leakage);
  EXPECT_EQ(d.mapping.kv_placement, KvPlacement::automatic);
  EXPECT_EQ(d.mapping.placement_order, PlacementOrder::row_major);
  EXPECT_EQ(d.noc.routing, Routing::yx);
  EXPECT_EQ(d.tile_classes.at(0).weight_storage, WeightStorage::rom);
}

TEST(DesignYaml, EnumSpellingsRoundTrip) {
  for (auto v : {WeightStorage::sram, WeightStorage::rom}) {
    EXPECT_EQ(parse_weight_storage(to_string(v)), v);
  }
  for (auto v : {MacArray::adder_tree, MacArray::systolic}) {
    EXPECT_EQ(parse_mac_array(to_string(v)), v);
  }
  for (auto v : {Routing::xy, Routing::yx, Routing::west_first}) {
    EXPECT_EQ(parse_routing(to_string(v)), v);
  }
  for (auto v : {KvPlacement::automatic, KvPlacement::amem, KvPlacement::dram}) {
    EXPECT_EQ(parse_kv_placement(to_string(v)), v);
  }
  for (auto v : {PlacementOrder::snake, PlacementOrder::row_major, PlacementOrder::column_major}) {
    EXPECT_EQ(parse_placement_order(to_string(v)), v);
  }
  for (auto v : {tech::Flavor::high_performance, tech::Flavor::low_leakage}) {
    EXPECT_EQ(parse_flavor(flavor_name(v)), v);
  }
  EXPECT_EQ(to_string(KvPlacement::automatic), "auto");
  EXPECT_EQ(flavor_name(tech::Flavor::high_performance), "hp");
  EXPECT_FALSE(parse_routing("XY").has_value());
}

TEST(DesignYaml, ClassMapIsReadRowByRow) {
  const Design d = parse_design_yaml(R"(mesh: {rows: 2, cols: 3}
tile_classes: [{name: a}, {name: b}, {name: c}]
class_map:
  - "012"
  - 210
)",
                                     "map.yaml");
  ASSERT_EQ(d.class_map.size(), 6u);
  EXPECT_EQ(d.class_of(0, 0), 0);
  EXPECT_EQ(d.class_of(0, 2), 2);
  EXPECT_EQ(d.class_of(1, 0), 2);
  EXPECT_EQ(d.class_of(1, 2), 0);
  EXPECT_TRUE(parse_design_yaml("class_map: []\n", "m.yaml").class_map.empty());
}

TEST(DesignYaml, BadClassMapShapeIsRejected) {
  const std::string head = "mesh: {rows: 3, cols: 4}\ntile_classes: [{name: a}, {name: b}]\n";
  InputError e = parse_error(head + "class_map: [\"0000\", \"1111\"]\n");
  EXPECT_EQ(e.field(), "class_map");
  EXPECT_THAT(e.reason(), HasSubstr("expected 3 row strings"));
  EXPECT_THAT(e.reason(), HasSubstr("got 2"));

  e = parse_error(head + "class_map:\n  - \"0000\"\n  - \"11110\"\n  - \"0101\"\n");
  EXPECT_EQ(e.field(), "class_map[1]");
  EXPECT_THAT(e.reason(), HasSubstr("expected 4 characters"));
  EXPECT_THAT(e.reason(), HasSubstr("(line 5)"));

  e = parse_error(head + "class_map:\n  - \"0000\"\n  - \"1111\"\n  - \"0120\"\n");
  EXPECT_EQ(e.field(), "class_map[2][2]");
  EXPECT_THAT(e.reason(), HasSubstr("expected a tile class index 0 .. 1, got '2'"));

  e = parse_error(head + "class_map:\n  - \"0000\"\n  - \"1x11\"\n  - \"0100\"\n");
  EXPECT_EQ(e.field(), "class_map[1][1]");

  e = parse_error(head + "class_map:\n  - \"0000\"\n  - [1, 1, 1, 1]\n  - \"0100\"\n");
  EXPECT_EQ(e.field(), "class_map[1]");
}

TEST(DesignYaml, MalformedYamlNamesTheLine) {
  InputError e = parse_error("name: x\nmesh:\n  rows: 4\n cols: 4\n", "bad.yaml");
  EXPECT_EQ(e.file(), "bad.yaml");
  EXPECT_THAT(e.reason(), HasSubstr("malformed YAML at line 4"));

  e = parse_error("name: x\nnoc: {link_bits: 128\nclock_mhz: 5\n");
  EXPECT_THAT(e.reason(), HasSubstr("malformed YAML at line 3"));

  e = parse_error("name: x\nclock_mhz: 100\n\tsupply_v: 0.5\n");
  EXPECT_THAT(e.reason(), HasSubstr("line 3"));

  e = parse_error("");
  EXPECT_THAT(e.reason(), HasSubstr("empty"));
  e = parse_error("name: a\n---\nname: b\n");
  EXPECT_THAT(e.reason(), HasSubstr("one YAML document"));
  // Issue 10 item 3: yaml-cpp's LoadAll never returned on these (memory without bound); each is
  // now an error at once.
  for (const char* text : {",", ",,", ", ,\n", "- ,\n,"}) {
    e = parse_error(text);
    EXPECT_FALSE(e.reason().empty()) << text;
  }
}

TEST(DesignYaml, OutOfRangeValuesAreRejectedAtLoadWithFieldAndLine) {
  InputError e = parse_error("tile_classes:\n  - name: a\n  - name: b\n    vlen_bits: 100\n");
  EXPECT_EQ(e.field(), "tile_classes[1].vlen_bits");
  EXPECT_THAT(e.reason(), HasSubstr("power of two in 64 .. 65536, got 100"));
  EXPECT_THAT(e.reason(), HasSubstr("(line 4)"));

  e = parse_error("mesh: {rows: 0, cols: 4}\nnoc: {link_bits: 100}\n");
  EXPECT_EQ(e.field(), "mesh.rows");
  EXPECT_THAT(e.reason(), HasSubstr("[and 1 more: noc.link_bits]"));

  // A problem caused by a default (channels absent) points at the enclosing key.
  e = parse_error("name: x\ndram:\n  kind: hbm3\n");
  EXPECT_EQ(e.field(), "dram.channels");
  EXPECT_THAT(e.reason(), HasSubstr("(line 2)"));

  e = parse_error("clock_mhz: 0\n");
  EXPECT_EQ(e.field(), "clock_mhz");
  e = parse_error("tile_classes: []\n");
  EXPECT_EQ(e.field(), "tile_classes");
}

}  // namespace
}  // namespace meshforge::arch
