// The storage contract (ENGINEERING.md habit 6): one suite, every backend. Each test runs
// on SQLite and on PostgreSQL (TENURE_TEST_POSTGRES_URL, made by scripts/pg-test-db).
#include <gtest/gtest.h>

#include <numeric>

#include <atomic>
#include <cstdlib>
#include <thread>

// The contract covers every repository: the umbrella header is the honest include here.
#include "app/store.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "support/temp_dir.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
using app::Actor;

const Instant kNow = sys_days(2026y / November / 27) + hours(12);

domain::User NewUser(std::string email, domain::Role role = domain::Role::kCustomer) {
  return domain::User{.email = std::move(email),
                      .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$fake",
                      .role = role,
                      .terms_version = "2026-11-01",
                      .terms_accepted_at = kNow - hours(1),
                      .created_at = kNow - hours(1)};
}

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite://" + dir_.File("contract.db");
    } else {
      const char* pg = std::getenv("TENURE_TEST_POSTGRES_URL");
      ASSERT_TRUE(pg && *pg) << "PostgreSQL contract tests need TENURE_TEST_POSTGRES_URL "
                                "(scripts/pg-test-db prints one)";
      url_ = pg;
    }
    store_ = OpenStore(url_, clock_);
    store_->Migrate();
    if (GetParam() == "postgres") {
      // A clean slate per test in the throwaway database.
      OpenPostgres(url_)->ExecScript(R"(
DO $$ DECLARE tables text;
BEGIN
  SELECT string_agg(quote_ident(tablename), ', ') INTO tables
    FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations';
  EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE';
END $$;)");
    }
  }

  UserId InsertUser(const std::string& email) {
    auto uow = store_->Begin(Actor::Cli());
    auto id = uow->users().Insert(NewUser(email));
    EXPECT_TRUE(id);
    uow->Audit("test.user", "user", nullptr, email);
    uow->Commit();
    return *id;
  }

  // Counts rows straight from the database, bypassing the repositories under test.
  int64_t CountRows(std::string_view table) {
    auto conn = GetParam() == "sqlite" ? OpenSqlite(url_.substr(9)) : OpenPostgres(url_);
    static constexpr Query kOutbox{"count.outbox", "SELECT COUNT(*) FROM outbox"};
    static constexpr Query kAudit{"count.audit", "SELECT COUNT(*) FROM audit_log"};
    static constexpr Query kUsers{"count.users", "SELECT COUNT(*) FROM users"};
    const Query& q = table == "outbox" ? kOutbox : table == "audit_log" ? kAudit : kUsers;
    return conn->Run(q, {}).rows.at(0).Int(0);
  }

  testing::TempDir dir_;
  FakeClock clock_{kNow};
  std::string url_;
  std::unique_ptr<SqlStore> store_;
};

TEST_P(StoreContract, MigrateIsIdempotent) {
  auto again = store_->Migrate();
  EXPECT_EQ(again.applied, 0);
  EXPECT_GE(again.current_version, 1);
  EXPECT_TRUE(store_->Ping());
}

TEST_P(StoreContract, UsersRoundTripAndEmailsAreUnique) {
  const UserId id = InsertUser("a@example.com");
  auto read = store_->Read();
  auto user = read->users().Find(id);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->email, "a@example.com");
  EXPECT_EQ(user->role, domain::Role::kCustomer);
  EXPECT_EQ(user->terms_version, "2026-11-01");
  EXPECT_EQ(user->terms_accepted_at, kNow - hours(1));
  EXPECT_EQ(read->users().FindByEmail("a@example.com")->id, id);
  EXPECT_FALSE(read->users().FindByEmail("b@example.com"));
  EXPECT_FALSE(read->users().Find(UserId{id.value + 100}));

  auto uow = store_->Begin(Actor::Cli());
  auto dup = uow->users().Insert(NewUser("a@example.com"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
}

TEST_P(StoreContract, UsersListInIdOrderWithPaging) {
  for (int i = 0; i < 5; ++i) InsertUser("u" + std::to_string(i) + "@example.com");
  auto read = store_->Read();
  EXPECT_EQ(read->users().Count(), 5);
  auto page = read->users().List(2, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].email, "u2@example.com");
  EXPECT_EQ(page[1].email, "u3@example.com");
}

TEST_P(StoreContract, PasswordHashUpdates) {
  const UserId id = InsertUser("p@example.com");
  auto uow = store_->Begin(Actor::Cli());
  uow->users().UpdatePasswordHash(id, "$argon2id$new");
  uow->Audit("user.password", "user", nullptr, nullptr);
  uow->Commit();
  EXPECT_EQ(store_->Read()->users().Find(id)->password_hash, "$argon2id$new");
}

