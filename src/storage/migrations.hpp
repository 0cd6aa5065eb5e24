#pragma once
// The schema's migrations: numbered SQL files per dialect (migrations/sqlite, migrations/postgres,
// same numbers), embedded in the binary and applied in order.
#include "core/clock.hpp"
#include "storage/connection.hpp"

namespace tenure::storage {

struct MigrationReport {
  int applied = 0;          // migrations applied by this call
  int current_version = 0;  // the schema version afterwards
};

// Applies the embedded migrations of `dialect` that the database lacks, each in its own
// transaction; safe to run from several processes at once (PostgreSQL: an advisory lock).
MigrationReport ApplyMigrations(Connection& conn, Dialect dialect, const Clock& clock);

}  // namespace tenure::storage
