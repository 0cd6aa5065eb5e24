#include "core/time_zone_names.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "core/time_zone.hpp"

namespace tenure {
namespace {

constexpr std::array<std::string_view, 10> kRegions = {
    "Africa/",   "America/",   "Antarctica/", "Arctic/", "Asia/",
    "Atlantic/", "Australia/", "Europe/",     "Indian/", "Pacific/"};

// Lower case, and a space or a hyphen read as the database's underscore.
std::string Normalized(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '-') c = '_';
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string_view City(std::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Whether the zone goes by `abbreviation` in January or in July ("PST" and "PDT").
bool UsesAbbreviation(const std::string& name, std::string_view abbreviation) {
  const auto zone = TimeZone::Find(name);
  if (!zone) return false;
  using std::chrono::January;
  using std::chrono::July;
  for (const auto month : {January, July}) {
    const Instant mid_month(std::chrono::sys_days(std::chrono::year(2026) / month / 15));
    if (Normalized(zone->Abbreviation(mid_month)) == abbreviation) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& ChoosableTimeZones() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out{"UTC"};
    for (const auto& zone : date::get_tzdb().zones) {
      const std::string_view name = zone.name();
      if (std::ranges::any_of(kRegions, [&](std::string_view r) { return name.starts_with(r); }))
        out.emplace_back(name);
    }
    std::ranges::sort(out);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return names;
}

std::vector<std::string> SimilarTimeZones(std::string_view typed, size_t limit) {
  const size_t first = typed.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  typed = typed.substr(first, typed.find_last_not_of(" \t") + 1 - first);
  const std::string wanted = Normalized(typed.substr(0, 64));
  const std::string_view wanted_city = City(wanted);
  if (wanted_city.empty()) return {};
  const bool maybe_abbreviation =
      wanted.size() >= 2 && wanted.size() <= 5 &&
      std::ranges::all_of(wanted, [](unsigned char c) { return std::isalpha(c); });
  // Mistakes allowed: about one in three letters of the city, at least one.
  const size_t allowed = std::max<size_t>(1, wanted_city.size() / 3);
  std::vector<std::pair<size_t, const std::string*>> scored;
  for (const std::string& name : ChoosableTimeZones()) {
    const std::string normalized = Normalized(name);
    const std::string_view city = City(normalized);
    size_t score = 0;
    if (normalized == wanted) {
      score = 1;
    } else if (city == wanted_city) {
      score = 2;
    } else if (city.starts_with(wanted_city) || normalized.find(wanted) != std::string::npos) {
      score = 3;
    } else if (maybe_abbreviation && UsesAbbreviation(name, wanted)) {
      score = 4;
    } else {
      const size_t distance =
          std::min(EditDistance(wanted, normalized), EditDistance(wanted_city, city));
      if (distance <= allowed) score = 4 + distance;
    }
    if (score > 0) scored.emplace_back(score, &name);
  }
  std::ranges::stable_sort(scored, {}, &std::pair<size_t, const std::string*>::first);
  std::vector<std::string> out;
  for (const auto& [score, name] : scored) {
    if (out.size() == limit) break;
    out.push_back(*name);
  }
  return out;
}

}  // namespace tenure
