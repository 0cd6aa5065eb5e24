// Sellers upgrade in place (Tenure rule): every migration after 0003 runs over a database that
// schema version 3 filled, on SQLite and PostgreSQL, and loses nothing. The database is built
// from migrations/<dialect>/0001-0003 exactly as SqlStore::Migrate records them, filled with
// tests/storage/fixtures/v3_<dialect>.sql (rows written by 9ae975e's binary in ordinary use;
// make_v3_fixtures.sh beside it), then opened with OpenStore and migrated. Every v3 table and
// column is read from the catalog, so new migrations are covered without touching this file.
// PostgreSQL runs in a schema of its own inside TENURE_TEST_POSTGRES_URL's database.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/store.hpp"
#include "core/clock.hpp"
#include "core/secure_random.hpp"
#include "storage/connection.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "support/temp_dir.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

constexpr int kFixtureVersion = 3;
// After every instant in the fixtures, so that rows written after the upgrade come last.
const Instant kNow = sys_days(2027y / June / 1) + hours(9);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The migrations in the source tree by version ("0007_name.sql" -> 7), as the binary embeds them.
std::map<int, fs::path> SourceMigrations(std::string_view dialect) {
  std::map<int, fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(fs::path(TENURE_SOURCE_DIR) / "migrations" / std::string(dialect))) {
    if (entry.path().extension() != ".sql") continue;
    files[std::stoi(entry.path().filename().string())] = entry.path();
  }
  return files;
}

std::string Show(const Value& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return "NULL";
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  return "'" + std::get<std::string>(v) + "'";
}

// One table as schema version 3 defined it, and its rows in primary-key order.
struct Table {
  std::vector<std::string> columns;  // every v3 column, in declaration order
  std::vector<std::string> primary_key;
  std::vector<Row> rows;

  size_t Column(std::string_view name) const {
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return i;
    throw std::out_of_range("no column " + std::string(name));
  }
  std::string Key(const Row& row) const {
    std::string key;
    for (const auto& c : primary_key)
      key += (key.empty() ? "" : ", ") + c + "=" + Show(row.values[Column(c)]);
    return key;
  }
  std::vector<const Row*> Where(std::string_view column, const Value& value) const {
    std::vector<const Row*> out;
    for (const auto& row : rows)
      if (row.values[Column(column)] == value) out.push_back(&row);
    return out;
  }
  int64_t MaxInt(std::string_view column) const {
    int64_t max = 0;
    for (const auto& row : rows) max = std::max(max, row.Int(Column(column)));
    return max;
  }
};
using Snapshot = std::map<std::string, Table>;

