// Node library: the shipped files load, every number is positive and sourced, the numbers scale
// the right way across nodes, the V-f and interpolation helpers behave, and bad input is
// reported with the file and the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/input_error.h"
#include "tech/node.h"

namespace meshforge::tech {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kDataDir{MESHFORGE_TEST_DATA_DIR};
constexpr MacFormat kFormats[] = {MacFormat::fp32, MacFormat::fp16, MacFormat::bf16,
                                  MacFormat::fp8,  MacFormat::int8, MacFormat::int4};

// Loads every shipped node once, finest first (the order of known_node_names()).
const std::vector<Node>& all_nodes() {
  static const std::vector<Node> nodes = [] {
    std::vector<Node> out;
    for (const auto& n : known_node_names()) out.push_back(load_node(n, kDataDir));
    return out;
  }();
  return nodes;
}

const Node& node_named(const std::string& name) {
  for (const auto& n : all_nodes())
    if (n.name == name) return n;
  throw std::runtime_error("no node " + name);
}

// Every numeric field of a Node with the path the loader records its source under.
std::vector<std::pair<std::string, double>> numeric_fields(const Node& n) {
  std::vector<std::pair<std::string, double>> f{
      {"feature_nm", n.feature_nm},
      {"logic_density_mtr_per_mm2", n.logic_density_mtr_per_mm2},
      {"nand2_area_um2", n.nand2_area_um2},
      {"flop_area_um2", n.flop_area_um2},
      {"rom_density_factor", n.rom_density_factor},
      {"rom_read_energy_factor", n.rom_read_energy_factor},
      {"register_file_energy_pj_per_bit", n.register_file_energy_pj_per_bit},
      {"instruction_energy_pj", n.instruction_energy_pj},
      {"wire_energy_pj_per_bit_mm", n.wire_energy_pj_per_bit_mm},
      {"router_energy_pj_per_bit", n.router_energy_pj_per_bit},
      {"router_area_mm2_per_kbit_buffer", n.router_area_mm2_per_kbit_buffer},
      {"crossbar_area_mm2_per_port2_bit", n.crossbar_area_mm2_per_port2_bit},
      {"clock_energy_pj_per_mm2_cycle", n.clock_energy_pj_per_mm2_cycle},
      {"vdd_nominal", n.vdd_nominal},
      {"vdd_min", n.vdd_min},
      {"vdd_guard_band", n.vdd_guard_band},
      {"vth", n.vth},
      {"alpha", n.alpha},
      {"subthreshold_swing_mv_per_decade", n.subthreshold_swing_v_per_decade * 1e3},
      {"fmax_hz", n.fmax_hz},
      {"leakage_voltage_exponent", n.leakage_voltage_exponent},
      {"io_ring_area_mm2", n.io_ring_area_mm2},
      {"reticle_limit_mm2", n.reticle_limit_mm2},
  };
  for (std::size_t i = 0; i < n.sram_macros.size(); ++i) {
    const auto& m = n.sram_macros[i];
    const std::string p = "sram_macros[" + std::to_string(i) + "].";
    f.emplace_back(p + "density_mbit_per_mm2", m.density_mbit_per_mm2);
    f.emplace_back(p + "read_energy_pj_per_bit", m.read_energy_pj_per_bit);
    f.emplace_back(p + "write_energy_pj_per_bit", m.write_energy_pj_per_bit);
  }
  for (const auto& [format, e] : n.mac_energy_pj)
    f.emplace_back("mac_energy_pj." + std::string(to_string(format)), e);
  for (const auto& [name, d] : n.dram) {
    const std::string p = "dram." + name + ".";
    f.emplace_back(p + "bandwidth_bytes_per_s", d.bandwidth_bytes_per_s);
    f.emplace_back(p + "energy_pj_per_bit", d.energy_pj_per_bit);
    f.emplace_back(p + "phy_area_mm2", d.phy_area_mm2);
    f.emplace_back(p + "phy_static_power_w", d.phy_static_power_w);
    f.emplace_back(p + "capacity_bytes", d.capacity_bytes);
    f.emplace_back(p + "phy_edge_mm", d.phy_edge_mm);
    // Zero for devices off the package (everything but HBM): kept positive-checked via max().
    f.emplace_back(p + "stack_footprint_mm2", std::max(d.stack_footprint_mm2, 1e-30));
  }
  for (const auto& [flavor, l] : n.leakage) {
    const std::string p = "leakage." + std::string(to_string(flavor)) + ".";
    f.emplace_back(p + "logic_mw_per_mm2", l.logic_mw_per_mm2);
    f.emplace_back(p + "sram_pw_per_bit", l.sram_pw_per_bit);
    f.emplace_back(p + "rom_pw_per_bit", l.rom_pw_per_bit);
  }
  return f;
}

// ---------------------------------------------------------------- shipped files

TEST(NodeLibrary, KnownNamesInOrder) {
  EXPECT_EQ(known_node_names(),
            (std::vector<std::string>{"3nm", "5nm", "7nm", "12nm", "16nm", "22nm", "28nm"}));
}

TEST(NodeLibrary, AllSevenNodesLoad) {
  ASSERT_EQ(all_nodes().size(), 7u);
  for (const auto& n : all_nodes()) {
    SCOPED_TRACE(n.name);
    EXPECT_EQ(std::to_string(n.feature_nm) + "nm", n.name);
    EXPECT_THAT(n.process, HasSubstr("TSMC"));
    EXPECT_GE(n.sram_macros.size(), 3u);
    EXPECT_EQ(n.mac_energy_pj.size(), 6u);
    EXPECT_EQ(n.leakage.size(), 2u);
    for (const char* kind : {"lpddr5", "hbm3", "gddr6", "ddr4"}) {
      ASSERT_TRUE(n.dram.count(kind)) << kind;
      EXPECT_EQ(n.dram.at(kind).name, kind);
    }
  }
}

TEST(NodeLibrary, EveryFieldPositiveAndFinite) {
  for (const auto& n : all_nodes()) {
    for (const auto& [path, v] : numeric_fields(n)) {
      SCOPED_TRACE(n.name + " " + path);
      EXPECT_TRUE(std::isfinite(v));
      EXPECT_GT(v, 0.0);
    }
    for (std::size_t i = 0; i < n.sram_macros.size(); ++i) {
      EXPECT_GT(n.sram_macros[i].capacity_bytes, 0.0);
      if (i > 0) {
        EXPECT_GT(n.sram_macros[i].capacity_bytes, n.sram_macros[i - 1].capacity_bytes);
      }
    }
  }
}

TEST(NodeLibrary, EveryNumberHasASource) {
  for (const auto& n : all_nodes()) {
    const auto fields = numeric_fields(n);
    for (const auto& [path, v] : fields) {
      SCOPED_TRACE(n.name + " " + path);
      ASSERT_TRUE(n.sources.count(path)) << "no source recorded";
      EXPECT_GE(n.sources.at(path).size(), 10u) << "source too short to say anything";
    }
    // Nothing recorded under a path that is not a field.
    std::map<std::string, double> known(fields.begin(), fields.end());
    for (const auto& [path, text] : n.sources) EXPECT_TRUE(known.count(path)) << n.name << " " << path;
  }
}

TEST(NodeLibrary, AssumptionsAreMarkedAsSuch) {
  const Node& n = node_named("7nm");
  EXPECT_THAT(n.sources.at("clock_energy_pj_per_mm2_cycle"), ::testing::StartsWith("assumption: "));
  EXPECT_THAT(n.sources.at("rom_density_factor"), ::testing::StartsWith("assumption: "));
  EXPECT_THAT(n.sources.at("logic_density_mtr_per_mm2"), HasSubstr("[D]"));
  EXPECT_THAT(n.sources.at("wire_energy_pj_per_bit_mm"), HasSubstr("DSENT"));
}

// ---------------------------------------------------------------- scaling across nodes

// Checks a quantity strictly (or weakly) decreases from the coarsest node to the finest.
void expect_finer_is_lower(const std::string& what, const std::function<double(const Node&)>& get,
                           bool strict = true) {
  const auto& nodes = all_nodes();  // finest first
  for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
    const double finer = get(nodes[i]);
    const double coarser = get(nodes[i + 1]);
    if (strict)
      EXPECT_LT(finer, coarser) << what << ": " << nodes[i].name << " vs " << nodes[i + 1].name;
    else
      EXPECT_LE(finer, coarser) << what << ": " << nodes[i].name << " vs " << nodes[i + 1].name;
  }
}

