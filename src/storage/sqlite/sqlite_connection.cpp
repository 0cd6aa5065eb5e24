#include "storage/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>
#include <vector>

namespace tenure::storage {
namespace {

// SQLite keeps memory statistics by default, behind one mutex for the whole process that
// every allocation takes: two threads reading at once then queue on it (perf on
// bench/api.sh: half of a license check's futex calls). Tenure never reads the statistics.
// Must run before SQLite initialises, i.e. before the first connection opens.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) {
    ConfigureSqliteOnce();
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_extended_result_codes(db_, 1);
    // journal_size_limit: after a checkpoint resets the write-ahead log, its file is cut back
    // to 16 MiB instead of keeping the size of its largest burst (issue 13).
    ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA journal_size_limit=16777216;");
  }
  ~SqliteConnection() override {
    for (auto& [name, prepared] : statements_) sqlite3_finalize(prepared.stmt);
    sqlite3_close(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  void ExecScript(std::string_view sql) override {
    char* err = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("SQLite: " + msg);
    }
  }

  QueryResult Run(const Query& query, std::span<const Value> params) override {
    const Prepared& prepared = Prepare(query);
    sqlite3_stmt* stmt = prepared.stmt;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size() && i < prepared.index_of.size(); ++i) {
      const int index = prepared.index_of[i];
      if (index == 0) continue;  // $i is not used by this statement
      const Value& v = params[i];
      if (auto n = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(stmt, index, *n);
      } else if (auto s = std::get_if<std::string>(&v)) {
        sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      } else {
        sqlite3_bind_null(stmt, index);
      }
    }
    QueryResult result;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        const std::string msg = sqlite3_errmsg(db_);
        sqlite3_reset(stmt);
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
          throw UniqueViolation(msg);
        throw std::runtime_error("SQLite (" + std::string(query.name) + "): " + msg);
      }
      Row row;
      const int n = sqlite3_column_count(stmt);
      row.values.reserve(n);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: row.values.emplace_back(nullptr); break;
          case SQLITE_INTEGER:
            row.values.emplace_back(int64_t{sqlite3_column_int64(stmt, c)});
            break;
          default: {
            auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.values.emplace_back(std::string(text, sqlite3_column_bytes(stmt, c)));
          }
        }
      }
      result.rows.push_back(std::move(row));
    }
    result.affected = sqlite3_changes(db_);
    sqlite3_reset(stmt);
    return result;
  }

  // Prepared once like every query: parsing "BEGIN" and "COMMIT" again on each unit of work
  // cost a fifth of a license check's CPU (bench/api.sh, perf).
  void Begin(bool write) override {
    static constexpr Query begin_read{"tx.begin", "BEGIN"};
    static constexpr Query begin_write{"tx.begin_immediate", "BEGIN IMMEDIATE"};
    Run(write ? begin_write : begin_read, {});
  }
  void Commit() override {
    static constexpr Query commit{"tx.commit", "COMMIT"};
    Run(commit, {});
  }
  void Rollback() override {
    static constexpr Query rollback{"tx.rollback", "ROLLBACK"};
    if (!sqlite3_get_autocommit(db_)) Run(rollback, {});
  }
  bool Healthy() const override { return sqlite3_get_autocommit(db_) != 0; }

 private:
  // SQLite reads "$1" as a parameter *name* and numbers names in order of appearance, so
  // "SET a = $2 WHERE id = $1" binds $2 first. index_of[i] is where $(i+1) really is.
  struct Prepared {
    sqlite3_stmt* stmt;
    std::vector<int> index_of;
  };

  const Prepared& Prepare(const Query& query) {
    auto it = statements_.find(query.name);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, query.sql.data(), static_cast<int>(query.sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error("SQLite prepare (" + std::string(query.name) +
                               "): " + sqlite3_errmsg(db_));
    Prepared prepared{stmt, {}};
    const int count = sqlite3_bind_parameter_count(stmt);
    for (int n = 1; n <= count; ++n)
      prepared.index_of.push_back(
          sqlite3_bind_parameter_index(stmt, ("$" + std::to_string(n)).c_str()));
    return statements_.emplace(query.name, prepared).first->second;
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string_view, Prepared> statements_;
};

}  // namespace

std::unique_ptr<Connection> OpenSqlite(const std::string& path) {
  return std::make_unique<SqliteConnection>(path);
}

}  // namespace tenure::storage
