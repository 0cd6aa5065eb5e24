// Discord through the app layer (issue 11), on SQLite with a FakeClock and an in-memory
// DiscordApi that keeps the guild's members: binding and its refusals, the role sync deciding
// from the license when it runs (join, add, remove, nothing), tokens refreshed before a join,
// failures recorded for staff (429s only waited out), licenses crossing the end of grace
// noticed once, and checkout posts only for the opted-in, at most N an hour.
#include "app/discord.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/store/audit_log.hpp"
#include "app/store/licenses.hpp"
#include "app/store/outbox.hpp"
#include "app/store/users.hpp"
#include "core/secure_random.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;
using nlohmann::json;

const Instant kNow = sys_days(2026y / December / 2) + hours(12);
constexpr char kPaid[] = "900";

// Discord as the sync sees it: members and their roles, tokens, and every call made.
class MemoryDiscord final : public DiscordApi {
 public:
  std::map<std::string, std::string> identities;  // access token -> Discord user id
  std::map<std::string, std::set<std::string>> members;
  std::vector<std::string> calls;
  std::optional<Error> fail_next;  // the next bot call fails with this
  std::optional<Error> exchange_error;
  std::string next_access = "token-a";
  std::vector<json> posts;

  Result<DiscordTokens> ExchangeCode(std::string_view code, std::string_view verifier,
                                     std::string_view, Instant now) override {
    calls.push_back(fmt::format("exchange {} {}", code, verifier.empty() ? "no-verifier" : "pkce"));
    if (exchange_error) return std::unexpected(*exchange_error);
    return DiscordTokens{next_access, "refresh-1", now + days(7)};
  }
  Result<DiscordTokens> Refresh(std::string_view refresh_token, Instant now) override {
    calls.push_back(fmt::format("refresh {}", refresh_token));
    identities["token-fresh"] = identities[last_access_];
    return DiscordTokens{"token-fresh", "refresh-2", now + days(7)};
  }
  Result<DiscordIdentity> Identify(std::string_view access_token) override {
    last_access_ = std::string(access_token);
    const auto it = identities.find(last_access_);
    if (it == identities.end()) return Fail(ErrorCode::kInvalidInput, "HTTP 401");
    return DiscordIdentity{it->second, "name-" + it->second, ""};
  }
  Result<std::optional<std::vector<std::string>>> MemberRoles(std::string_view user) override {
    if (auto e = Failing()) return std::unexpected(*e);
    calls.push_back(fmt::format("get {}", user));
    const auto it = members.find(std::string(user));
    if (it == members.end()) return std::optional<std::vector<std::string>>();
    return std::optional(std::vector<std::string>(it->second.begin(), it->second.end()));
  }
  Result<void> AddMember(std::string_view user, std::string_view access_token,
                         const std::vector<std::string>& roles) override {
    if (auto e = Failing()) return std::unexpected(*e);
    calls.push_back(fmt::format("join {} {} {}", user, access_token, roles.size()));
    members[std::string(user)].insert(roles.begin(), roles.end());
    return {};
  }
  Result<void> AddRole(std::string_view user, std::string_view role, std::string_view) override {
    if (auto e = Failing()) return std::unexpected(*e);
    calls.push_back(fmt::format("add {} {}", user, role));
    members[std::string(user)].insert(std::string(role));
    return {};
  }
  Result<void> RemoveRole(std::string_view user, std::string_view role, std::string_view) override {
    if (auto e = Failing()) return std::unexpected(*e);
    calls.push_back(fmt::format("remove {} {}", user, role));
    members[std::string(user)].erase(std::string(role));
    return {};
  }
  Result<void> PostCheckout(const json& message) override {
    posts.push_back(message);
    return {};
  }

 private:
  std::optional<Error> Failing() {
    auto e = std::move(fail_next);
    fail_next.reset();
    return e;
  }
  std::string last_access_;
};

