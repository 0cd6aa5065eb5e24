#include "app/accounts.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/licenses.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "core/secure_random.hpp"
#include "domain/terms.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest()
      : clock_(sys_days(2026y / November / 27) + hours(9)),
        store_(storage::OpenStore("sqlite://" + dir_.File("t.db"), clock_)),
        hasher_(PasswordHasher::Minimum()),
        accounts_(*store_, clock_, hasher_, EmailContext{}) {
    store_->Migrate();
  }

  NewSession MustSignUp(const std::string& email, const std::string& password = "long enough pw") {
    auto s =
        accounts_.SignUp({.email = email, .password = password, .accepted_terms = true}, client_);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return *s;
  }

  // A program session's token for `user`, stored directly: programs sign in by the next
  // issue's flow, which does not exist yet.
  std::string InsertProgramSession(UserId user) {
    const std::string token = RandomToken();
    auto uow = store_->Begin(Actor::System());
    uow->sessions().Insert(Session{.token_hash = Sha256Hex(token),
                                   .user_id = user,
                                   .kind = SessionKind::kProgram,
                                   .csrf_token = RandomToken(),
                                   .created_at = clock_.Now(),
                                   .last_seen_at = clock_.Now(),
                                   .expires_at = clock_.Now() + hours(1)});
    uow->Audit("session.create", "user", nullptr, nullptr);
    uow->Commit();
    return token;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::SqlStore> store_;
  PasswordHasher hasher_;
  AccountService accounts_;
  ClientInfo client_{.address = "192.0.2.10", .user_agent = "test", .request_id = "req-1"};
};

TEST_F(AccountsTest, SignUpCreatesAccountLicenseSessionAndAuditRows) {
  NewSession s = MustSignUp("  New@Example.com ");
  EXPECT_EQ(s.user.email, "new@example.com");
  EXPECT_EQ(s.user.role, domain::Role::kCustomer);

  auto read = store_->Read();
  auto user = read->users().FindByEmail("new@example.com");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->terms_version, domain::kTermsVersion);
  EXPECT_EQ(user->terms_accepted_at, clock_.Now());
  EXPECT_NE(user->password_hash.find("$argon2id$"), std::string::npos);

  auto license = read->licenses().FindByUser(user->id);
  ASSERT_TRUE(license);
  EXPECT_FALSE(license->expires_at.has_value());
  EXPECT_FALSE(license->auto_renew);
  EXPECT_EQ(license->instances, 1);

  auto audit = read->audit_log().ForSubject("user:" + std::to_string(user->id.value), 10);
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit.back().action, "user.sign_up");
  EXPECT_EQ(audit.back().actor, "anonymous");
  EXPECT_EQ(audit.back().request_id, "req-1");
  EXPECT_EQ(audit.back().before, "null");
  EXPECT_EQ(audit.back().after.find("argon2"), std::string::npos) << "no hash in the audit log";

  auto current = accounts_.Authenticate(s.token, SessionKind::kDashboard);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->user.id, user->id);
  EXPECT_EQ(current->session.csrf_token, s.csrf_token);
  EXPECT_NE(current->session.token_hash, s.token) << "tokens are stored hashed";
  EXPECT_EQ(current->session.kind, SessionKind::kDashboard);
  EXPECT_EQ(current->session.strength, SessionStrength::kPassword);
}

TEST_F(AccountsTest, SignUpRefusesBadInputWithTheFieldAtFault) {
  struct Case {
    SignUpForm form;
    ErrorCode code;
    const char* field;
  };
  MustSignUp("taken@example.com");
  for (const Case& c : {
           Case{{"not-an-email", "long enough pw", true}, ErrorCode::kInvalidInput, "email"},
           Case{{"a@example.com", "short", true}, ErrorCode::kInvalidInput, "password"},
           Case{{"a@example.com", "long enough pw", false}, ErrorCode::kInvalidInput, "terms"},
           Case{{"TAKEN@example.com", "long enough pw", true}, ErrorCode::kConflict, "email"},
       }) {
    auto r = accounts_.SignUp(c.form, client_);
    ASSERT_FALSE(r) << c.form.email;
    EXPECT_EQ(r.error().code, c.code);
    EXPECT_EQ(r.error().field, c.field);
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_EQ(store_->Read()->users().Count(), 1);
}

TEST_F(AccountsTest, SignInRotatesTheSession) {
  NewSession first = MustSignUp("rotate@example.com");
  auto second = accounts_.SignIn("rotate@example.com", "long enough pw", client_, first.token);
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_TRUE(second->session);
  EXPECT_NE(second->session->token, first.token);
  EXPECT_NE(second->session->csrf_token, first.csrf_token);
  EXPECT_FALSE(accounts_.Authenticate(first.token, SessionKind::kDashboard))
      << "the old session must die at sign-in";
  EXPECT_TRUE(accounts_.Authenticate(second->session->token, SessionKind::kDashboard));
}

TEST_F(AccountsTest, WrongPasswordAndUnknownAccountLookTheSame) {
  MustSignUp("known@example.com");
  auto wrong = accounts_.SignIn("known@example.com", "wrong password!", client_);
  auto unknown = accounts_.SignIn("nobody@example.com", "wrong password!", client_);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  auto audit = store_->Read()->audit_log().Recent(1);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "user.sign_in_failed");
}

