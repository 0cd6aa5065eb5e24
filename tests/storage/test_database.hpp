#pragma once
// Where a storage test runs: a SQLite file in a temporary directory, or PostgreSQL at
// TENURE_TEST_POSTGRES_URL (scripts/pg-test-db prints one) in a schema of its own, created here
// and dropped with this object, so that suites can run side by side in one database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "core/secure_random.hpp"
#include "storage/postgres/postgres_connection.hpp"
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

}  // namespace tenure::storage
