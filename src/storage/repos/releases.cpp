#include "storage/repos/releases.hpp"

#include <stdexcept>
#include <string>

namespace tenure::storage {
namespace {

using domain::Release;
using domain::ReleaseFile;
using domain::ReleaseId;
using domain::ReleaseOs;

// A word the CHECK constraints do not allow means a damaged database: never guess, or a beta
// would reach the stable channel, or one system's file another system.
domain::ReleaseChannel ReadChannel(const std::string& name) {
  if (const auto channel = domain::ParseChannel(name)) return *channel;
  throw std::runtime_error("releases.channel holds '" + name + "'");
}

ReleaseOs ReadOs(const std::string& name) {
  if (const auto os = domain::ParseOs(name)) return *os;
  throw std::runtime_error("release_files.os holds '" + name + "'");
}

#define TENURE_RELEASE_COLUMNS \
  "id, version, channel, notes, published_by, published_at, unpublished_at"

Release ToRelease(const Row& r) {
  const auto published_by = r.OptInt(4);
  return Release{.id = ReleaseId{r.Int(0)},
                 .version = r.Text(1),
                 .channel = ReadChannel(r.Text(2)),
                 .notes = r.Text(3),
                 .published_by = published_by ? std::optional(UserId{*published_by}) : std::nullopt,
                 .published_at = FromUnix(r.Int(5)),
                 .unpublished_at = OptInstant(r, 6)};
}

#define TENURE_RELEASE_FILE_COLUMNS \
  "release_id, os, file_name, stored_name, size, sha256, signature, downloads"

ReleaseFile ToReleaseFile(const Row& r) {
  return ReleaseFile{.release_id = ReleaseId{r.Int(0)},
                     .os = ReadOs(r.Text(1)),
                     .file_name = r.Text(2),
                     .stored_name = r.Text(3),
                     .size = r.Int(4),
                     .sha256 = r.Text(5),
                     .signature = r.Text(6),
                     .downloads = r.Int(7)};
}

std::string OsText(ReleaseOs os) { return std::string(domain::OsName(os)); }

}  // namespace

std::optional<ReleaseId> SqlReleases::Insert(const Release& r) {
  // DO NOTHING, unlike a caught UniqueViolation, leaves a PostgreSQL transaction usable: the
  // caller can still audit the refusal and commit.
  static constexpr Query q{
      "releases.insert",
      "INSERT INTO releases (version, channel, notes, published_by, published_at, unpublished_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (version) DO NOTHING RETURNING id"};
  const auto result = Run(writer(), q,
                          {r.version, std::string(domain::ChannelName(r.channel)), r.notes,
                           r.published_by ? Value(r.published_by->value) : Value(nullptr),
                           ToUnix(r.published_at), Opt(r.unpublished_at)});
  if (result.rows.empty()) return std::nullopt;
  return ReleaseId{result.rows.front().Int(0)};
}

void SqlReleases::InsertFile(const ReleaseFile& f) {
  static constexpr Query q{"releases.insert_file",
                           "INSERT INTO release_files (" TENURE_RELEASE_FILE_COLUMNS
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
  Run(writer(), q,
      {f.release_id.value, OsText(f.os), f.file_name, f.stored_name, f.size, f.sha256, f.signature,
       f.downloads});
}

std::optional<Release> SqlReleases::Find(ReleaseId id) {
  static constexpr Query q{"releases.find",
                           "SELECT " TENURE_RELEASE_COLUMNS " FROM releases WHERE id = $1"};
  return ReadFirst(Run(conn(), q, {id.value}), ToRelease);
}

std::optional<Release> SqlReleases::FindByVersion(std::string_view version) {
  static constexpr Query q{"releases.find_by_version",
                           "SELECT " TENURE_RELEASE_COLUMNS " FROM releases WHERE version = $1"};
  return ReadFirst(Run(conn(), q, {std::string(version)}), ToRelease);
}

std::vector<Release> SqlReleases::List(bool include_unpublished, int limit) {
  static constexpr Query q{"releases.list", "SELECT " TENURE_RELEASE_COLUMNS
                                            " FROM releases WHERE $1 = 1 OR unpublished_at IS NULL "
                                            "ORDER BY published_at DESC, id DESC LIMIT $2"};
  return ReadAll(Run(conn(), q, {int64_t{include_unpublished}, int64_t{limit}}), ToRelease);
}

std::vector<ReleaseFile> SqlReleases::Files(ReleaseId id) {
  // In kAllOs's order (Windows, macOS, Linux), the order the Download tab lists them in.
  static constexpr Query q{"releases.files",
                           "SELECT " TENURE_RELEASE_FILE_COLUMNS
                           " FROM release_files WHERE release_id = $1 ORDER BY CASE os "
                           "WHEN 'windows' THEN 0 WHEN 'macos' THEN 1 ELSE 2 END"};
  return ReadAll(Run(conn(), q, {id.value}), ToReleaseFile);
}

std::optional<ReleaseFile> SqlReleases::FindFile(ReleaseId id, ReleaseOs os) {
  static constexpr Query q{"releases.find_file",
                           "SELECT " TENURE_RELEASE_FILE_COLUMNS
                           " FROM release_files WHERE release_id = $1 AND os = $2"};
  return ReadFirst(Run(conn(), q, {id.value, OsText(os)}), ToReleaseFile);
}

bool SqlReleases::SetUnpublished(ReleaseId id, std::optional<Instant> at) {
  static constexpr Query q{"releases.set_unpublished",
                           "UPDATE releases SET unpublished_at = $2 WHERE id = $1"};
  return Run(writer(), q, {id.value, Opt(at)}).affected == 1;
}

void SqlReleases::CountDownload(ReleaseId id, ReleaseOs os) {
  // One statement, so two downloads at once both count (the row's lock, or SQLite's write
  // lock, orders them). A counter for staff, not a change of state: like a heartbeat it needs
  // no audit row (habit 3), or every download would write one.
  static constexpr Query q{"releases.count_download",
                           "UPDATE release_files SET downloads = downloads + 1 "
                           "WHERE release_id = $1 AND os = $2"};
  Run(unaudited_writer(), q, {id.value, OsText(os)});
}

}  // namespace tenure::storage