// Issue 10: wrong passwords slow their address down on that account; nobody is locked out.
TEST_F(AccountsTest, WrongPasswordsSlowTheirAddressDownAndLockNobodyOut) {
  MustSignUp("victim@example.com");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(accounts_.SignIn("victim@example.com", "guess number " + std::to_string(i), client_)
                  .error()
                  .code,
              ErrorCode::kUnauthenticated);
  // From that address even the right password waits 30 s after the fifth failure...
  auto slowed = accounts_.SignIn("victim@example.com", "long enough pw", client_);
  ASSERT_FALSE(slowed);
  EXPECT_EQ(slowed.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(slowed.error().retry_after_seconds, 30);
  // ...while the owner, elsewhere, signs in at once.
  ClientInfo other = client_;
  other.address = "198.51.100.7";
  EXPECT_TRUE(accounts_.SignIn("victim@example.com", "long enough pw", other));

  clock_.Advance(seconds(30));
  EXPECT_TRUE(accounts_.SignIn("victim@example.com", "long enough pw", client_))
      << "the wait is over: slowed, not locked";
}

TEST_F(AccountsTest, RateLimitsPerAddressAcrossAccounts) {
  MustSignUp("someone@example.com");
  for (int i = 0; i < 20; ++i)
    (void)accounts_.SignIn("spray" + std::to_string(i) + "@example.com", "wrong password!",
                           client_);
  auto r = accounts_.SignIn("someone@example.com", "long enough pw", client_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
  ClientInfo other = client_;
  other.address = "198.51.100.7";
  EXPECT_TRUE(accounts_.SignIn("someone@example.com", "long enough pw", other));
}

TEST_F(AccountsTest, SuccessResetsTheAccountCount) {
  MustSignUp("forgetful@example.com");
  for (int i = 0; i < 4; ++i)
    (void)accounts_.SignIn("forgetful@example.com", "wrong password!", client_);
  ASSERT_TRUE(accounts_.SignIn("forgetful@example.com", "long enough pw", client_));
  for (int i = 0; i < 4; ++i)
    (void)accounts_.SignIn("forgetful@example.com", "wrong password!", client_);
  EXPECT_TRUE(accounts_.SignIn("forgetful@example.com", "long enough pw", client_));
}

TEST_F(AccountsTest, SessionsExpire) {
  NewSession s = MustSignUp("expiry@example.com");
  // Used every day, so that the idle timeout never ends it: the lifetime does.
  const Instant expires = clock_.Now() + accounts_.session_policy().lifetime;
  while (clock_.Now() + days(1) < expires) {
    clock_.Advance(days(1));
    ASSERT_TRUE(accounts_.Authenticate(s.token, SessionKind::kDashboard));
  }
  clock_.Set(expires - seconds(1));
  EXPECT_TRUE(accounts_.Authenticate(s.token, SessionKind::kDashboard));
  clock_.Advance(seconds(1));
  EXPECT_FALSE(accounts_.Authenticate(s.token, SessionKind::kDashboard));
}

TEST_F(AccountsTest, ExpiredSessionsArePruned) {
  NewSession old_one = MustSignUp("old@example.com");
  clock_.Advance(accounts_.session_policy().lifetime + seconds(1));
  NewSession fresh = MustSignUp("fresh@example.com");
  EXPECT_EQ(accounts_.PruneExpiredSessions(), 1);
  EXPECT_EQ(accounts_.PruneExpiredSessions(), 0);
  EXPECT_TRUE(accounts_.Authenticate(fresh.token, SessionKind::kDashboard));
  EXPECT_EQ(store_->Read()->audit_log().Recent(1)[0].action, "session.prune");
}

TEST_F(AccountsTest, SignOutEndsOnlyThatSession) {
  NewSession a = MustSignUp("two-devices@example.com");
  auto b = accounts_.SignIn("two-devices@example.com", "long enough pw", client_);
  ASSERT_TRUE(b && b->session);
  accounts_.SignOut(a.token, client_);
  EXPECT_FALSE(accounts_.Authenticate(a.token, SessionKind::kDashboard));
  EXPECT_TRUE(accounts_.Authenticate(b->session->token, SessionKind::kDashboard));
  EXPECT_FALSE(accounts_.Authenticate("", SessionKind::kDashboard)) << "an empty cookie is nobody";
  EXPECT_FALSE(accounts_.Authenticate(RandomToken(), SessionKind::kDashboard));
}

TEST_F(AccountsTest, SignInStartsADashboardSessionProvenByPassword) {
  MustSignUp("kinds@example.com");
  auto s = accounts_.SignIn("kinds@example.com", "long enough pw", client_);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->session);
  auto session = store_->Read()->sessions().Find(Sha256Hex(s->session->token));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->kind, SessionKind::kDashboard);
  EXPECT_EQ(session->strength, SessionStrength::kPassword);
}

