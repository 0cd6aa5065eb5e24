// Dates and times as a customer reads them, in their own zone (issue 14 item 5), across the
// edges that move a wall clock: DST starting and ending, a day that rolls back or forward,
// zones the tz database gives no letters to.
#include "core/time_zone.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "core/time_zone_names.hpp"

namespace tenure {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

TimeZone Zone(std::string_view name) { return TimeZone::Find(name).value(); }
Instant At(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }

TEST(TimeZoneFormat, LondonAcrossTheSpringChange) {
  // Clocks go forward at 01:00 UTC on March 29, 2026: half an hour before is still GMT.
  const TimeZone london = Zone("Europe/London");
  EXPECT_EQ(FormatDateTime(At("2026-03-29T00:30:00Z"), london), "March 29, 2026 00:30 GMT");
  EXPECT_EQ(FormatDateTime(At("2026-03-29T01:30:00Z"), london), "March 29, 2026 02:30 BST");
}

TEST(TimeZoneFormat, LondonsRepeatedHourInAutumnNamesWhichOneItIs) {
  const TimeZone london = Zone("Europe/London");
  EXPECT_EQ(FormatDateTime(At("2026-10-25T00:30:00Z"), london), "October 25, 2026 01:30 BST");
  EXPECT_EQ(FormatDateTime(At("2026-10-25T01:30:00Z"), london), "October 25, 2026 01:30 GMT");
}

TEST(TimeZoneFormat, TheLocalDayIsNotTheUtcDay) {
  // Early in the UTC morning is still the evening before on the Pacific coast...
  const Instant march_first = At("2026-03-01T03:00:00Z");
  EXPECT_EQ(FormatLongDate(march_first), "March 1, 2026");
  EXPECT_EQ(FormatLongDate(march_first, Zone("America/Los_Angeles")), "February 28, 2026");
  EXPECT_EQ(FormatDateTime(march_first, Zone("America/Los_Angeles")),
            "February 28, 2026 19:00 PST");
  // ...and New Year's Day already in New Zealand, in its summer time.
  EXPECT_EQ(FormatDateTime(At("2026-12-31T12:00:00Z"), Zone("Pacific/Auckland")),
            "January 1, 2027 01:00 NZDT");
  // New York's spring change: 07:30 UTC is 03:30 daylight time, not 02:30.
  EXPECT_EQ(FormatTimeOfDay(At("2026-03-08T07:30:00Z"), Zone("America/New_York")), "03:30 EDT");
}

TEST(TimeZoneFormat, ZonesWithoutLettersShowTheirOffset) {
  const Instant t = At("2026-01-15T00:00:00Z");
  EXPECT_EQ(FormatTimeOfDay(t, Zone("Asia/Dubai")), "04:00 UTC+4");
  EXPECT_EQ(FormatTimeOfDay(t, Zone("Asia/Kathmandu")), "05:45 UTC+5:45");
  EXPECT_EQ(FormatTimeOfDay(t, Zone("America/Sao_Paulo")), "21:00 UTC-3");
  EXPECT_EQ(FormatTimeOfDay(t, Zone("America/St_Johns")), "20:30 NST");
  EXPECT_EQ(FormatTimeOfDay(t, TimeZone::Utc()), "00:00 UTC");
}

TEST(TimeZoneFormat, ACustomersSettingFallsBackToUtc) {
  EXPECT_EQ(TimeZone::OrUtc("Europe/Paris").name(), "Europe/Paris");
  EXPECT_EQ(TimeZone::OrUtc("").name(), TimeZone::Utc().name());
  EXPECT_EQ(TimeZone::OrUtc("Mars/Olympus").name(), TimeZone::Utc().name());
}

TEST(ChoosableTimeZones, EveryRegionalZoneAndUtcSortedAndEachOneResolves) {
  const auto& names = ChoosableTimeZones();
  EXPECT_GT(names.size(), 300u);
  EXPECT_TRUE(std::ranges::is_sorted(names));
  EXPECT_THAT(names, Contains("UTC"));
  EXPECT_THAT(names, Contains("Europe/London"));
  EXPECT_THAT(names, Contains("America/Argentina/Salta"));
  EXPECT_THAT(names, Contains("Pacific/Chatham"));
  for (const char* alias : {"GB", "US/Eastern", "EST5EDT", "Etc/GMT+5", "posixrules"})
    EXPECT_THAT(names, Not(Contains(alias)));
  for (const auto& name : names) EXPECT_TRUE(TimeZone::Find(name)) << name;
}

TEST(SimilarTimeZones, ATypingMistakeOrACityFindsTheZone) {
  EXPECT_EQ(SimilarTimeZones("Europe/Londn").at(0), "Europe/London");
  EXPECT_EQ(SimilarTimeZones("europe/paris").at(0), "Europe/Paris");
  EXPECT_EQ(SimilarTimeZones("london").at(0), "Europe/London");
  EXPECT_EQ(SimilarTimeZones("New York").at(0), "America/New_York");
  EXPECT_EQ(SimilarTimeZones("Tokio").at(0), "Asia/Tokyo");
  EXPECT_THAT(SimilarTimeZones("PST"), Contains("America/Los_Angeles"));
  EXPECT_THAT(SimilarTimeZones("Amsterdam", 1), ElementsAre("Europe/Amsterdam"));
  EXPECT_LE(SimilarTimeZones("a").size(), 5u);
}

TEST(SimilarTimeZones, NothingCloseSuggestsNothing) {
  EXPECT_THAT(SimilarTimeZones("Qwxz/Vbnm"), IsEmpty());
  EXPECT_THAT(SimilarTimeZones(""), IsEmpty());
  EXPECT_THAT(SimilarTimeZones("   "), IsEmpty());
}

}  // namespace
}  // namespace tenure