TEST_P(StoreContract, UncommittedWorkRollsBack) {
  {
    auto uow = store_->Begin(Actor::Cli());
    ASSERT_TRUE(uow->users().Insert(NewUser("ghost@example.com")));
    uow->Audit("test", "user", nullptr, nullptr);
  }  // no Commit()
  EXPECT_FALSE(store_->Read()->users().FindByEmail("ghost@example.com"));
  EXPECT_EQ(CountRows("audit_log"), 0);
}

TEST_P(StoreContract, WritesWithoutAnAuditRowCannotCommit) {
  auto uow = store_->Begin(Actor::Cli());
  ASSERT_TRUE(uow->users().Insert(NewUser("sneaky@example.com")));
  EXPECT_THROW(uow->Commit(), std::logic_error);
  uow.reset();
  EXPECT_FALSE(store_->Read()->users().FindByEmail("sneaky@example.com"));
}

TEST_P(StoreContract, ReadOnlyUnitsRefuseWrites) {
  auto read = store_->Read();
  EXPECT_THROW(read->users().Insert(NewUser("r@example.com")), std::logic_error);
  EXPECT_THROW(read->Commit(), std::logic_error);
}

TEST_P(StoreContract, SessionsFindDeleteAndExpire) {
  const UserId id = InsertUser("s@example.com");
  auto uow = store_->Begin(Actor::User(id));
  for (int i = 0; i < 3; ++i)
    uow->sessions().Insert(app::Session{.token_hash = "hash" + std::to_string(i),
                                        .user_id = id,
                                        .csrf_token = "csrf" + std::to_string(i),
                                        .created_at = kNow,
                                        .last_seen_at = kNow,
                                        .expires_at = kNow + hours(i),
                                        .user_agent = "UA",
                                        .address = "192.0.2.1"});
  uow->Audit("session.create", "user", nullptr, nullptr);
  uow->Commit();

  auto s = store_->Read()->sessions().Find("hash2");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user_id, id);
  EXPECT_EQ(s->csrf_token, "csrf2");
  EXPECT_EQ(s->expires_at, kNow + hours(2));
  EXPECT_EQ(s->user_agent, "UA");
  EXPECT_EQ(s->address, "192.0.2.1");
  EXPECT_EQ(s->kind, app::SessionKind::kDashboard) << "the default kind";
  EXPECT_EQ(s->strength, app::SessionStrength::kPassword) << "the default strength";

  auto del = store_->Begin(Actor::User(id));
  del->sessions().Delete("hash2");
  EXPECT_EQ(del->sessions().DeleteExpired(kNow + minutes(30), kNow - hours(1)), 1);  // hash0 only
  del->Audit("session.delete", "user", nullptr, nullptr);
  del->Commit();
  auto read = store_->Read();
  EXPECT_FALSE(read->sessions().Find("hash0"));
  EXPECT_TRUE(read->sessions().Find("hash1"));
  EXPECT_FALSE(read->sessions().Find("hash2"));
}

// Issue 8: every kind and strength is stored and read back as itself.
TEST_P(StoreContract, SessionKindAndStrengthRoundTrip) {
  const UserId id = InsertUser("kinds@example.com");
  struct Case {
    std::string hash;
    app::SessionKind kind;
    app::SessionStrength strength;
  };
  const std::vector<Case> cases = {
      {"d-pw", app::SessionKind::kDashboard, app::SessionStrength::kPassword},
      {"d-2f", app::SessionKind::kDashboard, app::SessionStrength::kTwoFactor},
      {"p-pw", app::SessionKind::kProgram, app::SessionStrength::kPassword},
      {"p-2f", app::SessionKind::kProgram, app::SessionStrength::kTwoFactor}};
  auto uow = store_->Begin(Actor::User(id));
  for (const Case& c : cases)
    uow->sessions().Insert(app::Session{.token_hash = c.hash,
                                        .user_id = id,
                                        .kind = c.kind,
                                        .strength = c.strength,
                                        .csrf_token = "csrf",
                                        .created_at = kNow,
                                        .last_seen_at = kNow,
                                        .expires_at = kNow + hours(1)});
  uow->Audit("session.create", "user", nullptr, nullptr);
  uow->Commit();
  auto read = store_->Read();
  for (const Case& c : cases) {
    auto s = read->sessions().Find(c.hash);
    ASSERT_TRUE(s) << c.hash;
    EXPECT_EQ(s->kind, c.kind) << c.hash;
    EXPECT_EQ(s->strength, c.strength) << c.hash;
  }
}

