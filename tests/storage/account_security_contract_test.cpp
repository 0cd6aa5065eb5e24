// The storage contract of issue 10's account security, on SQLite and PostgreSQL: single-use
// tokens (used once, revoked, attempts counted), recovery codes (each used once, replaced as a
// set), rate-limit windows, a TOTP step accepted only when newer, new passwords and every
// session of an account ended but one. PostgreSQL runs in a schema of its own inside
// TENURE_TEST_POSTGRES_URL's database.
#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "app/store/account_security.hpp"
#include "app/store/actor.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "core/secure_random.hpp"
#include "storage/sql_store.hpp"
#include "test_database.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
using app::AccountToken;
using app::AccountTokenPurpose;
using app::Actor;

const Instant kNow = sys_days(2027y / April / 1) + hours(8);

class AccountSecurityContract : public StoreContract {
 protected:
  AccountSecurityContract() : StoreContract("security_contract", kNow) {}
};

TEST_P(AccountSecurityContract, ATokenRoundTripsIsUsedOnceAndCountsAttempts) {
  const UserId user = NewUser("token@example.com");
  const AccountToken token{.token_hash = Sha256Hex("t1"),
                           .user_id = user,
                           .purpose = AccountTokenPurpose::kTwoFactor,
                           .created_at = kNow,
                           .expires_at = kNow + minutes(5),
                           .address = "192.0.2.1"};
  Write([&](app::UnitOfWork& uow) {
    uow.account_tokens().Insert(token);
    return 0;
  });
  auto found = store_->Read()->account_tokens().Find(token.token_hash);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, user);
  EXPECT_EQ(found->purpose, AccountTokenPurpose::kTwoFactor);
  EXPECT_EQ(found->expires_at, kNow + minutes(5));
  EXPECT_EQ(found->address, "192.0.2.1");
  EXPECT_FALSE(found->used_at);
  EXPECT_EQ(found->attempts, 0);

  EXPECT_EQ(Write([&](app::UnitOfWork& uow) {
              return uow.account_tokens().AddAttempt(token.token_hash);
            }),
            1);
  EXPECT_EQ(Write([&](app::UnitOfWork& uow) {
              return uow.account_tokens().AddAttempt(token.token_hash);
            }),
            2);
  EXPECT_TRUE(Write([&](app::UnitOfWork& uow) {
    return uow.account_tokens().MarkUsed(token.token_hash, kNow + seconds(10));
  }));
  EXPECT_FALSE(Write([&](app::UnitOfWork& uow) {
    return uow.account_tokens().MarkUsed(token.token_hash, kNow + seconds(20));
  })) << "a token is used once";
  found = store_->Read()->account_tokens().Find(token.token_hash);
  EXPECT_EQ(found->used_at, kNow + seconds(10));
  EXPECT_EQ(found->attempts, 2);
}

TEST_P(AccountSecurityContract, RevokingEndsOnlyTheUnusedTokensOfThatPurposeAndExpiredOnesGo) {
  const UserId user = NewUser("revoke@example.com");
  const UserId other = NewUser("other@example.com");
  auto token = [&](const char* name, UserId who, AccountTokenPurpose purpose, Seconds life) {
    return AccountToken{.token_hash = Sha256Hex(name),
                        .user_id = who,
                        .purpose = purpose,
                        .created_at = kNow,
                        .expires_at = kNow + life};
  };
  Write([&](app::UnitOfWork& uow) {
    uow.account_tokens().Insert(token("a", user, AccountTokenPurpose::kPasswordReset, hours(1)));
    uow.account_tokens().Insert(token("b", user, AccountTokenPurpose::kPasswordReset, hours(1)));
    uow.account_tokens().Insert(
        token("c", user, AccountTokenPurpose::kEmailVerification, hours(48)));
    uow.account_tokens().Insert(token("d", other, AccountTokenPurpose::kPasswordReset, seconds(1)));
    return 0;
  });
  EXPECT_EQ(Write([&](app::UnitOfWork& uow) {
              return uow.account_tokens().Revoke(user, AccountTokenPurpose::kPasswordReset, kNow);
            }),
            2);
  auto read = store_->Read();
  EXPECT_TRUE(read->account_tokens().Find(Sha256Hex("a"))->used_at);
  EXPECT_FALSE(read->account_tokens().Find(Sha256Hex("c"))->used_at) << "another purpose";
  EXPECT_FALSE(read->account_tokens().Find(Sha256Hex("d"))->used_at) << "another account";
  read.reset();
  EXPECT_EQ(Write([&](app::UnitOfWork& uow) {
              return uow.account_tokens().DeleteExpired(kNow + hours(2));
            }),
            3);
  EXPECT_TRUE(store_->Read()->account_tokens().Find(Sha256Hex("c")));
}

TEST_P(AccountSecurityContract, RecoveryCodesAreUsedOnceAndReplacedAsASet) {
  const UserId user = NewUser("codes@example.com");
  const UserId other = NewUser("someone@example.com");
  Write([&](app::UnitOfWork& uow) {
    uow.recovery_codes().Replace(user, {Sha256Hex("1"), Sha256Hex("2"), Sha256Hex("3")}, kNow);
    uow.recovery_codes().Replace(other, {Sha256Hex("9")}, kNow);
    return 0;
  });
  EXPECT_EQ(store_->Read()->recovery_codes().CountUnused(user), 3);
  EXPECT_FALSE(Write([&](app::UnitOfWork& uow) {
    return uow.recovery_codes().Use(user, Sha256Hex("9"), kNow);
  })) << "another account's code";
  EXPECT_TRUE(Write(
      [&](app::UnitOfWork& uow) { return uow.recovery_codes().Use(user, Sha256Hex("2"), kNow); }));
  EXPECT_FALSE(Write([&](app::UnitOfWork& uow) {
    return uow.recovery_codes().Use(user, Sha256Hex("2"), kNow);
  })) << "each code once";
  EXPECT_EQ(store_->Read()->recovery_codes().CountUnused(user), 2);
  Write([&](app::UnitOfWork& uow) {
    uow.recovery_codes().Replace(user, {Sha256Hex("4")}, kNow);
    return 0;
  });
  EXPECT_EQ(store_->Read()->recovery_codes().CountUnused(user), 1);
  EXPECT_FALSE(Write([&](app::UnitOfWork& uow) {
    return uow.recovery_codes().Use(user, Sha256Hex("1"), kNow);
  })) << "old codes stop working";
  EXPECT_EQ(store_->Read()->recovery_codes().CountUnused(other), 1);
}

