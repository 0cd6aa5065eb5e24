#pragma once
// The time zones a customer chooses from in Settings, and the names closest to one that is not
// a time zone, so that a typing mistake is answered with suggestions (issue 14 item 5).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tenure {

// Every zone of the tz database under a continent or an ocean ("Europe/London",
// "America/Argentina/Salta"), and "UTC"; sorted. Older aliases (US/Eastern, GB, EST5EDT) still
// resolve with TimeZone::Find, but are not offered.
const std::vector<std::string>& ChoosableTimeZones();

// Up to `limit` choosable zones for what a customer typed, best first: the same name in other
// letter case or with spaces for underscores, then the same city ("london"), then a city that
// starts with it or a name that holds it, then an abbreviation the zone uses ("PST"), then
// names a few typing mistakes away ("Europe/Londn"). Empty when nothing is close.
std::vector<std::string> SimilarTimeZones(std::string_view typed, size_t limit = 5);

}  // namespace tenure
