// The RTL generator (src/rtl): what it refuses, what it writes, and that the files agree with the
// design and the area model. Simulation and lint of the Verilog are CTest tests of their own
// (tests/rtl/*.cmake).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "arch/design.h"
#include "ppa/evaluate.h"
#include "ppa/microarch.h"
#include "rtl/collateral.h"
#include "rtl/rtl.h"
#include "tech/node.h"

namespace {

namespace fs = std::filesystem;
using namespace meshforge;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kData = MESHFORGE_TEST_DATA_DIR;

std::map<std::string, std::string> generate(const arch::Design& d, const std::string& node_name = "7nm") {
  const auto node = tech::load_node(node_name, kData);
  const auto micro = ppa::load_microarch(kData);
  const rtl::Inputs in{d, node, ppa::tile_areas(d, node, micro), {"test.yaml", "test"}};
  std::map<std::string, std::string> files;
  for (auto& f : rtl::generate(in)) files[f.path] = f.text;
  return files;
}

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CheckExpressible, ShippedSmallDesignIsExpressible) {
  EXPECT_TRUE(rtl::check_expressible(arch::load_design(kData / "designs/small-4x4.yaml")).empty());
}

TEST(CheckExpressible, NamesTheFieldOfWhatTheGeneratorCannotBuild) {
  arch::Design d = arch::load_design(kData / "designs/small-4x4.yaml");
  d.rows = 300;
  d.class_map.clear();
  d.dram = {"lpddr5", 400};
  d.tile_classes[1].amem_bytes = 64;
  d.tile_classes[0].mac_rows = 4;
  d.tile_classes[0].mac_array = arch::MacArray::systolic;
  const auto problems = rtl::check_expressible(d);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_THAT(problems[0], HasSubstr("mesh.rows: 300"));
  EXPECT_THAT(problems[1], HasSubstr("dram.channels: 400"));
  EXPECT_THAT(problems[2], HasSubstr("tile_classes[0].mac_array: systolic"));
  EXPECT_THAT(problems[3], HasSubstr("tile_classes[1].amem_bytes"));
}

TEST(Generate, WritesTheLibraryTheTopAndTheCollateral) {
  const auto files = generate(arch::load_design(kData / "designs/small-4x4.yaml"));
  for (const char* f : {"rtl/mf_tile.v", "rtl/mf_sram.v", "rtl/mf_rom.v", "rtl/mf_dram_port.v", "rtl/small_4x4_top.v",
                        "filelist.f", "constraints.sdc", "macros.csv", "floorplan.json", "floorplan.svg",
                        "programs/c0_tcc.hex", "programs/c1_ctrl.hex", "programs/c0_tcc.lst"})
    EXPECT_EQ(files.count(f), 1u) << f;
  // Every library module is in the file list, the top last.
  const auto& list = files.at("filelist.f");
  for (const auto& [path, text] : files) {
    if (path.rfind("rtl/", 0) == 0) {
      EXPECT_THAT(list, HasSubstr(path + "\n"));
    }
  }
  EXPECT_EQ(list.substr(list.size() - std::string("rtl/small_4x4_top.v\n").size()), "rtl/small_4x4_top.v\n");
}

