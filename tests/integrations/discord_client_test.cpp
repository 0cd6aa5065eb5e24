// The Discord client against the loopback fake of Discord's REST API
// (tests/support/discord_fake.mjs; no public peer exists for these endpoints): each call's
// shape and answer, Discord's errors mapped to what the outbox does with them, and a 429's
// retry_after handed back as the wait.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integrations/curl_handle.hpp"
#include "integrations/discord/discord_client.hpp"
#include "stripe_peers.hpp"

namespace tenure::integrations {
namespace {

using nlohmann::json;

constexpr char kBot[] = "bot-token-for-tests";
constexpr char kGuild[] = "1100000000000000001";
constexpr char kPaid[] = "1200000000000000002";
constexpr char kUser[] = "1300000000000000003";

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

class DiscordClientTest : public ::testing::Test {
 protected:
  DiscordClientTest()
      : fake_("tests/support/discord_fake.mjs", {"--port", "0", "--bot-token", kBot}),
        client_({.api_base = fake_.url() + "/api/v10", .bot_token = kBot}) {
    Control("POST", "/_fake/guilds", {{"id", kGuild}, {"roles", {kPaid}}});
    Control("POST", "/_fake/users",
            {{"id", kUser},
             {"username", "ana"},
             {"global_name", "Ana"},
             {"avatar", "a1b2"},
             {"access_tokens", {"ana-token"}}});
    Control("POST", "/_fake/webhooks", {{"id", "77"}, {"token", "hook-secret"}});
  }

  // A call to the fake's test controls; the JSON answer.
  json Control(const std::string& method, const std::string& path, const json& body = nullptr) {
    CurlEasy c = NewCurlEasy();
    CurlList headers;
    headers.Append("Content-Type: application/json");
    const std::string url = fake_.url() + path, payload = body.is_null() ? "" : body.dump();
    std::string out;
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
    if (!body.is_null()) curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &out);
    EXPECT_EQ(curl_easy_perform(c.get()), CURLE_OK) << method << " " << path;
    return json::parse(out, nullptr, false);
  }

  testing::NodePeer fake_;
  DiscordClient client_;
};

TEST_F(DiscordClientTest, CurrentUserReadsTheTokensOwnerAndRefusesAnUnknownToken) {
  const auto user = client_.CurrentUser("ana-token");
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->id, kUser);
  EXPECT_EQ(user->username, "ana");
  EXPECT_EQ(user->global_name, "Ana");
  EXPECT_EQ(user->avatar, "a1b2");
  const auto unknown = client_.CurrentUser("stolen");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(unknown.error().message.find("HTTP 401"), std::string::npos);
}

TEST_F(DiscordClientTest, AddsTheMemberWithItsRolesOnceThenReadsAndChangesItsRoles) {
  const auto added = client_.AddMember(kGuild, kUser, "ana-token", {kPaid});
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_TRUE(*added);
  const auto again = client_.AddMember(kGuild, kUser, "ana-token", {kPaid});
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "already a member: 204";

  auto member = client_.GetMember(kGuild, kUser);
  ASSERT_TRUE(member && *member);
  EXPECT_EQ((*member)->user.id, kUser);
  EXPECT_EQ((*member)->roles, std::vector<std::string>{kPaid});

  ASSERT_TRUE(client_.RemoveRole(kGuild, kUser, kPaid, "License expired (Tenure)"));
  EXPECT_TRUE(client_.GetMember(kGuild, kUser).value()->roles.empty());
  ASSERT_TRUE(client_.AddRole(kGuild, kUser, kPaid, "License renewed"));
  EXPECT_EQ(client_.GetMember(kGuild, kUser).value()->roles, std::vector<std::string>{kPaid});

  // The reason reached the guild's audit log header (sent URL-encoded, as Discord wants it;
  // the fake decodes it). A PUT without a body says so: no form content type.
  const json calls = Control("GET", "/_fake/calls");
  std::string reason;
  for (const auto& call : calls["calls"])
    if (call["method"] == "DELETE") reason = call.value("audit_log_reason", "");
  EXPECT_EQ(reason, "License expired (Tenure)") << calls.dump();
  for (const auto& call : calls["calls"]) {
    if (call["body"].is_null()) {
      EXPECT_FALSE(call["headers"].contains("content-type")) << call.dump();
    }
  }
}

