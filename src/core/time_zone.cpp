#include "core/time_zone.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <cstdlib>

namespace tenure {

TimeZone TimeZone::Utc() { return TimeZone(date::locate_zone("Etc/UTC")); }

std::optional<TimeZone> TimeZone::Find(std::string_view iana_name) {
  try {
    return TimeZone(date::locate_zone(iana_name));
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

TimeZone TimeZone::OrUtc(std::string_view iana_name) {
  if (iana_name.empty()) return Utc();
  return Find(iana_name).value_or(Utc());
}

std::string_view TimeZone::name() const { return zone_->name(); }

Instant TimeZone::AddMonths(Instant t, int months) const {
  const auto local = zone_->to_local(t);
  const auto local_day = date::floor<date::days>(local);
  const auto time_of_day = local - local_day;
  const date::year_month_day ymd{local_day};
  auto target = date::year_month{ymd.year(), ymd.month()} + date::months(months);
  const date::year_month_day_last last{target.year(), date::month_day_last{target.month()}};
  const date::day day = std::min(ymd.day(), last.day());
  const date::local_seconds result =
      date::local_days{target.year() / target.month() / day} + time_of_day;
  // choose::earliest: ambiguous times take the first instant; nonexistent ones (DST gap) are
  // mapped by date::choose to the instant the gap starts, i.e. moved forward.
  return date::floor<Seconds>(zone_->to_sys(result, date::choose::earliest));
}

Instant TimeZone::StartOfDay(Instant t) const {
  const auto local_day = date::floor<date::days>(zone_->to_local(t));
  return date::floor<Seconds>(
      zone_->to_sys(date::local_seconds(local_day), date::choose::earliest));
}

CivilDate TimeZone::LocalDate(Instant t) const {
  const auto local_day = date::floor<date::days>(zone_->to_local(t));
  const date::year_month_day ymd{local_day};
  return CivilDate{std::chrono::year(int(ymd.year())), std::chrono::month(unsigned(ymd.month())),
                   std::chrono::day(unsigned(ymd.day()))};
}

std::chrono::hh_mm_ss<Seconds> TimeZone::LocalTimeOfDay(Instant t) const {
  const auto local = zone_->to_local(t);
  return std::chrono::hh_mm_ss<Seconds>(local - date::floor<date::days>(local));
}

std::string TimeZone::Abbreviation(Instant t) const {
  const date::sys_info info = zone_->get_info(t);
  if (!info.abbrev.empty() && info.abbrev[0] != '+' && info.abbrev[0] != '-') return info.abbrev;
  // The tz database writes "+04" where a zone has no letters of its own in common use.
  const int64_t minutes = info.offset.count() / 60;
  const int64_t size = std::llabs(minutes);
  const char sign = minutes < 0 ? '-' : '+';
  if (size % 60 == 0) return fmt::format("UTC{}{}", sign, size / 60);
  return fmt::format("UTC{}{}:{:02}", sign, size / 60, size % 60);
}

std::string FormatLongDate(Instant t, const TimeZone& zone) {
  return FormatCivilDate(zone.LocalDate(t));
}

std::string FormatTimeOfDay(Instant t, const TimeZone& zone) {
  const auto clock = zone.LocalTimeOfDay(t);
  return fmt::format("{:02}:{:02} {}", clock.hours().count(), clock.minutes().count(),
                     zone.Abbreviation(t));
}

std::string FormatDateTime(Instant t, const TimeZone& zone) {
  return FormatLongDate(t, zone) + " " + FormatTimeOfDay(t, zone);
}

}  // namespace tenure
