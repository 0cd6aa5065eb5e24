// The sessions' storage contract for Settings -> Sessions (issue 10 item 5; ENGINEERING.md
// habit 6): listing an account's sessions, pruning expired and idle ones, and the coalesced
// last_seen_at write. Each test runs on SQLite and on PostgreSQL
// (TENURE_TEST_POSTGRES_URL, made by scripts/pg-test-db), in a schema of its own.
#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "storage/sql_store.hpp"
#include "test_database.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
using app::Actor;
using app::Session;
using app::SessionKind;

const Instant kNow = sys_days(2026y / November / 27) + hours(12);

class SessionsContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), "sessions_contract");
    ASSERT_FALSE(db_->url().empty());
    store_ = OpenStore(db_->url(), clock_);
    store_->Migrate();
    alice_ = InsertUser("alice@example.com");
    bob_ = InsertUser("bob@example.com");
  }

  UserId InsertUser(const std::string& email) {
    auto uow = store_->Begin(Actor::Cli());
    auto id = uow->users().Insert(domain::User{.email = email,
                                               .password_hash = "$argon2id$fake",
                                               .terms_version = "2026-11-01",
                                               .terms_accepted_at = kNow - days(40),
                                               .created_at = kNow - days(40)});
    EXPECT_TRUE(id);
    uow->Audit("test.user", "user", nullptr, email);
    uow->Commit();
    return *id;
  }

  // A session signed in `age` ago and last seen `seen` ago, living `lifetime` from sign-in.
  void Insert(const std::string& hash, UserId user, SessionKind kind, Seconds age, Seconds seen,
              Seconds lifetime = days(30)) {
    auto uow = store_->Begin(Actor::User(user));
    uow->sessions().Insert(Session{.token_hash = hash,
                                   .user_id = user,
                                   .kind = kind,
                                   .csrf_token = "csrf-" + hash,
                                   .created_at = kNow - age,
                                   .last_seen_at = kNow - seen,
                                   .expires_at = kNow - age + lifetime,
                                   .user_agent = "UA " + hash,
                                   .address = "192.0.2.1"});
    uow->Audit("session.create", "user", nullptr, nullptr);
    uow->Commit();
  }

  std::vector<std::string> HashesOf(UserId user) {
    std::vector<std::string> out;
    for (const Session& s : store_->Read()->sessions().ListForUser(user))
      out.push_back(s.token_hash);
    return out;
  }

  std::unique_ptr<TestDatabase> db_;  // declared first: its schema outlives the store
  FakeClock clock_{kNow};
  std::unique_ptr<SqlStore> store_;
  UserId alice_;
  UserId bob_;
};

TEST_P(SessionsContract, ListForUserIsOneAccountsSessionsMostRecentlySeenFirst) {
  Insert("a-old", alice_, SessionKind::kDashboard, days(3), days(2));
  Insert("a-new", alice_, SessionKind::kDashboard, days(1), minutes(1));
  Insert("a-prog", alice_, SessionKind::kProgram, days(2), hours(1), days(365));
  Insert("a-expired", alice_, SessionKind::kDashboard, days(40), days(35));
  Insert("b-one", bob_, SessionKind::kDashboard, days(1), seconds(0));
  EXPECT_EQ(HashesOf(alice_), (std::vector<std::string>{"a-new", "a-prog", "a-old", "a-expired"}))
      << "every kind, live or not: the app decides what is live";
  EXPECT_EQ(HashesOf(bob_), std::vector<std::string>{"b-one"});
  EXPECT_TRUE(HashesOf(UserId{alice_.value + bob_.value + 1}).empty());

  const auto sessions = store_->Read()->sessions().ListForUser(alice_);
  const Session& prog = sessions.at(1);
  EXPECT_EQ(prog.kind, SessionKind::kProgram);
  EXPECT_EQ(prog.user_id, alice_);
  EXPECT_EQ(prog.created_at, kNow - days(2));
  EXPECT_EQ(prog.last_seen_at, kNow - hours(1));
  EXPECT_EQ(prog.user_agent, "UA a-prog");
  EXPECT_EQ(prog.address, "192.0.2.1");
}

TEST_P(SessionsContract, DeleteExpiredTakesExpiredSessionsAndIdleDashboardOnes) {
  const Instant idle_before = kNow - days(14);
  Insert("expired", alice_, SessionKind::kDashboard, days(30), seconds(0));  // expires now
  Insert("idle", alice_, SessionKind::kDashboard, days(20), days(14));       // seen at the edge
  Insert("nearly-idle", alice_, SessionKind::kDashboard, days(20), days(14) - seconds(1));
  Insert("prog-quiet", alice_, SessionKind::kProgram, days(20), days(15), days(365));
  Insert("prog-expired", bob_, SessionKind::kProgram, days(366), days(1), days(365));
  Insert("fresh", bob_, SessionKind::kDashboard, hours(1), seconds(0));
  auto uow = store_->Begin(Actor::System());
  EXPECT_EQ(uow->sessions().DeleteExpired(kNow, idle_before), 3);
  uow->Audit("session.prune", "sessions", nullptr, nullptr);
  uow->Commit();
  EXPECT_EQ(HashesOf(alice_), (std::vector<std::string>{"nearly-idle", "prog-quiet"}))
      << "a program session's idleness is its machine's business";
  EXPECT_EQ(HashesOf(bob_), std::vector<std::string>{"fresh"});
}

TEST_P(SessionsContract, TouchWritesOnlyAStaleLastSeenAndNeedsNoAuditRow) {
  Insert("s", alice_, SessionKind::kDashboard, hours(2), minutes(4));
  auto last_seen = [&] { return store_->Read()->sessions().Find("s")->last_seen_at; };
  {
    auto uow = store_->Begin(Actor::User(alice_));
    uow->sessions().Touch("s", kNow, kNow - minutes(5));  // seen 4 minutes ago: not stale
    uow->Commit();                                        // liveness: no audit row needed
  }
  EXPECT_EQ(last_seen(), kNow - minutes(4));
  {
    auto uow = store_->Begin(Actor::User(alice_));
    uow->sessions().Touch("s", kNow, kNow - minutes(3));
    uow->Commit();
  }
  EXPECT_EQ(last_seen(), kNow);
  {
    auto uow = store_->Begin(Actor::User(alice_));
    uow->sessions().Touch("gone", kNow, kNow);  // a session signed out meanwhile: nothing
    uow->Commit();
  }
  EXPECT_THROW(store_->Read()->sessions().Touch("s", kNow, kNow), std::logic_error)
      << "a read-only unit of work refuses it";
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionsContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::storage
