#pragma once
// Verifying an update before a program installs it (issue 12). The server's answer to
// GET /api/v1/releases/latest names the file (version, channel, os, file_name, size, sha256)
// and carries a signature over exactly those facts: a compact JWS (typ "tenure-release+jwt")
// by the same Ed25519 key as leases. A program trusts the signed facts only, and checks the
// downloaded file against them, as Sparkle and Tauri's updater do. Standalone (libsodium and
// nlohmann-json), like lease.hpp.
#include <nlohmann/json.hpp>

#include <compare>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lease.hpp"

namespace tenure::agent {

// The header typ of a release signature; a lease or a download token by the same key has
// another and is refused.
inline constexpr std::string_view kReleaseType = "tenure-release+jwt";

// The latest release as the server answered: nothing of it is verified yet.
struct Release {
  std::string version;
  std::string channel;  // "stable" | "beta"
  std::string published_at;
  std::string notes;  // Markdown
  std::string os;     // "windows" | "macos" | "linux"
  std::string file_name;
  int64_t size = 0;
  std::string sha256;     // lowercase hex
  std::string signature;  // the compact JWS over the six facts above
  std::string download_url;
  std::string download_url_expires_at;
  nlohmann::json raw;
};

// The facts the server's key vouches for; what a program acts on.
struct SignedRelease {
  std::string version;
  std::string channel;
  std::string os;
  std::string file_name;
  int64_t size = 0;
  std::string sha256;
};

enum class ReleaseProblem {
  kBadSignature,  // the JWS does not verify, or what it signs is not a release's facts
  kClaimsDiffer,  // it verifies, but a field of the answer is not the signed one
  kNotAsked,      // genuine, but for another system or channel than the one asked for
};

struct ReleaseError {
  ReleaseProblem problem;
  std::string message;
};

// Verifies `release.signature` (VerifyJws with typ kReleaseType), then that every signed fact
// equals the answer's field (a server or proxy that swaps one is caught) and that the release
// is for `os` and `channel`.
std::expected<SignedRelease, ReleaseError> VerifyRelease(const Release& release,
                                                         const nlohmann::json& jwks,
                                                         std::string_view os,
                                                         std::string_view channel);

// A Semantic Version (semver.org 2.0.0): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].
struct SemVer {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty for a release
};

// nullopt unless `text` is a SemVer exactly (no "v" prefix, no leading zeros, no empty
// identifier, numbers that fit 64 bits). Build metadata is checked, then dropped.
std::optional<SemVer> ParseSemVer(std::string_view text);
// Precedence (SemVer section 11): 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta.2 < 1.0.0-beta.11
// < 1.0.0-rc.1 < 1.0.0. Build metadata does not count.
std::strong_ordering CompareSemVer(const SemVer& a, const SemVer& b);

}  // namespace tenure::agent
