#pragma once
// Home's chart of checkouts per day (issue 9: "a server-rendered SVG chart of checkouts per day
// over the last 30 days") as plain numbers: where each day's bar stands, how tall it is, which
// days get a date under the axis, and the chart's text alternative; and the money of checkout
// statistics as people read it. templates/partials/checkout_stats.html draws the SVG; being
// pure, the geometry is tested without a server (tests/http/checkout_chart_test.cpp).
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/checkout.hpp"

namespace tenure::http::pages {

// The SVG's layout, in viewBox units. The template draws the axis and the two count labels
// at these numbers; they must agree with it.
inline constexpr int kCheckoutChartWidth = 660;   // the viewBox width
inline constexpr int kCheckoutChartHeight = 200;  // the viewBox height
inline constexpr int kCheckoutPlotLeft = 40;      // room for the count labels on the left
inline constexpr int kCheckoutSlotWidth = 20;     // one slot per day
inline constexpr int kCheckoutBarWidth = 14;      // a bar, centred in its slot
inline constexpr int kCheckoutPlotTop = 10;       // the largest count's bar reaches this y
inline constexpr int kCheckoutPlotHeight = 160;   // so the axis is at y = 170
inline constexpr int kCheckoutTickEvery = 7;      // a date under every 7th day, ending today

struct CheckoutChartBar {
  std::string day;  // "March 3, 2026"
  int64_t count = 0;
  int x = 0;       // the bar's left edge
  int y = 0;       // its top
  int height = 0;  // kCheckoutPlotHeight * count / largest, rounded down; at least 1 if count > 0
};

struct CheckoutChartTick {
  int x = 0;         // the centre of its day's slot
  std::string text;  // "Mar 3"
};

struct CheckoutChart {
  std::vector<CheckoutChartBar> bars;  // oldest day first
  std::vector<CheckoutChartTick> ticks;
  int64_t largest = 0;  // the count the top of the plot stands for
  int64_t total = 0;
  std::string title;  // one sentence: the period, the total and the busiest day
};

// One bar per day, in order (CheckoutStats::per_day: oldest first, zeros included).
CheckoutChart LayOutCheckoutChart(std::span<const domain::DayCount> days);

using domain::FormatAmount;
// Every currency's sum, in code order: "1,234.00 EUR, 560.00 USD"; "none" when empty.
std::string FormatSpent(const std::map<std::string, int64_t>& cents_by_currency);

}  // namespace tenure::http::pages
