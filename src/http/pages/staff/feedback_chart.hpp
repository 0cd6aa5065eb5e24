#pragma once
// The feedback inbox's chart of cancellations by reason (issue 3 item 7) as plain numbers:
// where each bar's row sits, how long its bar is, where its count goes, and the chart's text
// alternative. templates/staff_feedback.html draws it as SVG; being pure, the geometry is
// tested without a server (tests/http/feedback_chart_test.cpp).
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "domain/cancellation.hpp"

namespace tenure::http::pages {

// The SVG's layout, in viewBox units (640 wide). The template puts each bar at x = 260, after
// the label column; these numbers must agree with it.
inline constexpr int kChartBarX = 260;
inline constexpr int kChartMaxBarWidth = 330;  // the largest count's bar
inline constexpr int kChartCountGap = 6;       // between a bar's end and its count
inline constexpr int kChartRowHeight = 28;     // one row per reason

struct FeedbackChartBar {
  std::string label;  // the reason as customers read it ("It's too expensive")
  int64_t count = 0;
  int y = 0;        // the row's top
  int width = 0;    // kChartMaxBarWidth * count / largest count, rounded down
  int count_x = 0;  // where the count's text starts: just after the bar
};

struct FeedbackChart {
  std::vector<FeedbackChartBar> bars;  // in the order of the counts
  int height = 0;                      // the viewBox height: every row
  std::string title;                   // "Cancellations by reason: <label> <count>; ..."
};

// One bar per (reason, count), in order; zero counts get a zero-width bar.
FeedbackChart LayOutFeedbackChart(std::span<const std::pair<domain::CancelReason, int64_t>> counts);

}  // namespace tenure::http::pages
