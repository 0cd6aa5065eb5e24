#pragma once
// The port to Discord (issue 11) that app declares and integrations/discord implements: the
// OAuth2 code exchange and the bot's calls on the seller's guild. Errors follow
// integrations::DiscordClient: kRateLimited (retry_after_seconds set), kUnavailable (try
// again later), kInvalidInput (refused for good; Discord's own words in the message).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/store/discord_links.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::app {

struct DiscordIdentity {
  std::string id;
  std::string username;  // the display name when it has one, else the account name
  std::string avatar;
};

class DiscordApi {
 public:
  virtual ~DiscordApi() = default;
  // The authorization code flow with PKCE (RFC 7636): the code and its verifier for tokens.
  virtual Result<DiscordTokens> ExchangeCode(std::string_view code, std::string_view verifier,
                                             std::string_view redirect_uri, Instant now) = 0;
  virtual Result<DiscordTokens> Refresh(std::string_view refresh_token, Instant now) = 0;
  virtual Result<DiscordIdentity> Identify(std::string_view access_token) = 0;
  // The member's role ids in the seller's guild; nullopt when not a member.
  virtual Result<std::optional<std::vector<std::string>>> MemberRoles(
      std::string_view discord_user) = 0;
  // Adds the user to the guild with `roles` (guilds.join, with the user's access token).
  virtual Result<void> AddMember(std::string_view discord_user, std::string_view access_token,
                                 const std::vector<std::string>& roles) = 0;
  virtual Result<void> AddRole(std::string_view discord_user, std::string_view role,
                               std::string_view reason) = 0;
  virtual Result<void> RemoveRole(std::string_view discord_user, std::string_view role,
                                  std::string_view reason) = 0;
  // A message to the success channel's webhook.
  virtual Result<void> PostCheckout(const nlohmann::json& message) = 0;
};

}  // namespace tenure::app