class DiscordTest : public ::testing::Test {
 protected:
  DiscordTest()
      : clock_(kNow),
        store_(storage::OpenStore("sqlite://" + dir_.File("t.db"), clock_)),
        discord_(*store_, clock_, api_,
                 {.client_id = "42",
                  .authorize_url = "https://discord.test/oauth2/authorize",
                  .redirect_uri = "https://tenure.test/settings/discord/callback",
                  .paid_role_ids = {kPaid},
                  .checkout_channel = true,
                  .checkout_posts_per_hour = 2},
                 policy_) {
    store_->Migrate();
  }

  UserId Customer(const std::string& email, std::optional<Instant> expires_at) {
    auto uow = store_->Begin(Actor::Cli());
    domain::User user{.email = email,
                      .password_hash = "x",
                      .terms_version = "2026-11-01",
                      .terms_accepted_at = kNow,
                      .created_at = kNow};
    user.id = *uow->users().Insert(user);
    uow->licenses().Insert(domain::License{
        .user_id = user.id, .expires_at = expires_at, .created_at = kNow, .updated_at = kNow});
    uow->Audit("test.setup", email, nullptr, nullptr);
    uow->Commit();
    return user.id;
  }
  Result<DiscordLink> Bind(UserId user, const std::string& discord_user) {
    const std::string token = "token-" + discord_user;
    api_.identities[token] = discord_user;
    api_.next_access = token;
    return discord_.CompleteBind(Actor::User(user), user, "code", "verifier");
  }
  // Sends every queued discord.roles message, as the outbox would; their outcomes.
  std::vector<Result<void>> RunSyncs() {
    std::vector<Result<void>> out;
    auto uow = store_->Begin(Actor::System());
    auto due = uow->outbox().ClaimDue(clock_.Now() + hours(1), Seconds(60), 100, kDiscordRolesKind);
    for (const auto& m : due) uow->outbox().MarkSent(m.id, clock_.Now());
    uow->Audit("test.outbox", "outbox", nullptr, nullptr);
    uow->Commit();
    out.reserve(due.size());
    for (const auto& m : due) out.push_back(discord_.SyncRoles(m.payload));
    return out;
  }
  std::vector<OutboxMessage> Queued(std::string_view kind) {
    std::vector<OutboxMessage> out;
    for (auto& m : store_->Read()->outbox().List("pending", 100))
      if (m.kind == kind) out.push_back(std::move(m));
    return out;
  }
  bool HasPaidRole(const std::string& discord_user) {
    return api_.members.contains(discord_user) && api_.members[discord_user].contains(kPaid);
  }
  void SetExpiry(UserId user, Instant expires_at) {
    auto uow = store_->Begin(Actor::Cli());
    auto license = uow->licenses().FindByUser(user);
    license->expires_at = expires_at;
    uow->licenses().Update(*license);
    uow->Audit("test.expiry", "license", nullptr, nullptr);
    uow->Commit();
  }

  ::tenure::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::SqlStore> store_;
  domain::LicensePolicy policy_;
  MemoryDiscord api_;
  DiscordService discord_;
};

TEST_F(DiscordTest, TheAuthorizeUrlCarriesTheStateAndTheS256ChallengeOfTheVerifier) {
  const DiscordAuthorization a = discord_.BeginBind();
  const DiscordAuthorization b = discord_.BeginBind();
  EXPECT_NE(a.state, b.state);
  EXPECT_NE(a.verifier, b.verifier);
  EXPECT_GE(a.verifier.size(), 43U);  // RFC 7636: 43 to 128 characters
  EXPECT_TRUE(a.url.starts_with("https://discord.test/oauth2/authorize?response_type=code"));
  EXPECT_NE(a.url.find("&client_id=42&scope=identify%20guilds.join&state=" + a.state),
            std::string::npos);
  EXPECT_NE(a.url.find("&code_challenge=" + PkceChallengeS256(a.verifier) +
                       "&code_challenge_method=S256"),
            std::string::npos);
  EXPECT_NE(a.url.find("redirect_uri=https%3A%2F%2Ftenure.test%2Fsettings%2Fdiscord%2Fcallback"),
            std::string::npos);
}

