#include "storage/sql_store.hpp"

#include <filesystem>

#include <stdexcept>
#include <string_view>

#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_unit_of_work.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace tenure::storage {

SqlStore::SqlStore(ConnectionPool::Factory factory, Dialect dialect, const Clock& clock,
                   std::string sqlite_path)
    : pool_(std::move(factory)),
      dialect_(dialect),
      clock_(clock),
      sqlite_path_(std::move(sqlite_path)) {}

std::unique_ptr<app::UnitOfWork> SqlStore::Begin(const app::Actor& actor) {
  return OpenUnitOfWork(pool_.Acquire(), clock_, actor);
}

std::unique_ptr<app::UnitOfWork> SqlStore::Read() {
  return OpenUnitOfWork(pool_.Acquire(), clock_, std::nullopt);
}

bool SqlStore::Ping() {
  try {
    static constexpr Query q{"ping", "SELECT 1"};
    auto lease = pool_.Acquire();
    return Run(*lease, q).rows.at(0).Int(0) == 1;
  } catch (const std::exception&) {
    return false;
  }
}

OperationsStats SqlStore::ReadOperationsStats(Instant now, Instant due_before) {
  auto lease = pool_.Acquire();
  return storage::ReadOperationsStats(*lease, now, due_before);
}

bool SqlStore::CheckpointWal(uint64_t over_bytes) {
  if (dialect_ != Dialect::kSqlite) return true;
  std::error_code ec;
  const uint64_t wal_bytes = std::filesystem::file_size(sqlite_path_ + "-wal", ec);
  if (ec || wal_bytes <= over_bytes) return true;  // a stat: idle passes cost no lock
  static constexpr Query q{"wal_checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)"};
  auto lease = pool_.Acquire();
  const QueryResult result = Run(*lease, q);
  return !result.rows.empty() && result.rows[0].Int(0) == 0;  // busy = 0: it finished
}

MigrationReport SqlStore::Migrate() {
  auto conn = pool_.Acquire();
  return ApplyMigrations(*conn, dialect_, clock_);
}

std::unique_ptr<SqlStore> OpenStore(const std::string& url, const Clock& clock) {
  if (url.starts_with("sqlite://")) {
    std::string path = url.substr(std::string_view("sqlite://").size());
    if (path.empty()) throw std::invalid_argument("sqlite:// URL without a path");
    return std::make_unique<SqlStore>([path] { return OpenSqlite(path); }, Dialect::kSqlite, clock,
                                      path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::make_unique<SqlStore>([url] { return OpenPostgres(url); }, Dialect::kPostgres,
                                      clock);
  }
  throw std::invalid_argument(
      "database URL must start with sqlite:// or postgresql:// (got something else)");
}

}  // namespace tenure::storage
