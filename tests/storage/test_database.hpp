#pragma once
// Where a storage test runs: a SQLite file in a temporary directory, or PostgreSQL at
// TENURE_TEST_POSTGRES_URL (scripts/pg-test-db prints one) in a schema of its own, created here
// and dropped with this object, so that suites can run side by side in one database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"
#include "app/store/users.hpp"
#include "core/clock.hpp"
#include "core/secure_random.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "support/temp_dir.hpp"

namespace tenure::storage {

class TestDatabase {
 public:
  // `backend` is "sqlite" or "postgres"; `name` prefixes the file or the schema. Without
  // TENURE_TEST_POSTGRES_URL a PostgreSQL test fails (it never skips) and url() is empty.
  TestDatabase(std::string_view backend, std::string_view name) {
    if (backend == "sqlite") {
      url_ = "sqlite://" + dir_.File(std::string(name) + ".db");
      return;
    }
    const char* pg = std::getenv("TENURE_TEST_POSTGRES_URL");
    if (!pg || !*pg) {
      ADD_FAILURE() << "PostgreSQL tests need TENURE_TEST_POSTGRES_URL (scripts/pg-test-db "
                       "prints one)";
      return;
    }
    base_url_ = pg;
    schema_ = std::string(name) + "_" + Sha256Hex(RandomToken()).substr(0, 12);
    OpenPostgres(base_url_)->ExecScript("CREATE SCHEMA " + schema_);
    url_ = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema_;
  }
  ~TestDatabase() {
    if (!schema_.empty())
      OpenPostgres(base_url_)->ExecScript("DROP SCHEMA " + schema_ + " CASCADE");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }

 private:
  testing::TempDir dir_;
  std::string base_url_, schema_, url_;
};

// A contract test run on each backend (the parameter: "sqlite" or "postgres"): a migrated
// store on a FakeClock at `now`, users to hang rows on, and writes committed with their audit
// row (habit 3).
class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  StoreContract(std::string_view name, Instant now) : name_(name), clock_(now) {}

  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), name_);
    ASSERT_FALSE(db_->url().empty());
    store_ = OpenStore(db_->url(), clock_);
    store_->Migrate();
  }

  UserId NewUser(const std::string& email) {
    auto uow = store_->Begin(app::Actor::Cli());
    const auto id = uow->users().Insert(domain::User{.email = email,
                                                     .password_hash = "$argon2id$v=19$fake",
                                                     .terms_version = "2026-11-01",
                                                     .terms_accepted_at = clock_.Now(),
                                                     .created_at = clock_.Now()});
    uow->Audit("test.user", email, nullptr, nullptr);
    uow->Commit();
    return id.value();
  }

  // Runs `fn` in a unit of work and commits it.
  template <class Fn>
  auto Write(Fn fn) {
    auto uow = store_->Begin(app::Actor::Cli());
    auto result = fn(*uow);
    uow->Audit("test.write", "test", nullptr, nullptr);
    uow->Commit();
    return result;
  }

  // A connection of its own, outside the store's pool: another server, or a DBA.
  std::unique_ptr<Connection> OpenRaw() {
    const std::string& url = db_->url();
    if (url.starts_with("sqlite://"))
      return OpenSqlite(url.substr(std::string("sqlite://").size()));
    return OpenPostgres(url);
  }

  std::string name_;
  std::unique_ptr<TestDatabase> db_;  // before the store: its schema outlives the store
  FakeClock clock_;
  std::unique_ptr<SqlStore> store_;
};

}  // namespace tenure::storage
