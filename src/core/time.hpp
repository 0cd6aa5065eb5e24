#pragma once
// Instants are UTC seconds; civil dates are calendar days. Time zones come with billing.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenure {

using Instant = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;
using CivilDate = std::chrono::year_month_day;

inline int64_t ToUnix(Instant t) { return t.time_since_epoch().count(); }
inline Instant FromUnix(int64_t s) { return Instant(Seconds(s)); }

// RFC 3339 in UTC: 2026-12-01T00:00:00Z
std::string FormatRfc3339(Instant t);
std::optional<Instant> ParseRfc3339(std::string_view s);
// "December 1, 2026" for people: the day of `t` in UTC (core/time_zone.hpp has the
// customer's zone's).
std::string FormatLongDate(Instant t);
// "December 1, 2026": a calendar day, as people read it.
std::string FormatCivilDate(CivilDate day);

}  // namespace tenure
