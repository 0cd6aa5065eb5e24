#include "http/pages/checkout_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "core/time.hpp"

namespace tenure::http::pages {
namespace {

std::string LongDay(const CivilDate& day) {
  return FormatLongDate(Instant(std::chrono::sys_days(day)));
}

std::string ShortDay(const CivilDate& day) {
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{} {}", kMonths[unsigned(day.month()) - 1], unsigned(day.day()));
}

std::string Checkouts(int64_t n) { return fmt::format("{} checkout{}", n, n == 1 ? "" : "s"); }

}  // namespace

CheckoutChart LayOutCheckoutChart(std::span<const domain::DayCount> days) {
  CheckoutChart chart;
  const domain::DayCount* busiest = nullptr;
  for (const auto& d : days) {
    chart.total += d.checkouts;
    if (!busiest || d.checkouts > busiest->checkouts) busiest = &d;
  }
  chart.largest = busiest ? busiest->checkouts : 0;
  // At least 1, so that a month without checkouts draws no bars rather than divide by zero.
  const int64_t scale = std::max<int64_t>(chart.largest, 1);
  const auto n = static_cast<int>(days.size());
  for (int i = 0; i < n; ++i) {
    const auto& d = days[static_cast<size_t>(i)];
    int height = static_cast<int>(kCheckoutPlotHeight * d.checkouts / scale);
    // A day with a checkout never looks like a day without one, however busy the month.
    if (d.checkouts > 0) height = std::max(height, 1);
    const int slot = kCheckoutPlotLeft + kCheckoutSlotWidth * i;
    chart.bars.push_back(CheckoutChartBar{.day = LongDay(d.day),
                                          .count = d.checkouts,
                                          .x = slot + (kCheckoutSlotWidth - kCheckoutBarWidth) / 2,
                                          .y = kCheckoutPlotTop + kCheckoutPlotHeight - height,
                                          .height = height});
    if ((n - 1 - i) % kCheckoutTickEvery == 0)
      chart.ticks.push_back({slot + kCheckoutSlotWidth / 2, ShortDay(d.day)});
  }
  if (days.empty()) {
    chart.title = "Checkouts per day: no days to show.";
    return chart;
  }
  chart.title = fmt::format("Checkouts per day from {} to {}: ", LongDay(days.front().day),
                            LongDay(days.back().day));
  if (chart.total == 0) {
    chart.title += "none.";
  } else {
    chart.title += fmt::format("{} in all; the busiest day was {}, with {}.", chart.total,
                               LongDay(busiest->day), Checkouts(busiest->checkouts));
  }
  return chart;
}

std::string FormatSpent(const std::map<std::string, int64_t>& cents_by_currency) {
  if (cents_by_currency.empty()) return "none";
  std::string out;
  for (const auto& [currency, cents] : cents_by_currency) {
    if (!out.empty()) out += ", ";
    out += FormatAmount(cents, currency);
  }
  return out;
}

}  // namespace tenure::http::pages
