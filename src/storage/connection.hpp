#pragma once
// The one seam between our SQL and a database engine. Repositories are written once, in
// portable SQL ($1 placeholders, ON CONFLICT, RETURNING work on SQLite and PostgreSQL);
// sqlite/ and postgres/ only implement this interface (ENGINEERING.md habit 6).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace tenure::storage {

enum class Dialect { kSqlite, kPostgres };

// NULL, an integer (booleans are 0/1), or text. Instants are unix seconds.
using Value = std::variant<std::nullptr_t, int64_t, std::string>;

struct Row {
  std::vector<Value> values;
  bool IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(values.at(i)); }
  int64_t Int(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  const std::string& Text(size_t i) const;
};

struct QueryResult {
  std::vector<Row> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

// A named statement with bound parameters (habit 5): the name keys the prepared-statement
// cache of each connection, so the text must be a constant.
struct Query {
  std::string_view name;
  std::string_view sql;
};

// Run() throws tenure::UniqueViolation (core/result.hpp) when a UNIQUE or PRIMARY KEY
// constraint rejects a write.
using tenure::UniqueViolation;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Several statements without parameters (migrations).
  virtual void ExecScript(std::string_view sql) = 0;
  virtual QueryResult Run(const Query& query, std::span<const Value> params) = 0;
  // `write` asks for the write lock up front (SQLite: BEGIN IMMEDIATE), so two writers
  // wait on busy_timeout instead of failing on a lock upgrade.
  virtual void Begin(bool write) = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;
  // False once the connection is unusable (e.g. the server went away): it is not pooled again.
  virtual bool Healthy() const = 0;
};

// Runs `query` with a brace list of parameters: Run(conn, q, {id.value, name}).
inline QueryResult Run(Connection& c, const Query& q, std::initializer_list<Value> params = {}) {
  return c.Run(q, std::span<const Value>(params.begin(), params.size()));
}

// Connections are used by one thread at a time (SQLite: one connection per thread); the pool
// keeps idle ones for reuse and opens more on demand.
class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  explicit ConnectionPool(Factory factory) : factory_(std::move(factory)) {}

  struct Returner {
    ConnectionPool* pool;
    void operator()(Connection* c) const { pool->Release(c); }
  };
  using Lease = std::unique_ptr<Connection, Returner>;

  Lease Acquire();

 private:
  void Release(Connection* connection);
  Factory factory_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace tenure::storage
