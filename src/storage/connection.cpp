#include "storage/connection.hpp"

#include <chrono>
#include <unordered_map>

#include "core/metrics.hpp"

namespace tenure::storage {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Issue 13: each named query timed, and the wait for a transaction to begin (a write waits
// for SQLite's write lock, up to the busy timeout), for /metrics. Wraps every pooled
// connection, so neither dialect's code knows.
class TimedConnection final : public Connection {
 public:
  explicit TimedConnection(std::unique_ptr<Connection> inner) : inner_(std::move(inner)) {}

  Dialect dialect() const override { return inner_->dialect(); }
  void ExecScript(std::string_view sql) override { inner_->ExecScript(sql); }
  QueryResult Run(const Query& query, std::span<const Value> params) override {
    const auto start = std::chrono::steady_clock::now();
    struct Timed {
      const Query& query;
      std::chrono::steady_clock::time_point start;
      ~Timed() { QuerySeconds(query.name).Observe(SecondsSince(start)); }
    } timed{query, start};
    return inner_->Run(query, params);
  }
  void Begin(bool write) override {
    const auto start = std::chrono::steady_clock::now();
    inner_->Begin(write);
    static auto& family = metrics::Metrics().Histograms(
        "tenure_db_begin_wait_seconds",
        "Time for a transaction to begin; a write waits for the database's write lock.", {"mode"});
    static auto& read = family.With({"read"});
    static auto& writes = family.With({"write"});
    (write ? writes : read).Observe(SecondsSince(start));
  }
  void Commit() override { inner_->Commit(); }
  void Rollback() override { inner_->Rollback(); }
  bool Healthy() const override { return inner_->Healthy(); }

 private:
  // A query's name is a constant (habit 5), so its address finds its series without a lock.
  static metrics::Histogram& QuerySeconds(std::string_view name) {
    static auto& family = metrics::Metrics().Histograms("tenure_db_query_duration_seconds",
                                                        "Time to run a named query.", {"query"});
    thread_local std::unordered_map<const char*, metrics::Histogram*> cache;
    auto& histogram = cache[name.data()];
    if (!histogram) histogram = &family.With({name});
    return *histogram;
  }

  std::unique_ptr<Connection> inner_;
};

}  // namespace

int64_t Row::Int(size_t i) const {
  const Value& v = values.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto s = std::get_if<std::string>(&v)) return std::stoll(*s);
  throw std::logic_error("Row::Int on NULL column " + std::to_string(i));
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

const std::string& Row::Text(size_t i) const {
  const Value& v = values.at(i);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  throw std::logic_error("Row::Text on a non-text column " + std::to_string(i));
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Connection* c = idle_.back().release();
      idle_.pop_back();
      return Lease(c, Returner{this});
    }
  }
  static auto& opened =
      metrics::Metrics()
          .Counters("tenure_db_connections_opened_total",
                    "Database connections opened (the pool opens one whenever none is idle).")
          .With({});
  opened.Add();
  return Lease(new TimedConnection(factory_()), Returner{this});
}

void ConnectionPool::Release(Connection* connection) {
  std::unique_ptr<Connection> owned(connection);
  if (!owned->Healthy()) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(owned));
}

}  // namespace tenure::storage
