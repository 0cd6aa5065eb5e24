#pragma once
// app::DiscordApi over Discord's REST API and OAuth2 token endpoint (issue 11), for the
// seller's application, bot, guild and success-channel webhook.
#include <string>

#include "app/discord_api.hpp"
#include "integrations/discord/discord_client.hpp"

namespace tenure::integrations {

struct DiscordGatewayOptions {
  std::string client_id;
  std::string client_secret;
  std::string token_url;
  std::string guild_id;
  std::string checkout_webhook_url;  // empty: no success channel
  DiscordClientOptions api;
};

class DiscordGateway final : public app::DiscordApi {
 public:
  explicit DiscordGateway(DiscordGatewayOptions options);

  Result<app::DiscordTokens> ExchangeCode(std::string_view code, std::string_view verifier,
                                          std::string_view redirect_uri, Instant now) override;
  Result<app::DiscordTokens> Refresh(std::string_view refresh_token, Instant now) override;
  Result<app::DiscordIdentity> Identify(std::string_view access_token) override;
  Result<std::optional<std::vector<std::string>>> MemberRoles(
      std::string_view discord_user) override;
  Result<void> AddMember(std::string_view discord_user, std::string_view access_token,
                         const std::vector<std::string>& roles) override;
  Result<void> AddRole(std::string_view discord_user, std::string_view role,
                       std::string_view reason) override;
  Result<void> RemoveRole(std::string_view discord_user, std::string_view role,
                          std::string_view reason) override;
  Result<void> PostCheckout(const nlohmann::json& message) override;

 private:
  Result<app::DiscordTokens> Token(const std::vector<std::pair<std::string, std::string>>& form,
                                   Instant now) const;

  DiscordGatewayOptions options_;
  DiscordClient client_;
};

}  // namespace tenure::integrations
