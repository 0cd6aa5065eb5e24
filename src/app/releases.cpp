#include "app/releases.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "app/store/licenses.hpp"
#include "app/store/releases.hpp"
#include "domain/license.hpp"
#include "domain/text.hpp"

namespace tenure::app {
namespace {

namespace fs = std::filesystem;
using domain::Release;
using domain::ReleaseFile;
using domain::ReleaseOs;

constexpr size_t kMaxNotesBytes = 100'000;
constexpr size_t kMaxFileNameBytes = 200;
constexpr char kReleaseTyp[] = "tenure-release+jwt";
constexpr char kDownloadTyp[] = "tenure-download+jwt";

struct Digest {
  int64_t size = 0;
  std::string sha256;
};

// SHA-256 and size of a file, read in 1 MiB pieces (a release may be gigabytes).
Result<Digest> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kInvalidInput, fmt::format("cannot read {}", path));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buffer(1 << 20);
  Digest digest;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                              static_cast<unsigned long long>(got));
    digest.size += got;
  }
  if (in.bad()) return Fail(ErrorCode::kUnavailable, fmt::format("reading {} failed", path));
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, hash);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  digest.sha256 = hex;
  return digest;
}

// A name to download a file as: printable, no path, not empty.
bool SafeFileName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxFileNameBytes && name != "." && name != ".." &&
         domain::IsValidUtf8(name) && std::ranges::none_of(name, [](unsigned char c) {
           return c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '"';
         });
}

// Puts `upload` at `target`, moved or copied; a move across file systems becomes a copy.
Result<void> Place(const ReleaseUpload& upload, const fs::path& target) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Fail(ErrorCode::kUnavailable, fmt::format("cannot create {}", target.string()));
  if (upload.move) {
    fs::rename(upload.path, target, ec);
    if (!ec) return {};
  }
  fs::copy_file(upload.path, target, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot copy {} to {}: {}", upload.path,
                                                     target.string(), ec.message()));
  if (upload.move) fs::remove(upload.path, ec);
  return {};
}

std::string Subject(const Release& r) { return fmt::format("release:{}", r.version); }

}  // namespace

nlohmann::json ReleaseClaims(const Release& release, const ReleaseFile& file) {
  return {{"version", release.version},
          {"channel", domain::ChannelName(release.channel)},
          {"os", domain::OsName(file.os)},
          {"file_name", file.file_name},
          {"size", file.size},
          {"sha256", file.sha256}};
}

ReleaseService::ReleaseService(Store& store, const Clock& clock, LeaseSigner& signer,
                               std::string releases_dir, const domain::LicensePolicy& policy)
    : store_(store),
      clock_(clock),
      signer_(signer),
      dir_(std::move(releases_dir)),
      policy_(policy) {}

Result<ReleaseView> ReleaseService::Publish(const Actor& actor, std::optional<UserId> by,
                                            const PublishRequest& request) {
  const auto version = domain::ParseSemVer(request.version);
  if (!version)
    return Fail(ErrorCode::kInvalidInput,
                "The version must be a semantic version such as 2.4.1 or 3.0.0-beta.1.", "version");
  if (request.notes.size() > kMaxNotesBytes || !domain::IsValidUtf8(request.notes))
    return Fail(ErrorCode::kInvalidInput, "The release notes must be UTF-8 text of at most 100 KB.",
                "notes");
  if (request.files.empty())
    return Fail(ErrorCode::kInvalidInput, "Add a file for at least one operating system.", "files");
  std::set<ReleaseOs> seen;
  for (const ReleaseUpload& f : request.files) {
    if (!seen.insert(f.os).second)
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("Only one file per operating system ({} twice).", OsLabel(f.os)),
                  "files");
    if (!SafeFileName(f.file_name))
      return Fail(ErrorCode::kInvalidInput,
                  "A file name must be at most 200 characters, without slashes, quotes or "
                  "control characters.",
                  "files");
    std::error_code ec;
    if (!fs::is_regular_file(f.path, ec))
      return Fail(ErrorCode::kInvalidInput, fmt::format("{} is not a file.", f.path), "files");
  }
  {
    auto read = store_.Read();
    if (read->releases().FindByVersion(version->ToString()))
      return Fail(ErrorCode::kConflict,
                  fmt::format("Version {} is published already.", version->ToString()), "version");
    const std::vector<Release> published = read->releases().List(false, 1000);
    if (const auto latest = domain::LatestIndex(published, request.channel);
        latest && !request.allow_older &&
        domain::CompareSemVer(*version, *domain::ParseSemVer(published[*latest].version)) < 0)
      return Fail(ErrorCode::kConflict,
                  fmt::format("{} is older than {}, the latest {} release. Publish it anyway only "
                              "on purpose (allow an older version).",
                              version->ToString(), published[*latest].version,
                              domain::ChannelName(request.channel)),
                  "version");
  }

  const Instant now = clock_.Now();
  ReleaseView view{.release = {.version = version->ToString(),
                               .channel = request.channel,
                               .notes = request.notes,
                               .published_by = by,
                               .published_at = now}};
  std::vector<fs::path> placed;
  auto undo = [&] {
    std::error_code ec;
    for (const fs::path& p : placed) fs::remove(p, ec);
  };
  for (const ReleaseUpload& f : request.files) {
    const fs::path target =
        fs::path(dir_) / view.release.version / domain::OsName(f.os) / f.file_name;
    if (auto ok = Place(f, target); !ok) {
      undo();
      return std::unexpected(ok.error());
    }
    placed.push_back(target);
    // The hash is of the file as stored: what is served is what was signed.
    auto digest = HashFile(target.string());
    if (!digest) {
      undo();
      return std::unexpected(digest.error());
    }
    ReleaseFile file{.os = f.os,
                     .file_name = f.file_name,
                     .stored_name = fs::relative(target, dir_).string(),
                     .size = digest->size,
                     .sha256 = digest->sha256};
    file.signature = signer_.SignClaims(ReleaseClaims(view.release, file), kReleaseTyp);
    view.files.push_back(std::move(file));
  }
  try {
    auto uow = store_.Begin(actor);
    const auto id = uow->releases().Insert(view.release);
    if (!id) {
      undo();
      return Fail(ErrorCode::kConflict,
                  fmt::format("Version {} is published already.", view.release.version), "version");
    }
    view.release.id = *id;
    nlohmann::json files = nlohmann::json::array();
    for (ReleaseFile& file : view.files) {
      file.release_id = *id;
      uow->releases().InsertFile(file);
      files.push_back(
          {{"os", domain::OsName(file.os)}, {"size", file.size}, {"sha256", file.sha256}});
    }
    uow->Audit("release.publish", Subject(view.release), nullptr,
               {{"channel", domain::ChannelName(view.release.channel)}, {"files", files}});
    uow->Commit();
  } catch (...) {
    undo();
    throw;
  }
  return view;
}

