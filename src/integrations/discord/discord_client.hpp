#pragma once
// The few calls of Discord's REST API (v10) Tenure makes (issue 11): who an OAuth2 access
// token belongs to, adding the member to the seller's guild (guilds.join), reading a member,
// adding and removing a role, and executing a channel webhook. No retries here: the outbox
// retries, and a 429's retry_after comes back as kRateLimited with retry_after_seconds so the
// outbox waits exactly that long (Discord's rate limits:
// https://discord.com/developers/docs/topics/rate-limits).
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace tenure::integrations {

struct DiscordClientOptions {
  std::string api_base = "https://discord.com/api/v10";  // no trailing slash
  std::string bot_token;  // the seller's bot (Authorization: Bot <token>)
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{15};
};

struct DiscordUser {
  std::string id;  // a snowflake, as a string
  std::string username;
  std::string global_name;  // the display name; may be empty
  std::string avatar;       // a hash; empty when none
};

struct DiscordMember {
  DiscordUser user;
  std::vector<std::string> roles;  // role ids
};

// Every refusal: kRateLimited (429; retry_after_seconds set), kUnavailable (5xx, no answer:
// try again later), kNotFound (the user is not a member of the guild: 10007), kInvalidInput
// (any other 4xx: Discord's own code and message in the text, permanent).
class DiscordClient {
 public:
  // Throws std::invalid_argument for a base URL that is not http(s).
  explicit DiscordClient(DiscordClientOptions options);

  // POST to the OAuth2 token endpoint (authorization_code or refresh_token grant), the client
  // authenticated by its id and secret in the body: the answer's JSON (access_token, refresh_token,
  // expires_in).
  Result<nlohmann::json> Token(const std::string& token_url, std::string_view client_id,
                               std::string_view client_secret,
                               const std::vector<std::pair<std::string, std::string>>& form) const;
  // GET /users/@me with the user's OAuth2 access token.
  Result<DiscordUser> CurrentUser(std::string_view access_token) const;
  // PUT /guilds/{guild}/members/{user} (guilds.join): true when added, false when the user
  // was a member already (Discord then ignores `roles`).
  Result<bool> AddMember(std::string_view guild, std::string_view user,
                         std::string_view access_token,
                         const std::vector<std::string>& roles) const;
  // nullopt when the user is not a member (404 10007).
  Result<std::optional<DiscordMember>> GetMember(std::string_view guild,
                                                 std::string_view user) const;
  // Both are idempotent; `reason` goes to the guild's audit log (X-Audit-Log-Reason).
  Result<void> AddRole(std::string_view guild, std::string_view user, std::string_view role,
                       std::string_view reason) const;
  Result<void> RemoveRole(std::string_view guild, std::string_view user, std::string_view role,
                          std::string_view reason) const;
  // POST to a channel webhook's URL (https://discord.com/api/webhooks/{id}/{token}).
  Result<void> ExecuteWebhook(std::string_view webhook_url, const nlohmann::json& message) const;

 private:
  struct Answer {
    long status = 0;
    nlohmann::json body;  // null when empty or not JSON
  };
  struct Payload {
    std::string content_type;
    std::string text;
  };
  // `bucket` names the rate-limit bucket the call counts against (Discord keys them by route
  // and major parameter); empty for calls under no bucket of ours (OAuth2).
  Result<Answer> Send(std::string_view method, const std::string& url,
                      const std::string& authorization, const std::optional<nlohmann::json>& body,
                      std::string_view reason, std::string_view bucket = {}) const;
  Result<Answer> SendRaw(std::string_view method, const std::string& url,
                         const std::string& authorization, const std::optional<Payload>& body,
                         std::string_view reason, std::string_view bucket = {}) const;
  // kRateLimited while `bucket` or the global limit is spent.
  std::optional<Error> Waiting(std::string_view bucket) const;
  // Remembers what an answer's rate-limit headers say about `bucket` and the global limit.
  void Learn(std::string_view bucket, long status, std::optional<int64_t> remaining,
             std::optional<double> reset_after, std::optional<double> retry_after,
             bool global) const;

  DiscordClientOptions options_;
  mutable std::mutex limits_mutex_;
  mutable std::map<std::string, std::chrono::steady_clock::time_point> buckets_;
  mutable std::chrono::steady_clock::time_point global_until_;
};

// Discord's user object, as /users/@me and a member's `user` carry it.
DiscordUser ParseDiscordUser(const nlohmann::json& user);

}  // namespace tenure::integrations