TEST(Generate, TopCarriesTheParametersThatProducedIt) {
  const auto files = generate(arch::load_design(kData / "designs/small-4x4.yaml"));
  const auto& top = files.at("rtl/small_4x4_top.v");
  EXPECT_THAT(top, HasSubstr("from design \"small-4x4\" (test.yaml) for node 7nm"));
  EXPECT_THAT(top, HasSubstr("meshforge test"));
  EXPECT_THAT(top, HasSubstr("module small_4x4_top ("));
  EXPECT_THAT(top, HasSubstr("localparam LINK_BITS = 128;"));
  EXPECT_THAT(top, HasSubstr("localparam VCS = 2;"));
  EXPECT_THAT(top, HasSubstr("localparam DEPTH = 4;"));
  // Tile (0, 0) is class 1 (the control tile), every other tile class 0: the lowest nibble is 1.
  EXPECT_THAT(top, HasSubstr("CLASS_MAP = 64'h0000000000000001;"));
  // One instantiation per class, with the class's own parameters.
  EXPECT_THAT(top, HasSubstr("mf_tile #(.VLEN(512), .ROWS(1), .FORMATS(6'b010010), .INT_STAGES(1), .FP_STAGES(3), .FETCH_WIDTH(2)"));
  EXPECT_THAT(top, HasSubstr("mf_tile #(.VLEN(256), .ROWS(1), .FORMATS(6'b010010), .INT_STAGES(1), .FP_STAGES(3), .FETCH_WIDTH(4)"));
  // At 800 MHz the model prices int8 lanes of one stage and fp16 lanes of three; both are generated so.
  EXPECT_THAT(top, HasSubstr("MAC lane stages model fp16 3, int8 1; generated integer 1, floating point 3"));
  EXPECT_THAT(top, HasSubstr(".IMEM_WORDS(4096), .WMEM_WORDS(16384), .AMEM_WORDS(4096)"));
  // One LPDDR5 channel: a DRAM port on the east edge, beyond column 3, halfway down.
  EXPECT_THAT(top, HasSubstr("DRAM channel 0: network coordinates (4, 2)"));
  EXPECT_THAT(top, HasSubstr("DRAM_EAST = 4'b0100;"));
}

TEST(Generate, LintPlanShellsEveryModuleTheTopInstantiatesAndLintsEachClass) {
  const auto files = generate(arch::load_design(kData / "designs/small-4x4.yaml"));
  const auto& shells = files.at("lint/shells.v");
  // Shells: the real parameter and port lists, no bodies, no waiver switched back on.
  for (const char* m : {"module mf_router #(", "module mf_tile #(", "module mf_dram_port #("})
    EXPECT_THAT(shells, HasSubstr(m));
  EXPECT_THAT(shells, HasSubstr("output wire [VCS-1:0] in_credit,"));
  EXPECT_THAT(shells, Not(HasSubstr("lint_on")));
  EXPECT_THAT(shells, Not(HasSubstr("mf_vector_unit")));  // a shell instantiates nothing
  EXPECT_EQ(files.at("lint/top.f"), "// lint.sh step 1: the mesh top against the shells\nlint/shells.v\nrtl/small_4x4_top.v\n");
  const auto& sh = files.at("lint.sh");
  EXPECT_THAT(sh, HasSubstr("lint -f lint/top.f --top-module small_4x4_top\n"));
  EXPECT_THAT(sh, HasSubstr("--top-module mf_router -GLINK_BITS=128 -GVCS=2 -GDEPTH=4 -GROUTING=0\n"));
  // One unit lint per tile class with the parameters the top passes it, and the DRAM port.
  EXPECT_THAT(sh, HasSubstr("--top-module mf_tile -GVLEN=512 -GROWS=1 -GFORMATS=\"6'b010010\" -GINT_STAGES=1 -GFP_STAGES=3 -GFETCH_WIDTH=2 "
                            "-GIMEM_WORDS=4096 -GWMEM_WORDS=16384 -GAMEM_WORDS=4096"));
  EXPECT_THAT(sh, HasSubstr("-GIMEM_INIT='\"programs/c1_ctrl.hex\"'"));
  EXPECT_THAT(sh, HasSubstr("--top-module mf_dram_port -GLINK_BITS=128"));
}

