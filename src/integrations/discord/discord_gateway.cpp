#include "integrations/discord/discord_gateway.hpp"

#include <nlohmann/json.hpp>

namespace tenure::integrations {

DiscordGateway::DiscordGateway(DiscordGatewayOptions options)
    : options_(std::move(options)), client_(options_.api) {}

Result<app::DiscordTokens> DiscordGateway::Token(
    const std::vector<std::pair<std::string, std::string>>& form, Instant now) const {
  auto answer = client_.Token(options_.token_url, options_.client_id, options_.client_secret, form);
  if (!answer) return std::unexpected(answer.error());
  const nlohmann::json& body = *answer;
  // Discord's access tokens last a week; a missing expires_in is taken as an hour.
  const int64_t expires_in = body.contains("expires_in") && body["expires_in"].is_number_integer()
                                 ? body["expires_in"].get<int64_t>()
                                 : 3600;
  return app::DiscordTokens{
      .access_token = body["access_token"].get<std::string>(),
      .refresh_token = body.contains("refresh_token") && body["refresh_token"].is_string()
                           ? body["refresh_token"].get<std::string>()
                           : std::string(),
      .expires_at = now + Seconds(expires_in)};
}

Result<app::DiscordTokens> DiscordGateway::ExchangeCode(std::string_view code,
                                                        std::string_view verifier,
                                                        std::string_view redirect_uri,
                                                        Instant now) {
  return Token({{"grant_type", "authorization_code"},
                {"code", std::string(code)},
                {"redirect_uri", std::string(redirect_uri)},
                {"code_verifier", std::string(verifier)}},
               now);
}

Result<app::DiscordTokens> DiscordGateway::Refresh(std::string_view refresh_token, Instant now) {
  return Token({{"grant_type", "refresh_token"}, {"refresh_token", std::string(refresh_token)}},
               now);
}

Result<app::DiscordIdentity> DiscordGateway::Identify(std::string_view access_token) {
  auto user = client_.CurrentUser(access_token);
  if (!user) return std::unexpected(user.error());
  return app::DiscordIdentity{
      .id = user->id,
      .username = user->global_name.empty() ? user->username : user->global_name,
      .avatar = user->avatar};
}

Result<std::optional<std::vector<std::string>>> DiscordGateway::MemberRoles(
    std::string_view discord_user) {
  auto member = client_.GetMember(options_.guild_id, discord_user);
  if (!member) return std::unexpected(member.error());
  if (!*member) return std::optional<std::vector<std::string>>();
  return std::optional((*member)->roles);
}

Result<void> DiscordGateway::AddMember(std::string_view discord_user, std::string_view access_token,
                                       const std::vector<std::string>& roles) {
  auto added = client_.AddMember(options_.guild_id, discord_user, access_token, roles);
  if (!added) return std::unexpected(added.error());
  return {};
}

Result<void> DiscordGateway::AddRole(std::string_view discord_user, std::string_view role,
                                     std::string_view reason) {
  return client_.AddRole(options_.guild_id, discord_user, role, reason);
}

Result<void> DiscordGateway::RemoveRole(std::string_view discord_user, std::string_view role,
                                        std::string_view reason) {
  return client_.RemoveRole(options_.guild_id, discord_user, role, reason);
}

Result<void> DiscordGateway::PostCheckout(const nlohmann::json& message) {
  if (options_.checkout_webhook_url.empty())
    return Fail(ErrorCode::kInvalidInput, "no checkout webhook is configured");
  return client_.ExecuteWebhook(options_.checkout_webhook_url, message);
}

}  // namespace tenure::integrations
