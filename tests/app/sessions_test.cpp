// Settings -> Sessions through the app layer (issue 10 item 5): the idle timeout beside the
// lifetime, last_seen_at written at most once per touch interval, the list of live sessions
// of both kinds, Sign out per session and Sign out everywhere else. SQLite, a FakeClock.
#include "app/sessions.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/machines.hpp"
#include "app/store/sessions.hpp"
#include "core/secure_random.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;

constexpr char kPassword[] = "long enough pw";
constexpr char kFirefox[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
constexpr char kSafari[] =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

class SessionsTest : public ::testing::Test {
 protected:
  SessionsTest()
      : clock_(sys_days(2026y / November / 27) + hours(9)),
        store_(storage::OpenStore("sqlite://" + dir_.File("t.db"), clock_)),
        hasher_(PasswordHasher::Minimum()),
        accounts_(*store_, clock_, hasher_, EmailContext{}, {.sessions = policy_}),
        sessions_(*store_, clock_, policy_, program_policy_) {
    store_->Migrate();
  }

  NewSession SignUp(const std::string& email) {
    auto s = accounts_.SignUp({.email = email, .password = kPassword, .accepted_terms = true},
                              Client(kFirefox));
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return *s;
  }
  NewSession SignIn(const std::string& email, const char* user_agent,
                    const std::string& address = "198.51.100.7") {
    auto s = accounts_.SignIn(email, kPassword, Client(user_agent, address));
    EXPECT_TRUE(s && s->session) << (s ? "a second step" : s.error().message);
    return *s->session;
  }
  static ClientInfo Client(const char* user_agent, const std::string& address = "192.0.2.10") {
    return {.address = address, .user_agent = user_agent, .request_id = "req-1"};
  }
  CurrentUser Current(const NewSession& s) {
    auto current = accounts_.Authenticate(s.token, SessionKind::kDashboard);
    EXPECT_TRUE(current);
    return *current;
  }
  Instant LastSeen(const NewSession& s) {
    return store_->Read()->sessions().Find(Sha256Hex(s.token))->last_seen_at;
  }

  // A program signed in on a machine (as ProgramService::SignIn stores it); its session hash.
  std::string SignInMachine(UserId user, const std::string& name) {
    const std::string hash = Sha256Hex(RandomToken());
    auto uow = store_->Begin(Actor::User(user));
    uow->sessions().Insert(Session{.token_hash = hash,
                                   .user_id = user,
                                   .kind = SessionKind::kProgram,
                                   .created_at = clock_.Now(),
                                   .last_seen_at = clock_.Now(),
                                   .expires_at = clock_.Now() + days(365),
                                   .user_agent = "tenure-agent/1.0",
                                   .address = "203.0.113.9"});
    uow->machines().Insert(domain::Machine{.user_id = user,
                                           .session_hash = hash,
                                           .info = {.fingerprint = name + "-fp",
                                                    .name = name,
                                                    .os = "Windows 11",
                                                    .app_version = "2.4.1"},
                                           .address = "203.0.113.9",
                                           .signed_in_at = clock_.Now(),
                                           .last_seen_at = clock_.Now()});
    uow->Audit("machine.sign_in", "machine", nullptr, nullptr);
    uow->Commit();
    return hash;
  }
  // The machine of a program session once it ended, or nothing while it is live.
  std::optional<domain::Machine> EndedMachine(UserId user, const std::string& session_hash) {
    for (domain::Machine& m : store_->Read()->machines().Ended(user, 10))
      if (m.session_hash == session_hash) return std::move(m);
    return std::nullopt;
  }
  int64_t AuditCount(std::string_view action) {
    int64_t n = 0;
    for (const AuditEntry& e : store_->Read()->audit_log().Recent(100)) n += e.action == action;
    return n;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::SqlStore> store_;
  PasswordHasher hasher_;
  domain::SessionPolicy policy_;
  domain::ProgramPolicy program_policy_;
  AccountService accounts_;
  SessionService sessions_;
};

TEST_F(SessionsTest, ADashboardSessionUnusedForTheIdleTimeoutEnds) {
  const NewSession s = SignUp("idle@example.com");
  clock_.Advance(policy_.idle_timeout - seconds(1));
  EXPECT_TRUE(accounts_.Authenticate(s.token, SessionKind::kDashboard));
  // That use kept it alive for another idle timeout, and another, past the first one.
  clock_.Advance(policy_.idle_timeout - seconds(1));
  EXPECT_TRUE(accounts_.Authenticate(s.token, SessionKind::kDashboard));
  clock_.Advance(policy_.idle_timeout);
  EXPECT_FALSE(accounts_.Authenticate(s.token, SessionKind::kDashboard)) << "idle: ended";
}

TEST_F(SessionsTest, LastSeenIsWrittenAtMostOncePerTouchInterval) {
  const NewSession s = SignUp("busy@example.com");
  const Instant signed_up = clock_.Now();
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(minutes(1));
    ASSERT_TRUE(accounts_.Authenticate(s.token, SessionKind::kDashboard));
    EXPECT_EQ(LastSeen(s), signed_up) << "within the touch interval: no write";
  }
  clock_.Advance(policy_.touch_interval - minutes(4));
  auto current = accounts_.Authenticate(s.token, SessionKind::kDashboard);
  ASSERT_TRUE(current);
  EXPECT_EQ(LastSeen(s), clock_.Now()) << "stale: written once";
  EXPECT_EQ(current->session.last_seen_at, clock_.Now());
  EXPECT_EQ(AuditCount("session.touch"), 0) << "liveness, not a change of state";
}

TEST_F(SessionsTest, PruneRemovesIdleDashboardSessionsButNotProgramSessions) {
  const NewSession idle = SignUp("prune@example.com");
  const std::string machine = SignInMachine(idle.user.id, "Desk");
  clock_.Advance(policy_.idle_timeout);
  const NewSession fresh = SignIn("prune@example.com", kSafari);
  EXPECT_EQ(accounts_.PruneExpiredSessions(), 1);
  auto read = store_->Read();
  EXPECT_FALSE(read->sessions().Find(Sha256Hex(idle.token)));
  EXPECT_TRUE(read->sessions().Find(Sha256Hex(fresh.token)));
  EXPECT_TRUE(read->sessions().Find(machine)) << "the machine's heartbeats rule it, not idleness";
}

TEST_F(SessionsTest, ListsTheLiveSessionsOfBothKindsMostRecentlyActiveFirst) {
  const NewSession first = SignUp("list@example.com");  // Firefox on Linux
  clock_.Advance(minutes(5));
  const std::string desk = SignInMachine(first.user.id, "Office desktop");
  clock_.Advance(minutes(3));
  const NewSession phone = SignIn("list@example.com", kSafari);
  const NewSession stranger = SignUp("stranger@example.com");
  SignInMachine(stranger.user.id, "Not mine");
  clock_.Advance(minutes(1));

  const auto rows = sessions_.List(Current(first));  // this use makes `first` the newest
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].current);
  EXPECT_EQ(domain::DescribeDevice(rows[0].device), "Firefox on Linux");
  EXPECT_EQ(rows[0].kind, SessionKind::kDashboard);
  EXPECT_EQ(rows[0].address, "192.0.2.10");
  EXPECT_EQ(rows[0].last_seen_at, clock_.Now());
  EXPECT_FALSE(rows[1].current);
  EXPECT_EQ(domain::DescribeDevice(rows[1].device), "Safari on iOS");
  EXPECT_EQ(rows[1].address, "198.51.100.7");
  EXPECT_EQ(rows[2].kind, SessionKind::kProgram);
  EXPECT_EQ(rows[2].machine_name, "Office desktop");
  EXPECT_EQ(rows[2].machine_os, "Windows 11");
  EXPECT_EQ(rows[2].address, "203.0.113.9");
  EXPECT_EQ(rows[2].handle, SessionService::Handle(desk));
  EXPECT_EQ(rows[2].handle.size(), 16u);
  EXPECT_EQ(rows[1].handle, SessionService::Handle(Sha256Hex(phone.token)));

  // A machine whose heartbeat lapsed holds no slot: its session is not live any more.
  clock_.Advance(program_policy_.heartbeat_timeout);
  const auto later = sessions_.List(Current(first));
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[1].device.browser, "Safari");
}