// The license check's one query (machines.find_session): each table's columns land in its
// own reader, a missing session or license reads as absent, and the slot count is the
// account's live machines seen after the cut-off.
TEST_P(StoreContract, AMachineSessionReadsItsSessionAccountLicenseAndSlotsInOneQuery) {
  const UserId id = InsertUser("slots@example.com");
  const UserId other = InsertUser("other@example.com");
  auto uow = store_->Begin(Actor::User(id));
  for (const char* hash : {"live-a", "live-b", "old-c"})
    uow->sessions().Insert(app::Session{.token_hash = hash,
                                        .user_id = id,
                                        .kind = app::SessionKind::kProgram,
                                        .csrf_token = "",
                                        .created_at = kNow - hours(2),
                                        .last_seen_at = kNow - hours(1),
                                        .expires_at = kNow + days(365),
                                        .user_agent = "agent/1.0",
                                        .address = "192.0.2.7"});
  uow->licenses().Insert(domain::License{.user_id = id,
                                         .expires_at = kNow + days(20),
                                         .auto_renew = true,
                                         .instances = 3,
                                         .created_at = kNow,
                                         .updated_at = kNow});
  auto machine = [&](UserId user, std::string hash, std::string fingerprint, Instant seen) {
    return uow->machines().Insert(domain::Machine{.user_id = user,
                                                  .session_hash = std::move(hash),
                                                  .info = {.fingerprint = std::move(fingerprint),
                                                           .name = "Desk",
                                                           .os = "Linux",
                                                           .app_version = "2.1.0"},
                                                  .address = "192.0.2.7",
                                                  .signed_in_at = kNow - hours(2),
                                                  .last_seen_at = seen});
  };
  const domain::MachineId a = machine(id, "live-a", "fp-a", kNow - minutes(1));
  machine(id, "live-b", "fp-b", kNow - minutes(2));
  machine(id, "old-c", "fp-c", kNow - hours(1));  // its heartbeat lapsed
  const domain::MachineId ended = machine(id, "gone-d", "fp-d", kNow);
  ASSERT_TRUE(uow->machines().End(ended, kNow, domain::MachineEnd::kSignedOut));
  machine(other, "other-e", "fp-e", kNow);  // another account's
  uow->Audit("test.machines", "user", nullptr, nullptr);
  uow->Commit();

  auto read = store_->Read();
  auto found = read->machines().FindSession("live-a", kNow - minutes(10));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->machine.id, a);
  EXPECT_EQ(found->machine.info.fingerprint, "fp-a");
  EXPECT_EQ(found->machine.info.app_version, "2.1.0");
  EXPECT_EQ(found->machine.last_seen_at, kNow - minutes(1));
  EXPECT_FALSE(found->machine.end);
  ASSERT_TRUE(found->session);
  EXPECT_EQ(found->session->kind, app::SessionKind::kProgram);
  EXPECT_EQ(found->session->expires_at, kNow + days(365));
  EXPECT_EQ(found->session->user_agent, "agent/1.0");
  ASSERT_TRUE(found->user);
  EXPECT_EQ(found->user->id, id);
  EXPECT_EQ(found->user->email, "slots@example.com");
  ASSERT_TRUE(found->license);
  EXPECT_EQ(found->license->instances, 3);
  EXPECT_EQ(found->license->expires_at, kNow + days(20));
  EXPECT_TRUE(found->license->auto_renew);
  EXPECT_EQ(found->machines_in_use, 2) << "live and seen within ten minutes: a and b";

  auto gone = read->machines().FindSession("gone-d", kNow - minutes(10));
  ASSERT_TRUE(gone) << "an ended machine is still found, to say why";
  EXPECT_EQ(gone->machine.end, domain::MachineEnd::kSignedOut);
  EXPECT_FALSE(gone->session) << "it has no session row";
  ASSERT_TRUE(gone->user);

  auto unlicensed = read->machines().FindSession("other-e", kNow - minutes(10));
  ASSERT_TRUE(unlicensed);
  EXPECT_EQ(unlicensed->user->id, other);
  EXPECT_FALSE(unlicensed->license);
  EXPECT_EQ(unlicensed->machines_in_use, 1);

  EXPECT_FALSE(read->machines().FindSession("nobody", kNow - minutes(10)));
}

