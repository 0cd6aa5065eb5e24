#pragma once
// What config.cpp and config_discord.cpp share: a setting's row (TOML key, environment
// variable, setter) and the helpers setters are written with. Internal to the config library.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace tenure::config_detail {

using Setter = std::function<Result<void>(Config&, const std::string&)>;

struct Field {
  const char* key;  // TOML key: "listen", "smtp.host"; empty for environment-only secrets
  const char* env;  // TENURE_*
  Setter set;
};

// "config KEY: WHY", with the key as the error's field.
std::unexpected<Error> Invalid(std::string_view key, std::string_view why);
Setter IntSetter(const char* key, int64_t min, int64_t max,
                 const std::function<void(Config&, int64_t)>& store);
// A secret's file, without its trailing newline.
Result<std::string> ReadSecretFile(const char* key, const std::string& path);
// An https:// URL, or http:// to a loopback test server; without trailing slashes.
Result<std::string> HttpsOrLoopback(const char* key, const std::string& v);
Setter UrlSetter(const char* key, const std::function<std::string&(Config&)>& member);

Result<void> SetBool(const char* key, bool& out, const std::string& v);
template <class Int>
Setter IntField(const char* key, Int Config::*member, int64_t min, int64_t max) {
  return IntSetter(key, min, max, [=](Config& c, int64_t n) { c.*member = static_cast<Int>(n); });
}

// `fields` and the HTTP server's, the limits', metrics' and logs' (config_operations.cpp).
std::vector<Field> WithOperationsFields(std::vector<Field> fields);

// `fields` and Discord's (issue 11; config_discord.cpp).
std::vector<Field> WithDiscordFields(std::vector<Field> fields);
Result<void> ValidateDiscord(const DiscordConfig& discord);

// `fields` and the brand's: product name, logo, accent colour (issue 14 item 10;
// config_branding.cpp).
std::vector<Field> WithBrandingFields(std::vector<Field> fields);
// smtp.from's default with the product as its display name, quoted (RFC 5322).
std::string FromProduct(const SellerConfig& seller);
// The largest logo accepted: it is held in memory and sent with every first page view.
inline constexpr size_t kMaxLogoBytes = 256 << 10;

}  // namespace tenure::config_detail
