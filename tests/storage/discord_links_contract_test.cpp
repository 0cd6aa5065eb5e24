// The storage contract of issue 11's Discord bindings (migration 0010; ENGINEERING.md habit 6),
// on SQLite and PostgreSQL: every field round-trips, one binding per account and per Discord
// account (a second is refused without spoiling the transaction), tokens, the checkout-post
// opt-in, the sync state, paging for the reconcile job, and the binding gone with its account.
// PostgreSQL runs in a schema of its own inside TENURE_TEST_POSTGRES_URL's database.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"
#include "app/store/discord_links.hpp"
#include "app/store/users.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "test_database.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
using app::Actor;
using app::DiscordLink;
using app::DiscordSyncStatus;
using app::DiscordTokens;

const Instant kNow = sys_days(2027y / May / 3) + hours(9);

class DiscordLinksContract : public StoreContract {
 protected:
  DiscordLinksContract() : StoreContract("discord_contract", kNow) {}

  bool Insert(const DiscordLink& link) {
    return Write([&](app::UnitOfWork& uow) { return uow.discord_links().Insert(link); });
  }

  std::optional<DiscordLink> Find(UserId user) {
    return store_->Read()->discord_links().FindByUser(user);
  }
};

// A freshly bound account, as the OAuth2 callback stores it.
DiscordLink Binding(UserId user, const std::string& discord_user_id) {
  return DiscordLink{.user_id = user,
                     .discord_user_id = discord_user_id,
                     .username = "user" + discord_user_id,
                     .tokens = {.access_token = "access-" + discord_user_id,
                                .refresh_token = "refresh-" + discord_user_id,
                                .expires_at = kNow + days(7)},
                     .bound_at = kNow};
}

void ExpectSameLink(const DiscordLink& got, const DiscordLink& want) {
  EXPECT_EQ(got.user_id, want.user_id);
  EXPECT_EQ(got.discord_user_id, want.discord_user_id);
  EXPECT_EQ(got.username, want.username);
  EXPECT_EQ(got.avatar, want.avatar);
  EXPECT_EQ(got.tokens.access_token, want.tokens.access_token);
  EXPECT_EQ(got.tokens.refresh_token, want.tokens.refresh_token);
  EXPECT_EQ(got.tokens.expires_at, want.tokens.expires_at);
  EXPECT_EQ(got.post_checkouts, want.post_checkouts);
  EXPECT_EQ(got.bound_at, want.bound_at);
  EXPECT_EQ(got.roles_wanted, want.roles_wanted);
  EXPECT_EQ(got.sync_status, want.sync_status);
  EXPECT_EQ(got.sync_error, want.sync_error);
  EXPECT_EQ(got.synced_at, want.synced_at);
}

TEST_P(DiscordLinksContract, EveryFieldRoundTripsFoundEitherWay) {
  const UserId user = NewUser("bound@example.com");
  const DiscordLink link{.user_id = user,
                         .discord_user_id = "80351110224678912",
                         .username = "Nelly — ✓ café",
                         .avatar = "a_8342729096ea3675442027381ff50dfe",
                         .tokens = {.access_token = "6qrZcUqja7812RVdnEKjpzOL4CvHBFG",
                                    .refresh_token = "D43f5y0ahjqew82jZ4NViEr2YafMKhue",
                                    .expires_at = kNow + seconds(604800)},
                         .post_checkouts = true,
                         .bound_at = kNow - minutes(3),
                         .roles_wanted = true,
                         .sync_status = DiscordSyncStatus::kFailed,
                         .sync_error = "HTTP 403: Missing Permissions \"50013\"",
                         .synced_at = kNow - minutes(1)};
  ASSERT_TRUE(Insert(link));

  const auto by_user = Find(user);
  ASSERT_TRUE(by_user);
  ExpectSameLink(*by_user, link);
  const auto by_discord = store_->Read()->discord_links().FindByDiscordUser("80351110224678912");
  ASSERT_TRUE(by_discord);
  ExpectSameLink(*by_discord, link);
  const auto locked = store_->Begin(Actor::Cli())->discord_links().FindByUser(user);
  ASSERT_TRUE(locked);
  ExpectSameLink(*locked, link);

  // The defaults a new binding starts with: no opt-in, a sync pending, never synced.
  const UserId plain = NewUser("plain@example.com");
  const DiscordLink fresh = Binding(plain, "175928847299117063");
  ASSERT_TRUE(Insert(fresh));
  ExpectSameLink(*Find(plain), fresh);

  EXPECT_FALSE(Find(NewUser("unbound@example.com")));
  EXPECT_FALSE(store_->Read()->discord_links().FindByDiscordUser("1"));
}

