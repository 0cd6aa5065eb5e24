#pragma once
// Civil time in a customer's time zone (IANA names, the system tz database). Month arithmetic
// happens on the local calendar so that "the 31st at 10:00" stays 10:00 across DST changes.
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

  std::string_view name() const;
  // `months` calendar months later on the local calendar, same local time of day; a day past
  // the month's end clamps to its last day (Jan 31 + 1 month = Feb 28/29). A local time that
  // falls in a DST gap moves forward; an ambiguous one takes the earlier instant.
  Instant AddMonths(Instant t, int months) const;
  CivilDate LocalDate(Instant t) const;
  // The instant the local day of `t` began (midnight, or the first instant after a DST gap).
  Instant StartOfDay(Instant t) const;

 private:
  explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}
  const date::time_zone* zone_;  // owned by the process-wide tz database
};

}  // namespace tenure