class MigrationUpgrade : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite://" + dir_.File("upgrade.db");
    } else {
      const char* pg = std::getenv("TENURE_TEST_POSTGRES_URL");
      ASSERT_TRUE(pg && *pg) << "PostgreSQL upgrade tests need TENURE_TEST_POSTGRES_URL "
                                "(scripts/pg-test-db prints one)";
      base_url_ = pg;
      schema_ = "migration_upgrade_" + Sha256Hex(RandomToken()).substr(0, 12);
      OpenPostgres(base_url_)->ExecScript("CREATE SCHEMA " + schema_);
      url_ = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + schema_;
    }
  }
  void TearDown() override {
    if (!schema_.empty())
      OpenPostgres(base_url_)->ExecScript("DROP SCHEMA " + schema_ + " CASCADE");
  }

  bool sqlite() const { return GetParam() == "sqlite"; }
  std::unique_ptr<Connection> Open() const {
    return sqlite() ? OpenSqlite(url_.substr(std::string_view("sqlite://").size()))
                    : OpenPostgres(url_);
  }

  // Statements over identifiers read from the catalog cannot be constants (habit 5 is about
  // values, which stay bound). The text doubles as the statement's cache key, and SQLite's
  // cache keeps a view of it: texts_ outlives every connection.
  QueryResult RunText(Connection& conn, std::string sql, std::vector<Value> params = {}) {
    const std::string& text = texts_.emplace_back(std::move(sql));
    return conn.Run(Query{text, text}, params);
  }

  // Migrations 0001..0003 from the source tree, each in its own transaction and recorded in
  // schema_migrations as SqlStore::Migrate records them (storage/sql_store.cpp).
  void CreateV3Schema(Connection& conn) {
    conn.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    static constexpr Query record_q{
        "migrations.record",
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"};
    const auto files = SourceMigrations(GetParam());
    for (int version = 1; version <= kFixtureVersion; ++version) {
      const fs::path& file = files.at(version);
      conn.Begin(/*write=*/true);
      conn.ExecScript(ReadFile(file));
      conn.Run(record_q, std::vector<Value>{int64_t{version}, file.filename().string(),
                                            ToUnix(clock_.Now())});
      conn.Commit();
    }
  }

  void LoadFixture(Connection& conn) {
    conn.Begin(/*write=*/true);
    conn.ExecScript(ReadFile(fs::path(TENURE_SOURCE_DIR) / "tests/storage/fixtures" /
                             ("v3_" + GetParam() + ".sql")));
    conn.Commit();
  }

  // Every table but schema_migrations, with its columns and primary key, from the catalog.
  Snapshot Describe(Connection& conn) {
    Snapshot tables;
    const auto names = RunText(
        conn, sqlite() ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"
                       : "SELECT table_name::text FROM information_schema.tables WHERE "
                         "table_schema = current_schema() AND table_type = 'BASE TABLE' AND "
                         "table_name <> 'schema_migrations' ORDER BY table_name");
    for (const auto& name_row : names.rows) {
      const std::string name = name_row.Text(0);
      Table& table = tables[name];
      if (sqlite()) {
        std::map<int64_t, std::string> key;  // position in the key -> column
        for (const auto& c :
             RunText(conn, "SELECT name, pk FROM pragma_table_info($1) ORDER BY cid", {name})
                 .rows) {
          table.columns.push_back(c.Text(0));
          if (c.Int(1) > 0) key[c.Int(1)] = c.Text(0);
        }
        for (auto& [position, column] : key) table.primary_key.push_back(column);
      } else {
        for (const auto& c : RunText(conn,
                                     "SELECT column_name::text FROM information_schema.columns "
                                     "WHERE table_schema = current_schema() AND "
                                     "table_name::text = $1 ORDER BY ordinal_position",
                                     {name})
                                 .rows)
          table.columns.push_back(c.Text(0));
        for (const auto& c :
             RunText(conn,
                     "SELECT k.column_name::text FROM information_schema.table_constraints t "
                     "JOIN information_schema.key_column_usage k ON k.constraint_schema = "
                     "t.constraint_schema AND k.constraint_name = t.constraint_name "
                     "WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = "
                     "current_schema() AND t.table_name::text = $1 ORDER BY k.ordinal_position",
                     {name})
                 .rows)
          table.primary_key.push_back(c.Text(0));
      }
    }
    return tables;
  }

  // The rows of `table`'s v3 columns, in primary-key order. Throws when a column is gone.
  std::vector<Row> ReadRows(Connection& conn, const std::string& name, const Table& table) {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < table.columns.size(); ++i)
      sql += (i ? ", \"" : "\"") + table.columns[i] + "\"";
    sql += " FROM \"" + name + "\" ORDER BY ";
    for (size_t i = 0; i < table.primary_key.size(); ++i)
      sql += (i ? ", \"" : "\"") + table.primary_key[i] + "\"";
    return RunText(conn, std::move(sql)).rows;
  }

  testing::TempDir dir_;
  FakeClock clock_{kNow};
  std::string url_, base_url_, schema_;
  std::deque<std::string> texts_;  // before any connection: outlives them
};