TEST_P(DiscordLinksContract, ASecondBindingIsRefusedAndTheRestOfTheTransactionCommits) {
  const UserId alice = NewUser("alice@example.com");
  const UserId bob = NewUser("bob@example.com");
  const UserId carol = NewUser("carol@example.com");
  ASSERT_TRUE(Insert(Binding(alice, "111")));

  // PostgreSQL aborts a transaction on a unique violation: the refusals must not, or carol's
  // binding below (same unit of work) would fail to commit.
  const auto [again, taken, other] = Write([&](app::UnitOfWork& uow) {
    const bool same_user = uow.discord_links().Insert(Binding(alice, "222"));
    const bool same_discord = uow.discord_links().Insert(Binding(bob, "111"));
    const bool fine = uow.discord_links().Insert(Binding(carol, "333"));
    return std::tuple{same_user, same_discord, fine};
  });
  EXPECT_FALSE(again) << "alice is bound already";
  EXPECT_FALSE(taken) << "Discord account 111 is bound to alice";
  EXPECT_TRUE(other);

  EXPECT_EQ(Find(alice)->discord_user_id, "111");
  EXPECT_FALSE(Find(bob));
  EXPECT_FALSE(store_->Read()->discord_links().FindByDiscordUser("222"));
  EXPECT_EQ(Find(carol)->discord_user_id, "333");
  EXPECT_EQ(store_->Read()->discord_links().Count(), 2);
}

TEST_P(DiscordLinksContract, UnbindingDeletesOnlyThatBinding) {
  const UserId alice = NewUser("alice@example.com");
  const UserId bob = NewUser("bob@example.com");
  ASSERT_TRUE(Insert(Binding(alice, "111")));
  ASSERT_TRUE(Insert(Binding(bob, "222")));

  EXPECT_TRUE(Write([&](app::UnitOfWork& uow) { return uow.discord_links().Delete(alice); }));
  EXPECT_FALSE(Find(alice));
  EXPECT_TRUE(Find(bob));
  EXPECT_FALSE(Write([&](app::UnitOfWork& uow) { return uow.discord_links().Delete(alice); }))
      << "nothing left to unbind";
  // The Discord account is free again, for this account or another.
  EXPECT_TRUE(Insert(Binding(NewUser("carol@example.com"), "111")));
}

TEST_P(DiscordLinksContract, RefreshedTokensReplaceTheOldOnesAndNothingElse) {
  const UserId alice = NewUser("alice@example.com");
  const UserId bob = NewUser("bob@example.com");
  DiscordLink link = Binding(alice, "111");
  link.post_checkouts = true;
  ASSERT_TRUE(Insert(link));
  ASSERT_TRUE(Insert(Binding(bob, "222")));

  const DiscordTokens refreshed{
      .access_token = "new-access", .refresh_token = "", .expires_at = kNow + days(14)};
  Write([&](app::UnitOfWork& uow) {
    uow.discord_links().UpdateTokens(alice, refreshed);
    return 0;
  });
  link.tokens = refreshed;
  ExpectSameLink(*Find(alice), link);
  ExpectSameLink(*Find(bob), Binding(bob, "222"));
}

TEST_P(DiscordLinksContract, TheCheckoutPostOptInTurnsOnAndOff) {
  const UserId alice = NewUser("alice@example.com");
  const UserId bob = NewUser("bob@example.com");
  ASSERT_TRUE(Insert(Binding(alice, "111")));
  ASSERT_TRUE(Insert(Binding(bob, "222")));
  auto set = [&](bool post) {
    Write([&](app::UnitOfWork& uow) {
      uow.discord_links().SetPostCheckouts(alice, post);
      return 0;
    });
  };
  set(true);
  EXPECT_TRUE(Find(alice)->post_checkouts);
  EXPECT_FALSE(Find(bob)->post_checkouts);
  set(false);
  EXPECT_FALSE(Find(alice)->post_checkouts);
}

TEST_P(DiscordLinksContract, ASyncIsAskedForThenRecordedAndAFailureStaysVisibleUntilOneWorks) {
  const UserId alice = NewUser("alice@example.com");
  const UserId bob = NewUser("bob@example.com");
  ASSERT_TRUE(Insert(Binding(alice, "111")));
  ASSERT_TRUE(Insert(Binding(bob, "222")));
  auto request = [&](bool wanted) {
    Write([&](app::UnitOfWork& uow) {
      uow.discord_links().RequestSync(alice, wanted);
      return 0;
    });
  };
  auto record = [&](DiscordSyncStatus status, std::string_view error, Instant at) {
    Write([&](app::UnitOfWork& uow) {
      uow.discord_links().RecordSync(alice, status, error, at);
      return 0;
    });
  };

  request(true);
  auto got = Find(alice);
  EXPECT_TRUE(got->roles_wanted);
  EXPECT_EQ(got->sync_status, DiscordSyncStatus::kPending);
  EXPECT_FALSE(got->synced_at);

  record(DiscordSyncStatus::kFailed, "HTTP 403: Missing Access", kNow + seconds(5));
  got = Find(alice);
  EXPECT_EQ(got->sync_status, DiscordSyncStatus::kFailed);
  EXPECT_EQ(got->sync_error, "HTTP 403: Missing Access");
  EXPECT_EQ(got->synced_at, kNow + seconds(5));
  EXPECT_TRUE(got->roles_wanted);

  // The license lapsed: the roles are no longer wanted; staff still see the last failure.
  request(false);
  got = Find(alice);
  EXPECT_FALSE(got->roles_wanted);
  EXPECT_EQ(got->sync_status, DiscordSyncStatus::kPending);
  EXPECT_EQ(got->sync_error, "HTTP 403: Missing Access");
  EXPECT_EQ(got->synced_at, kNow + seconds(5));

  record(DiscordSyncStatus::kOk, "", kNow + minutes(2));
  got = Find(alice);
  EXPECT_EQ(got->sync_status, DiscordSyncStatus::kOk);
  EXPECT_EQ(got->sync_error, "");
  EXPECT_EQ(got->synced_at, kNow + minutes(2));
  EXPECT_FALSE(got->roles_wanted);

  ExpectSameLink(*Find(bob), Binding(bob, "222"));
}

