// When Settings' Machines says a machine was last seen (http/pages/account_views.hpp): minutes
// and hours rounded down, singular for one, then the date once a day has passed.
#include "http/pages/account_views.hpp"

#include <gtest/gtest.h>

namespace tenure::http::pages {
namespace {

TEST(LastSeenText, RoundsDownToMinutesThenHoursThenNamesTheDate) {
  const Instant now = *ParseRfc3339("2026-03-06T12:00:00Z");
  const auto ago = [&](int64_t seconds) {
    return LastSeenText(now - Seconds(seconds), now, TimeZone::Utc());
  };
  EXPECT_EQ(ago(0), "just now");
  EXPECT_EQ(ago(59), "just now");
  EXPECT_EQ(ago(60), "1 minute ago");
  EXPECT_EQ(ago(119), "1 minute ago");
  EXPECT_EQ(ago(120), "2 minutes ago");
  EXPECT_EQ(ago(3599), "59 minutes ago");
  EXPECT_EQ(ago(3600), "1 hour ago");
  EXPECT_EQ(ago(2 * 3600 + 3599), "2 hours ago");
  EXPECT_EQ(ago(24 * 3600 - 1), "23 hours ago");
  EXPECT_EQ(ago(24 * 3600), "March 5, 2026");
  EXPECT_EQ(ago(40 * 24 * 3600), "January 25, 2026");
  // A heartbeat a little ahead of the server's clock is "just now", not a negative time.
  EXPECT_EQ(ago(-5), "just now");
}

// Issue 14 item 5: the date is the viewer's local day, not UTC's.
TEST(LastSeenText, NamesTheDateInTheViewersZone) {
  const Instant now = *ParseRfc3339("2026-03-06T12:00:00Z");
  const Instant seen = *ParseRfc3339("2026-03-04T03:00:00Z");
  EXPECT_EQ(LastSeenText(seen, now, TimeZone::Utc()), "March 4, 2026");
  EXPECT_EQ(LastSeenText(seen, now, *TimeZone::Find("America/Los_Angeles")), "March 3, 2026");
}

}  // namespace
}  // namespace tenure::http::pages