TEST(NodeScaling, LogicDensityGrowsWithEveryNode) {
  expect_finer_is_lower("1/logic density", [](const Node& n) { return 1.0 / n.logic_density_mtr_per_mm2; });
  expect_finer_is_lower("nand2 area", [](const Node& n) { return n.nand2_area_um2; });
  expect_finer_is_lower("flop area", [](const Node& n) { return n.flop_area_um2; });
  expect_finer_is_lower("router buffer area", [](const Node& n) { return n.router_area_mm2_per_kbit_buffer; });
  expect_finer_is_lower("crossbar area", [](const Node& n) { return n.crossbar_area_mm2_per_port2_bit; });
}

TEST(NodeScaling, MacEnergyFallsWithEveryNode) {
  for (auto f : kFormats)
    expect_finer_is_lower("mac " + std::string(to_string(f)),
                          [f](const Node& n) { return n.mac_energy_pj.at(f); });
}

TEST(NodeScaling, WireRouterAndCoreEnergiesFall) {
  expect_finer_is_lower("wire", [](const Node& n) { return n.wire_energy_pj_per_bit_mm; });
  expect_finer_is_lower("router", [](const Node& n) { return n.router_energy_pj_per_bit; });
  expect_finer_is_lower("instruction", [](const Node& n) { return n.instruction_energy_pj; });
  expect_finer_is_lower("register file", [](const Node& n) { return n.register_file_energy_pj_per_bit; });
}

