// The feedback inbox's chart geometry (http/pages/staff/feedback_chart.hpp), against numbers
// worked out by hand: bars 28 apart, the largest 330 long, others 330 * n / largest rounded
// down, each count 6 after its bar's end (bars start at x = 260).
#include "http/pages/staff/feedback_chart.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace tenure::http::pages {
namespace {

using domain::CancelReason;
using Counts = std::vector<std::pair<CancelReason, int64_t>>;

struct Geometry {
  int y, width, count_x;
  bool operator==(const Geometry&) const = default;
  friend void PrintTo(const Geometry& g, std::ostream* os) {
    *os << "{y " << g.y << ", width " << g.width << ", count_x " << g.count_x << "}";
  }
};
std::vector<Geometry> GeometryOf(const FeedbackChart& chart) {
  std::vector<Geometry> out;
  for (const auto& b : chart.bars) out.push_back({b.y, b.width, b.count_x});
  return out;
}

TEST(FeedbackChart, NoCountsIsAnEmptyChart) {
  const FeedbackChart chart = LayOutFeedbackChart(Counts{});
  EXPECT_TRUE(chart.bars.empty());
  EXPECT_EQ(chart.height, 0);
  EXPECT_EQ(chart.title, "Cancellations by reason:");
}

// The inbox always sends every reason; a period without cancellations is all zeros.
TEST(FeedbackChart, AllZeroCountsDrawZeroWidthBarsWithoutDividingByZero) {
  Counts counts;
  for (auto reason : domain::AllCancelReasons()) counts.emplace_back(reason, 0);
  const FeedbackChart chart = LayOutFeedbackChart(counts);
  ASSERT_EQ(chart.bars.size(), 8u);
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    EXPECT_EQ(chart.bars[i].y, 28 * static_cast<int>(i));
    EXPECT_EQ(chart.bars[i].width, 0);
    EXPECT_EQ(chart.bars[i].count_x, 266);
    EXPECT_EQ(chart.bars[i].count, 0);
  }
  EXPECT_EQ(chart.height, 224);
  EXPECT_EQ(chart.title,
            "Cancellations by reason: It's too expensive 0; It's missing features I need 0; "
            "I'm switching to another service 0; I don't use it enough 0; I'm unhappy with "
            "customer service 0; It's too complicated to use 0; The quality wasn't what I "
            "expected 0; Something else 0;");
}

TEST(FeedbackChart, OneBucketGetsTheFullWidth) {
  const FeedbackChart chart = LayOutFeedbackChart(Counts{{CancelReason::kTooExpensive, 5}});
  ASSERT_EQ(chart.bars.size(), 1u);
  EXPECT_EQ(chart.bars[0].label, "It's too expensive");
  EXPECT_EQ(chart.bars[0].count, 5);
  EXPECT_EQ(GeometryOf(chart), (std::vector<Geometry>{{0, 330, 596}}));
  EXPECT_EQ(chart.height, 28);
  EXPECT_EQ(chart.title, "Cancellations by reason: It's too expensive 5;");
}

TEST(FeedbackChart, TheLargestBarIsFullWidthWhereverItIsAndTheOthersScaleToIt) {
  const FeedbackChart chart = LayOutFeedbackChart(Counts{
      {CancelReason::kUnused, 3}, {CancelReason::kTooExpensive, 7}, {CancelReason::kOther, 1}});
  // 330*3/7 = 141.4 -> 141; 330*7/7 = 330; 330*1/7 = 47.1 -> 47.
  EXPECT_EQ(GeometryOf(chart),
            (std::vector<Geometry>{{0, 141, 407}, {28, 330, 596}, {56, 47, 313}}));
  EXPECT_EQ(chart.bars[0].label, "I don't use it enough");
  EXPECT_EQ(chart.bars[2].label, "Something else");
  EXPECT_EQ(chart.height, 84);
  EXPECT_EQ(chart.title,
            "Cancellations by reason: I don't use it enough 3; It's too expensive 7; "
            "Something else 1;");
}

TEST(FeedbackChart, WidthsRoundDown) {
  // 330*6/7 = 282.86: rounding to nearest would give 283; 330*1/2 = 165 exactly.
  const FeedbackChart sevenths =
      LayOutFeedbackChart(Counts{{CancelReason::kTooExpensive, 7}, {CancelReason::kTooComplex, 6}});
  EXPECT_EQ(GeometryOf(sevenths), (std::vector<Geometry>{{0, 330, 596}, {28, 282, 548}}));
  const FeedbackChart halves = LayOutFeedbackChart(
      Counts{{CancelReason::kLowQuality, 1}, {CancelReason::kMissingFeatures, 2}});
  EXPECT_EQ(GeometryOf(halves), (std::vector<Geometry>{{0, 165, 431}, {28, 330, 596}}));
  // A count too small for a unit of width still shows its number: 330*1/400 = 0.8 -> 0.
  const FeedbackChart tiny =
      LayOutFeedbackChart(Counts{{CancelReason::kTooExpensive, 400}, {CancelReason::kOther, 1}});
  EXPECT_EQ(GeometryOf(tiny), (std::vector<Geometry>{{0, 330, 596}, {28, 0, 266}}));
  EXPECT_EQ(tiny.bars[1].count, 1);
}

TEST(FeedbackChart, LargeCountsScaleWithoutOverflow) {
  const FeedbackChart chart = LayOutFeedbackChart(Counts{
      {CancelReason::kTooExpensive, 1'000'000'000'000}, {CancelReason::kOther, 500'000'000'000}});
  EXPECT_EQ(GeometryOf(chart), (std::vector<Geometry>{{0, 330, 596}, {28, 165, 431}}));
  EXPECT_EQ(chart.title,
            "Cancellations by reason: It's too expensive 1000000000000; Something else "
            "500000000000;");
}

}  // namespace
}  // namespace tenure::http::pages
