#include "domain/release.hpp"

#include <algorithm>
#include <charconv>

#include "domain/user_agent.hpp"

namespace tenure::domain {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

bool IdentifierChars(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

// A numeric part: digits, no leading zero (semver.org, item 2).
std::optional<uint64_t> Number(std::string_view s) {
  if (!AllDigits(s) || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// Pre-release identifiers (item 11.4): numeric ones compare as numbers and sort before
// alphanumeric ones; a longer list wins when all before are equal.
int ComparePrerelease(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool an = AllDigits(a[i]), bn = AllDigits(b[i]);
    if (an && bn) {
      if (a[i].size() != b[i].size()) return a[i].size() < b[i].size() ? -1 : 1;
      if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    } else if (an != bn) {
      return an ? -1 : 1;
    } else if (a[i] != b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

std::string_view ChannelName(ReleaseChannel channel) {
  return channel == ReleaseChannel::kBeta ? "beta" : "stable";
}

std::optional<ReleaseChannel> ParseChannel(std::string_view name) {
  if (name == "stable") return ReleaseChannel::kStable;
  if (name == "beta") return ReleaseChannel::kBeta;
  return std::nullopt;
}

std::string_view OsName(ReleaseOs os) {
  switch (os) {
    case ReleaseOs::kMacos: return "macos";
    case ReleaseOs::kLinux: return "linux";
    case ReleaseOs::kWindows: break;
  }
  return "windows";
}

std::string_view OsLabel(ReleaseOs os) {
  switch (os) {
    case ReleaseOs::kMacos: return "macOS";
    case ReleaseOs::kLinux: return "Linux";
    case ReleaseOs::kWindows: break;
  }
  return "Windows";
}

std::optional<ReleaseOs> ParseOs(std::string_view name) {
  for (const ReleaseOs os : kAllOs)
    if (name == OsName(os)) return os;
  return std::nullopt;
}

std::string SemVer::ToString() const {
  std::string out =
      std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (size_t i = 0; i < prerelease.size(); ++i) out += (i == 0 ? "-" : ".") + prerelease[i];
  if (!build.empty()) out += "+" + build;
  return out;
}

std::optional<SemVer> ParseSemVer(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  SemVer v;
  if (const size_t plus = text.find('+'); plus != std::string_view::npos) {
    const std::string_view build = text.substr(plus + 1);
    for (const std::string_view id : Split(build, '.'))
      if (!IdentifierChars(id)) return std::nullopt;
    v.build = std::string(build);
    text = text.substr(0, plus);
  }
  if (const size_t dash = text.find('-'); dash != std::string_view::npos) {
    for (const std::string_view id : Split(text.substr(dash + 1), '.')) {
      if (!IdentifierChars(id)) return std::nullopt;
      if (AllDigits(id) && !Number(id)) return std::nullopt;  // numeric: no leading zero
      v.prerelease.emplace_back(id);
    }
    text = text.substr(0, dash);
  }
  const std::vector<std::string_view> core = Split(text, '.');
  if (core.size() != 3) return std::nullopt;
  const auto major = Number(core[0]), minor = Number(core[1]), patch = Number(core[2]);
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  return v;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  // A pre-release sorts before its release (item 11.3).
  if (a.prerelease.empty() != b.prerelease.empty()) return a.prerelease.empty() ? 1 : -1;
  return ComparePrerelease(a.prerelease, b.prerelease);
}

std::optional<ReleaseOs> DetectReleaseOs(std::string_view ch_ua_platform,
                                         std::string_view user_agent) {
  std::string_view hint = ch_ua_platform;
  if (hint.size() >= 2 && hint.front() == '"' && hint.back() == '"')
    hint = hint.substr(1, hint.size() - 2);
  if (!hint.empty()) {
    if (hint == "Windows") return ReleaseOs::kWindows;
    if (hint == "macOS") return ReleaseOs::kMacos;
    if (hint == "Linux") return ReleaseOs::kLinux;
    return std::nullopt;  // Android, Chrome OS, iOS, Unknown: no build of ours runs there
  }
  const std::string os = ParseUserAgent(user_agent).os;
  if (os == "Windows") return ReleaseOs::kWindows;
  if (os == "macOS") return ReleaseOs::kMacos;
  if (os == "Linux") return ReleaseOs::kLinux;
  return std::nullopt;
}

std::optional<size_t> LatestIndex(std::span<const Release> releases, ReleaseChannel channel) {
  std::optional<size_t> best;
  std::optional<SemVer> best_version;
  for (size_t i = 0; i < releases.size(); ++i) {
    const Release& r = releases[i];
    if (r.channel != channel || r.unpublished_at) continue;
    auto v = ParseSemVer(r.version);
    if (!v) continue;
    if (!best_version || CompareSemVer(*v, *best_version) > 0) {
      best = i;
      best_version = std::move(v);
    }
  }
  return best;
}

}  // namespace tenure::domain
