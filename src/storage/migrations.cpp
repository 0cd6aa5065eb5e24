#include "storage/migrations.hpp"

#include <charconv>
#include <map>
#include <string>
#include <string_view>

#include "core/embedded.hpp"

namespace tenure::storage {
namespace {

int VersionOf(std::string_view file_name) {
  // "0007_name.sql" -> 7
  int v = 0;
  std::from_chars(file_name.data(), file_name.data() + file_name.size(), v);
  return v;
}

}  // namespace

MigrationReport ApplyMigrations(Connection& conn, Dialect dialect, const Clock& clock) {
  const std::string_view folder = dialect == Dialect::kSqlite ? "sqlite/" : "postgres/";
  std::map<int, const embedded::File*> files;
  for (const auto& f : embedded::Migrations())
    if (f.path.starts_with(folder)) files[VersionOf(f.path.substr(folder.size()))] = &f;

  static constexpr Query lock_q{"migrations.lock", "SELECT pg_advisory_xact_lock(7340032)"};
  // Several servers may start at once on one PostgreSQL: one migrates, the others wait.
  auto lock = [&] {
    if (dialect == Dialect::kPostgres) Run(conn, lock_q);
  };
  conn.Begin(/*write=*/true);
  lock();
  conn.ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  conn.Commit();
  static constexpr Query applied_q{"migrations.applied",
                                   "SELECT COUNT(*) FROM schema_migrations WHERE version = $1"};
  static constexpr Query record_q{
      "migrations.record",
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"};
  MigrationReport report;
  for (const auto& [version, file] : files) {
    conn.Begin(/*write=*/true);
    try {
      lock();
      if (Run(conn, applied_q, {int64_t{version}}).rows.at(0).Int(0) == 0) {
        conn.ExecScript(file->bytes);
        Run(conn, record_q,
            {int64_t{version}, std::string(file->path.substr(folder.size())), ToUnix(clock.Now())});
        ++report.applied;
      }
      conn.Commit();
    } catch (...) {
      conn.Rollback();
      throw;
    }
    report.current_version = version;
  }
  return report;
}

}  // namespace tenure::storage