TEST_F(AccountsTest, EachKindOfSessionOpensOnlyItsOwnDoor) {
  const NewSession dashboard = MustSignUp("doors@example.com");
  const std::string program = InsertProgramSession(dashboard.user.id);
  EXPECT_TRUE(accounts_.Authenticate(dashboard.token, SessionKind::kDashboard));
  EXPECT_FALSE(accounts_.Authenticate(dashboard.token, SessionKind::kProgram))
      << "a dashboard cookie is not an API token";
  auto as_program = accounts_.Authenticate(program, SessionKind::kProgram);
  ASSERT_TRUE(as_program);
  EXPECT_EQ(as_program->user.id, dashboard.user.id);
  EXPECT_EQ(as_program->session.kind, SessionKind::kProgram);
  EXPECT_FALSE(accounts_.Authenticate(program, SessionKind::kDashboard))
      << "a program's token does not open the dashboard";
}

TEST_F(AccountsTest, SignInAndOutLeaveAProgramSessionInTheCookieAlone) {
  const NewSession first = MustSignUp("planted@example.com");
  const std::string program = InsertProgramSession(first.user.id);
  accounts_.SignOut(program, client_);
  ASSERT_TRUE(accounts_.SignIn("planted@example.com", "long enough pw", client_, program));
  EXPECT_TRUE(accounts_.Authenticate(program, SessionKind::kProgram))
      << "only the browser's own dashboard session is rotated or ended";
}

TEST_F(AccountsTest, AddStaffPrintsAUsablePassword) {
  auto staff = accounts_.AddStaff("Agent@Example.com", domain::Role::kSupport);
  ASSERT_TRUE(staff) << staff.error().message;
  EXPECT_GE(staff->password.size(), 16u);
  EXPECT_TRUE(accounts_.SignIn("agent@example.com", staff->password, client_));
  EXPECT_FALSE(accounts_.AddStaff("x@example.com", domain::Role::kCustomer));
  EXPECT_EQ(accounts_.AddStaff("agent@example.com", domain::Role::kAdmin).error().code,
            ErrorCode::kConflict);
}

}  // namespace
}  // namespace tenure::app

namespace tenure::app {
namespace {

TEST_F(AccountsTest, TimeZonesAreIanaNamesAndAudited) {
  NewSession s = MustSignUp("zone@example.com");
  EXPECT_EQ(accounts_.SetTimeZone(Actor::User(s.user.id), s.user, "Mars/Base").error().field,
            "time_zone");
  ASSERT_TRUE(accounts_.SetTimeZone(Actor::User(s.user.id), s.user, "America/New_York"));
  auto read = store_->Read();
  EXPECT_EQ(read->users().Find(s.user.id)->time_zone, "America/New_York");
  auto audit = read->audit_log().Recent(1);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "user.time_zone");
  EXPECT_TRUE(accounts_.SetTimeZone(Actor::User(s.user.id), s.user, "")) << "back to UTC";
}

}  // namespace
}  // namespace tenure::app