TEST_P(StoreContract, SignInHistoryCountsPerPairAddressAndUnknownAddressesWithinTheWindow) {
  auto uow = store_->Begin(Actor::Anonymous("r", "a1"));
  auto& attempts = uow->sign_in_attempts();
  attempts.Insert("x@example.com", "a1", false, kNow - minutes(20));  // outside the window
  attempts.Insert("x@example.com", "a1", false, kNow - minutes(5));
  attempts.Insert("x@example.com", "a2", false, kNow - minutes(4));
  attempts.Insert("y@example.com", "a1", false, kNow - minutes(3));
  attempts.Insert("x@example.com", "home", true, kNow - days(10));  // the owner's address
  attempts.Insert("x@example.com", "home", false, kNow - minutes(2));
  uow->Audit("test", "attempts", nullptr, nullptr);
  uow->Commit();

  const auto history = [&](std::string_view address) {
    return store_->Read()->sign_in_attempts().History("x@example.com", address, kNow - minutes(15),
                                                      kNow - days(90));
  };
  auto h = history("a1");
  EXPECT_EQ(h.pair.count, 1);
  EXPECT_EQ(h.pair.last, kNow - minutes(5));
  EXPECT_EQ(h.address.count, 2) << "x@ and y@ from a1 inside the window";
  EXPECT_EQ(h.address.last, kNow - minutes(3));
  EXPECT_EQ(h.account_elsewhere.count, 2) << "from a1 and a2, not from home";
  EXPECT_EQ(h.account_elsewhere.last, kNow - minutes(4));
  EXPECT_FALSE(h.known_address);
  EXPECT_TRUE(history("home").known_address);
  EXPECT_EQ(history("home").pair.count, 1);

  auto ok = store_->Begin(Actor::Anonymous("r", "a1"));
  ok->sign_in_attempts().Insert("x@example.com", "a1", true, kNow - minutes(1));
  ok->Audit("test", "attempts", nullptr, nullptr);
  ok->Commit();
  h = history("a1");
  EXPECT_EQ(h.pair.count, 0) << "a success resets the pair's count";
  EXPECT_EQ(h.address.count, 2) << "but not the address's";
  EXPECT_TRUE(h.known_address);
  EXPECT_EQ(h.account_elsewhere.count, 1) << "a1 is known now: only a2's failure is elsewhere";
  EXPECT_FALSE(history("nowhere").pair.last);
}

TEST_P(StoreContract, LicensesRoundTripEveryField) {
  const UserId id = InsertUser("l@example.com");
  domain::License l{.user_id = id,
                    .expires_at = std::nullopt,
                    .auto_renew = false,
                    .instances = 1,
                    .created_at = kNow,
                    .updated_at = kNow};
  auto uow = store_->Begin(Actor::Cli());
  l.id = uow->licenses().Insert(l);
  uow->Audit("license.create", "license", nullptr, nullptr);
  uow->Commit();

  auto read = store_->Read();
  auto got = read->licenses().FindByUser(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, l.id);
  EXPECT_FALSE(got->expires_at);
  EXPECT_FALSE(got->suspended_at);
  EXPECT_EQ(got->auto_renew_off_reason, domain::AutoRenewOffReason::kNone);

  l.expires_at = kNow + days(31);
  l.auto_renew = true;
  l.instances = 3;
  l.suspended_at = kNow;
  l.auto_renew_off_reason = domain::AutoRenewOffReason::kPaymentDisputed;
  l.updated_at = kNow + hours(1);
  auto upd = store_->Begin(Actor::Cli());
  upd->licenses().Update(l);
  upd->Audit("license.update", "license", nullptr, nullptr);
  upd->Commit();
  got = store_->Read()->licenses().FindByUser(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->expires_at, kNow + days(31));
  EXPECT_TRUE(got->auto_renew);
  EXPECT_EQ(got->instances, 3);
  EXPECT_EQ(got->suspended_at, kNow);
  EXPECT_EQ(got->auto_renew_off_reason, domain::AutoRenewOffReason::kPaymentDisputed);
  EXPECT_EQ(got->updated_at, kNow + hours(1));
  EXPECT_EQ(got->created_at, kNow);
}

TEST_P(StoreContract, OneLicensePerAccount) {
  const UserId id = InsertUser("one@example.com");
  auto uow = store_->Begin(Actor::Cli());
  domain::License l{.user_id = id, .created_at = kNow, .updated_at = kNow};
  uow->licenses().Insert(l);
  EXPECT_THROW(uow->licenses().Insert(l), UniqueViolation);
}

