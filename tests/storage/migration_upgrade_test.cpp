// Sellers upgrade in place (Tenure rule): every new migration is tested on a database filled by
// the code before it, on SQLite and PostgreSQL, and loses nothing. Each fixture is the rows one
// schema version wrote in ordinary use, tests/storage/fixtures/v<N>_<dialect>.sql, made by
// make_fixtures.sh beside it with that version's binary: v3 by 9ae975e's, v6 by 21274e7's (the
// code right before migration 0007), v8 by 303f9c6's (right before 0009), v9 by 3388406's (right
// before 0010), v10 by f0a18bf's (right before 0011), v11 by eb4ee63's (right before 0012), v12 by
// a130018's (right before 0013). The
// database is built from migrations/<dialect>/0001-000N exactly as SqlStore::Migrate records them,
// filled with the fixture, then opened with OpenStore and migrated. Every table and column of
// version N is read from the catalog, so new migrations are covered without touching this file; so
// are the repositories' reads of what the fixtures hold (sessions of each kind, accounts and their
// security, Discord bindings, disputes, Stripe events due, licenses), and the tables later
// migrations add start empty. PostgreSQL runs in a schema of its own inside
// TENURE_TEST_POSTGRES_URL's database.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "app/store.hpp"
#include "app/store/account_security.hpp"
#include "app/store/discord_links.hpp"
#include "app/store/disputes.hpp"
#include "app/store/releases.hpp"
#include "app/store/reports.hpp"
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

// The tables each fixture's schema version has besides schema_migrations (0006 adds disputes,
// 0007 machines, checkouts and signing keys, 0009 recovery codes, account tokens, rate limits,
// 0010 Discord bindings).
const std::map<int, size_t> kTablesAtVersion{{3, 15},  {6, 16},  {8, 19}, {9, 22},
                                             {10, 23}, {11, 25}, {12, 26}};
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

// One table as the fixture's schema version defined it, and its rows in primary-key order.
struct Table {
  std::vector<std::string> columns;  // every column of that version, in declaration order
  std::vector<std::string> primary_key;
  std::vector<Row> rows;

