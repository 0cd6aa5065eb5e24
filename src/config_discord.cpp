// Discord's settings (issue 11): the application, the bot, the guild, the paid roles and the
// success channel's webhook. Secrets come from the environment or files only.
#include <fmt/format.h>

#include "config_fields.hpp"

namespace tenure::config_detail {
namespace {

// A Discord id: a snowflake, 1 to 20 digits.
bool IsSnowflake(std::string_view v) {
  return !v.empty() && v.size() <= 20 && v.find_first_not_of("0123456789") == std::string::npos;
}

Result<void> SetPaidRoles(Config& c, const std::string& v) {
  std::vector<std::string> roles;
  for (size_t start = 0; start <= v.size();) {
    size_t end = v.find(',', start);
    if (end == std::string::npos) end = v.size();
    std::string role = v.substr(start, end - start);
    std::erase(role, ' ');
    if (!IsSnowflake(role))
      return Invalid("discord.paid_role_ids",
                     fmt::format("expected role ids separated by commas, got '{}'", v));
    roles.push_back(std::move(role));
    start = end + 1;
  }
  c.discord.paid_role_ids = std::move(roles);
  return {};
}

// A secret of Discord's from the environment (`from_file` false) or from the file it names.
Setter DiscordSecret(const char* key, std::string DiscordConfig::*member, bool from_file) {
  return [=](Config& c, const std::string& v) -> Result<void> {
    if (!from_file) {
      c.discord.*member = v;
      return {};
    }
    auto s = ReadSecretFile(key, v);
    if (!s) return std::unexpected(s.error());
    c.discord.*member = *s;
    return {};
  };
}

Setter DiscordInt(const char* key, int DiscordConfig::*member, int64_t min, int64_t max) {
  return IntSetter(key, min, max,
                   [=](Config& c, int64_t n) { c.discord.*member = static_cast<int>(n); });
}

}  // namespace

std::vector<Field> WithDiscordFields(std::vector<Field> fields) {
  std::vector<Field> discord = {
      {"discord.client_id", "TENURE_DISCORD_CLIENT_ID",
       [](Config& c, const std::string& v) -> Result<void> {
         if (!v.empty() && !IsSnowflake(v))
           return Invalid("discord.client_id", "expected the application's id (digits)");
         c.discord.client_id = v;
         return {};
       }},
      {"", "TENURE_DISCORD_CLIENT_SECRET", DiscordSecret("", &DiscordConfig::client_secret, false)},
      {"discord.client_secret_file", "TENURE_DISCORD_CLIENT_SECRET_FILE",
       DiscordSecret("discord.client_secret_file", &DiscordConfig::client_secret, true)},
      {"", "TENURE_DISCORD_BOT_TOKEN", DiscordSecret("", &DiscordConfig::bot_token, false)},
      {"discord.bot_token_file", "TENURE_DISCORD_BOT_TOKEN_FILE",
       DiscordSecret("discord.bot_token_file", &DiscordConfig::bot_token, true)},
      {"", "TENURE_DISCORD_CHECKOUT_WEBHOOK_URL",
       DiscordSecret("", &DiscordConfig::checkout_webhook_url, false)},
      {"discord.checkout_webhook_url_file", "TENURE_DISCORD_CHECKOUT_WEBHOOK_URL_FILE",
       DiscordSecret("discord.checkout_webhook_url_file", &DiscordConfig::checkout_webhook_url,
                     true)},
      {"discord.guild_id", "TENURE_DISCORD_GUILD_ID",
       [](Config& c, const std::string& v) -> Result<void> {
         if (!IsSnowflake(v))
           return Invalid("discord.guild_id", "expected the server's id (digits)");
         c.discord.guild_id = v;
         return {};
       }},
      {"discord.paid_role_ids", "TENURE_DISCORD_PAID_ROLE_IDS", SetPaidRoles},
      {"discord.checkout_posts_per_hour", "TENURE_DISCORD_CHECKOUT_POSTS_PER_HOUR",
       DiscordInt("discord.checkout_posts_per_hour", &DiscordConfig::checkout_posts_per_hour, 1,
                  3600)},
      {"discord.sync_interval_seconds", "TENURE_DISCORD_SYNC_INTERVAL_SECONDS",
       DiscordInt("discord.sync_interval_seconds", &DiscordConfig::sync_interval_seconds, 1,
                  86400)},
      {"discord.reconcile_interval_seconds", "TENURE_DISCORD_RECONCILE_INTERVAL_SECONDS",
       DiscordInt("discord.reconcile_interval_seconds", &DiscordConfig::reconcile_interval_seconds,
                  5, int64_t{7} * 86400)},
      {"discord.authorize_url", "TENURE_DISCORD_AUTHORIZE_URL",
       UrlSetter("discord.authorize_url",
                 [](Config& c) -> std::string& { return c.discord.authorize_url; })},
      {"discord.token_url", "TENURE_DISCORD_TOKEN_URL",
       UrlSetter("discord.token_url",
                 [](Config& c) -> std::string& { return c.discord.token_url; })},
      {"discord.api_base", "TENURE_DISCORD_API_BASE",
       UrlSetter("discord.api_base", [](Config& c) -> std::string& { return c.discord.api_base; })},
  };
  fields.insert(fields.end(), discord.begin(), discord.end());
  return fields;
}

// Discord on (a client id) needs the rest of its setup; the rest without it is a mistake.
Result<void> ValidateDiscord(const DiscordConfig& d) {
  if (!d.enabled()) {
    if (!d.bot_token.empty() || !d.guild_id.empty() || !d.checkout_webhook_url.empty())
      return Invalid("discord.client_id",
                     "Discord is set up only in part: set the application's client id too");
    return {};
  }
  if (d.client_secret.empty())
    return Invalid("discord.client_id",
                   "Discord needs the application's client secret: set "
                   "TENURE_DISCORD_CLIENT_SECRET or discord.client_secret_file");
  if (d.bot_token.empty())
    return Invalid("discord.client_id",
                   "Discord needs the bot's token: set TENURE_DISCORD_BOT_TOKEN or "
                   "discord.bot_token_file");
  if (d.guild_id.empty())
    return Invalid("discord.guild_id", "Discord needs the server's id (discord.guild_id)");
  if (d.paid_role_ids.empty())
    return Invalid("discord.paid_role_ids",
                   "Discord needs at least one paid role id (discord.paid_role_ids)");
  if (!d.checkout_webhook_url.empty() &&
      !HttpsOrLoopback("discord.checkout_webhook_url", d.checkout_webhook_url))
    return Invalid("discord.checkout_webhook_url", "expected the channel webhook's https:// URL");
  return {};
}

}  // namespace tenure::config_detail