TEST_P(StoreContract, TheLatestPaymentMethodIsTheDefault) {
  const UserId id = InsertUser("card@example.com");
  EXPECT_FALSE(store_->Read()->payment_methods().FindDefault(id));
  auto uow = store_->Begin(Actor::Cli());
  for (const char* last4 : {"4242", "0002"})
    uow->payment_methods().Insert(app::PaymentMethod{.user_id = id,
                                                     .provider = "offline",
                                                     .provider_ref = std::string("pm_") + last4,
                                                     .brand = "visa",
                                                     .last4 = last4,
                                                     .exp_month = 12,
                                                     .exp_year = 2029,
                                                     .created_at = kNow});
  uow->Audit("payment_method.add", "user", nullptr, nullptr);
  uow->Commit();
  auto pm = store_->Read()->payment_methods().FindDefault(id);
  ASSERT_TRUE(pm);
  EXPECT_EQ(pm->last4, "0002");
  EXPECT_EQ(pm->provider_ref, "pm_0002");
  EXPECT_EQ(pm->exp_year, 2029);
  EXPECT_EQ(store_->Read()->payment_methods().FindDefaultFor(id, "offline")->last4, "0002");
  EXPECT_FALSE(store_->Read()->payment_methods().FindDefaultFor(id, "stripe"))
      << "a card saved with another provider is not Stripe's to charge";
  // A receipt names the card a charge used, the replaced one included (issue 14 item 7).
  auto used = store_->Read()->payment_methods().FindByRef(id, "offline", "pm_4242");
  ASSERT_TRUE(used);
  EXPECT_EQ(used->last4, "4242");
  EXPECT_EQ(used->brand, "visa");
  EXPECT_FALSE(store_->Read()->payment_methods().FindByRef(id, "stripe", "pm_4242"));
  const UserId other = InsertUser("other-card@example.com");
  EXPECT_FALSE(store_->Read()->payment_methods().FindByRef(other, "offline", "pm_4242"))
      << "another account's card is not found by its reference";
}

TEST_P(StoreContract, AuditRowsCarryActorSubjectBeforeAfterAndRequestId) {
  auto uow = store_->Begin(Actor::User(UserId{42}, "req-abc", "192.0.2.9"));
  uow->Audit("license.update", "license:7", {{"auto_renew", true}}, {{"auto_renew", false}});
  uow->Audit("license.update", "license:8", nullptr, {{"x", 1}});
  uow->Commit();
  auto entries = store_->Read()->audit_log().ForSubject("license:7", 10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor, "user:42");
  EXPECT_EQ(entries[0].action, "license.update");
  EXPECT_EQ(entries[0].before, R"({"auto_renew":true})");
  EXPECT_EQ(entries[0].after, R"({"auto_renew":false})");
  EXPECT_EQ(entries[0].request_id, "req-abc");
  EXPECT_EQ(entries[0].at, kNow);
  auto recent = store_->Read()->audit_log().Recent(10);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].subject, "license:8") << "newest first";
}

TEST_P(StoreContract, OutboxRowsCommitWithTheirUnitOfWork) {
  {
    auto uow = store_->Begin(Actor::System());
    uow->Enqueue("email.test", {{"to", "a@example.com"}});
    uow->Audit("test", "outbox", nullptr, nullptr);
  }  // rolled back
  EXPECT_EQ(CountRows("outbox"), 0);
  auto uow = store_->Begin(Actor::System());
  uow->Enqueue("email.test", {{"to", "a@example.com"}});
  uow->Audit("test", "outbox", nullptr, nullptr);
  uow->Commit();
  EXPECT_EQ(CountRows("outbox"), 1);
}

// A customer's file lists the emails sent to them (issue 14): by the whole address, where an
// address's '_' and '%' are letters, not wildcards, and one address inside another is not it.
TEST_P(StoreContract, OutboxFindsEmailsByTheirRecipient) {
  auto uow = store_->Begin(Actor::System());
  uow->Enqueue("email", {{"to", {"a_b@example.com"}}, {"subject", "one"}});
  uow->Enqueue("email", {{"to", {"axb@example.com"}}, {"subject", "two"}});
  uow->Enqueue("email", {{"to", {"staff@example.com", "a_b@example.com"}}, {"subject", "three"}});
  uow->Enqueue("email", {{"to", {"xa_b@example.com"}}, {"subject", "four"}});
  uow->Enqueue("discord.roles", {{"to", "a_b@example.com"}});
  uow->Audit("test", "outbox", nullptr, nullptr);
  uow->Commit();
  std::vector<std::string> subjects;
  for (const auto& m : store_->Read()->outbox().ForRecipient("a_b@example.com", 10))
    subjects.push_back(m.payload.at("subject").get<std::string>());
  EXPECT_EQ(subjects, (std::vector<std::string>{"three", "one"}));  // newest first
}

