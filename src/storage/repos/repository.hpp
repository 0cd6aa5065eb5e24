#pragma once
// What every SQL repository shares: its unit of work's connection with the write guard, and
// the few helpers that bind optional values and read rows. Internal to storage/.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "core/time.hpp"
#include "storage/connection.hpp"

namespace tenure::storage {

// One unit of work's connection as its repositories see it. Writes go through writer(),
// which refuses a read-only unit of work and remembers that something was written, so that
// Commit() can insist on an audit row (ENGINEERING.md habit 3).
class Transaction {
 public:
  Transaction(Connection& connection, bool write) : connection_(connection), write_(write) {}

  Connection& conn() { return connection_; }
  Connection& writer() {
    if (!write_) throw std::logic_error("write through a read-only unit of work");
    written_ = true;
    return connection_;
  }
  // Rows read here will be written: lock them (PostgreSQL; SQLite's write transaction
  // already holds the database).
  bool locking() const { return write_ && connection_.dialect() == Dialect::kPostgres; }
  bool written() const { return written_; }
  // A write that is not a change of state (a heartbeat's last_seen_at) and so needs no audit
  // row; still refused in a read-only unit of work.
  Connection& unaudited_writer() {
    if (!write_) throw std::logic_error("write through a read-only unit of work");
    return connection_;
  }

 private:
  Connection& connection_;
  bool write_;
  bool written_ = false;
};

class Repository {
 public:
  explicit Repository(Transaction& tx) : tx_(tx) {}

 protected:
  Connection& conn() { return tx_.conn(); }
  Connection& writer() { return tx_.writer(); }
  Connection& unaudited_writer() { return tx_.unaudited_writer(); }
  bool locking() const { return tx_.locking(); }

 private:
  Transaction& tx_;
};

// `text` inside a LIKE pattern written with ESCAPE '\\': its % _ and \ match themselves.
inline std::string LikeEscaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

inline Value Opt(const std::optional<Instant>& t) { return t ? Value(ToUnix(*t)) : Value(nullptr); }
inline std::optional<Instant> OptInstant(const Row& r, size_t i) {
  auto v = r.OptInt(i);
  return v ? std::optional<Instant>(FromUnix(*v)) : std::nullopt;
}

// Columns [from, from + count) of a joined row, as a row of their own for their table's
// reader (ToUser, ToLicense...). Moves them out of `r`.
inline Row TakeColumns(Row& r, size_t from, size_t count) {
  Row part;
  part.values.reserve(count);
  for (size_t i = from; i < from + count; ++i) part.values.push_back(std::move(r.values.at(i)));
  return part;
}

// Every list query: one value per row, in the query's order.
template <typename Read>
std::vector<std::invoke_result_t<Read&, const Row&>> ReadAll(const QueryResult& result, Read read) {
  std::vector<std::invoke_result_t<Read&, const Row&>> out;
  out.reserve(result.rows.size());
  for (const Row& row : result.rows) out.push_back(read(row));
  return out;
}

// Every lookup: the first row's value, or nothing.
template <typename Read>
std::optional<std::invoke_result_t<Read&, const Row&>> ReadFirst(const QueryResult& result,
                                                                 Read read) {
  if (result.rows.empty()) return std::nullopt;
  return read(result.rows.front());
}

}  // namespace tenure::storage
