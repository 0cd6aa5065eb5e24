// `tenure backup PATH` and `tenure restore PATH` (issue 13). SQLite: an online, consistent copy
// while the dashboard serves; a restore that first keeps the database it replaces, then brings
// the backup up to this version's schema and audits itself. PostgreSQL has its own tools
// (pg_dump, pg_restore; docs/operators/backups.md).
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"
#include "cli/cli.hpp"
#include "storage/sqlite/sqlite_backup.hpp"

namespace tenure::cli {
namespace {

constexpr char kPostgres[] =
    "tenure: backup and restore are for SQLite; on PostgreSQL use pg_dump and pg_restore "
    "(docs/operators/backups.md)\n";

// "tenure.db.before-restore-20261203T034600Z", beside the database.
std::string SafetyCopyPath(const std::string& database, Instant now) {
  std::string stamp = FormatRfc3339(now);
  std::erase(stamp, '-');
  std::erase(stamp, ':');
  return database + ".before-restore-" + stamp;
}

}  // namespace

int Backup(const Config& config, const std::vector<std::string>& positional) {
  if (positional.size() != 2) {
    std::cerr << "usage: tenure backup PATH\n";
    return 2;
  }
  const std::string database = storage::SqlitePath(config.database);
  if (database.empty()) {
    std::cerr << kPostgres;
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  if (auto done = storage::BackupSqlite(database, positional[1]); !done) {
    std::cerr << "tenure: " << done.error().message << "\n";
    return 1;
  }
  const auto version = storage::CheckSqliteBackup(positional[1]);
  if (!version) {
    std::cerr << "tenure: the backup does not check out: " << version.error().message << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "backed up {} to {} ({} bytes, schema version {}, {:.0f} ms)\n", database, positional[1],
      std::filesystem::file_size(positional[1]), *version,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count());
  return 0;
}

int Restore(const Config& config, const Clock& clock, const std::vector<std::string>& positional) {
  if (positional.size() != 2) {
    std::cerr << "usage: tenure restore PATH\n";
    return 2;
  }
  const std::string database = storage::SqlitePath(config.database);
  if (database.empty()) {
    std::cerr << kPostgres;
    return 2;
  }
  const std::string& backup = positional[1];
  const auto version = storage::CheckSqliteBackup(backup);
  if (!version) {
    std::cerr << "tenure: nothing restored: " << version.error().message << "\n";
    return 1;
  }
  // Nothing is lost by a restore: the database it replaces is kept first.
  std::string kept;
  if (std::filesystem::exists(database)) {
    kept = SafetyCopyPath(database, clock.Now());
    if (auto copied = storage::BackupSqlite(database, kept); !copied) {
      std::cerr << "tenure: nothing restored: cannot keep the current database first: "
                << copied.error().message << "\n";
      return 1;
    }
  }
  if (auto restored = storage::RestoreSqlite(backup, database); !restored) {
    std::cerr << "tenure: nothing restored: " << restored.error().message << "\n";
    return 1;
  }
  auto store = storage::OpenStore(config.database, clock);
  const auto migrated = store->Migrate();
  auto uow = store->Begin(app::Actor::Cli());
  uow->Audit("database.restore", "database", nullptr,
             {{"backup", backup},
              {"backup_schema_version", *version},
              {"schema_version", migrated.current_version},
              {"previous_database_kept_at", kept}});
  uow->Commit();
  std::cout << fmt::format("restored {} from {} (schema version {} -> {})\n", database, backup,
                           *version, migrated.current_version);
  if (!kept.empty()) std::cout << "the database it replaced is kept at " << kept << "\n";
  return 0;
}

}  // namespace tenure::cli
