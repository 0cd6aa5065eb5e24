// The Prometheus text format as GET /metrics renders it (issue 13); promtool checks the whole
// exposition of a running server in tests/api/metrics.test.mjs.
#include "core/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenure::metrics {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, CountersAndGaugesRenderByLabelsWithHelpAndType) {
  Registry r;
  auto& requests = r.Counters("t_requests_total", "Requests.", {"route", "status"});
  requests.With({"/home", "200"}).Add();
  requests.With({"/home", "200"}).Add(2);
  requests.With({"/a \"quoted\"\\path", "404"}).Add();
  r.Gauges("t_in_flight", "In flight.").With({}).Set(3);
  const std::string text = r.Render();
  EXPECT_THAT(text,
              HasSubstr("# HELP t_requests_total Requests.\n# TYPE t_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("t_requests_total{route=\"/home\",status=\"200\"} 3\n"));
  EXPECT_THAT(
      text, HasSubstr("t_requests_total{route=\"/a \\\"quoted\\\"\\\\path\",status=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE t_in_flight gauge\nt_in_flight 3\n"));
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry r;
  static constexpr double kBounds[] = {0.1, 1};
  auto& h = r.Histograms("t_seconds", "Time.", {"q"}, kBounds);
  h.With({"x"}).Observe(0.05);
  h.With({"x"}).Observe(0.5);
  h.With({"x"}).Observe(7);
  const std::string text = r.Render();
  EXPECT_THAT(text, HasSubstr("t_seconds_bucket{q=\"x\",le=\"0.1\"} 1\n"
                              "t_seconds_bucket{q=\"x\",le=\"1\"} 2\n"
                              "t_seconds_bucket{q=\"x\",le=\"+Inf\"} 3\n"
                              "t_seconds_sum{q=\"x\"} 7.55\n"
                              "t_seconds_count{q=\"x\"} 3\n"));
}

TEST(Metrics, CollectedGaugesAreReadAtEachScrape) {
  Registry r;
  int calls = 0;
  r.Collected("t_outbox", "Outbox.", [&] {
    ++calls;
    return std::vector<Sample>{{Label("state", "dead"), 2}, {Label("state", "due"), 5}};
  });
  EXPECT_THAT(r.Render(), HasSubstr("t_outbox{state=\"dead\"} 2\nt_outbox{state=\"due\"} 5\n"));
  r.Render();
  EXPECT_EQ(calls, 2);
}

TEST(Metrics, AFamilyAskedForTwiceIsTheSameAndATypeClashIsRefused) {
  Registry r;
  r.Counters("t_x_total", "X.").With({}).Add();
  r.Counters("t_x_total", "X.").With({}).Add();
  EXPECT_THAT(r.Render(), HasSubstr("t_x_total 2\n"));
  EXPECT_THROW(r.Gauges("t_x_total", "X."), std::logic_error);
  EXPECT_THROW(r.Counters("t_x_total", "X.").With({"extra"}), std::logic_error);
}

}  // namespace
}  // namespace tenure::metrics
