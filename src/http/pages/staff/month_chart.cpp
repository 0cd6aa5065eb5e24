#include "http/pages/staff/month_chart.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tenure::http::pages {
namespace {

// The scale's top: a round step between grid lines (1, 2 or 5 times a power of ten) times the
// grid lines, at least the largest value, so that their values read well (0, 25, 50, 75, 100).
int64_t NiceTop(int64_t largest) {
  for (int64_t magnitude = 1;; magnitude *= 10)
    for (int64_t step : {1, 2, 5})
      if (step * magnitude * kMonthChartGridLines >= largest)
        return step * magnitude * kMonthChartGridLines;
}

int HeightOf(int64_t value, int64_t top) {
  if (value <= 0) return 0;
  const int h = static_cast<int>(static_cast<int64_t>(kMonthChartPlot) * value / top);
  return std::max(h, 1);
}

std::string ShortMonth(const std::string& long_name) {
  // "March 2026" -> "Mar 2026"
  const size_t space = long_name.find(' ');
  if (space == std::string::npos || space < 3) return long_name;
  return long_name.substr(0, 3) + long_name.substr(space);
}

}  // namespace

std::string CompactMoney(int64_t cents) {
  const int64_t units = cents / 100;
  auto one_decimal = [](int64_t n, int64_t per, const char* suffix) {
    const int64_t tenths = n * 10 / per;
    return tenths % 10 == 0 || tenths >= 100
               ? fmt::format("{}{}", tenths / 10, suffix)
               : fmt::format("{}.{}{}", tenths / 10, tenths % 10, suffix);
  };
  if (units >= 1'000'000) return one_decimal(units, 1'000'000, "M");
  if (units >= 1'000) return one_decimal(units, 1'000, "k");
  if (cents % 100 != 0) return fmt::format("{}.{:02}", units, cents % 100);
  return fmt::format("{}", units);
}

MonthChart LayOutMonthChart(std::string_view what, std::span<const std::string> months,
                            std::span<const ChartSeries> series, const ChartOptions& options) {
  const bool stacked = options.stacked;
  const ValueFormat& format = options.value;
  const ValueFormat& axis_format = options.axis ? options.axis : options.value;
  MonthChart chart;
  const size_t n = months.size();
  if (n == 0) return chart;
  int64_t largest = 0;
  for (size_t m = 0; m < n; ++m) {
    int64_t sum = 0;
    for (const ChartSeries& s : series) {
      const int64_t v = m < s.values.size() ? s.values[m] : 0;
      sum += std::max<int64_t>(v, 0);
      largest = std::max(largest, v);
    }
    if (stacked) largest = std::max(largest, sum);
  }
  const int64_t top = options.top.value_or(NiceTop(std::max(largest, options.at_least)));
  const int axis = kMonthChartTop + kMonthChartPlot;
  for (int i = 1; i <= kMonthChartGridLines; ++i)
    chart.grid.push_back({.y = axis - kMonthChartPlot * i / kMonthChartGridLines,
                          .value = axis_format(top * i / kMonthChartGridLines)});

  const int slot = (kMonthChartWidth - kMonthChartLeft) / static_cast<int>(n);
  const int inner = slot * 4 / 5;  // a gap between months
  const int per_series =
      stacked || series.empty() ? inner : std::max(1, inner / static_cast<int>(series.size()));
  const size_t label_every = n > 12 ? 3 : n > 6 ? 2 : 1;
  std::vector<std::string> month_words;
  for (size_t m = 0; m < n; ++m) {
    const int slot_x = kMonthChartLeft + static_cast<int>(m) * slot + (slot - inner) / 2;
    if ((n - 1 - m) % label_every == 0)  // the latest month always has its label
      chart.labels.push_back({.x = slot_x + inner / 2, .text = ShortMonth(months[m])});
    int stack_top = axis;
    std::vector<std::string> words;
    for (size_t s = 0; s < series.size(); ++s) {
      const int64_t v = m < series[s].values.size() ? series[s].values[m] : 0;
      words.push_back(fmt::format("{} {}", series[s].name, format(v)));
      const int h = HeightOf(v, top);
      ChartColumn c{.series = static_cast<int>(s) + 1,
                    .x = stacked ? slot_x : slot_x + static_cast<int>(s) * per_series,
                    .y = stacked ? stack_top - h : axis - h,
                    .width = stacked ? inner : std::max(1, per_series - 1),
                    .height = h,
                    .tip = fmt::format("{}, {}: {}", months[m], series[s].name, format(v))};
      if (stacked) stack_top -= h;
      if (h > 0) chart.columns.push_back(std::move(c));
    }
    month_words.push_back(fmt::format("{}: {}", months[m], fmt::join(words, ", ")));
  }
  chart.title = fmt::format("{} by month. {}.", what, fmt::join(month_words, "; "));
  return chart;
}

}  // namespace tenure::http::pages
