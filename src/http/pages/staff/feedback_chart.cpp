#include "http/pages/staff/feedback_chart.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tenure::http::pages {

FeedbackChart LayOutFeedbackChart(
    std::span<const std::pair<domain::CancelReason, int64_t>> counts) {
  // At least 1, so that all zeros draw zero-width bars rather than divide by zero.
  int64_t largest = 1;
  for (const auto& [reason, n] : counts) largest = std::max(largest, n);
  FeedbackChart chart{.title = "Cancellations by reason:"};
  for (const auto& [reason, n] : counts) {
    const std::string_view label = domain::CancelReasonLabel(reason);
    const int width = static_cast<int>(kChartMaxBarWidth * n / largest);
    chart.bars.push_back(FeedbackChartBar{.label = std::string(label),
                                          .count = n,
                                          .y = chart.height,
                                          .width = width,
                                          .count_x = kChartBarX + kChartCountGap + width});
    chart.title += fmt::format(" {} {};", label, n);
    chart.height += kChartRowHeight;
  }
  return chart;
}

}  // namespace tenure::http::pages