TEST_F(SessionsTest, SignOutEndsOneOfTheAccountsOwnSessions) {
  const NewSession mine = SignUp("owner@example.com");
  const NewSession other_browser = SignIn("owner@example.com", kSafari);
  const NewSession stranger = SignUp("someone@example.com");
  const CurrentUser me = Current(mine);

  // Another account's session, the current one, and nonsense change nothing.
  const std::string theirs = SessionService::Handle(Sha256Hex(stranger.token));
  EXPECT_EQ(sessions_.SignOut(Actor::User(me.user.id), me, theirs).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(
      sessions_.SignOut(Actor::User(me.user.id), me, SessionService::Handle(me.session.token_hash))
          .error()
          .code,
      ErrorCode::kConflict);
  for (const char* bad : {"", "zz", "0123456789ABCDEF", "0123456789abcdef0"})
    EXPECT_EQ(sessions_.SignOut(Actor::User(me.user.id), me, bad).error().code,
              ErrorCode::kNotFound)
        << bad;
  EXPECT_TRUE(accounts_.Authenticate(stranger.token, SessionKind::kDashboard));
  EXPECT_EQ(AuditCount("session.delete"), 0);

  auto ended = sessions_.SignOut(Actor::User(me.user.id), me,
                                 SessionService::Handle(Sha256Hex(other_browser.token)));
  ASSERT_TRUE(ended) << ended.error().message;
  EXPECT_EQ(*ended, SessionKind::kDashboard);
  EXPECT_FALSE(accounts_.Authenticate(other_browser.token, SessionKind::kDashboard));
  EXPECT_TRUE(accounts_.Authenticate(mine.token, SessionKind::kDashboard));
  EXPECT_EQ(AuditCount("session.delete"), 1);
  EXPECT_EQ(sessions_
                .SignOut(Actor::User(me.user.id), me,
                         SessionService::Handle(Sha256Hex(other_browser.token)))
                .error()
                .code,
            ErrorCode::kNotFound)
      << "twice: gone";
}

TEST_F(SessionsTest, SigningOutAProgramSessionSignsItsMachineOut) {
  const NewSession mine = SignUp("machine@example.com");
  const std::string desk = SignInMachine(mine.user.id, "Office desktop");
  const CurrentUser me = Current(mine);
  auto ended = sessions_.SignOut(Actor::User(me.user.id), me, SessionService::Handle(desk));
  ASSERT_TRUE(ended) << ended.error().message;
  EXPECT_EQ(*ended, SessionKind::kProgram);
  EXPECT_FALSE(store_->Read()->sessions().Find(desk));
  const auto machine = EndedMachine(me.user.id, desk);
  ASSERT_TRUE(machine) << "ended, as Settings -> Machines -> Sign out ends it";
  EXPECT_EQ(machine->end, domain::MachineEnd::kSignedOutFromDashboard);
  EXPECT_EQ(AuditCount("machine.end"), 1);
  EXPECT_EQ(AuditCount("session.delete"), 1);
}

TEST_F(SessionsTest, SignOutEverywhereElseKeepsOnlyTheCurrentSession) {
  const NewSession mine = SignUp("everywhere@example.com");
  const NewSession laptop = SignIn("everywhere@example.com", kSafari);
  const NewSession phone = SignIn("everywhere@example.com", kSafari);
  const std::string desk = SignInMachine(mine.user.id, "Office desktop");
  const std::string tower = SignInMachine(mine.user.id, "Tower");
  const NewSession stranger = SignUp("bystander@example.com");
  const std::string strangers_machine = SignInMachine(stranger.user.id, "Theirs");
  const CurrentUser me = Current(mine);

  const SignedOutOthers ended = sessions_.SignOutOthers(Actor::User(me.user.id), me);
  EXPECT_EQ(ended.browsers, 2);
  EXPECT_EQ(ended.machines, 2);
  EXPECT_TRUE(accounts_.Authenticate(mine.token, SessionKind::kDashboard));
  EXPECT_FALSE(accounts_.Authenticate(laptop.token, SessionKind::kDashboard));
  EXPECT_FALSE(accounts_.Authenticate(phone.token, SessionKind::kDashboard));
  for (const std::string& hash : {desk, tower}) {
    EXPECT_FALSE(store_->Read()->sessions().Find(hash));
    const auto machine = EndedMachine(me.user.id, hash);
    ASSERT_TRUE(machine) << "signed out";
    EXPECT_EQ(machine->end, domain::MachineEnd::kSignedOutFromDashboard);
  }
  EXPECT_TRUE(accounts_.Authenticate(stranger.token, SessionKind::kDashboard));
  EXPECT_TRUE(store_->Read()->sessions().Find(strangers_machine)) << "another account's machine";
  const auto rows = sessions_.List(me);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].current);
  const auto audit = store_->Read()->audit_log().Recent(1);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "session.delete_others");
  EXPECT_EQ(nlohmann::json::parse(audit[0].after),
            (nlohmann::json{{"dashboard_sessions", 2}, {"machines_signed_out", 2}}));

  // Again: nothing else is signed in, so nothing is recorded.
  const SignedOutOthers again = sessions_.SignOutOthers(Actor::User(me.user.id), me);
  EXPECT_EQ(again.browsers + again.machines, 0);
  EXPECT_EQ(AuditCount("session.delete_others"), 1);
}

}  // namespace
}  // namespace tenure::app