TEST_F(DiscordTest, BindingJoinsTheGuildWithThePaidRoleAndUnbindingRemovesIt) {
  const UserId ann = Customer("ann@example.com", kNow + days(10));
  auto link = Bind(ann, "100");
  ASSERT_TRUE(link) << link.error().message;
  EXPECT_EQ(link->username, "name-100");
  EXPECT_TRUE(link->roles_wanted);
  EXPECT_EQ(api_.calls.front(), "exchange code pkce");
  ASSERT_EQ(Queued(kDiscordRolesKind).size(), 1U);

  for (const auto& r : RunSyncs()) EXPECT_TRUE(r) << r.error().message;
  EXPECT_TRUE(HasPaidRole("100"));
  EXPECT_EQ(api_.calls.back(), "join 100 token-100 1");
  EXPECT_EQ(discord_.Link(ann)->sync_status, DiscordSyncStatus::kOk);

  // A second sync finds nothing to change: one read, no write.
  ASSERT_TRUE(discord_.Resync(Actor::User(ann), ann));
  api_.calls.clear();
  for (const auto& r : RunSyncs()) EXPECT_TRUE(r);
  EXPECT_EQ(api_.calls, std::vector<std::string>{"get 100"});

  ASSERT_TRUE(discord_.Unbind(Actor::User(ann), ann));
  EXPECT_FALSE(discord_.Link(ann));
  for (const auto& r : RunSyncs()) EXPECT_TRUE(r);
  EXPECT_FALSE(HasPaidRole("100"));
  EXPECT_TRUE(api_.members.contains("100")) << "unbinding does not kick the member";
  EXPECT_FALSE(discord_.Unbind(Actor::User(ann), ann));
}

TEST_F(DiscordTest, OneDiscordAccountPerTenureAccountBothWays) {
  const UserId ann = Customer("ann@example.com", kNow + days(10));
  const UserId bob = Customer("bob@example.com", kNow + days(10));
  ASSERT_TRUE(Bind(ann, "100"));
  auto taken = Bind(bob, "100");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  EXPECT_NE(taken.error().message.find("bound to another account"), std::string::npos);
  auto second = Bind(ann, "200");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  // The same Discord account again only refreshes its tokens.
  auto again = Bind(ann, "100");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->tokens.access_token, "token-100");
  EXPECT_FALSE(discord_.Link(bob));
}

TEST_F(DiscordTest, AnExpiredCodeOrASilentDiscordIsAClearRefusalAndBindsNothing) {
  const UserId ann = Customer("ann@example.com", kNow + days(10));
  api_.exchange_error = Error{ErrorCode::kInvalidInput, "HTTP 400 invalid_grant"};
  auto expired = Bind(ann, "100");
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(expired.error().message.find("Press Bind Discord"), std::string::npos);
  EXPECT_EQ(expired.error().message.find("invalid_grant"), std::string::npos);
  api_.exchange_error = Error{ErrorCode::kUnavailable, "timeout"};
  auto silent = Bind(ann, "100");
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(discord_.Link(ann));
  EXPECT_TRUE(Queued(kDiscordRolesKind).empty());
}

TEST_F(DiscordTest, TheEndOfGraceIsNoticedOnceAndARenewalGivesTheRoleBack) {
  const UserId ann = Customer("ann@example.com", kNow + hours(2));
  ASSERT_TRUE(Bind(ann, "100"));
  RunSyncs();
  ASSERT_TRUE(HasPaidRole("100"));
  EXPECT_EQ(discord_.NoticeLicenseChanges(), 0);

  clock_.Advance(hours(2) + policy_.grace - seconds(1));  // the last second of grace
  EXPECT_EQ(discord_.NoticeLicenseChanges(), 0);
  clock_.Advance(seconds(1));
  EXPECT_EQ(discord_.NoticeLicenseChanges(), 1);
  EXPECT_EQ(discord_.NoticeLicenseChanges(), 0) << "noticed once";
  RunSyncs();
  EXPECT_FALSE(HasPaidRole("100"));
  EXPECT_FALSE(discord_.Link(ann)->roles_wanted);

  SetExpiry(ann, clock_.Now() + days(30));  // renewed after the lapse
  EXPECT_EQ(discord_.NoticeLicenseChanges(), 1);
  RunSyncs();
  EXPECT_TRUE(HasPaidRole("100"));
}