  size_t Column(std::string_view name) const {
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return i;
    throw std::out_of_range("no column " + std::string(name));
  }
  bool Has(std::string_view column) const {
    return std::ranges::find(columns, column) != columns.end();
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

// (backend, the schema version whose code wrote the fixture)
class MigrationUpgrade : public ::testing::TestWithParam<std::tuple<std::string, int>> {
 protected:
  void SetUp() override {
    if (sqlite()) {
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

  const std::string& backend() const { return std::get<0>(GetParam()); }
  int fixture_version() const { return std::get<1>(GetParam()); }
  bool sqlite() const { return backend() == "sqlite"; }
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

  // Migrations 0001 to the fixture's version from the source tree, each in its own transaction
  // and recorded in schema_migrations as SqlStore::Migrate records them (storage/sql_store.cpp).
  void CreateFixtureSchema(Connection& conn) {
    conn.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    static constexpr Query record_q{
        "migrations.record",
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"};
    const auto files = SourceMigrations(backend());
    for (int version = 1; version <= fixture_version(); ++version) {
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
                             ("v" + std::to_string(fixture_version()) + "_" + backend() + ".sql")));
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

  // The rows of `table`'s columns, in primary-key order. Throws when a column is gone.
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

TEST_P(MigrationUpgrade, EveryLaterMigrationKeepsEveryRowAndValue) {
  const std::string fixture = "the v" + std::to_string(fixture_version()) + " fixture";
  Snapshot before;
  {
    auto conn = Open();
    CreateFixtureSchema(*conn);
    LoadFixture(*conn);
    before = Describe(*conn);
    for (auto& [name, table] : before) {
      ASSERT_FALSE(table.primary_key.empty()) << name << " has no primary key to order by";
      table.rows = ReadRows(*conn, name, table);
      // The fixture's promise: every table of its schema holds data (make_fixtures.sh).
      EXPECT_FALSE(table.rows.empty()) << fixture << " leaves " << name << " empty";
    }
  }
  const size_t tables = kTablesAtVersion.at(fixture_version());
  ASSERT_GE(before.size(), tables) << "schema v" << fixture_version() << " has " << tables
                                   << " tables besides schema_migrations";

  auto store = OpenStore(url_, clock_);
  const MigrationReport report = store->Migrate();

  const auto files = SourceMigrations(backend());
  const int latest = files.rbegin()->first;
  EXPECT_EQ(report.current_version, latest);
  EXPECT_EQ(report.applied, latest - fixture_version());
  auto conn = Open();
  std::vector<int64_t> recorded, expected;
  for (const auto& row :
       RunText(*conn, "SELECT version FROM schema_migrations ORDER BY version").rows)
    recorded.push_back(row.Int(0));
  for (const auto& [version, file] : files) expected.push_back(version);
  EXPECT_EQ(recorded, expected) << "every migration recorded once";

  // No row lost, no value changed (new columns and new rows are the migrations' own).
  for (const auto& [name, table] : before) {
    std::vector<Row> rows;
    try {
      rows = ReadRows(*conn, name, table);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "a column of " << name << " in " << fixture
                    << " is gone after the upgrade: " << e.what();
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

  // Every account (0009): as stored once its version had those columns; before, unconfirmed,
  // its own password, two-factor off.
  auto stored = [](const Table& table, const Row& row, std::string_view column) {
    return table.Has(column) ? row.OptInt(table.Column(column)) : std::nullopt;
  };
  auto unix_or_null = [](const std::optional<Instant>& at) {
    return at ? std::optional(ToUnix(*at)) : std::nullopt;
  };
  int verified = 0, must_change = 0, two_factor = 0, new_password = 0;
  for (const Row& row : users.rows) {
    const auto found = read->users().Find(UserId{row.Int(users.Column("id"))});
    ASSERT_TRUE(found) << "user " << row.Int(users.Column("id"));
    EXPECT_EQ(found->email, row.Text(users.Column("email")));
    EXPECT_EQ(found->password_hash, row.Text(users.Column("password_hash")));
    EXPECT_EQ(unix_or_null(found->email_verified_at), stored(users, row, "email_verified_at"))
        << found->email;
    EXPECT_EQ(found->must_change_password, stored(users, row, "must_change_password") == 1)
        << found->email;
    EXPECT_EQ(unix_or_null(found->password_changed_at), stored(users, row, "password_changed_at"))
        << found->email;
    EXPECT_EQ(unix_or_null(found->totp_enabled_at), stored(users, row, "totp_enabled_at"))
        << found->email;
    EXPECT_EQ(found->totp_secret,
              users.Has("totp_secret") ? row.Text(users.Column("totp_secret")) : "")
        << found->email;
    EXPECT_EQ(found->totp_last_step, stored(users, row, "totp_last_step").value_or(0))
        << found->email;
    verified += found->email_verified_at ? 1 : 0;
    must_change += found->must_change_password ? 1 : 0;
    two_factor += found->two_factor_enabled() ? 1 : 0;
    new_password += found->password_changed_at ? 1 : 0;
  }
  // make_fixtures.sh's promise from version 9 on, when accounts had their security (0009).
  if (users.Has("totp_enabled_at")) {
    EXPECT_GT(verified, 0) << fixture << " has no confirmed email";
    EXPECT_GT(must_change, 0) << fixture << " has no password to change (tenure user add)";
    EXPECT_GT(two_factor, 0) << fixture << " has no account with two-factor on";
    EXPECT_GT(new_password, 0) << fixture << " has no password chosen again";
  }

  // Every single-use token (0009) as a link or the code step finds it, and every account's
  // unused recovery codes.
  if (const auto it = before.find("account_tokens"); it != before.end()) {
    const Table& tokens = it->second;
    int used = 0, attempted = 0;
    for (const Row& row : tokens.rows) {
      const std::string& hash = row.Text(tokens.Column("token_hash"));
      const auto token = read->account_tokens().Find(hash);
      ASSERT_TRUE(token) << "account token " << hash;
      EXPECT_EQ(token->user_id.value, row.Int(tokens.Column("user_id")));
      EXPECT_EQ(ToUnix(token->created_at), row.Int(tokens.Column("created_at")));
      EXPECT_EQ(ToUnix(token->expires_at), row.Int(tokens.Column("expires_at")));
      EXPECT_EQ(unix_or_null(token->used_at), row.OptInt(tokens.Column("used_at")));
      EXPECT_EQ(token->attempts, row.Int(tokens.Column("attempts")));
      EXPECT_EQ(token->address, row.Text(tokens.Column("address")));
      const std::string& purpose = row.Text(tokens.Column("purpose"));
      EXPECT_EQ(token->purpose,
                purpose == "password_reset"       ? app::AccountTokenPurpose::kPasswordReset
                : purpose == "email_verification" ? app::AccountTokenPurpose::kEmailVerification
                                                  : app::AccountTokenPurpose::kTwoFactor)
          << "account token " << hash << " was stored as " << purpose;
      used += token->used_at ? 1 : 0;
      attempted += token->attempts > 0 ? 1 : 0;
    }
    EXPECT_GT(used, 0) << fixture << " has no link or step used";
    EXPECT_GT(attempted, 0) << fixture << " has no wrong code typed";
  }
  if (const auto it = before.find("recovery_codes"); it != before.end()) {
    const Table& codes = it->second;
    std::map<int64_t, int> unused_by_user;
    int used = 0;
    for (const Row& row : codes.rows) {
      const bool unused = row.IsNull(codes.Column("used_at"));
      unused_by_user[row.Int(codes.Column("user_id"))] += unused ? 1 : 0;
      used += unused ? 0 : 1;
    }
    EXPECT_GT(used, 0) << fixture << " has no recovery code used";
    for (const auto& [user_id, unused] : unused_by_user)
      EXPECT_EQ(read->recovery_codes().CountUnused(UserId{user_id}), unused) << "user " << user_id;
  }

  // Every Discord binding (0010) as the role sync and staff's page read it, or none before
  // anyone could bind.
  if (const auto it = before.find("discord_links"); it != before.end()) {
    const Table& links = it->second;
    std::map<std::string, int> by_status;
    int posting = 0;
    for (const Row& row : links.rows) {
      const UserId user{row.Int(links.Column("user_id"))};
      const auto link = read->discord_links().FindByUser(user);
      ASSERT_TRUE(link) << "Discord binding of user " << user.value;
      const std::string& discord_user = row.Text(links.Column("discord_user_id"));
      EXPECT_EQ(link->discord_user_id, discord_user);
      EXPECT_EQ(read->discord_links().FindByDiscordUser(discord_user)->user_id, user);
      EXPECT_EQ(link->username, row.Text(links.Column("username")));
      EXPECT_EQ(link->avatar, row.Text(links.Column("avatar")));
      EXPECT_EQ(link->tokens.access_token, row.Text(links.Column("access_token")));
      EXPECT_EQ(link->tokens.refresh_token, row.Text(links.Column("refresh_token")));
      EXPECT_EQ(ToUnix(link->tokens.expires_at), row.Int(links.Column("token_expires_at")));
      EXPECT_EQ(link->post_checkouts, row.Int(links.Column("post_checkouts")) != 0);
      EXPECT_EQ(ToUnix(link->bound_at), row.Int(links.Column("bound_at")));
      EXPECT_EQ(link->roles_wanted, row.Int(links.Column("roles_wanted")) != 0);
      const std::string& status = row.Text(links.Column("sync_status"));
      EXPECT_EQ(app::DiscordSyncStatusName(link->sync_status), status);
      EXPECT_EQ(link->sync_error, row.Text(links.Column("sync_error")));
      EXPECT_EQ(unix_or_null(link->synced_at), row.OptInt(links.Column("synced_at")));
      ++by_status[status];
      posting += link->post_checkouts ? 1 : 0;
    }
    EXPECT_EQ(read->discord_links().Count(), static_cast<int64_t>(links.rows.size()));
    // make_fixtures.sh's promise from version 10 on.
    EXPECT_GT(by_status["ok"], 0) << fixture << " has no binding synced";
    EXPECT_GT(by_status["failed"], 0) << fixture << " has no failed sync";
    EXPECT_GT(posting, 0) << fixture << " has no binding posting checkouts";
  } else {
    EXPECT_EQ(read->discord_links().Count(), 0);
  }
  // Tables of later migrations start empty: no release (0011) before anyone publishes.
  if (fixture_version() < 11) {
    EXPECT_TRUE(read->releases().List(/*include_unpublished=*/true, 10).empty());
  } else {
    // make_fixtures.sh's promise from version 11 on: three releases, one unpublished, one
    // download of 2.4.1's Windows file.
    const auto releases = read->releases().List(/*include_unpublished=*/true, 10);
    EXPECT_EQ(releases.size(), 3u);
    EXPECT_EQ(
        std::ranges::count_if(releases, [](const auto& r) { return r.unpublished_at.has_value(); }),
        1);
    const auto stable = read->releases().FindByVersion("2.4.1");
    ASSERT_TRUE(stable);
    const auto stable_files = read->releases().Files(stable->id);
    ASSERT_EQ(stable_files.size(), 2u);
    for (const auto& f : stable_files)
      EXPECT_EQ(f.downloads, f.os == domain::ReleaseOs::kWindows ? 1 : 0);
  }

  // Migration 0012 filled the cancel funnel with what earlier versions recorded of it: every
  // Confirm Cancel (cancellations), every ticket opened on the Cancel screen, every Subscribe
  // (license.resubscribe audit rows); make_fixtures.sh's demo customer cancels through the
  // journey with a ticket, and dunning@ subscribes. (A v12 database recorded its funnel itself:
  // the rows kept are checked above with every other row.)
  if (fixture_version() < 12) {
    std::map<std::string, int64_t> steps;
    for (const auto& step : read->reports().Funnel(FromUnix(0)))
      ++steps[std::string(domain::FunnelStepName(step.step))];
    const Table& cancellations = before.at("cancellations");
    const Table& tickets = before.at("tickets");
    const Table& audit = before.at("audit_log");
    int64_t cancel_tickets = 0, resubscribes = 0;
    for (const Row& row : tickets.rows) {
      const Value& flag = row.values[tickets.Column("opened_in_cancel_flow")];
      const std::string shown = Show(flag);  // SQLite's 1, PostgreSQL's boolean as text
      cancel_tickets += shown == "1" || shown == "'t'" || shown == "'true'" ? 1 : 0;
    }
    for (const Row& row : audit.rows)
      resubscribes += Show(row.values[audit.Column("action")]) == "'license.resubscribe'" ? 1 : 0;
    EXPECT_EQ(steps["confirmed"], static_cast<int64_t>(cancellations.rows.size()));
    EXPECT_GT(steps["confirmed"], 0) << fixture << " has no cancellation";
    EXPECT_EQ(steps["ticket"], cancel_tickets);
    EXPECT_GT(cancel_tickets, 0) << fixture << " has no ticket opened on the Cancel screen";
    EXPECT_EQ(steps["resubscribed"], resubscribes);
    EXPECT_EQ(steps["opened"] + steps["continued"], 0) << "never recorded before 0012";
  }

  // Migration 0013 gave every email its recipients, the addresses its payload names (a list,
  // or a plain string in the oldest); other messages have none. A customer's emails are found
  // by them.
  {
    std::map<int64_t, std::vector<std::string>> named, kept;
    for (const Row& row : RunText(*conn, "SELECT id, kind, payload FROM outbox").rows) {
      if (row.Text(1) != "email") continue;
      const auto to = nlohmann::json::parse(row.Text(2)).at("to");
      for (const auto& address : to.is_array() ? to : nlohmann::json::array({to}))
        named[row.Int(0)].push_back(address.get<std::string>());
    }
    for (const Row& row : RunText(*conn,
                                  "SELECT outbox_id, address FROM outbox_recipients "
                                  "ORDER BY outbox_id, address")
                              .rows)
      kept[row.Int(0)].push_back(row.Text(1));
    for (auto& [id, addresses] : named) std::ranges::sort(addresses);
    EXPECT_FALSE(named.empty()) << fixture << " has no email";
    EXPECT_EQ(kept, named);
    const auto alice_emails = read->outbox().ForRecipient("alice@example.com", 500);
    EXPECT_FALSE(alice_emails.empty());
    for (const auto& m : alice_emails)
      EXPECT_NE(m.payload.at("to").dump().find("\"alice@example.com\""), std::string::npos);
  }

  // Every license: migration 0007's columns as stored, or unset before 0007 (no fewer instances
  // pending, never deactivated), and a suspension (a v6 dispute's) stays.
  for (const Row& row : licenses.rows) {
    const auto found = read->licenses().FindByUser(UserId{row.Int(licenses.Column("user_id"))});
    ASSERT_TRUE(found) << "license " << row.Int(licenses.Column("id"));
    EXPECT_EQ(found->id.value, row.Int(licenses.Column("id")));
    EXPECT_EQ(found->instances_at_renewal, stored(licenses, row, "instances_at_renewal"))
        << "license " << found->id.value;
    EXPECT_EQ(found->deactivated_at ? std::optional(ToUnix(*found->deactivated_at)) : std::nullopt,
              stored(licenses, row, "deactivated_at"))
        << "license " << found->id.value;
    const auto suspended_at = row.OptInt(licenses.Column("suspended_at"));
    EXPECT_EQ(found->suspended_at ? std::optional(ToUnix(*found->suspended_at)) : std::nullopt,
              suspended_at)
        << "license " << found->id.value;
  }

  // Every session reads as the kind and strength it was stored with. Migration 0005: sessions
  // from before kinds existed are dashboard sessions by password.
  int program_sessions = 0;
  for (const Row& row : sessions.rows) {
    const std::string& hash = row.Text(sessions.Column("token_hash"));
    const auto session = read->sessions().Find(hash);
    ASSERT_TRUE(session) << "session " << hash;
    EXPECT_EQ(session->user_id.value, row.Int(sessions.Column("user_id")));
    EXPECT_EQ(ToUnix(session->expires_at), row.Int(sessions.Column("expires_at")));
    const std::string kind = sessions.Has("kind") ? row.Text(sessions.Column("kind")) : "dashboard";
    const std::string strength =
        sessions.Has("strength") ? row.Text(sessions.Column("strength")) : "password";
    EXPECT_EQ(session->kind,
              kind == "program" ? app::SessionKind::kProgram : app::SessionKind::kDashboard)
        << "session " << hash << " was stored as " << kind;
    EXPECT_EQ(session->strength, strength == "two_factor" ? app::SessionStrength::kTwoFactor
                                                          : app::SessionStrength::kPassword)
        << "session " << hash << " was stored as " << strength;
    program_sessions += kind == "program" ? 1 : 0;
  }
  // make_fixtures.sh's promise from version 5 on, when sessions.kind came (0005).
  if (sessions.Has("kind")) {
    EXPECT_GT(program_sessions, 0) << fixture << " has no program session";
  }

  // Every dispute (0006) by its provider's id, as a webhook finds it, and the open ones a
  // suspension waits on.
  if (const auto it = before.find("disputes"); it != before.end()) {
    const Table& disputes = it->second;
    std::map<int64_t, int> open_by_license;
    for (const Row& row : disputes.rows) {
      const std::string provider = row.Text(disputes.Column("provider"));
      const std::string provider_id = row.Text(disputes.Column("provider_dispute_id"));
      const auto dispute = read->disputes().Find(provider, provider_id);
      ASSERT_TRUE(dispute) << "dispute " << provider << " " << provider_id;
      EXPECT_EQ(dispute->id, row.Int(disputes.Column("id")));
      EXPECT_EQ(dispute->charge_id, row.Int(disputes.Column("charge_id")));
      EXPECT_EQ(dispute->license_id.value, row.Int(disputes.Column("license_id")));
      EXPECT_EQ(dispute->status, row.Text(disputes.Column("status")));
      EXPECT_EQ(app::DisputeOutcomeName(dispute->outcome), row.Text(disputes.Column("outcome")));
      EXPECT_EQ(ToUnix(dispute->opened_at), row.Int(disputes.Column("opened_at")));
      EXPECT_EQ(dispute->closed_at ? std::optional(ToUnix(*dispute->closed_at)) : std::nullopt,
                row.OptInt(disputes.Column("closed_at")));
      EXPECT_EQ(ToUnix(dispute->updated_at), row.Int(disputes.Column("updated_at")));
      if (row.Text(disputes.Column("outcome")) == "open")
        ++open_by_license[row.Int(disputes.Column("license_id"))];
    }
    EXPECT_FALSE(open_by_license.empty()) << fixture << " has no open dispute";
    for (const auto& [license_id, open] : open_by_license)
      EXPECT_EQ(read->disputes().CountOpen(LicenseId{license_id}), open);
  }
  read.reset();

  // Stripe events not yet applied are claimed when due: by next_attempt_at after a failure and
  // once a lapsed worker's lease ends (0004; before 0004, every unapplied event is due at once),
  // oldest first, with their attempts. Each claim is rolled back.
  const Table& events = before.at("stripe_events");
  auto due_at = [&](const Row& row) {
    int64_t due = events.Has("next_attempt_at") ? row.Int(events.Column("next_attempt_at")) : 0;
    if (events.Has("locked_until"))
      due = std::max(due, row.OptInt(events.Column("locked_until")).value_or(0));
    return due;
  };
  auto claimable_at = [&](int64_t now) {
    std::vector<std::tuple<int64_t, std::string, int64_t>> due;  // received_at, id, attempts
    for (const Row& row : events.rows)
      if (row.IsNull(events.Column("processed_at")) && row.Int(events.Column("attempts")) < 20 &&
          due_at(row) <= now)
        due.emplace_back(row.Int(events.Column("received_at")), row.Text(events.Column("id")),
                         row.Int(events.Column("attempts")));
    std::ranges::sort(due);
    return due;
  };
  auto claim_at = [&](int64_t now) {
    auto uow = store->Begin(app::Actor::System());
    std::vector<std::tuple<int64_t, std::string, int64_t>> claimed;
    for (const auto& e : uow->stripe_events().ClaimDue(FromUnix(now), FromUnix(now + 300), 100))
      claimed.emplace_back(ToUnix(e.received_at), e.id, e.attempts);
    return claimed;  // rolled back: the events stay as the fixture left them
  };
  EXPECT_FALSE(claimable_at(ToUnix(kNow)).empty()) << fixture << " has no event to apply";
  EXPECT_EQ(claim_at(ToUnix(kNow)), claimable_at(ToUnix(kNow)));
  int64_t first_due = ToUnix(kNow);
  for (const Row& row : events.rows)
    if (row.IsNull(events.Column("processed_at")) && due_at(row) > 0)
      first_due = std::min(first_due, due_at(row));
  EXPECT_EQ(claim_at(first_due - 1), claimable_at(first_due - 1));

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
  // An account from before the upgrade binds its Discord (0010's key to users holds); dunning
  // is bound in no fixture.
  EXPECT_TRUE(uow->discord_links().Insert(
      app::DiscordLink{.user_id = dunning->id,
                       .discord_user_id = "80351110224678912",
                       .username = "dunning",
                       .tokens = {.access_token = "access", .expires_at = kNow + days(7)},
                       .bound_at = kNow}));
  // Staff from before the upgrade publishes a release with a file (0011's keys hold).
  const auto staff_rows = users.Where("email", std::string("staff@example.com"));
  ASSERT_EQ(staff_rows.size(), 1u);
  const UserId staff{staff_rows[0]->Int(users.Column("id"))};
  const auto release = uow->releases().Insert(
      domain::Release{.version = "1.0.0", .published_by = staff, .published_at = kNow});
  ASSERT_TRUE(release);
  uow->releases().InsertFile(domain::ReleaseFile{.release_id = *release,
                                                 .os = domain::ReleaseOs::kLinux,
                                                 .file_name = "tenure-1.0.0-linux.tar.gz",
                                                 .stored_name = "1.0.0/linux.tar.gz",
                                                 .size = 1024,
                                                 .sha256 = std::string(64, 'e'),
                                                 .signature = "header.payload.signature"});
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
  const auto binding = read->discord_links().FindByUser(dunning->id);
  ASSERT_TRUE(binding);
  EXPECT_EQ(binding->discord_user_id, "80351110224678912");
  const auto published = read->releases().FindByVersion("1.0.0");
  ASSERT_TRUE(published);
  EXPECT_EQ(published->published_by, staff);
  EXPECT_EQ(read->releases().Files(*release).size(), 1u);
}

// Each fixture on each backend: "sqlite_v3", "postgres_v6", ... (tests/CMakeLists.txt runs
// each as its own ctest case).
INSTANTIATE_TEST_SUITE_P(Fixtures, MigrationUpgrade,
                         ::testing::Combine(::testing::Values("sqlite", "postgres"),
                                            ::testing::Values(3, 6, 8, 9, 10, 11, 12)),
                         [](const auto& param_info) {
                           return std::get<0>(param_info.param) + "_v" +
                                  std::to_string(std::get<1>(param_info.param));
                         });

}  // namespace
}  // namespace tenure::storage
