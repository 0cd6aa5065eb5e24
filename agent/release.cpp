#include "release.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <utility>

namespace tenure::agent {
namespace {

std::unexpected<ReleaseError> Refuse(ReleaseProblem problem, std::string message) {
  return std::unexpected(ReleaseError{problem, std::move(message)});
}

bool IsLowerHex(std::string_view text) {
  return std::ranges::all_of(
      text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The six facts, each of its type; nullopt when a claim is missing or of another type.
std::optional<SignedRelease> ReadClaims(const nlohmann::json& claims) {
  SignedRelease out;
  const std::pair<const char*, std::string*> texts[] = {{"version", &out.version},
                                                        {"channel", &out.channel},
                                                        {"os", &out.os},
                                                        {"file_name", &out.file_name},
                                                        {"sha256", &out.sha256}};
  for (auto [name, field] : texts) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_string()) return std::nullopt;
    *field = it->get<std::string>();
  }
  auto size = claims.find("size");
  if (size == claims.end() || !size->is_number_integer() || size->get<int64_t>() < 0)
    return std::nullopt;
  out.size = size->get<int64_t>();
  if (out.sha256.size() != 64 || !IsLowerHex(out.sha256)) return std::nullopt;
  return out;
}

bool IsAlphanumericOrHyphen(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool IsNumeric(std::string_view id) {
  return !id.empty() && std::ranges::all_of(id, [](char c) { return c >= '0' && c <= '9'; });
}

// Splits at dots; nullopt when an identifier is empty or has a character SemVer forbids.
std::optional<std::vector<std::string>> Identifiers(std::string_view text) {
  std::vector<std::string> out;
  for (;;) {
    const size_t dot = text.find('.');
    const std::string_view id = text.substr(0, dot);
    if (id.empty() || !std::ranges::all_of(id, IsAlphanumericOrHyphen)) return std::nullopt;
    out.emplace_back(id);
    if (dot == std::string_view::npos) return out;
    text.remove_prefix(dot + 1);
  }
}

// A numeric identifier: digits, no leading zero (SemVer items 2 and 9), fits 64 bits.
std::optional<uint64_t> Number(std::string_view id) {
  if (!IsNumeric(id) || (id.size() > 1 && id.front() == '0')) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return value;
}

// SemVer item 11.4.1-11.4.3: numbers by value, numbers before words, words in ASCII order.
std::strong_ordering CompareIdentifier(const std::string& a, const std::string& b) {
  const bool a_number = IsNumeric(a);
  const bool b_number = IsNumeric(b);
  if (a_number && b_number) {
    // Without leading zeros, a longer number is a bigger one; no overflow however long.
    if (a.size() != b.size()) return a.size() <=> b.size();
    return a.compare(b) <=> 0;
  }
  if (a_number != b_number)
    return a_number ? std::strong_ordering::less : std::strong_ordering::greater;
  return a.compare(b) <=> 0;
}

}  // namespace

std::expected<SignedRelease, ReleaseError> VerifyRelease(const Release& release,
                                                         const nlohmann::json& jwks,
                                                         std::string_view os,
                                                         std::string_view channel) {
  auto verified = VerifyJws(release.signature, jwks, "release", kReleaseType);
  if (!verified) return Refuse(ReleaseProblem::kBadSignature, verified.error().message);
  auto signed_release = ReadClaims(verified->claims);
  if (!signed_release)
    return Refuse(ReleaseProblem::kBadSignature,
                  "the release's signed claims are not a version, channel, os, file_name, "
                  "size and lowercase hex sha256");
  const SignedRelease& s = *signed_release;
  const std::pair<const char*, bool> fields[] = {{"version", s.version == release.version},
                                                 {"channel", s.channel == release.channel},
                                                 {"os", s.os == release.os},
                                                 {"file_name", s.file_name == release.file_name},
                                                 {"size", s.size == release.size},
                                                 {"sha256", s.sha256 == release.sha256}};
  for (auto [name, same] : fields) {
    if (!same)
      return Refuse(ReleaseProblem::kClaimsDiffer,
                    std::string("the answer's ") + name + " is not the signed one");
  }
  // A genuine build for another system, or a beta for a stable machine, is still not ours.
  if (s.os != os || s.channel != channel)
    return Refuse(ReleaseProblem::kNotAsked, "the server sent the " + s.channel + " release for " +
                                                 s.os + ", not " + std::string(channel) + " for " +
                                                 std::string(os));
  return s;
}

std::optional<SemVer> ParseSemVer(std::string_view text) {
  if (const size_t plus = text.find('+'); plus != std::string_view::npos) {
    if (!Identifiers(text.substr(plus + 1))) return std::nullopt;
    text = text.substr(0, plus);
  }
  std::vector<std::string> prerelease;
  if (const size_t hyphen = text.find('-'); hyphen != std::string_view::npos) {
    auto ids = Identifiers(text.substr(hyphen + 1));
    if (!ids) return std::nullopt;
    // No leading zero, but any length: CompareIdentifier never converts them.
    for (const std::string& id : *ids) {
      if (IsNumeric(id) && id.size() > 1 && id.front() == '0') return std::nullopt;
    }
    prerelease = std::move(*ids);
    text = text.substr(0, hyphen);
  }
  auto core = Identifiers(text);
  if (!core || core->size() != 3) return std::nullopt;
  const auto major = Number((*core)[0]);
  const auto minor = Number((*core)[1]);
  const auto patch = Number((*core)[2]);
  if (!major || !minor || !patch) return std::nullopt;
  return SemVer{
      .major = *major, .minor = *minor, .patch = *patch, .prerelease = std::move(prerelease)};
}

std::strong_ordering CompareSemVer(const SemVer& a, const SemVer& b) {
  if (auto c = std::tie(a.major, a.minor, a.patch) <=> std::tie(b.major, b.minor, b.patch); c != 0)
    return c;
  // Item 11.3: a pre-release comes before its release.
  if (a.prerelease.empty() || b.prerelease.empty())
    return a.prerelease.empty() <=> b.prerelease.empty();
  const size_t common = std::min(a.prerelease.size(), b.prerelease.size());
  for (size_t i = 0; i < common; ++i) {
    if (auto c = CompareIdentifier(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  }
  // Item 11.4.4: more identifiers, all before equal, is the later one.
  return a.prerelease.size() <=> b.prerelease.size();
}

}  // namespace tenure::agent