TEST_P(StoreContract, OutboxClaimsLeaseRetryAndDeadLetter) {
  auto uow = store_->Begin(Actor::System());
  for (int i = 0; i < 3; ++i) uow->Enqueue("email", {{"n", i}});
  uow->Audit("test", "outbox", nullptr, nullptr);
  uow->Commit();

  auto claim = [&](Instant now, int limit) {
    auto w = store_->Begin(Actor::System());
    auto got = w->outbox().ClaimDue(now, minutes(1), limit, "email");
    w->Audit("outbox.claim", "outbox", nullptr, nullptr);
    w->Commit();
    return got;
  };
  auto first = claim(kNow, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].payload["n"], 0);
  EXPECT_EQ(first[1].payload["n"], 1);
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_EQ(first[0].kind, "email");
  auto second = claim(kNow, 10);
  ASSERT_EQ(second.size(), 1u) << "leased rows are not claimed twice";
  EXPECT_EQ(second[0].payload["n"], 2);

  auto w = store_->Begin(Actor::System());
  w->outbox().MarkSent(first[0].id, kNow);
  w->outbox().MarkFailed(first[1].id, "421 try later", kNow + minutes(5));
  w->outbox().MarkFailed(second[0].id, "550 no such user", std::nullopt);
  w->Audit("outbox.result", "outbox", nullptr, nullptr);
  w->Commit();

  EXPECT_TRUE(claim(kNow + minutes(2), 10).empty()) << "the retry is not due yet";
  auto retry = claim(kNow + minutes(5), 10);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].id, first[1].id);
  EXPECT_EQ(retry[0].attempts, 2);
  EXPECT_EQ(retry[0].last_error, "421 try later");

  auto read = store_->Read();
  auto dead = read->outbox().List("dead", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].last_error, "550 no such user");
  auto sent = read->outbox().List("sent", 10);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, first[0].id);
  EXPECT_EQ(read->outbox().List("", 10).size(), 3u);
}

// Issue 8: the claim is a materialized CTE on PostgreSQL, so a LIMIT stays a limit.
TEST_P(StoreContract, OutboxClaimsTakeAtMostTheirLimitInOrderAndOnlyTheirKind) {
  auto uow = store_->Begin(Actor::System());
  for (int i = 0; i < 12; ++i) uow->Enqueue("email", {{"n", i}});
  uow->Enqueue("discord.role", {{"n", 99}});  // no email worker may take it
  uow->Audit("test", "outbox", nullptr, nullptr);
  uow->Commit();
  std::vector<int> seen;
  for (size_t expected : {5u, 5u, 2u, 0u}) {
    auto w = store_->Begin(Actor::System());
    const auto got = w->outbox().ClaimDue(kNow, minutes(1), 5, "email");
    w->Audit("outbox.claim", "outbox", nullptr, nullptr);
    w->Commit();
    EXPECT_EQ(got.size(), expected);
    for (const auto& row : got) seen.push_back(row.payload["n"]);
  }
  std::vector<int> all(12);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(seen, all) << "each once, oldest first";
  auto w = store_->Begin(Actor::System());
  const auto other = w->outbox().ClaimDue(kNow, minutes(1), 5, "discord.role");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].payload["n"], 99);
}

TEST_P(StoreContract, AnExpiredLeaseIsClaimedAgain) {
  auto uow = store_->Begin(Actor::System());
  uow->Enqueue("email", {{"n", 1}});
  uow->Audit("test", "outbox", nullptr, nullptr);
  uow->Commit();
  for (Instant at : {kNow, kNow + minutes(1)}) {  // a worker died holding the lease
    auto w = store_->Begin(Actor::System());
    EXPECT_EQ(w->outbox().ClaimDue(at, minutes(1), 10, "email").size(), 1u);
    w->Audit("outbox.claim", "outbox", nullptr, nullptr);
    w->Commit();
  }
}

// Confirming Cancel from two tabs at once: each unit of work reads the license and acts only
// if auto-renew is still on. The write transaction's read must lock the row, or both act.
TEST_P(StoreContract, ReadThenWriteOfALicenseIsSerialised) {
  const UserId id = InsertUser("tabs@example.com");
  {
    auto uow = store_->Begin(Actor::Cli());
    uow->licenses().Insert(domain::License{.user_id = id,
                                           .expires_at = kNow + days(10),
                                           .auto_renew = true,
                                           .created_at = kNow,
                                           .updated_at = kNow});
    uow->Audit("license.create", "license", nullptr, nullptr);
    uow->Commit();
  }
  constexpr int kTabs = 6;
  std::atomic<int> acted{0};
  std::vector<std::thread> tabs;
  for (int t = 0; t < kTabs; ++t)
    tabs.emplace_back([&] {
      auto uow = store_->Begin(Actor::User(id));
      auto license = uow->licenses().FindByUser(id);
      if (!license || !license->auto_renew) return;
      license->auto_renew = false;
      uow->licenses().Update(*license);
      uow->Audit("license.cancel_renewal", "license", nullptr, nullptr);
      uow->Commit();
      ++acted;
    });
  for (auto& t : tabs) t.join();
  EXPECT_EQ(acted.load(), 1);
}