TEST_P(MigrationUpgrade, EveryLaterMigrationKeepsEveryV3RowAndValue) {
  Snapshot before;
  {
    auto conn = Open();
    CreateV3Schema(*conn);
    LoadFixture(*conn);
    before = Describe(*conn);
    for (auto& [name, table] : before) {
      ASSERT_FALSE(table.primary_key.empty()) << name << " has no primary key to order by";
      table.rows = ReadRows(*conn, name, table);
      // The fixture's promise: every table of schema v3 holds data (make_v3_fixtures.sh).
      EXPECT_FALSE(table.rows.empty()) << "the v3 fixture leaves " << name << " empty";
    }
  }
  ASSERT_GE(before.size(), 15u) << "schema v3 has 15 tables besides schema_migrations";

  auto store = OpenStore(url_, clock_);
  const MigrationReport report = store->Migrate();

  const auto files = SourceMigrations(GetParam());
  const int latest = files.rbegin()->first;
  EXPECT_EQ(report.current_version, latest);
  EXPECT_EQ(report.applied, latest - kFixtureVersion);
  auto conn = Open();
  std::vector<int64_t> recorded, expected;
  for (const auto& row :
       RunText(*conn, "SELECT version FROM schema_migrations ORDER BY version").rows)
    recorded.push_back(row.Int(0));
  for (const auto& [version, file] : files) expected.push_back(version);
  EXPECT_EQ(recorded, expected) << "every migration recorded once";

  // No row lost, no v3 value changed (new columns and new rows are the migrations' own).
  for (const auto& [name, table] : before) {
    std::vector<Row> rows;
    try {
      rows = ReadRows(*conn, name, table);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "a v3 column of " << name << " is gone after the upgrade: " << e.what();
      continue;
    }
    std::map<std::string, const Row*> after;
    for (const auto& row : rows) after[table.Key(row)] = &row;
    int failures = 0;
    for (const auto& row : table.rows) {
      if (failures >= 10) break;
      const std::string key = table.Key(row);
      auto it = after.find(key);
      if (it == after.end()) {
        ADD_FAILURE() << name << " lost the row " << key;
        ++failures;
        continue;
      }
      for (size_t c = 0; c < table.columns.size(); ++c) {
        if (row.values[c] == it->second->values[c]) continue;
        ADD_FAILURE() << name << " (" << key << ")." << table.columns[c] << " was "
                      << Show(row.values[c]) << ", is " << Show(it->second->values[c]);
        ++failures;
      }
    }
  }

  // The repositories read the upgraded rows.
  const Table& users = before.at("users");
  const Table& licenses = before.at("licenses");
  const Table& charges = before.at("charges");
  const Table& sessions = before.at("sessions");
  auto read = store->Read();
  const auto alice = read->users().FindByEmail("alice@example.com");
  ASSERT_TRUE(alice);
  const auto alice_rows = users.Where("email", std::string("alice@example.com"));
  ASSERT_EQ(alice_rows.size(), 1u);
  EXPECT_EQ(alice->id.value, alice_rows[0]->Int(users.Column("id")));
  EXPECT_EQ(alice->time_zone, "Europe/Berlin");
  const auto license = read->licenses().FindByUser(alice->id);
  ASSERT_TRUE(license);
  const auto license_rows = licenses.Where("user_id", alice->id.value);
  ASSERT_EQ(license_rows.size(), 1u);
  EXPECT_EQ(license->id.value, license_rows[0]->Int(licenses.Column("id")));
  EXPECT_EQ(license->instances, license_rows[0]->Int(licenses.Column("instances")));
  ASSERT_TRUE(license->expires_at);
  EXPECT_EQ(ToUnix(*license->expires_at), license_rows[0]->Int(licenses.Column("expires_at")));
  const auto alice_charges = read->charges().ForUser(alice->id, 100);
  EXPECT_EQ(alice_charges.size(), charges.Where("user_id", alice->id.value).size());
  EXPECT_TRUE(std::ranges::any_of(alice_charges, [](const app::Charge& c) {
    return c.status == domain::ChargeStatus::kFailed && c.failure_code == "generic_decline";
  }));
  const auto dunning = read->users().FindByEmail("dunning@example.com");
  ASSERT_TRUE(dunning);
  const auto dunning_license = read->licenses().FindByUser(dunning->id);
  ASSERT_TRUE(dunning_license);
  EXPECT_GT(dunning_license->dunning_failures, 0);
  const Row& session_row = sessions.rows.front();
  const auto session = read->sessions().Find(session_row.Text(sessions.Column("token_hash")));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user_id.value, session_row.Int(sessions.Column("user_id")));
  // Migration 0005: sessions from before kinds existed are dashboard sessions by password.
  EXPECT_EQ(session->kind, app::SessionKind::kDashboard);
  EXPECT_EQ(session->strength, app::SessionStrength::kPassword);
  read.reset();

  // New rows take fresh ids: sequences (PostgreSQL's setval in the fixture) continue.
  auto uow = store->Begin(app::Actor::Cli());
  const auto user = uow->users().Insert(domain::User{.email = "after-upgrade@example.com",
                                                     .password_hash = "$argon2id$v=19$fake",
                                                     .terms_version = "2026-11-01",
                                                     .terms_accepted_at = kNow,
                                                     .created_at = kNow});
  ASSERT_TRUE(user.has_value());
  const LicenseId license_id = uow->licenses().Insert(
      domain::License{.user_id = *user, .created_at = kNow, .updated_at = kNow});
  const std::string subject = "license:" + std::to_string(license_id.value);
  uow->Audit("test.after_upgrade", subject, nullptr, {{"user", user->value}});
  uow->Commit();
  EXPECT_GT(user->value, users.MaxInt("id"));
  EXPECT_GT(license_id.value, licenses.MaxInt("id"));
  read = store->Read();
  const auto audit = read->audit_log().ForSubject(subject, 10);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_GT(audit[0].id, before.at("audit_log").MaxInt("id"));
  const auto found = read->licenses().FindByUser(*user);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, license_id);
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationUpgrade, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::storage
