// meshforge rtl as a user runs it: what it writes, and the one-line errors before anything is written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "run_binary.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Result = meshforge::testing::CommandResult;

fs::path scratch() { return meshforge::testing::scratch_dir("rtl_cli_test"); }
Result run(const std::string& args) { return meshforge::testing::run_meshforge(args, scratch()); }
int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(RtlCli, WritesTheVerilogAndCollateralOfAShippedDesign) {
  const auto out = scratch() / "small";
  const Result r = run("rtl --design small-4x4 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("top module   small_4x4_top"));
  for (const char* f : {"rtl/small_4x4_top.v", "rtl/mf_tile.v", "filelist.f", "constraints.sdc", "macros.csv",
                        "floorplan.json", "floorplan.svg", "programs/c0_tcc.hex"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
}

TEST(RtlCli, ADesignTheGeneratorCannotExpressIsOneLineNamingTheFieldAndWritesNothing) {
  const auto out = scratch() / "wse2";
  const Result r = run("rtl --design " + std::string(MESHFORGE_TEST_DATA_DIR) + "/designs/chips/cerebras-wse2.yaml --out " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cerebras-wse2.yaml: mesh.rows"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(RtlCli, AnUnknownNodeIsOneLine) {
  const Result r = run("rtl --design small-4x4 --node 9nm --out " + (scratch() / "bad-node").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("9nm"));
}

TEST(RtlCli, ExploreWritesTheBestDesignsRtlWhenAsked) {
  const auto out = scratch() / "explore";
  const Result r = run("explore --model smolvlm-256m-instruct --precision int8 --node 28nm --mode low-power --budget 40 --out " +
                       out.string() + " --rtl");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rtl          "));
  EXPECT_TRUE(fs::exists(out / "rtl/filelist.f"));
  EXPECT_TRUE(fs::exists(out / "rtl/constraints.sdc"));
}

}  // namespace