TEST_P(StoreContract, TicketsThreadsAndTheQueueOrder) {
  const UserId a = InsertUser("a@example.com");
  const UserId b = InsertUser("b@example.com");
  auto uow = store_->Begin(Actor::Cli());
  auto open = [&](UserId who, const char* subject, std::optional<Instant> waiting,
                  domain::TicketStatus status, domain::TicketCategory category) {
    domain::Ticket t{
        .user_id = who,
        .category = category,
        .subject = subject,
        .status = status,
        .opened_in_cancel_flow = category == domain::TicketCategory::kThinkingAboutCanceling,
        .waiting_since = waiting,
        .created_at = kNow,
        .updated_at = kNow};
    t.id = uow->tickets().Insert(t);
    uow->tickets().AddMessage({.ticket_id = t.id,
                               .author = who,
                               .body = std::string(subject) + "\nsecond line",
                               .created_at = kNow});
    return t.id;
  };
  const TicketId newer = open(a, "newer", kNow - minutes(5), domain::TicketStatus::kOpen,
                              domain::TicketCategory::kBilling);
  const TicketId older = open(b, "older", kNow - hours(2), domain::TicketStatus::kOpen,
                              domain::TicketCategory::kThinkingAboutCanceling);
  const TicketId answered =
      open(a, "answered", std::nullopt, domain::TicketStatus::kWaitingOnCustomer,
           domain::TicketCategory::kTechnical);
  uow->tickets().AddMessage({.ticket_id = answered,
                             .author = b,
                             .from_staff = true,
                             .body = "fixed",
                             .created_at = kNow + minutes(1)});
  uow->Audit("test", "tickets", nullptr, nullptr);
  uow->Commit();

  auto read = store_->Read();
  auto queue = read->tickets().Queue({});
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue[0].ticket.id, older) << "oldest waiting first";
  EXPECT_EQ(queue[1].ticket.id, newer);
  EXPECT_EQ(queue[2].ticket.id, answered);
  EXPECT_EQ(queue[0].customer_email, "b@example.com");
  EXPECT_TRUE(queue[0].ticket.opened_in_cancel_flow);
  EXPECT_EQ(queue[2].messages, 2);
  auto open_only = read->tickets().Queue({.status = domain::TicketStatus::kOpen});
  EXPECT_EQ(open_only.size(), 2u);
  auto billing = read->tickets().Queue({.category = domain::TicketCategory::kBilling});
  ASSERT_EQ(billing.size(), 1u);
  EXPECT_EQ(billing[0].ticket.id, newer);

  auto mine = read->tickets().ForCustomer(a, 10);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].ticket.id, answered) << "newest first";
  auto thread = read->tickets().Messages(answered);
  ASSERT_EQ(thread.size(), 2u);
  EXPECT_EQ(thread[0].body, "answered\nsecond line");
  EXPECT_FALSE(thread[0].from_staff);
  EXPECT_TRUE(thread[1].from_staff);

  auto w = store_->Begin(Actor::Cli());
  auto t = w->tickets().Find(newer);
  ASSERT_TRUE(t);
  t->status = domain::TicketStatus::kClosed;
  t->assignee = b;
  t->waiting_since.reset();
  w->tickets().Update(*t);
  w->Audit("test", "tickets", nullptr, nullptr);
  w->Commit();
  auto after = store_->Read()->tickets().Find(newer);
  EXPECT_EQ(after->status, domain::TicketStatus::kClosed);
  EXPECT_EQ(after->assignee, b);
  EXPECT_FALSE(after->waiting_since);
}

