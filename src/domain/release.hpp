#pragma once
// Releases of the program (issue 12; PRODUCT.md: "Releases: the Download tab serves the latest
// build for the visitor's OS to customers with a usable license"): SemVer versions, channels,
// the three operating systems, and which release is the latest. Pure.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::domain {

using ReleaseId = Id<struct ReleaseTag>;

enum class ReleaseChannel { kStable, kBeta };
enum class ReleaseOs { kWindows, kMacos, kLinux };

std::string_view ChannelName(ReleaseChannel channel);  // "stable" | "beta"
std::optional<ReleaseChannel> ParseChannel(std::string_view name);
std::string_view OsName(ReleaseOs os);   // "windows" | "macos" | "linux"
std::string_view OsLabel(ReleaseOs os);  // "Windows" | "macOS" | "Linux"
std::optional<ReleaseOs> ParseOs(std::string_view name);
inline constexpr ReleaseOs kAllOs[] = {ReleaseOs::kWindows, ReleaseOs::kMacos, ReleaseOs::kLinux};

// A Semantic Version 2.0.0 (https://semver.org): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].
struct SemVer {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty for a release
  std::string build;                    // ignored in ordering

  std::string ToString() const;
};
// nullopt when `text` is not a SemVer (no leading "v", no leading zeros, at most 64 bytes).
std::optional<SemVer> ParseSemVer(std::string_view text);
// SemVer precedence (section 11): -1, 0 or 1; build metadata does not count.
int CompareSemVer(const SemVer& a, const SemVer& b);

struct Release {
  ReleaseId id;
  std::string version;  // as published, a valid SemVer
  ReleaseChannel channel = ReleaseChannel::kStable;
  std::string notes;                   // Markdown
  std::optional<UserId> published_by;  // nullopt: published from the command line
  Instant published_at;
  std::optional<Instant> unpublished_at;  // hidden from customers and the API; file kept
};

struct ReleaseFile {
  ReleaseId release_id;
  ReleaseOs os = ReleaseOs::kWindows;
  std::string file_name;    // as downloaded (Content-Disposition)
  std::string stored_name;  // under the releases directory
  int64_t size = 0;
  std::string sha256;     // lowercase hex
  std::string signature;  // compact JWS (EdDSA) over the file's facts, signed by the lease key
  int64_t downloads = 0;
};

// The visitor's system for the Download tab: the Sec-CH-UA-Platform client hint when the
// browser sends one ("\"Windows\""), else the User-Agent; nullopt for systems with no build
// (Android, iOS, ChromeOS) or none recognised. A label for choosing, never a security decision.
std::optional<ReleaseOs> DetectReleaseOs(std::string_view ch_ua_platform,
                                         std::string_view user_agent);

// The latest published release of `channel` by SemVer precedence (unpublished ones ignored).
std::optional<size_t> LatestIndex(std::span<const Release> releases, ReleaseChannel channel);

}  // namespace tenure::domain
