// The business page's charts as numbers (http/pages/staff/month_chart.hpp): where each column
// stands, the scale's round top, stacking, the labels kept when months are many, the text
// alternative, and money on the axis.
#include "http/pages/staff/month_chart.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace tenure::http::pages {
namespace {

std::string Plain(int64_t v) { return fmt::format("{}", v); }

TEST(MonthChartTest, SideBySideColumnsOnARoundScale) {
  const std::vector<std::string> months = {"January 2026", "February 2026"};
  const std::vector<ChartSeries> series = {{"New", {3, 0}}, {"Lapsed", {1, 7}}};
  const MonthChart chart = LayOutMonthChart("Licenses", months, series, {.value = Plain});
  // The largest is 7: a top of 8 (2 a grid line), the lines read 2, 4, 6, 8.
  ASSERT_EQ(chart.grid.size(), 4u);
  EXPECT_EQ(chart.grid.back().value, "8");
  EXPECT_EQ(chart.grid.back().y, kMonthChartTop);
  EXPECT_EQ(chart.grid.front().value, "2");
  // Zero draws nothing: three columns.
  ASSERT_EQ(chart.columns.size(), 3u);
  const int axis = kMonthChartTop + kMonthChartPlot;
  const ChartColumn& lapsed_feb = chart.columns[2];
  EXPECT_EQ(lapsed_feb.series, 2);
  EXPECT_EQ(lapsed_feb.height, kMonthChartPlot * 7 / 8);
  EXPECT_EQ(lapsed_feb.y + lapsed_feb.height, axis);
  EXPECT_EQ(lapsed_feb.tip, "February 2026, Lapsed: 7");
  // Side by side in a month's slot: the second series right of the first.
  EXPECT_GT(chart.columns[1].x, chart.columns[0].x);
  EXPECT_EQ(chart.title,
            "Licenses by month. January 2026: New 3, Lapsed 1; February 2026: New 0, Lapsed 7.");
  ASSERT_EQ(chart.labels.size(), 2u);
  EXPECT_EQ(chart.labels[1].text, "Feb 2026");
}

TEST(MonthChartTest, StackedColumnsStandOnEachOther) {
  const std::vector<std::string> months = {"March 2026"};
  const std::vector<ChartSeries> series = {{"Too expensive", {2}}, {"Unused", {2}}};
  const MonthChart chart =
      LayOutMonthChart("Cancellations", months, series, {.stacked = true, .value = Plain});
  ASSERT_EQ(chart.columns.size(), 2u);
  EXPECT_EQ(chart.grid.back().value, "4");  // the sum decides the scale
  EXPECT_EQ(chart.columns[0].x, chart.columns[1].x);
  EXPECT_EQ(chart.columns[1].y + chart.columns[1].height, chart.columns[0].y);
  EXPECT_EQ(chart.columns[1].y, kMonthChartTop);  // together they fill the scale
}

TEST(MonthChartTest, FixedTopsSmallestScalesAndManyMonths) {
  std::vector<std::string> months;
  std::vector<int64_t> values;
  for (int m = 1; m <= 24; ++m) {
    months.push_back(fmt::format("Month{} 2026", m));
    values.push_back(0);
  }
  values.back() = 1;  // a tiny value still shows
  const MonthChart percent = LayOutMonthChart(
      "Rate", months, std::vector<ChartSeries>{{"Paid", values}}, {.value = Plain, .top = 100});
  EXPECT_EQ(percent.grid.back().value, "100");
  ASSERT_EQ(percent.columns.size(), 1u);
  EXPECT_EQ(percent.columns[0].height, 1);
  // 24 months: every third labelled, the latest always.
  EXPECT_EQ(percent.labels.size(), 8u);
  EXPECT_EQ(percent.labels.back().text, "Mon 2026");

  const MonthChart empty =
      LayOutMonthChart("MRR", {months.data(), 2}, std::vector<ChartSeries>{{"MRR", {0, 0}}},
                       {.value = Plain, .axis = CompactMoney, .at_least = 400});
  EXPECT_EQ(empty.grid.front().value, "1");  // whole units, not cents
  EXPECT_TRUE(empty.columns.empty());
}

TEST(MonthChartTest, CompactMoney) {
  EXPECT_EQ(CompactMoney(0), "0");
  EXPECT_EQ(CompactMoney(25000), "250");
  EXPECT_EQ(CompactMoney(150), "1.50");
  EXPECT_EQ(CompactMoney(150000), "1.5k");
  EXPECT_EQ(CompactMoney(1200000), "12k");
  EXPECT_EQ(CompactMoney(123456789), "1.2M");
}

}  // namespace
}  // namespace tenure::http::pages