TEST_P(StoreContract, CancellationsFeedReadsAndCounts) {
  const UserId a = InsertUser("a@example.com");
  const UserId staff1 = InsertUser("s1@example.com");
  const UserId staff2 = InsertUser("s2@example.com");
  auto uow = store_->Begin(Actor::Cli());
  const LicenseId lic =
      uow->licenses().Insert({.user_id = a, .created_at = kNow, .updated_at = kNow});
  auto add = [&](domain::CancelReason r, Instant at, std::string comment) {
    return uow->cancellations().Insert({.user_id = a,
                                        .license_id = lic,
                                        .reason = r,
                                        .comment = std::move(comment),
                                        .license_ends_at = kNow + days(3),
                                        .created_at = at});
  };
  const auto old = add(domain::CancelReason::kTooExpensive, kNow - days(40), "old");
  const auto c1 = add(domain::CancelReason::kTooExpensive, kNow - days(2), "pricey, \"very\"");
  const auto c2 = add(domain::CancelReason::kOther, kNow - days(1), "moved");
  uow->Audit("test", "cancellations", nullptr, nullptr);
  uow->Commit();

  auto read = store_->Read();
  const app::FeedbackFilter month{.from = kNow - days(30), .to = kNow + seconds(1)};
  auto rows = read->cancellations().List(month, staff1);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cancellation.id, c2) << "newest first";
  EXPECT_EQ(rows[1].cancellation.comment, "pricey, \"very\"");
  EXPECT_EQ(rows[0].email, "a@example.com");
  EXPECT_FALSE(rows[0].read);
  auto expensive = read->cancellations().List(
      {.reason = domain::CancelReason::kTooExpensive, .from = Instant{}, .to = kNow + seconds(1)},
      staff1);
  ASSERT_EQ(expensive.size(), 2u);
  EXPECT_EQ(expensive[1].cancellation.id, old);

  auto counts = read->cancellations().CountByReason(month.from, month.to);
  ASSERT_EQ(counts.size(), 8u);
  for (const auto& [reason, n] : counts)
    EXPECT_EQ(
        n, reason == domain::CancelReason::kTooExpensive || reason == domain::CancelReason::kOther
               ? 1
               : 0);

  auto w = store_->Begin(Actor::Cli());
  w->cancellations().MarkRead(c1, staff1, kNow);
  w->cancellations().MarkRead(c1, staff1, kNow);  // idempotent
  w->Audit("test", "feedback", nullptr, nullptr);
  w->Commit();
  auto r2 = store_->Read();
  EXPECT_EQ(r2->cancellations().CountUnread(staff1), 2);
  EXPECT_EQ(r2->cancellations().CountUnread(staff2), 3) << "read state is per staff member";
  EXPECT_TRUE(r2->cancellations().List(month, staff1)[1].read);
  EXPECT_FALSE(r2->cancellations().List(month, staff2)[1].read);
  EXPECT_EQ(r2->cancellations().Find(c2)->reason, domain::CancelReason::kOther);
}

TEST_P(StoreContract, LicenseGrantsKeepWhoAndWhy) {
  const UserId a = InsertUser("a@example.com");
  const UserId staff = InsertUser("s@example.com");
  auto uow = store_->Begin(Actor::Cli());
  const LicenseId lic =
      uow->licenses().Insert({.user_id = a, .created_at = kNow, .updated_at = kNow});
  uow->license_grants().Insert({.license_id = lic,
                                .days = 3,
                                .reason = "outage",
                                .staff_id = staff,
                                .expires_before = std::nullopt,
                                .expires_after = kNow + days(3),
                                .created_at = kNow});
  uow->license_grants().Insert({.license_id = lic,
                                .days = 7,
                                .reason = "goodwill",
                                .staff_id = staff,
                                .expires_before = kNow + days(3),
                                .expires_after = kNow + days(10),
                                .created_at = kNow + hours(1)});
  uow->Audit("test", "grants", nullptr, nullptr);
  uow->Commit();
  auto grants = store_->Read()->license_grants().ForLicense(lic);
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_EQ(grants[0].reason, "goodwill");
  EXPECT_EQ(grants[0].days, 7);
  EXPECT_EQ(grants[0].staff_email, "s@example.com");
  EXPECT_EQ(grants[0].expires_before, kNow + days(3));
  EXPECT_FALSE(grants[1].expires_before);
  EXPECT_EQ(grants[1].expires_after, kNow + days(3));
}

TEST_P(StoreContract, StaffAreListedByEmail) {
  auto uow = store_->Begin(Actor::Cli());
  ASSERT_TRUE(uow->users().Insert(NewUser("zed@example.com", domain::Role::kAdmin)));
  ASSERT_TRUE(uow->users().Insert(NewUser("amy@example.com", domain::Role::kSupport)));
  ASSERT_TRUE(uow->users().Insert(NewUser("cust@example.com")));
  uow->Audit("test", "users", nullptr, nullptr);
  uow->Commit();
  auto staff = store_->Read()->users().Staff();
  ASSERT_EQ(staff.size(), 2u);
  EXPECT_EQ(staff[0].email, "amy@example.com");
  EXPECT_EQ(staff[1].email, "zed@example.com");
}

TEST_P(StoreContract, ConcurrentWritersAllSucceed) {
  constexpr int kThreads = 4, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        try {
          auto uow = store_->Begin(Actor::Cli());
          if (!uow->users().Insert(NewUser(std::to_string(t) + "-" + std::to_string(i) + "@x.io")))
            ++failures;
          uow->Audit("test", "user", nullptr, nullptr);
          uow->Commit();
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(CountRows("users"), kThreads * kEach);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::storage