TEST_F(DiscordTest, TheSyncDecidesWhenItRunsSoAnOldMessageNeverUndoesANewerChange) {
  const UserId ann = Customer("ann@example.com", kNow + days(10));
  ASSERT_TRUE(Bind(ann, "100"));
  RunSyncs();
  // A reconcile message queued while the license was usable, sent after it lapsed.
  const json stale = {{"user_id", ann.value}, {"discord_user_id", "100"}, {"why", "everyone"}};
  SetExpiry(ann, kNow - days(5));
  ASSERT_TRUE(discord_.SyncRoles(stale));
  EXPECT_FALSE(HasPaidRole("100"));
  // A message about a Discord account the customer no longer has only takes roles away.
  api_.members["300"] = {kPaid};
  ASSERT_TRUE(discord_.SyncRoles({{"user_id", ann.value}, {"discord_user_id", "300"}}));
  EXPECT_FALSE(HasPaidRole("300"));
}

TEST_F(DiscordTest, ARoleRemovedByHandComesBackAtTheNextResyncOfEveryone) {
  const UserId ann = Customer("ann@example.com", kNow + days(10));
  const UserId bob = Customer("bob@example.com", kNow - days(10));
  ASSERT_TRUE(Bind(ann, "100"));
  ASSERT_TRUE(Bind(bob, "200"));
  RunSyncs();
  EXPECT_TRUE(HasPaidRole("100"));
  EXPECT_FALSE(HasPaidRole("200")) << "an expired license joins without the paid role";
  EXPECT_TRUE(api_.members.contains("200"));
  api_.members["100"].clear();        // removed by hand
  api_.members["200"].insert(kPaid);  // given by hand
  EXPECT_EQ(discord_.ResyncEveryone(Actor::System()), 2);
  RunSyncs();
  EXPECT_TRUE(HasPaidRole("100"));
  EXPECT_FALSE(HasPaidRole("200"));
}

TEST_F(DiscordTest, FailuresAreRecordedForStaffButA429IsOnlyWaitedOut) {
  const UserId ann = Customer("ann@example.com", kNow + days(10));
  ASSERT_TRUE(Bind(ann, "100"));
  Error limited{.code = ErrorCode::kRateLimited, .message = "HTTP 429"};
  limited.retry_after_seconds = 3;
  api_.fail_next = limited;
  auto results = RunSyncs();
  ASSERT_EQ(results.size(), 1U);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().retry_after_seconds, 3);
  EXPECT_EQ(discord_.Link(ann)->sync_status, DiscordSyncStatus::kPending);

  ASSERT_TRUE(discord_.Resync(Actor::User(ann), ann));
  api_.fail_next = Error{ErrorCode::kInvalidInput, "HTTP 403 code 50013 Missing Permissions"};
  results = RunSyncs();
  ASSERT_FALSE(results[0]);
  const auto link = discord_.Link(ann);
  EXPECT_EQ(link->sync_status, DiscordSyncStatus::kFailed);
  EXPECT_NE(link->sync_error.find("Missing Permissions"), std::string::npos);

  ASSERT_TRUE(discord_.Resync(Actor::User(ann), ann));
  for (const auto& r : RunSyncs()) EXPECT_TRUE(r);
  EXPECT_EQ(discord_.Link(ann)->sync_status, DiscordSyncStatus::kOk);
  EXPECT_TRUE(discord_.Link(ann)->sync_error.empty());
}

