#pragma once
// Civil time in a customer's time zone (IANA names, the system tz database). Month arithmetic
// happens on the local calendar so that "the 31st at 10:00" stays 10:00 across DST changes,
// and every date and time a customer reads is written in their zone (issue 14 item 5).
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace date {
class time_zone;  // NOLINT(readability-identifier-naming): the date library's name
}

namespace tenure {

class TimeZone {
 public:
  static TimeZone Utc();
  // Nothing for an unknown name.
  static std::optional<TimeZone> Find(std::string_view iana_name);
  // A customer's setting (domain::User::time_zone): the zone it names; UTC when it is empty
  // (never chosen nor detected) or no longer in the tz database.
  static TimeZone OrUtc(std::string_view iana_name);

  std::string_view name() const;
  // `months` calendar months later on the local calendar, same local time of day; a day past
  // the month's end clamps to its last day (Jan 31 + 1 month = Feb 28/29). A local time that
  // falls in a DST gap moves forward; an ambiguous one takes the earlier instant.
  Instant AddMonths(Instant t, int months) const;
  CivilDate LocalDate(Instant t) const;
  // The instant the local day of `t` began (midnight, or the first instant after a DST gap).
  Instant StartOfDay(Instant t) const;
  // The local wall clock at `t`, since the local midnight.
  std::chrono::hh_mm_ss<Seconds> LocalTimeOfDay(Instant t) const;
  // What the zone calls itself at `t` ("GMT" or "BST" for Europe/London, "UTC"). Where the tz
  // database has no letters for it ("+04"), its offset from UTC: "UTC+4", "UTC+5:45".
  std::string Abbreviation(Instant t) const;

 private:
  explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}
  const date::time_zone* zone_;  // owned by the process-wide tz database
};

// For people, in `zone`: "March 29, 2026", the local calendar day of `t`.
std::string FormatLongDate(Instant t, const TimeZone& zone);
// "02:30 BST": the local time of day (24-hour clock) and the zone's abbreviation then.
std::string FormatTimeOfDay(Instant t, const TimeZone& zone);
// "March 29, 2026 02:30 BST": both, wherever a time of day is shown.
std::string FormatDateTime(Instant t, const TimeZone& zone);

}  // namespace tenure