TEST(NodeScaling, SramNeverGetsWorseOnAFinerNode) {
  for (double bytes : {1024.0, 4096.0, 65536.0, 262144.0, 1048576.0}) {
    // N3E keeps N5's bitcell, so only a weak inequality holds for SRAM.
    expect_finer_is_lower("1/sram density", [bytes](const Node& n) {
      return 1.0 / sram_density_mbit_per_mm2(n, bytes);
    }, false);
    expect_finer_is_lower("sram read energy", [bytes](const Node& n) {
      return sram_read_energy_pj_per_bit(n, bytes);
    }, false);
  }
}

TEST(NodeScaling, MacEnergyOrderedByFormat) {
  for (const auto& n : all_nodes()) {
    SCOPED_TRACE(n.name);
    const auto& e = n.mac_energy_pj;
    EXPECT_GT(e.at(MacFormat::fp32), e.at(MacFormat::fp16));
    EXPECT_GT(e.at(MacFormat::fp16), e.at(MacFormat::bf16));
    EXPECT_GT(e.at(MacFormat::bf16), e.at(MacFormat::fp8));
    EXPECT_GT(e.at(MacFormat::fp8), e.at(MacFormat::int8));
    EXPECT_GT(e.at(MacFormat::int8), e.at(MacFormat::int4));
  }
}

TEST(NodeScaling, N3SramBarelyShrinksWhileLogicDoes) {
  const Node& n3 = node_named("3nm");
  const Node& n5 = node_named("5nm");
  EXPECT_GT(n3.logic_density_mtr_per_mm2 / n5.logic_density_mtr_per_mm2, 1.4);
  for (double bytes : {4096.0, 65536.0, 1048576.0}) {
    const double ratio = sram_density_mbit_per_mm2(n3, bytes) / sram_density_mbit_per_mm2(n5, bytes);
    EXPECT_GE(ratio, 0.95) << bytes;
    EXPECT_LE(ratio, 1.10) << bytes;
  }
  // Published macro density of N3E / N5: 31.8 Mib/mm2 = 33.3 Mbit/mm2.
  EXPECT_NEAR(sram_density_mbit_per_mm2(n3, 1048576.0), 31.8 * 1.048576, 0.5);
}

TEST(NodeScaling, LowLeakageFarBelowHighPerformance) {
  for (const auto& n : all_nodes()) {
    SCOPED_TRACE(n.name);
    const Leakage& hp = n.leakage.at(Flavor::high_performance);
    const Leakage& ll = n.leakage.at(Flavor::low_leakage);
    EXPECT_LE(ll.logic_mw_per_mm2 * 50, hp.logic_mw_per_mm2);
    EXPECT_LE(ll.sram_pw_per_bit * 50, hp.sram_pw_per_bit);
    EXPECT_LE(ll.rom_pw_per_bit * 50, hp.rom_pw_per_bit);
    // ROM leaks less than SRAM; low-leakage SRAM / ROM is pW-class, not nW.
    EXPECT_LT(hp.rom_pw_per_bit, hp.sram_pw_per_bit);
    EXPECT_LT(ll.rom_pw_per_bit, ll.sram_pw_per_bit);
    EXPECT_LT(ll.sram_pw_per_bit, 20.0);
    EXPECT_LT(ll.rom_pw_per_bit, 5.0);
  }
}