TEST_P(AccountSecurityContract, RateLimitsCountPerScopeKeyAndWindowAndOldWindowsGo) {
  auto hit = [&](const char* scope, const char* key, Instant window) {
    auto uow = store_->Begin(Actor::System());
    const int hits = uow->rate_limits().Hit(scope, key, window);
    uow->Commit();  // a counter needs no audit row
    return hits;
  };
  EXPECT_EQ(hit("sign_up.address", "192.0.2.1", kNow), 1);
  EXPECT_EQ(hit("sign_up.address", "192.0.2.1", kNow), 2);
  EXPECT_EQ(hit("sign_up.address", "192.0.2.2", kNow), 1);
  EXPECT_EQ(hit("password_reset.address", "192.0.2.1", kNow), 1);
  EXPECT_EQ(hit("sign_up.address", "192.0.2.1", kNow + hours(1)), 1) << "a new window";
  {
    auto read = store_->Read();
    EXPECT_EQ(read->rate_limits().Count("sign_up.address", "192.0.2.1", kNow), 2);
    EXPECT_EQ(read->rate_limits().Count("sign_up.address", "192.0.2.1", kNow + hours(2)), 0);
    EXPECT_EQ(read->rate_limits().Count("sign_up.address", "192.0.2.3", kNow), 0);
  }
  auto uow = store_->Begin(Actor::System());
  EXPECT_EQ(uow->rate_limits().DeleteBefore(kNow + hours(1)), 3);
  uow->Commit();
}

TEST_P(AccountSecurityContract, ATotpStepIsAcceptedOnlyWhenNewerAndPasswordsChange) {
  const UserId user = NewUser("totp@example.com");
  Write([&](app::UnitOfWork& uow) {
    uow.users().SetTotpSecret(user, "JBSWY3DPEHPK3PXP");
    uow.users().EnableTotp(user, kNow, 100);
    uow.users().SetPassword(user, "$argon2id$v=19$new", kNow + seconds(5), /*must_change=*/true);
    uow.users().SetEmailVerified(user, kNow + seconds(6));
    return 0;
  });
  auto found = store_->Read()->users().Find(user);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->two_factor_enabled());
  EXPECT_EQ(found->totp_secret, "JBSWY3DPEHPK3PXP");
  EXPECT_EQ(found->totp_last_step, 100);
  EXPECT_EQ(found->password_hash, "$argon2id$v=19$new");
  EXPECT_EQ(found->password_changed_at, kNow + seconds(5));
  EXPECT_TRUE(found->must_change_password);
  EXPECT_EQ(found->email_verified_at, kNow + seconds(6));

  auto accept = [&](int64_t step) {
    return Write([&](app::UnitOfWork& uow) { return uow.users().AcceptTotpStep(user, step); });
  };
  EXPECT_FALSE(accept(100)) << "the step that turned it on";
  EXPECT_FALSE(accept(99));
  EXPECT_TRUE(accept(101));
  EXPECT_FALSE(accept(101)) << "a replay";
  Write([&](app::UnitOfWork& uow) {
    uow.users().DisableTotp(user);
    return 0;
  });
  found = store_->Read()->users().Find(user);
  EXPECT_FALSE(found->two_factor_enabled());
  EXPECT_EQ(found->totp_secret, "");
  EXPECT_EQ(found->totp_last_step, 0);
}

TEST_P(AccountSecurityContract, EverySessionOfTheAccountEndsButTheOneKept) {
  const UserId user = NewUser("sessions@example.com");
  const UserId other = NewUser("bystander@example.com");
  auto session = [&](const char* name, UserId who, app::SessionKind kind) {
    return app::Session{.token_hash = Sha256Hex(name),
                        .user_id = who,
                        .kind = kind,
                        .csrf_token = "csrf",
                        .created_at = kNow,
                        .last_seen_at = kNow,
                        .expires_at = kNow + hours(24)};
  };
  Write([&](app::UnitOfWork& uow) {
    uow.sessions().Insert(session("keep", user, app::SessionKind::kDashboard));
    uow.sessions().Insert(session("web", user, app::SessionKind::kDashboard));
    uow.sessions().Insert(session("program", user, app::SessionKind::kProgram));
    uow.sessions().Insert(session("theirs", other, app::SessionKind::kDashboard));
    return 0;
  });
  EXPECT_EQ(Write([&](app::UnitOfWork& uow) {
              return uow.sessions().DeleteForUser(user, Sha256Hex("keep"));
            }),
            2);
  auto read = store_->Read();
  EXPECT_TRUE(read->sessions().Find(Sha256Hex("keep")));
  EXPECT_FALSE(read->sessions().Find(Sha256Hex("program")));
  EXPECT_TRUE(read->sessions().Find(Sha256Hex("theirs")));
  read.reset();
  EXPECT_EQ(Write([&](app::UnitOfWork& uow) { return uow.sessions().DeleteForUser(user, ""); }), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountSecurityContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::storage
