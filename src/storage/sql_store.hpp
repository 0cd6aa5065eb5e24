#pragma once
// The Store over SQL: repositories written once against Connection, for both engines.
#include <memory>
#include <string>

#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "storage/operations_stats.hpp"

namespace tenure::storage {

class SqlStore final : public app::Store {
 public:
  // `sqlite_path`: the SQLite database's file (for its write-ahead log's size); empty for
  // PostgreSQL.
  SqlStore(ConnectionPool::Factory factory, Dialect dialect, const Clock& clock,
           std::string sqlite_path = {});

  std::unique_ptr<app::UnitOfWork> Begin(const app::Actor& actor) override;
  std::unique_ptr<app::UnitOfWork> Read() override;
  bool Ping() override;

  // Applies the embedded migrations of this dialect that the database lacks, each in its
  // own transaction; safe to run from several processes at once.
  MigrationReport Migrate();
  // SQLite, once its write-ahead log file holds more than `over_bytes`: copies the log into the
  // database and truncates it to nothing, waiting (up to the busy timeout) for readers on older
  // snapshots, so that overlapping reads cannot starve SQLite's own checkpoints and let the log
  // grow without end (issue 13). False when another checkpoint was running or readers held on
  // (the next call tries again). PostgreSQL: nothing to do.
  bool CheckpointWal(uint64_t over_bytes = 0);
  // Issue 13: the backlog counts /metrics shows (storage/operations_stats.hpp).
  OperationsStats ReadOperationsStats(Instant now, Instant due_before);
  Dialect dialect() const { return dialect_; }

 private:
  ConnectionPool pool_;
  Dialect dialect_;
  const Clock& clock_;
  std::string sqlite_path_;
};

// "sqlite:///abs/path.db", "sqlite://relative.db" or "postgresql://user:pass@host/db".
std::unique_ptr<SqlStore> OpenStore(const std::string& url, const Clock& clock);

}  // namespace tenure::storage