// ---------------------------------------------------------------- SRAM interpolation

TEST(SramInterpolation, DensityAndEnergyGrowWithMacroSize) {
  for (const auto& n : all_nodes()) {
    SCOPED_TRACE(n.name);
    for (std::size_t i = 1; i < n.sram_macros.size(); ++i) {
      EXPECT_GT(n.sram_macros[i].density_mbit_per_mm2, n.sram_macros[i - 1].density_mbit_per_mm2);
      EXPECT_GT(n.sram_macros[i].read_energy_pj_per_bit, n.sram_macros[i - 1].read_energy_pj_per_bit);
    }
    double prev_d = 0, prev_e = 0;
    for (double bytes = 256; bytes <= 8.0 * 1048576; bytes *= 1.5) {
      const double d = sram_density_mbit_per_mm2(n, bytes);
      const double e = sram_read_energy_pj_per_bit(n, bytes);
      EXPECT_GE(d, prev_d) << bytes;
      EXPECT_GE(e, prev_e) << bytes;
      prev_d = d;
      prev_e = e;
    }
    // Small macros are far less dense than large ones (periphery).
    EXPECT_LT(sram_density_mbit_per_mm2(n, 4096), 0.75 * sram_density_mbit_per_mm2(n, 1048576));
  }
}

TEST(SramInterpolation, ExactAtPointsClampedOutside) {
  const Node& n = node_named("16nm");
  for (const auto& p : n.sram_macros) {
    EXPECT_DOUBLE_EQ(sram_density_mbit_per_mm2(n, p.capacity_bytes), p.density_mbit_per_mm2);
    EXPECT_NEAR(sram_read_energy_pj_per_bit(n, p.capacity_bytes), p.read_energy_pj_per_bit,
                1e-12 * p.read_energy_pj_per_bit);
    EXPECT_NEAR(sram_write_energy_pj_per_bit(n, p.capacity_bytes), p.write_energy_pj_per_bit,
                1e-12 * p.write_energy_pj_per_bit);
  }
  const auto& first = n.sram_macros.front();
  const auto& last = n.sram_macros.back();
  EXPECT_DOUBLE_EQ(sram_density_mbit_per_mm2(n, 1.0), first.density_mbit_per_mm2);
  EXPECT_DOUBLE_EQ(sram_density_mbit_per_mm2(n, 0.0), first.density_mbit_per_mm2);
  EXPECT_DOUBLE_EQ(sram_density_mbit_per_mm2(n, 1e12), last.density_mbit_per_mm2);
  EXPECT_NEAR(sram_read_energy_pj_per_bit(n, 1e12), last.read_energy_pj_per_bit, 1e-15);
}

TEST(SramInterpolation, MidpointInLogCapacity) {
  Node n;
  n.sram_macros = {{1024, 10, 0.01, 0.02}, {1024 * 16, 20, 0.04, 0.08}};
  // 4 KiB is half-way between 1 KiB and 16 KiB in log(capacity).
  EXPECT_NEAR(sram_density_mbit_per_mm2(n, 4096), 15.0, 1e-9);   // linear in log(size)
  EXPECT_NEAR(sram_read_energy_pj_per_bit(n, 4096), 0.02, 1e-12);  // geometric
  EXPECT_NEAR(sram_write_energy_pj_per_bit(n, 4096), 0.04, 1e-12);
  Node empty;
  EXPECT_EQ(sram_density_mbit_per_mm2(empty, 4096), 0.0);
}

// ---------------------------------------------------------------- voltage and frequency