TEST_F(DiscordTest, AnExpiredAccessTokenIsRefreshedBeforeJoiningTheGuild) {
  const UserId ann = Customer("ann@example.com", kNow + days(30));
  ASSERT_TRUE(Bind(ann, "100"));
  RunSyncs();
  api_.members.erase("100");  // the member left the server
  clock_.Advance(days(8));    // the week-long access token lapsed
  ASSERT_TRUE(discord_.Resync(Actor::User(ann), ann));
  for (const auto& r : RunSyncs()) EXPECT_TRUE(r) << r.error().message;
  EXPECT_NE(std::ranges::find(api_.calls, "refresh refresh-1"), api_.calls.end());
  EXPECT_EQ(api_.calls.back(), "join 100 token-fresh 1");
  EXPECT_EQ(discord_.Link(ann)->tokens.refresh_token, "refresh-2");
}

TEST_F(DiscordTest, CheckoutsArePostedOnlyForTheOptedInAndAtMostTheHourlyLimit) {
  const UserId ann = Customer("ann@example.com", kNow + days(10));
  const UserId bob = Customer("bob@example.com", kNow + days(10));
  ASSERT_TRUE(Bind(ann, "100"));
  ASSERT_TRUE(Bind(bob, "200"));
  ASSERT_TRUE(discord_.SetCheckoutPosts(Actor::User(ann), ann, true));
  const domain::Checkout sale{.client_id = "c1",
                              .store = "Nike",
                              .product = "Air Max @everyone",
                              .price_cents = 12'999,
                              .currency = "USD",
                              .quantity = 2,
                              .at = kNow};
  auto queue = [&](UserId user, int count) {
    auto uow = store_->Begin(Actor::User(user));
    discord_.QueueCheckoutPosts(
        *uow, user, std::vector<domain::Checkout>(static_cast<size_t>(count), sale), clock_.Now());
    uow->Audit("test.checkouts", "checkouts", nullptr, nullptr);
    uow->Commit();
  };
  queue(bob, 1);
  EXPECT_TRUE(Queued(kDiscordCheckoutKind).empty()) << "bob did not opt in";
  queue(ann, 3);
  const auto posts = Queued(kDiscordCheckoutKind);
  ASSERT_EQ(posts.size(), 2U) << "two an hour";
  const json& embed = posts[0].payload["message"]["embeds"][0];
  EXPECT_EQ(embed["fields"][0]["value"], "Nike");
  EXPECT_EQ(embed["fields"][1]["value"], "Air Max @everyone");
  EXPECT_EQ(embed["fields"][2]["value"], "129.99 USD x 2 (259.98 USD)");
  EXPECT_EQ(embed["timestamp"], FormatRfc3339(kNow));
  EXPECT_EQ(embed["description"], "<@100> checked out.");
  EXPECT_EQ(posts[0].payload["message"]["allowed_mentions"]["parse"], json::array());
  clock_.Advance(minutes(30));
  queue(ann, 1);
  EXPECT_EQ(Queued(kDiscordCheckoutKind).size(), 2U) << "two in any hour";
  clock_.Advance(minutes(90));
  queue(ann, 1);
  EXPECT_EQ(Queued(kDiscordCheckoutKind).size(), 3U) << "two hours later, a new allowance";
  clock_.Advance(minutes(120));
  queue(ann, 3);
  EXPECT_EQ(Queued(kDiscordCheckoutKind).size(), 5U) << "two of three";
  clock_.Advance(minutes(90));
  queue(ann, 1);
  EXPECT_EQ(Queued(kDiscordCheckoutKind).size(), 6U)
      << "the checkout not posted did not count: half-way through the next hour, the two "
         "posted weigh one";
  ASSERT_TRUE(discord_.PostCheckout(posts[0].payload));
  EXPECT_EQ(api_.posts.size(), 1U);
}

}  // namespace
}  // namespace tenure::app
