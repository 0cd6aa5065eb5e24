// Home's chart of checkouts per day and the money of checkout statistics
// (http/pages/checkout_chart.hpp), against numbers worked out by hand: slots 20 wide from
// x = 40, bars 14 wide centred in them (x = 43 + 20 i), the largest 160 tall standing on the
// axis at y = 170, others 160 * n / largest rounded down but never below 1, and a date under
// every 7th day counted back from the last.
#include "http/pages/checkout_chart.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <ostream>

namespace tenure::http::pages {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

struct Bar {
  int x, y, height;
  bool operator==(const Bar&) const = default;
  friend void PrintTo(const Bar& b, std::ostream* os) {
    *os << "{x " << b.x << ", y " << b.y << ", height " << b.height << "}";
  }
};
std::vector<Bar> BarsOf(const CheckoutChart& chart) {
  std::vector<Bar> out;
  for (const auto& b : chart.bars) out.push_back({b.x, b.y, b.height});
  return out;
}

// `counts.size()` days ending on `last`.
std::vector<domain::DayCount> Days(std::vector<int64_t> counts,
                                   CivilDate last = CivilDate{std::chrono::year(2026),
                                                              std::chrono::March,
                                                              std::chrono::day(6)}) {
  std::vector<domain::DayCount> out;
  const auto n = static_cast<int>(counts.size());
  for (int i = 0; i < n; ++i)
    out.push_back({CivilDate(sys_days(last) - days(n - 1 - i)), counts[static_cast<size_t>(i)]});
  return out;
}

TEST(CheckoutChart, NoDaysIsAnEmptyChart) {
  const CheckoutChart chart = LayOutCheckoutChart({});
  EXPECT_TRUE(chart.bars.empty());
  EXPECT_TRUE(chart.ticks.empty());
  EXPECT_EQ(chart.total, 0);
  EXPECT_EQ(chart.largest, 0);
  EXPECT_EQ(chart.title, "Checkouts per day: no days to show.");
}

TEST(CheckoutChart, AMonthWithoutCheckoutsDrawsNoBarsWithoutDividingByZero) {
  const auto days30 = Days(std::vector<int64_t>(30, 0));
  const CheckoutChart chart = LayOutCheckoutChart(days30);
  ASSERT_EQ(chart.bars.size(), 30u);
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    EXPECT_EQ(chart.bars[i].x, 43 + 20 * static_cast<int>(i));
    EXPECT_EQ(chart.bars[i].height, 0);
    EXPECT_EQ(chart.bars[i].y, 170);
  }
  EXPECT_EQ(chart.bars.front().day, "February 5, 2026");
  EXPECT_EQ(chart.bars.back().day, "March 6, 2026");
  EXPECT_EQ(chart.title, "Checkouts per day from February 5, 2026 to March 6, 2026: none.");
}

TEST(CheckoutChart, TheBusiestDayReachesTheTopAndTheOthersScaleToIt) {
  const CheckoutChart chart = LayOutCheckoutChart(Days({3, 7, 1, 0}));
  // 160*3/7 = 68.57 -> 68; 160*7/7 = 160; 160*1/7 = 22.86 -> 22; 0.
  EXPECT_EQ(BarsOf(chart),
            (std::vector<Bar>{{43, 102, 68}, {63, 10, 160}, {83, 148, 22}, {103, 170, 0}}));
  EXPECT_EQ(chart.largest, 7);
  EXPECT_EQ(chart.total, 11);
  EXPECT_EQ(chart.bars[1].count, 7);
  EXPECT_EQ(chart.bars[1].day, "March 4, 2026");
  EXPECT_EQ(chart.title,
            "Checkouts per day from March 3, 2026 to March 6, 2026: 11 in all; the busiest day "
            "was March 4, 2026, with 7 checkouts.");
}