TEST(Generate, IntegerLanesArePipelinedWhereTheAreaModelPricesTwoStages) {
  // The same design clocked at its node's limit: the model cuts the int8 lane in two (its
  // synthesised one-stage path is ~1.5 cycles of fmax), so the generated tile registers the
  // product sums; a low clock keeps one stage. The model and the RTL agree either way.
  const auto node = tech::load_node("7nm", kData);
  const auto micro = ppa::load_microarch(kData);
  for (const double clock_hz : {2.0e9, 2.0e8}) {
    arch::Design d = arch::load_design(kData / "designs/small-4x4.yaml");
    d.clock_hz = clock_hz;
    const auto areas = ppa::tile_areas(d, node, micro);
    const int int8 = areas[0].mac_lane_stages[static_cast<std::size_t>(tech::MacFormat::int8)];
    EXPECT_EQ(areas[0].mac_lane_stages[static_cast<std::size_t>(tech::MacFormat::int4)], 0);  // not declared
    const auto files = generate(d);
    const auto& top = files.at("rtl/small_4x4_top.v");
    if (clock_hz > 1e9) {
      EXPECT_EQ(int8, 2);
      EXPECT_THAT(top, HasSubstr(".FORMATS(6'b010010), .INT_STAGES(2),"));
      EXPECT_THAT(files.at("lint.sh"), HasSubstr("-GINT_STAGES=2"));
    } else {
      EXPECT_EQ(int8, 1);
      EXPECT_THAT(top, HasSubstr(".FORMATS(6'b010010), .INT_STAGES(1),"));
    }
  }
}

TEST(Generate, FloatingPointLanesArePipelinedAsTheAreaModelPricesThem) {
  // FP_STAGES is the model's fp16 lane stages at the design's clock, at most a cut after every FMA
  // phase (4 per MAC row): at 2 GHz the model asks for 5, which one row clamps to 4 and two rows
  // build; at 200 MHz one stage, today's combinational chain.
  const auto node = tech::load_node("7nm", kData);
  const auto micro = ppa::load_microarch(kData);
  for (const double clock_hz : {2.0e9, 2.0e8}) {
    for (const int rows : {1, 2}) {
      arch::Design d = arch::load_design(kData / "designs/small-4x4.yaml");
      d.clock_hz = clock_hz;
      d.tile_classes[0].mac_rows = rows;
      const auto areas = ppa::tile_areas(d, node, micro);
      const int fp16 = areas[0].mac_lane_stages[static_cast<std::size_t>(tech::MacFormat::fp16)];
      const auto files = generate(d);
      const auto& top = files.at("rtl/small_4x4_top.v");
      const int built = clock_hz > 1e9 ? std::min(fp16, 4 * rows) : 1;
      if (clock_hz > 1e9) {
        EXPECT_EQ(fp16, 5);
      } else {
        EXPECT_EQ(fp16, 1);
      }
      SCOPED_TRACE(testing::Message() << clock_hz << " Hz, " << rows << " rows");
      const std::string ints = clock_hz > 1e9 ? "2" : "1", fps = std::to_string(built), r = std::to_string(rows);
      EXPECT_THAT(top, HasSubstr(".ROWS(" + r + "), .FORMATS(6'b010010), .INT_STAGES(" + ints + "), .FP_STAGES(" + fps + "),"));
      EXPECT_THAT(top, HasSubstr("model fp16 " + std::to_string(fp16) + ", int8 " + ints + "; generated integer " + ints +
                                 ", floating point " + fps));
      EXPECT_THAT(files.at("lint.sh"),
                  HasSubstr("-GROWS=" + r + " -GFORMATS=\"6'b010010\" -GINT_STAGES=" + ints + " -GFP_STAGES=" + fps + " "));
    }
  }
}

TEST(Generate, MacroListCountsEveryMemoryOfEveryTile) {
  const auto csv = generate(arch::load_design(kData / "designs/small-4x4.yaml")).at("macros.csv");
  EXPECT_THAT(csv, HasSubstr("c0_tcc_wmem,sram,16384,512,15,1048576\n"));  // 1 MiB of 512-bit words, 15 tiles
  EXPECT_THAT(csv, HasSubstr("c1_ctrl_amem,sram,16384,256,1,524288\n"));
  EXPECT_THAT(csv, HasSubstr("c0_tcc_imem,sram,4096,32,15,16384\n"));
}

