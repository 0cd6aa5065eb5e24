#include "storage/sqlite/sqlite_backup.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <optional>

namespace tenure::storage {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

Result<Db> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK)
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("cannot open {}: {}", path, raw ? sqlite3_errmsg(raw) : "no memory"));
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

// All pages in one step: one read transaction on the source, so the copy is one moment even
// while others write (a copy taken in several steps restarts whenever another connection
// writes, and under steady writes would never end).
Result<void> Copy(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (!backup)
    return Fail(ErrorCode::kInvalidInput, fmt::format("{}: {}", what, sqlite3_errmsg(to)));
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    return Fail(ErrorCode::kConflict,
                fmt::format("{}: the database is busy; stop `tenure serve` and try again", what));
  if (rc != SQLITE_DONE)
    return Fail(ErrorCode::kInvalidInput, fmt::format("{}: {}", what, sqlite3_errstr(rc)));
  return {};
}

}  // namespace

std::string SqlitePath(const std::string& database_url) {
  static constexpr std::string_view kScheme = "sqlite://";
  return database_url.starts_with(kScheme) ? database_url.substr(kScheme.size()) : std::string();
}

Result<void> BackupSqlite(const std::string& from, const std::string& to) {
  if (!std::filesystem::exists(from))
    return Fail(ErrorCode::kNotFound, fmt::format("no database at {}", from));
  if (std::filesystem::exists(to))
    return Fail(ErrorCode::kConflict, fmt::format("{} exists already; choose a new name", to));
  auto source = Open(from, SQLITE_OPEN_READONLY);
  if (!source) return std::unexpected(source.error());
  const std::string part = to + ".part";
  std::error_code ec;
  std::filesystem::remove(part, ec);
  {
    auto target = Open(part, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!target) return std::unexpected(target.error());
    if (auto copied = Copy(source->get(), target->get(), "backup"); !copied) {
      target->reset();
      std::filesystem::remove(part, ec);
      return copied;
    }
    // A backup is one file: no write-ahead log beside it.
    sqlite3_exec(target->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  }
  std::filesystem::rename(part, to, ec);
  if (ec)
    return Fail(ErrorCode::kInvalidInput, fmt::format("cannot write {}: {}", to, ec.message()));
  return {};
}

Result<int> CheckSqliteBackup(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    return Fail(ErrorCode::kNotFound, fmt::format("no backup at {}", path));
  auto db = Open(path, SQLITE_OPEN_READONLY);
  if (!db) return std::unexpected(db.error());
  auto one = [&](const char* sql) -> std::optional<std::string> {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db->get(), sql, -1, &stmt, nullptr) != SQLITE_OK) return std::nullopt;
    std::optional<std::string> value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return value;
  };
  if (one("PRAGMA integrity_check") != "ok")
    return Fail(ErrorCode::kInvalidInput, fmt::format("{} is not a whole SQLite database", path));
  const auto version = one("SELECT MAX(version) FROM schema_migrations");
  if (!version)
    return Fail(ErrorCode::kInvalidInput, fmt::format("{} is not a Tenure database", path));
  return std::stoi(*version);
}

Result<void> RestoreSqlite(const std::string& from, const std::string& to) {
  if (auto checked = CheckSqliteBackup(from); !checked) return std::unexpected(checked.error());
  auto source = Open(from, SQLITE_OPEN_READONLY);
  if (!source) return std::unexpected(source.error());
  auto target = Open(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!target) return std::unexpected(target.error());
  if (auto copied = Copy(source->get(), target->get(), "restore"); !copied) return copied;
  // The backup is in rollback-journal mode; the dashboard runs in WAL mode.
  sqlite3_exec(target->get(), "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  return {};
}

}  // namespace tenure::storage