TEST(CheckoutChart, ADayWithOneCheckoutShowsEvenBesideAVeryBusyOne) {
  // 160*1/400 = 0.4: rounded down it would vanish; it stands 1 tall instead.
  const CheckoutChart chart = LayOutCheckoutChart(Days({400, 1}));
  EXPECT_EQ(BarsOf(chart), (std::vector<Bar>{{43, 10, 160}, {63, 169, 1}}));
  // 160*2/3 = 106.67 -> 106: other bars round down.
  EXPECT_EQ(BarsOf(LayOutCheckoutChart(Days({3, 2}))),
            (std::vector<Bar>{{43, 10, 160}, {63, 64, 106}}));
}

TEST(CheckoutChart, TiesNameTheEarliestBusiestDayAndOneCheckoutIsSingular) {
  EXPECT_EQ(LayOutCheckoutChart(Days({0, 1, 1})).title,
            "Checkouts per day from March 4, 2026 to March 6, 2026: 2 in all; the busiest day "
            "was March 5, 2026, with 1 checkout.");
}

TEST(CheckoutChart, ADateUnderEverySeventhDayEndingOnTheLast) {
  const CheckoutChart chart = LayOutCheckoutChart(Days(std::vector<int64_t>(30, 1)));
  // Days 1, 8, 15, 22 and 29 (the last), at the centres of their slots: 40 + 20 i + 10.
  ASSERT_EQ(chart.ticks.size(), 5u);
  const int expected_x[] = {70, 210, 350, 490, 630};
  const char* expected_text[] = {"Feb 6", "Feb 13", "Feb 20", "Feb 27", "Mar 6"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(chart.ticks[i].x, expected_x[i]);
    EXPECT_EQ(chart.ticks[i].text, expected_text[i]);
  }
  // Every bar and the last date's text fit inside the viewBox.
  EXPECT_LE(chart.bars.back().x + kCheckoutBarWidth, kCheckoutChartWidth);
  EXPECT_EQ(chart.title,
            "Checkouts per day from February 5, 2026 to March 6, 2026: 30 in all; the busiest "
            "day was February 5, 2026, with 1 checkout.");
}

TEST(CheckoutChart, DaysCrossAYearEnd) {
  const CheckoutChart chart = LayOutCheckoutChart(
      Days({2, 5}, CivilDate{std::chrono::year(2027), std::chrono::January, std::chrono::day(1)}));
  EXPECT_EQ(chart.bars[0].day, "December 31, 2026");
  EXPECT_EQ(chart.bars[1].day, "January 1, 2027");
  ASSERT_EQ(chart.ticks.size(), 1u);
  EXPECT_EQ(chart.ticks[0].text, "Jan 1");
}

TEST(CheckoutChart, LargeCountsScaleWithoutOverflow) {
  const CheckoutChart chart = LayOutCheckoutChart(Days({1'000'000'000'000, 500'000'000'000}));
  EXPECT_EQ(BarsOf(chart), (std::vector<Bar>{{43, 10, 160}, {63, 90, 80}}));
  EXPECT_EQ(chart.total, 1'500'000'000'000);
}

TEST(CheckoutAmount, ThousandsSeparatorsAndTheCurrency) {
  EXPECT_EQ(FormatAmount(0, "USD"), "0.00 USD");
  EXPECT_EQ(FormatAmount(5, "USD"), "0.05 USD");
  EXPECT_EQ(FormatAmount(99'999, "USD"), "999.99 USD");
  EXPECT_EQ(FormatAmount(123'400, "USD"), "1,234.00 USD");
  EXPECT_EQ(FormatAmount(100'000'000, "EUR"), "1,000,000.00 EUR");
  EXPECT_EQ(FormatAmount(-123'456, "USD"), "-1,234.56 USD");
  EXPECT_EQ(FormatAmount(std::numeric_limits<int64_t>::min(), "USD"),
            "-92,233,720,368,547,758.08 USD");
}

TEST(CheckoutAmount, EveryCurrencyInCodeOrderOrNone) {
  EXPECT_EQ(FormatSpent({}), "none");
  EXPECT_EQ(FormatSpent({{"USD", 5'612'300}}), "56,123.00 USD");
  EXPECT_EQ(FormatSpent({{"USD", 150'000}, {"EUR", 36'000}}), "360.00 EUR, 1,500.00 USD");
}

}  // namespace
}  // namespace tenure::http::pages
