// tenure-agent update-check (issue 12): the latest release of a channel for a system, its
// signature verified, and with --download the file itself, kept only when its size and
// SHA-256 are the signed ones.
#include <cstdio>
#include <filesystem>
#include <string>

#include "command_support.hpp"
#include "release.hpp"

namespace tenure::agent {
namespace {

// The system this binary was built for: what it would install by default.
constexpr char kBuiltFor[] =
#if defined(_WIN32)
    "windows";
#elif defined(__APPLE__)
    "macos";
#else
    "linux";
#endif

constexpr char kNotInstalled[] = "the update does not match its signature: not installed";

// "48.3 MB": decimal units, as the Download tab shows sizes.
std::string HumanSize(int64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " bytes";
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1000;
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(units)) {
    value /= 1000;
    ++unit;
  }
  char out[32];
  std::snprintf(out, sizeof out, "%.1f %s", value, units[unit]);
  return out;
}

nlohmann::json ReleaseJson(const Release& answer, const SignedRelease& s) {
  return {{"verified", true},         {"version", s.version},
          {"channel", s.channel},     {"os", s.os},
          {"file_name", s.file_name}, {"size", s.size},
          {"sha256", s.sha256},       {"published_at", answer.published_at},
          {"notes", answer.notes}};
}

Outcome FromReleaseError(const ReleaseError& e) {
  static const char* const kProblems[] = {"bad_signature", "claims_differ", "not_asked"};
  return Fail(kExitBadUpdate, std::string(kNotInstalled) + " (" + e.message + ")",
              {{"failure", "release"},
               {"release_problem", kProblems[static_cast<int>(e.problem)]},
               {"detail", e.message}});
}

// Downloads the verified release to `file`: the part file becomes `file` only when its size
// and SHA-256 are the signed ones; otherwise it is deleted (exit 7).
Outcome DownloadVerified(const Session& s, const Release& answer, const SignedRelease& signed_file,
                         const std::string& file, Outcome announced) {
  auto got = s.client.Download(answer.download_url, file, signed_file.size);
  if (!got) return FromError(got.error());
  std::error_code ec;
  if (got->size != signed_file.size || got->sha256 != signed_file.sha256) {
    std::filesystem::remove(got->part_path, ec);
    // An empty sha256: the download stopped past the signed size.
    const std::string received = got->sha256.empty()
                                     ? "more than " + std::to_string(signed_file.size) + " bytes"
                                     : std::to_string(got->size) + " bytes, sha256 " + got->sha256;
    return Fail(kExitBadUpdate,
                std::string(kNotInstalled) + " (received " + received + "; signed: " +
                    std::to_string(signed_file.size) + " bytes, sha256 " + signed_file.sha256 + ")",
                {{"failure", "download"},
                 {"release_problem", "file_differs"},
                 {"received", {{"size", got->size}, {"sha256", got->sha256}}},
                 {"release", ReleaseJson(answer, signed_file)}});
  }
  std::filesystem::rename(got->part_path, file, ec);
  if (ec) {
    std::filesystem::remove(got->part_path, ec);
    return Fail(kExitError,
                "cannot rename " + got->part_path + " to " + file + ": " + ec.message());
  }
  announced.line += "; downloaded and verified: " + file;
  announced.json["downloaded"] = {{"path", file}, {"size", got->size}, {"sha256", got->sha256}};
  return announced;
}

}  // namespace

Outcome UpdateCheck(const Invocation& inv) {
  const std::string os = inv.values.contains("os") ? Value(inv, "os") : kBuiltFor;
  if (os != "windows" && os != "macos" && os != "linux")
    return Fail(kExitUsage, "--os takes windows, macos or linux");
  const std::string channel = inv.values.contains("channel") ? Value(inv, "channel") : "stable";
  if (channel != "stable" && channel != "beta")
    return Fail(kExitUsage, "--channel takes stable or beta");
  std::optional<SemVer> current;
  if (inv.values.contains("current-version")) {
    current = ParseSemVer(Value(inv, "current-version"));
    if (!current)
      return Fail(kExitUsage, "--current-version takes a semantic version such as 2.4.1");
  }
  const bool download = inv.values.contains("download");
  if (download && Value(inv, "download").empty())
    return Fail(kExitUsage, "--download takes the file to write");

  auto s = Open(inv, /*need_token=*/true);
  if (!s) return s.error();
  auto answer = s->client.LatestRelease(s->state.token, os, channel);
  if (!answer) {
    const Error& e = answer.error();
    if (e.code == "no_release") {
      Outcome out = FromError(e);
      out.line = "no " + channel + " release for " + os + " has been published yet";
      out.json["message"] = out.line;
      return out;
    }
    if (e.failure == Failure::kUnreachable) return FromError(e);
    return Refused(*s, e);
  }

  const nlohmann::json cached_keys = s->state.jwks;
  if (auto failed = RefreshKeysFor(*s, answer->signature)) return *failed;
  if (s->state.jwks != cached_keys) {
    if (auto failed = Save(*s)) return *failed;
  }
  // Only the signed facts are acted on from here: the answer's own fields equal them.
  auto verified = VerifyRelease(*answer, s->state.jwks, os, channel);
  if (!verified) return FromReleaseError(verified.error());
  const SignedRelease& release = *verified;
  const auto version = ParseSemVer(release.version);
  if (!version)
    return Fail(kExitError, "the release's version " + release.version + " is not a SemVer");

  const bool newer = !current || CompareSemVer(*version, *current) > 0;
  Outcome out{.exit_code = kExitOk};
  out.json = {
      {"ok", true}, {"update_available", newer}, {"release", ReleaseJson(*answer, release)}};
  if (current) out.json["current_version"] = Value(inv, "current-version");
  if (!newer) {
    // Nothing to download: the program already runs this release or a later one.
    out.line = "up to date (" + Value(inv, "current-version") + ")";
    if (CompareSemVer(*version, *current) != 0)
      out.line += "; the latest " + channel + " release is " + release.version;
    return out;
  }
  out.line = "update available: " + release.version + " (" + release.channel + "), " +
             release.file_name + ", " + HumanSize(release.size) + ", sha256 " + release.sha256;
  if (!download) return out;
  return DownloadVerified(*s, *answer, release, Value(inv, "download"), std::move(out));
}

}  // namespace tenure::agent
