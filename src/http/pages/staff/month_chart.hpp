#pragma once
// The business page's charts (issue 14 item 3: "server-rendered charts") as plain numbers: one
// slot per month, each series a column in it (side by side, or stacked), a few grid lines with
// their values, and the chart's text alternative. templates/partials/month_chart.html draws it
// as SVG; being pure, the geometry is tested without a server (tests/http/month_chart_test.cpp).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tenure::http::pages {

// The SVG's layout, in viewBox units; the template draws the axis at these numbers.
inline constexpr int kMonthChartWidth = 720;
inline constexpr int kMonthChartHeight = 220;
inline constexpr int kMonthChartLeft = 64;      // room for the grid lines' values
inline constexpr int kMonthChartTop = 12;       // the largest value reaches this y
inline constexpr int kMonthChartPlot = 170;     // so the axis is at y = 182
inline constexpr int kMonthChartGridLines = 4;  // besides the axis

struct ChartSeries {
  std::string name;             // "New", "It's too expensive"
  std::vector<int64_t> values;  // one per month
};

struct ChartColumn {
  int series = 0;  // its index, for its colour (class "series-N")
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;   // kMonthChartPlot * value / the scale's top, rounded down; >= 1 if value > 0
  std::string tip;  // "March 2026, New: 3"
};

struct ChartGridLine {
  int y = 0;
  std::string value;  // the grid line's value, formatted
};

struct ChartMonthLabel {
  int x = 0;         // the centre of the month's slot
  std::string text;  // "Mar 2026"
};

struct MonthChart {
  std::vector<ChartColumn> columns;
  std::vector<ChartGridLine> grid;
  std::vector<ChartMonthLabel> labels;  // every month, or every other when there are many
  std::string title;                    // the text alternative: every figure, in words
};

// How a value reads ("1,234.50 USD", "12", "87%").
using ValueFormat = std::function<std::string(int64_t)>;

struct ChartOptions {
  bool stacked = false;        // a month's columns stand on each other (parts of one whole)
  ValueFormat value;           // for the tips and the text alternative
  ValueFormat axis;            // for the grid lines, shorter ("1.2k"); `value` when empty
  std::optional<int64_t> top;  // a fixed scale (100 for a percentage); else rounded up
  int64_t at_least = kMonthChartGridLines;  // the smallest scale (an empty chart's)
};

// `months` are the slots' long names ("March 2026"); each series has one value per month.
MonthChart LayOutMonthChart(std::string_view what, std::span<const std::string> months,
                            std::span<const ChartSeries> series, const ChartOptions& options);

// Cents on an axis, in whole units: "0", "250", "1.5k", "12k", "1.2M".
std::string CompactMoney(int64_t cents);

}  // namespace tenure::http::pages
