// The shared number formatters: SI prefixes both ways, decimal bytes, rounding at the edges.
#include <gtest/gtest.h>

#include <limits>

#include "common/format.h"

namespace {

using meshforge::bytes;
using meshforge::si;

TEST(Format, SiKeepsThreeDigitsOfSmallPowers) {
  EXPECT_EQ(si(0.00786624, "W"), "7.87 mW");  // was "0.01 W"
  EXPECT_EQ(si(0.0031, "W"), "3.10 mW");
  EXPECT_EQ(si(21.7e-6, "W"), "21.7 uW");
  EXPECT_EQ(si(345e-6, "J"), "345 uJ");
  EXPECT_EQ(si(3.2e-12, "J"), "3.20 pJ");
  EXPECT_EQ(si(75, "W"), "75.0 W");
  EXPECT_EQ(si(0, "W"), "0 W");
  EXPECT_EQ(si(-0.002, "W"), "-2.00 mW");
}

TEST(Format, SiWithoutAUnitUsesNoPrefixBelowOne) {
  EXPECT_EQ(si(1.07e6), "1.07 M");
  EXPECT_EQ(si(2081), "2.08 k");
  EXPECT_EQ(si(14.1e9), "14.1 G");
  EXPECT_EQ(si(42.16), "42.2");
  EXPECT_EQ(si(0.25), "0.250");
  EXPECT_EQ(si(0.00312), "0.00312");
  EXPECT_EQ(si(0), "0");
}

TEST(Format, RoundingMovesToTheNextPrefix) {
  EXPECT_EQ(si(999.7), "1.00 k");
  EXPECT_EQ(si(999.4), "999");
  EXPECT_EQ(si(9.996, "W"), "10.0 W");
  EXPECT_EQ(si(99.96, "W"), "100 W");
  EXPECT_EQ(si(0.9996, "W"), "1.00 W");
  EXPECT_EQ(si(0.0009996, "W"), "1.00 mW");
  EXPECT_EQ(si(std::numeric_limits<double>::infinity(), "W"), "inf W");
}

TEST(Format, BytesAreDecimal) {
  EXPECT_EQ(bytes(2.0 * 8'030'261'248), "16.1 GB");
  EXPECT_EQ(bytes(131072), "131 kB");
  EXPECT_EQ(bytes(64.2e6), "64.2 MB");
  EXPECT_EQ(bytes(512), "512 B");
  EXPECT_EQ(bytes(0.5), "0.500 B");  // a fraction of a byte per token has no milli-byte
  EXPECT_EQ(bytes(0), "0 B");
  EXPECT_EQ(bytes(1e12), "1.00 TB");
}

}  // namespace