TEST_P(DiscordLinksContract, PagesGoInUserOrderAfterTheLastOneSeen) {
  std::vector<UserId> users;
  for (int i = 0; i < 5; ++i) users.push_back(NewUser("u" + std::to_string(i) + "@example.com"));
  NewUser("unbound@example.com");  // in no page
  // Bound in another order than the accounts were made.
  for (const int i : {3, 0, 4, 1, 2})
    ASSERT_TRUE(Insert(Binding(users[i], std::to_string(9000 + i))));
  EXPECT_EQ(store_->Read()->discord_links().Count(), 5);

  auto page = [&](int64_t after, int limit) {
    std::vector<UserId> out;
    for (const DiscordLink& l : store_->Read()->discord_links().Page(after, limit))
      out.push_back(l.user_id);
    return out;
  };
  EXPECT_EQ(page(0, 2), (std::vector<UserId>{users[0], users[1]}));
  EXPECT_EQ(page(users[1].value, 2), (std::vector<UserId>{users[2], users[3]}));
  EXPECT_EQ(page(users[3].value, 2), (std::vector<UserId>{users[4]}));
  EXPECT_EQ(page(users[4].value, 2), std::vector<UserId>{});
  EXPECT_EQ(page(0, 10), (std::vector<UserId>{users[0], users[1], users[2], users[3], users[4]}));
  EXPECT_EQ(store_->Read()->discord_links().Page(users[2].value, 1).at(0).discord_user_id, "9003");
}

TEST_P(DiscordLinksContract, DeletingTheAccountDeletesItsBinding) {
  const UserId alice = NewUser("alice@example.com");
  const UserId bob = NewUser("bob@example.com");
  ASSERT_TRUE(Insert(Binding(alice, "111")));
  ASSERT_TRUE(Insert(Binding(bob, "222")));
  static constexpr Query kDeleteUser{"test.delete_user", "DELETE FROM users WHERE id = $1"};
  storage::Run(*OpenRaw(), kDeleteUser, {alice.value});
  EXPECT_FALSE(Find(alice));
  EXPECT_FALSE(store_->Read()->discord_links().FindByDiscordUser("111"));
  EXPECT_TRUE(Find(bob));
  EXPECT_EQ(store_->Read()->discord_links().Count(), 1);
}

// A writing unit of work that read a binding holds it: another writer waits (here: gives up
// at once) until it ends, so two role syncs cannot both act on the same stale row.
TEST_P(DiscordLinksContract, AWritingUnitOfWorkLocksTheBindingItRead) {
  const UserId alice = NewUser("alice@example.com");
  ASSERT_TRUE(Insert(Binding(alice, "111")));
  auto other = OpenRaw();
  other->ExecScript(other->dialect() == Dialect::kSqlite ? "PRAGMA busy_timeout = 0"
                                                         : "SET lock_timeout = '100ms'");
  static constexpr Query kRename{"test.rename",
                                 "UPDATE discord_links SET username = $2 WHERE user_id = $1"};
  {
    auto uow = store_->Begin(Actor::Cli());
    ASSERT_TRUE(uow->discord_links().FindByUser(alice));
    EXPECT_ANY_THROW(storage::Run(*other, kRename, {alice.value, std::string("elsewhere")}));
  }  // rolled back: the lock is released
  storage::Run(*other, kRename, {alice.value, std::string("elsewhere")});
  EXPECT_EQ(Find(alice)->username, "elsewhere");

  // A read-only unit of work locks nothing.
  auto read = store_->Read();
  ASSERT_TRUE(read->discord_links().FindByUser(alice));
  storage::Run(*other, kRename, {alice.value, std::string("again")});
  read.reset();
  EXPECT_EQ(Find(alice)->username, "again");
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscordLinksContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::storage