Result<void> ReleaseService::SetPublished(const Actor& actor, domain::ReleaseId id,
                                          bool published) {
  auto uow = store_.Begin(actor);
  auto release = uow->releases().Find(id);
  if (!release) return Fail(ErrorCode::kNotFound, "There is no such release.");
  if (release->unpublished_at.has_value() != published) return {};  // already so
  uow->releases().SetUnpublished(id, published ? std::nullopt : std::optional(clock_.Now()));
  uow->Audit(published ? "release.republish" : "release.unpublish", Subject(*release),
             {{"published", !published}}, {{"published", published}});
  uow->Commit();
  return {};
}

std::vector<ReleaseView> ReleaseService::List(bool include_unpublished, int limit) {
  auto read = store_.Read();
  std::vector<ReleaseView> out;
  for (Release& r : read->releases().List(include_unpublished, limit)) {
    auto files = read->releases().Files(r.id);
    out.push_back({std::move(r), std::move(files)});
  }
  return out;
}

std::optional<ReleaseView> ReleaseService::Latest(domain::ReleaseChannel channel) {
  auto read = store_.Read();
  std::vector<Release> published = read->releases().List(false, 1000);
  const auto latest = domain::LatestIndex(published, channel);
  if (!latest) return std::nullopt;
  auto files = read->releases().Files(published[*latest].id);
  return ReleaseView{std::move(published[*latest]), std::move(files)};
}

std::string ReleaseService::Signature(const Release& release, const ReleaseFile& file) {
  if (auto claims = signer_.Verify(file.signature);
      claims && *claims == ReleaseClaims(release, file))
    return file.signature;
  return signer_.SignClaims(ReleaseClaims(release, file), kReleaseTyp);
}

Result<Download> ReleaseService::Authorize(UserId user, domain::ReleaseId id, ReleaseOs os) {
  auto read = store_.Read();
  const auto license = read->licenses().FindByUser(user);
  const auto status = license ? domain::StatusAt(*license, clock_.Now(), policy_.grace)
                              : domain::LicenseStatus::kNone;
  if (!domain::ProgramAllowed(status)) {
    switch (status) {
      case domain::LicenseStatus::kSuspended:
        return Fail(ErrorCode::kForbidden,
                    "Your license is suspended while a payment dispute is open, so downloads "
                    "are paused.");
      case domain::LicenseStatus::kExpired:
        return Fail(ErrorCode::kForbidden,
                    "Your license has expired. Renew it to download the program.");
      default: return Fail(ErrorCode::kForbidden, "Buy a license to download the program.");
    }
  }
  auto release = read->releases().Find(id);
  if (!release || release->unpublished_at)
    return Fail(ErrorCode::kNotFound, "This release is not available.");
  auto file = read->releases().FindFile(id, os);
  if (!file) return Fail(ErrorCode::kNotFound, "This release has no file for that system.");
  std::string path = (fs::path(dir_) / file->stored_name).string();
  return Download{std::move(*release), std::move(*file), std::move(path)};
}

void ReleaseService::CountDownload(domain::ReleaseId id, ReleaseOs os) {
  // A counter, not a change of state: no audit row (the access log has each download).
  auto uow = store_.Begin(Actor::System());
  uow->releases().CountDownload(id, os);
  uow->Commit();
}

std::string ReleaseService::DownloadToken(UserId user, domain::ReleaseId id, ReleaseOs os,
                                          Seconds ttl) {
  return signer_.SignClaims({{"sub", std::to_string(user.value)},
                             {"rid", id.value},
                             {"os", domain::OsName(os)},
                             {"exp", ToUnix(clock_.Now() + ttl)}},
                            kDownloadTyp);
}

std::optional<UserId> ReleaseService::CheckDownloadToken(std::string_view token,
                                                         domain::ReleaseId id, ReleaseOs os) {
  const auto claims = signer_.Verify(token);
  if (!claims || !claims->contains("rid") || !claims->contains("exp") ||
      !(*claims)["rid"].is_number_integer() || !(*claims)["exp"].is_number_integer() ||
      (*claims)["rid"].get<int64_t>() != id.value ||
      claims->value("os", "") != domain::OsName(os) ||
      (*claims)["exp"].get<int64_t>() <= ToUnix(clock_.Now()))
    return std::nullopt;
  const std::string sub = claims->value("sub", "");
  int64_t user = 0;
  const auto [end, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), user);
  if (ec != std::errc() || end != sub.data() + sub.size() || user <= 0) return std::nullopt;
  return UserId{user};
}

}  // namespace tenure::app
