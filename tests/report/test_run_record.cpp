// The run writers of report/run_record.h: each CSV's header and rows have the same columns (found
// or not), and report.json's run keys come from the plain structs, under the schema version.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "arch/design.h"
#include "report/report_json.h"
#include "report/run_record.h"

namespace {

using namespace meshforge;
const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::stringstream s(line.substr(0, line.find('\n')));
  while (std::getline(s, cell, ',')) out.push_back(cell);
  if (!line.empty() && line[line.find('\n') - 1] == ',') out.push_back("");  // a last empty cell
  return out;
}

TEST(RunRecord, ProgressCsvRowsHaveTheHeadersColumns) {
  const auto header = cells(report::progress_csv_header());
  ASSERT_EQ(header.size(), 17u);
  EXPECT_EQ(header.front(), "evaluation");
  EXPECT_EQ(header.back(), "best_area_mm2");
  report::ProgressRow row;
  row.evaluation = 12;
  row.score = 0.123456789012;
  row.feasible = true;
  row.best_area_mm2 = 588.25;
  std::string line;
  report::append_progress_csv_row(line, row);
  const auto c = cells(line);
  ASSERT_EQ(c.size(), header.size()) << line;
  EXPECT_EQ(c[0], "12");
  EXPECT_EQ(c[3], "0.123456789");  // scores to 9 significant digits
  EXPECT_EQ(c[4], "1");
  EXPECT_EQ(c.back(), "588.25");
  EXPECT_EQ(line.back(), '\n');
}

TEST(RunRecord, SweepSummaryRowsHaveTheHeadersColumnsFoundOrNot) {
  const auto header = cells(report::sweep_summary_csv_header());
  ASSERT_EQ(header.size(), 17u + 8u * report::kSweepSummaryClasses);
  const arch::Design d = arch::load_design(kData / "designs" / "small-4x4.yaml");
  ppa::Report r;
  r.power_w = 1.5;
  report::SweepSummaryRow row{"7nm", &d, &r, 0.5, true, 100, 42};
  std::string line;
  report::append_sweep_summary_csv_row(line, row);
  const auto found = cells(line);
  ASSERT_EQ(found.size(), header.size()) << line;
  EXPECT_EQ(found[0], "7nm");
  EXPECT_EQ(found[1], std::to_string(d.rows));
  EXPECT_EQ(found[5], "1.5");
  EXPECT_EQ(found[15], "42");
  // The tile counts of the classes add up to the mesh.
  int tiles = 0;
  for (int k = 0; k < report::kSweepSummaryClasses; ++k)
    if (!found[17 + 8 * static_cast<std::size_t>(k)].empty()) tiles += std::stoi(found[17 + 8 * static_cast<std::size_t>(k)]);
  EXPECT_EQ(tiles, d.tiles());

  line.clear();
  report::append_sweep_summary_csv_row(line, {"28nm"});
  const auto none = cells(line);
  ASSERT_EQ(none.size(), header.size()) << line;
  EXPECT_EQ(none[0], "28nm");
  for (std::size_t i = 1; i < none.size(); ++i) EXPECT_TRUE(none[i].empty()) << header[i];
}

TEST(RunRecord, ReportJsonCarriesTheRunAndTheSearchFromTheStructs) {
  ppa::Report r;
  r.ppa_score = 0.25;
  const auto plain = report::to_json(r, {"llama-3.1-8b", "3nm", "best", "performance"});
  EXPECT_EQ(plain.begin().key(), "schema_version");
  EXPECT_EQ(plain.at("schema_version"), report::kReportSchemaVersion);
  EXPECT_EQ(plain.at("model"), "llama-3.1-8b");
  EXPECT_EQ(plain.at("design"), "best");
  EXPECT_FALSE(plain.contains("search"));

  report::SearchSummary s;
  s.agent = "de";
  s.seed = 7;
  s.evaluations = 10;
  s.ended_on = "budget";
  s.settings = {{"budget", "10"}};
  s.agent_vectors = {{"gate", {0.25, 0.75}}};
  s.pareto.points = 2;
  s.pareto.file = "pareto.csv";
  s.pareto.box_worst_best = {{"power_w", {75.0, 0.0}}};
  s.pareto.picked = report::ParetoSummary::Picked{{1, 0, 0}, 9, "picked_design.yaml"};
  const auto j = report::to_json(r, {"m", "n", "d", "low-power"}, &s);
  EXPECT_EQ(j.at("search").at("agent"), "de");
  EXPECT_EQ(j.at("search").at("seed"), 7);
  EXPECT_FALSE(j.at("search").contains("time_budget_s"));
  EXPECT_EQ(j.at("search").at("settings").at("budget"), "10");
  EXPECT_EQ(j.at("search").at("agent_stats").at("gate").at(1), 0.75);
  EXPECT_EQ(j.at("search").at("pareto").at("hypervolume_box_worst_best").at("power_w").at(0), 75.0);
  EXPECT_EQ(j.at("search").at("pareto").at("picked").at("evaluation"), 9);
}

}  // namespace