TEST_F(DiscordClientTest, AMissingMemberIsNothingAndUnknownRolesArePermanentErrors) {
  const auto none = client_.GetMember(kGuild, kUser);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(*none);
  const auto role = client_.AddRole(kGuild, kUser, kPaid, "x");
  ASSERT_FALSE(role);
  EXPECT_EQ(role.error().code, ErrorCode::kNotFound) << role.error().message;
  ASSERT_TRUE(client_.AddMember(kGuild, kUser, "ana-token", {}));
  const auto unknown = client_.AddRole(kGuild, kUser, "999", "x");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(unknown.error().message.find("10011"), std::string::npos) << unknown.error().message;
}

TEST_F(DiscordClientTest, A429ComesBackAsItsWaitAndA500AsTryLater) {
  ASSERT_TRUE(client_.AddMember(kGuild, kUser, "ana-token", {}));
  Control("POST", "/_fake/failures", {{"status", 429}, {"count", 1}, {"retry_after", 2.5}});
  const auto limited = client_.AddRole(kGuild, kUser, kPaid, "x");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(limited.error().retry_after_seconds, 3) << "2.5 s, rounded up";
  // Until the wait is over the client does not call that route again: it answers itself.
  const size_t calls = Control("GET", "/_fake/calls")["calls"].size();
  const auto waiting = client_.AddRole(kGuild, kUser, kPaid, "x");
  ASSERT_FALSE(waiting);
  EXPECT_EQ(waiting.error().code, ErrorCode::kRateLimited);
  EXPECT_GE(waiting.error().retry_after_seconds, 1);
  EXPECT_EQ(Control("GET", "/_fake/calls")["calls"].size(), calls) << "no request was sent";

  DiscordClient fresh({.api_base = fake_.url() + "/api/v10", .bot_token = kBot});
  Control("POST", "/_fake/failures", {{"status", 500}, {"count", 1}});
  EXPECT_EQ(fresh.AddRole(kGuild, kUser, kPaid, "x").error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(fresh.AddRole(kGuild, kUser, kPaid, "x"));
  EXPECT_EQ(Control("GET", std::string("/_fake/guilds/") + kGuild + "/members/" + kUser)["roles"],
            json::array({kPaid}))
      << "neither refusal changed anything, the retry did once";
}

TEST_F(DiscordClientTest, ASpentBucketIsWaitedOutWithoutCallingDiscord) {
  Control("PUT", "/_fake/rate-limits", {{"limit", 2}, {"window_ms", 60000}});
  ASSERT_TRUE(client_.AddMember(kGuild, kUser, "ana-token", {}));
  ASSERT_TRUE(client_.AddRole(kGuild, kUser, kPaid, "x"));
  ASSERT_TRUE(client_.AddRole(kGuild, kUser, kPaid, "x"));  // X-RateLimit-Remaining: 0
  const size_t calls = Control("GET", "/_fake/calls")["calls"].size();
  const auto third = client_.AddRole(kGuild, kUser, kPaid, "x");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::kRateLimited);
  EXPECT_GE(third.error().retry_after_seconds, 1);
  EXPECT_LE(third.error().retry_after_seconds, 60);
  EXPECT_EQ(Control("GET", "/_fake/calls")["calls"].size(), calls) << "no 429 was provoked";
  // Another route's bucket is not spent.
  EXPECT_TRUE(client_.GetMember(kGuild, kUser));
}

TEST_F(DiscordClientTest, WebhookPostsAnEmbedAndRefusesAWrongToken) {
  const json message = {
      {"embeds",
       {{{"title", "New checkout"},
         {"fields", {{{"name", "Store"}, {"value", "Nike SNKRS"}, {"inline", true}}}},
         {"timestamp", "2026-12-02T10:00:00Z"}}}}};
  ASSERT_TRUE(client_.ExecuteWebhook(fake_.url() + "/api/v10/webhooks/77/hook-secret", message));
  const json posted = Control("GET", "/_fake/webhooks/77/messages");
  ASSERT_EQ(posted["messages"].size(), 1u);
  EXPECT_EQ(posted["messages"][0]["embeds"][0]["title"], "New checkout");
  const auto wrong = client_.ExecuteWebhook(fake_.url() + "/api/v10/webhooks/77/guess", message);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(wrong.error().message.find("guess"), std::string::npos) << "no token in messages";
}

}  // namespace
}  // namespace tenure::integrations