TEST(VoltageFrequency, FmaxAtNominalAndMonotonicInV) {
  for (const auto& n : all_nodes()) {
    SCOPED_TRACE(n.name);
    EXPECT_NEAR(max_frequency_hz(n, n.vdd_nominal), n.fmax_hz, 1e-6 * n.fmax_hz);
    EXPECT_EQ(max_frequency_hz(n, n.vth), 0.0);
    EXPECT_EQ(max_frequency_hz(n, 0.5 * n.vth), 0.0);
    double prev = 0;
    for (double v = n.vth + 0.005; v < 1.3 * n.vdd_nominal; v += 0.005) {
      const double f = max_frequency_hz(n, v);
      EXPECT_GT(f, prev) << v;
      prev = f;
    }
    // DVFS range: at vdd_min the node still runs at a sizeable fraction of fmax.
    const double fmin = max_frequency_hz(n, n.vdd_min);
    EXPECT_GT(fmin, 0.25 * n.fmax_hz);
    EXPECT_LT(fmin, 0.75 * n.fmax_hz);
  }
}

TEST(VoltageFrequency, PublishedClockPointsFitUnderFmax) {
  EXPECT_GE(node_named("28nm").fmax_hz, 700e6);   // TPUv1
  EXPECT_GE(node_named("22nm").fmax_hz, 400e6);   // GAP9 (22FDX)
  EXPECT_GE(node_named("12nm").fmax_hz, 1.0e9);   // Wormhole
  EXPECT_GE(node_named("7nm").fmax_hz, 2.0e9);    // Esperanto, up to 2 GHz
  EXPECT_GE(node_named("3nm").fmax_hz, 2.0e9);    // small RISC-V tile: 2-3 GHz
  EXPECT_LE(node_named("3nm").fmax_hz, 3.0e9);
  expect_finer_is_lower("1/fmax", [](const Node& n) { return 1.0 / n.fmax_hz; });
}

TEST(VoltageFrequency, MinVddInvertsMaxFrequency) {
  for (const auto& n : all_nodes()) {
    SCOPED_TRACE(n.name);
    const double f_at_min = max_frequency_hz(n, n.vdd_min);
    for (double frac : {0.3, 0.5, 0.7, 0.9, 0.99, 1.0}) {
      const double f = frac * n.fmax_hz;
      const double v = min_vdd_for_frequency(n, f);
      EXPECT_GE(v, n.vdd_min);
      EXPECT_LE(v, n.vdd_nominal + 1e-9);
      EXPECT_GE(max_frequency_hz(n, v), f * (1 - 1e-9));
      if (f > f_at_min) {
        EXPECT_NEAR(max_frequency_hz(n, v), f, 1e-6 * f);
      } else {
        EXPECT_EQ(v, n.vdd_min);
      }
    }
    EXPECT_NEAR(min_vdd_for_frequency(n, n.fmax_hz), n.vdd_nominal, 1e-9);
    // 10 MHz clamps at vdd_min; above fmax the answer exceeds nominal.
    EXPECT_EQ(min_vdd_for_frequency(n, 10e6), n.vdd_min);
    EXPECT_EQ(min_vdd_for_frequency(n, 0.0), n.vdd_min);
    const double v_over = min_vdd_for_frequency(n, 1.2 * n.fmax_hz);
    EXPECT_GT(v_over, n.vdd_nominal);
    EXPECT_NEAR(max_frequency_hz(n, v_over), 1.2 * n.fmax_hz, 1e-6 * n.fmax_hz);
  }
}

TEST(VoltageFrequency, EnergyAndLeakageScales) {
  const Node& n = node_named("5nm");
  EXPECT_DOUBLE_EQ(dynamic_energy_scale(n, n.vdd_nominal), 1.0);
  EXPECT_DOUBLE_EQ(leakage_scale(n, n.vdd_nominal), 1.0);
  EXPECT_NEAR(dynamic_energy_scale(n, 0.5 * n.vdd_nominal), 0.25, 1e-12);
  EXPECT_NEAR(leakage_scale(n, 0.5 * n.vdd_nominal), std::pow(0.5, n.leakage_voltage_exponent), 1e-12);
  EXPECT_LT(leakage_scale(n, n.vdd_min), dynamic_energy_scale(n, n.vdd_min));
  EXPECT_EQ(leakage_scale(n, 0.0), 0.0);
}

// ---------------------------------------------------------------- sanity anchors (right decade)

TEST(SanityAnchors, Tpuv1MacArrayPower) {
  // 65,536 int8 MACs at 700 MHz on 28 nm; whole chip ~40 W busy incl. memory.
  const Node& n = node_named("28nm");
  const double watts = 65536 * 700e6 * n.mac_energy_pj.at(MacFormat::int8) * 1e-12;
  EXPECT_GT(watts, 2.0);
  EXPECT_LT(watts, 40.0);
}

