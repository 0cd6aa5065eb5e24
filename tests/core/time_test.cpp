#include "core/time.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace tenure {
namespace {

using namespace std::chrono;

TEST(Time, Rfc3339RoundTrips) {
  const Instant t = sys_days(2026y / December / 1) + hours(13) + minutes(5) + seconds(9);
  EXPECT_EQ(FormatRfc3339(t), "2026-12-01T13:05:09Z");
  EXPECT_EQ(ParseRfc3339("2026-12-01T13:05:09Z"), t);
}

TEST(Time, ParsesOffsetsToUtc) {
  EXPECT_EQ(ParseRfc3339("2026-12-01T00:00:00+14:00"),
            Instant(sys_days(2026y / November / 30) + hours(10)));
  EXPECT_EQ(ParseRfc3339("2026-12-01T00:00:00-12:00"),
            Instant(sys_days(2026y / December / 1) + hours(12)));
}

TEST(Time, RejectsMalformedInstants) {
  for (const char* bad : {"", "2026-12-01", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-12-01T24:00:00Z", "2026-12-01T00:00:00", "2026-12-01 00:00:00Z",
                          "2026-12-01T00:00:00+1400", "x026-12-01T00:00:00Z",
                          // Regression: signed fields passed (from_chars takes a '-').
                          "2026-12-01T-1:00:00Z", "2026-12-01T00:-5:00Z", "2026-12-01T00:00:-9Z",
                          "2026-12-01T00:00:00+-1:00", "-026-12-01T00:00:00Z"})
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
}

TEST(Time, LongDateForPeople) {
  EXPECT_EQ(FormatLongDate(sys_days(2028y / February / 29)), "February 29, 2028");
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock(sys_days(2026y / January / 31));
  const Instant start = clock.Now();
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(hours(25));
  EXPECT_EQ(clock.Now() - start, hours(25));
}

}  // namespace
}  // namespace tenure