TEST(Generate, FloorplanTilesHaveTheAreaModelsArea) {
  const auto d = arch::load_design(kData / "designs/small-4x4.yaml");
  const auto node = tech::load_node("7nm", kData);
  const auto areas = ppa::tile_areas(d, node, ppa::load_microarch(kData));
  const auto j = nlohmann::json::parse(generate(d).at("floorplan.json"));
  ASSERT_EQ(j["tiles"].size(), 16u);
  for (const auto& t : j["tiles"]) {
    const double w = t["rect"][2], h = t["rect"][3];
    EXPECT_NEAR(w * h / 1e6, areas[t["class"].get<std::size_t>()].total_mm2(), 1e-9);
  }
  // The die is at least the sum of its tiles.
  double sum = 0;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) sum += areas[static_cast<std::size_t>(d.class_of(y, x))].total_mm2();
  EXPECT_GE(j["die"]["width"].get<double>() * j["die"]["height"].get<double>() / 1e6, sum - 1e-9);
}

TEST(Generate, ConstraintsClockIsTheDesignsClock) {
  const auto sdc = generate(arch::load_design(kData / "designs/small-4x4.yaml")).at("constraints.sdc");
  EXPECT_THAT(sdc, HasSubstr("create_clock -name clk -period 1.2500 [get_ports clk]"));  // 800 MHz
}

// B- and J-type immediates of an RV32I word (byte offsets).
std::int32_t branch_offset(std::uint32_t w) {
  const std::uint32_t imm = (w >> 31 & 1) << 12 | (w >> 7 & 1) << 11 | (w >> 25 & 0x3f) << 5 | (w >> 8 & 0xf) << 1;
  return static_cast<std::int32_t>(imm << 19) >> 19;
}
std::int32_t jal_offset(std::uint32_t w) {
  const std::uint32_t imm = (w >> 31 & 1) << 20 | (w >> 12 & 0xff) << 12 | (w >> 20 & 1) << 11 | (w >> 21 & 0x3ff) << 1;
  return static_cast<std::int32_t>(imm << 11) >> 11;
}

TEST(Program, EveryJumpLandsInsideTheProgramAndTheKernelLoopsOnRecv) {
  const auto d = arch::load_design(kData / "designs/small-4x4.yaml");
  const auto files = generate(d);
  for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
    const auto p = rtl::tile_program(d, c);
    ASSERT_GT(p.words.size(), 10u);
    EXPECT_EQ(p.words[0], 0x0000252bu);  // whoami a0
    const auto n = static_cast<std::int32_t>(p.words.size());
    for (std::int32_t i = 0; i < n; ++i) {
      const std::uint32_t w = p.words[static_cast<std::size_t>(i)];
      const std::uint32_t op = w & 0x7f;
      if (op != 0x63 && op != 0x6f) continue;
      const std::int32_t target = i * 4 + (op == 0x63 ? branch_offset(w) : jal_offset(w));
      EXPECT_GE(target, 0) << "word " << i;
      EXPECT_LT(target, n * 4) << "word " << i;
      EXPECT_EQ(target % 4, 0);
    }
    // The last instruction jumps back to recv (custom-1, funct3 1).
    const std::uint32_t last = p.words.back();
    ASSERT_EQ(last & 0x7f, 0x6fu);
    const std::uint32_t target = p.words[static_cast<std::size_t>(n - 1 + jal_offset(last) / 4)];
    EXPECT_EQ(target & 0x7f, 0x2bu);
    EXPECT_EQ(target >> 12 & 7, 1u);
    const auto& hex = files.at("programs/" + rtl::class_block_name(d, c) + ".hex");
    EXPECT_EQ(count_lines(hex), n);
  }
}

}  // namespace