TEST(SanityAnchors, SimbaDatapathBelowChipLevel) {
  // Simba 16 nm: 0.11 pJ/op INT8 at chip level; the MAC datapath alone is a fraction of it.
  const double pj_per_op = node_named("16nm").mac_energy_pj.at(MacFormat::int8) / 2;
  EXPECT_LT(pj_per_op, 0.11);
  EXPECT_GT(pj_per_op, 0.011);
}

TEST(SanityAnchors, SmolVlmWeightsInLowLeakageRomLeakMilliwatts) {
  // ~256 M int8 weights in ROM at vdd_min on low-leakage cells: milliwatts, not watts.
  for (const auto& n : all_nodes()) {
    const double bits = 256e6 * 8;
    const double watts = bits * n.leakage.at(Flavor::low_leakage).rom_pw_per_bit * 1e-12 *
                         leakage_scale(n, n.vdd_min);
    EXPECT_LT(watts, 5e-3) << n.name;
    EXPECT_GT(watts, 1e-5) << n.name;
  }
}

TEST(SanityAnchors, Gap9ClassClusterPower) {
  // GAP9 (22 nm): 50 mW at 400 MHz. ~2 mm2 of clocked logic at 400 MHz must stay in that decade.
  const Node& n = node_named("22nm");
  const double clock_w = 2.0 * n.clock_energy_pj_per_mm2_cycle * 1e-12 * 400e6 *
                         dynamic_energy_scale(n, min_vdd_for_frequency(n, 400e6));
  EXPECT_GT(clock_w, 5e-3);
  EXPECT_LT(clock_w, 100e-3);
}

// ---------------------------------------------------------------- bad input

class NodeFileErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("meshforge_tech_") + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "nodes");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string shipped(const std::string& name) {
    std::ifstream in(kDataDir / "nodes" / (name + ".yaml"));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / "nodes" / (name + ".yaml")) << text;
  }
  // Replaces the first line containing `needle` with `replacement` (empty: drop the line).
  static std::string edit_line(const std::string& text, const std::string& needle,
                               const std::string& replacement) {
    std::istringstream in(text);
    std::string out, line;
    bool done = false;
    while (std::getline(in, line)) {
      if (!done && line.find(needle) != std::string::npos) {
        done = true;
        if (!replacement.empty()) out += replacement + "\n";
        continue;
      }
      out += line + "\n";
    }
    EXPECT_TRUE(done) << needle;
    return out;
  }
  InputError expect_error(const std::string& name) {
    try {
      load_node(name, dir_);
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "no InputError for " << name;
    return InputError("", "", "");
  }
  std::string file(const std::string& name) const { return (dir_ / "nodes" / (name + ".yaml")).string(); }

  fs::path dir_;
};

TEST_F(NodeFileErrors, UnknownNodeListsKnownNames) {
  try {
    load_node("9nm", kDataDir);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "node");
    for (const auto& n : known_node_names()) EXPECT_THAT(e.what(), HasSubstr(n));
    EXPECT_THAT(e.what(), HasSubstr("9nm"));
  }
}

TEST_F(NodeFileErrors, MissingFile) {
  const InputError e = expect_error("5nm");
  EXPECT_EQ(e.file(), file("5nm"));
  EXPECT_THAT(e.what(), HasSubstr(file("5nm")));
  EXPECT_THAT(e.reason(), HasSubstr("not found"));
}

TEST_F(NodeFileErrors, MalformedYaml) {
  write("5nm", "name: \"5nm\"\nlogic_density_mtr_per_mm2: {value: 138.2, source: \"x\"\nvdd: [1, 2\n");
  const InputError e = expect_error("5nm");
  EXPECT_THAT(e.what(), HasSubstr(file("5nm")));
  EXPECT_THAT(e.field(), HasSubstr("line"));
  EXPECT_THAT(e.reason(), HasSubstr("malformed YAML"));
}

TEST_F(NodeFileErrors, NotAMap) {
  write("5nm", "- just\n- a list\n");
  EXPECT_THAT(expect_error("5nm").what(), HasSubstr(file("5nm")));
}

TEST_F(NodeFileErrors, ShippedFileCopiedLoads) {
  write("7nm", shipped("7nm"));
  EXPECT_NO_THROW(load_node("7nm", dir_));
}

