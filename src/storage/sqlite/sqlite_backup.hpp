#pragma once
// `tenure backup` and `tenure restore` on SQLite (issue 13): SQLite's online backup API copies
// a database page by page inside one read transaction, so the copy is one consistent moment
// while `tenure serve` goes on writing (WAL mode: its writers are not blocked).
#include <string>

#include "core/result.hpp"

namespace tenure::storage {

// The path of a sqlite:// database URL; empty for any other URL.
std::string SqlitePath(const std::string& database_url);

// Copies the database at `from` (in use or not) to a new file `to`, written beside it first
// and renamed into place once complete, so a half-written backup never has the final name.
Result<void> BackupSqlite(const std::string& from, const std::string& to);

// Whether `path` is a whole Tenure database (integrity_check passes, migrations recorded):
// its schema version, or why not.
Result<int> CheckSqliteBackup(const std::string& path);

// Replaces the contents of the database at `to` with the backup at `from`, through SQLite (so
// the write-ahead log is dealt with), after checking the backup. Fails, changing nothing, when
// another process holds the database for longer than the busy timeout.
Result<void> RestoreSqlite(const std::string& from, const std::string& to);

}  // namespace tenure::storage