TEST_F(NodeFileErrors, MissingTopLevelField) {
  write("5nm", edit_line(shipped("5nm"), "wire_energy_pj_per_bit_mm:", ""));
  const InputError e = expect_error("5nm");
  EXPECT_EQ(e.file(), file("5nm"));
  EXPECT_EQ(e.field(), "wire_energy_pj_per_bit_mm");
  EXPECT_THAT(e.what(), HasSubstr(file("5nm")));
  EXPECT_THAT(e.what(), HasSubstr("wire_energy_pj_per_bit_mm"));
  EXPECT_THAT(e.reason(), HasSubstr("missing"));
}

TEST_F(NodeFileErrors, MissingNestedField) {
  write("5nm", edit_line(shipped("5nm"), "int4:", ""));
  EXPECT_EQ(expect_error("5nm").field(), "mac_energy_pj.int4");
  write("5nm", edit_line(shipped("5nm"), "phy_static_power_w:", ""));
  EXPECT_EQ(expect_error("5nm").field(), "dram.lpddr5.phy_static_power_w");
}

TEST_F(NodeFileErrors, MissingSource) {
  write("5nm", edit_line(shipped("5nm"), "vdd_min:", "vdd_min: {value: 0.5}"));
  const InputError e = expect_error("5nm");
  EXPECT_EQ(e.field(), "vdd_min");
  EXPECT_THAT(e.reason(), HasSubstr("source"));
}

TEST_F(NodeFileErrors, NonNumericValue) {
  write("5nm", edit_line(shipped("5nm"), "fmax_hz:", "fmax_hz: {value: fast, source: \"x\"}"));
  const InputError e = expect_error("5nm");
  EXPECT_EQ(e.field(), "fmax_hz");
  EXPECT_THAT(e.reason(), HasSubstr("not a number"));
}

TEST_F(NodeFileErrors, NonPositiveValue) {
  write("5nm", edit_line(shipped("5nm"), "io_ring_area_mm2:", "io_ring_area_mm2: {value: 0, source: \"x\"}"));
  EXPECT_EQ(expect_error("5nm").field(), "io_ring_area_mm2");
  write("5nm", edit_line(shipped("5nm"), "reticle_limit_mm2:",
                         "reticle_limit_mm2: {value: -858, source: \"x\"}"));
  const InputError e = expect_error("5nm");
  EXPECT_EQ(e.field(), "reticle_limit_mm2");
  EXPECT_THAT(e.reason(), HasSubstr("positive"));
}

TEST_F(NodeFileErrors, UnknownField) {
  write("5nm", shipped("5nm") + "wire_energy_pj_per_bit_m: {value: 1, source: \"typo\"}\n");
  const InputError e = expect_error("5nm");
  EXPECT_EQ(e.field(), "wire_energy_pj_per_bit_m");
  EXPECT_THAT(e.reason(), HasSubstr("unknown field"));
}

TEST_F(NodeFileErrors, InconsistentVoltages) {
  write("5nm", edit_line(shipped("5nm"), "vth:", "vth: {value: 0.6, assumption: \"too high\"}"));
  EXPECT_EQ(expect_error("5nm").field(), "vth");
  write("5nm", edit_line(shipped("5nm"), "vdd_min:", "vdd_min: {value: 0.9, assumption: \"too high\"}"));
  EXPECT_EQ(expect_error("5nm").field(), "vdd_min");
}

TEST_F(NodeFileErrors, NameMismatch) {
  write("5nm", edit_line(shipped("5nm"), "name:", "name: \"7nm\""));
  EXPECT_EQ(expect_error("5nm").field(), "name");
}

TEST_F(NodeFileErrors, MacroPointsMustAscend) {
  write("5nm", edit_line(shipped("5nm"), "capacity_bytes: 4096", "  - capacity_bytes: 999999999"));
  EXPECT_THAT(expect_error("5nm").field(), HasSubstr("sram_macros["));
}

TEST(NodeNames, FormatRoundTrip) {
  for (auto f : kFormats) EXPECT_EQ(parse_mac_format(to_string(f)), f);
  EXPECT_FALSE(parse_mac_format("fp64").has_value());
  EXPECT_EQ(to_string(Flavor::high_performance), "hp");
  EXPECT_EQ(to_string(Flavor::low_leakage), "ll");
}

}  // namespace
}  // namespace meshforge::tech
