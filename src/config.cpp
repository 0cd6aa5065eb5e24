#include "config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <unistd.h>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include "config_fields.hpp"

extern char** environ;

namespace tenure::config_detail {

std::unexpected<Error> Invalid(std::string_view key, std::string_view why) {
  return Fail(ErrorCode::kInvalidInput, fmt::format("config {}: {}", key, why), std::string(key));
}

Setter IntSetter(const char* key, int64_t min, int64_t max,
                 const std::function<void(Config&, int64_t)>& store) {
  return [=](Config& c, const std::string& v) -> Result<void> {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max)
      return Invalid(key,
                     fmt::format("expected a whole number from {} to {}, got '{}'", min, max, v));
    store(c, n);
    return {};
  };
}

Result<std::string> ReadSecretFile(const char* key, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Invalid(key, fmt::format("cannot read the file '{}'", path));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Services' URLs are HTTPS; plain HTTP only for a test server on this machine (the tests'
// peers).
Result<std::string> HttpsOrLoopback(const char* key, const std::string& v) {
  std::string base = v;
  while (base.ends_with('/')) base.pop_back();
  auto loopback = [&](std::string_view host) {
    const std::string prefix = "http://" + std::string(host);
    return base.starts_with(prefix) && (base.size() == prefix.size() ||
                                        base[prefix.size()] == ':' || base[prefix.size()] == '/');
  };
  if (!(base.starts_with("https://") && base.size() > 8) && !loopback("127.0.0.1") &&
      !loopback("localhost") && !loopback("[::1]"))
    return Invalid(key, "expected an https:// URL (http:// only to 127.0.0.1, localhost or [::1])");
  return base;
}

Result<void> SetBool(const char* key, bool& out, const std::string& v) {
  if (v == "true" || v == "1" || v == "on")
    out = true;
  else if (v == "false" || v == "0" || v == "off")
    out = false;
  else
    return Invalid(key, fmt::format("expected true or false, got '{}'", v));
  return {};
}

Setter UrlSetter(const char* key, const std::function<std::string&(Config&)>& member) {
  return [=](Config& c, const std::string& v) -> Result<void> {
    auto url = HttpsOrLoopback(key, v);
    if (!url) return std::unexpected(url.error());
    member(c) = *url;
    return {};
  };
}

}  // namespace tenure::config_detail

namespace tenure {
namespace {

using config_detail::Field;
using config_detail::IntField;
using config_detail::IntSetter;
using config_detail::Invalid;
using config_detail::ReadSecretFile;
using config_detail::SetBool;
using config_detail::Setter;
using config_detail::UrlSetter;
using config_detail::ValidateDiscord;
using config_detail::WithBrandingFields;
using config_detail::WithDiscordFields;
using config_detail::WithOperationsFields;

Setter StringField(std::string Config::*member) {
  return [=](Config& c, const std::string& v) -> Result<void> {
    c.*member = v;
    return {};
  };
}

// A line of text printed on receipts: up to `max` bytes.
Setter SellerText(const char* key, std::string SellerConfig::*member, size_t max) {
  return [=](Config& c, const std::string& v) -> Result<void> {
    if (v.size() > max) return Invalid(key, fmt::format("expected at most {} characters", max));
    c.seller.*member = v;
    return {};
  };
}

Result<void> SetListen(Config& c, const std::string& v) {
  const auto colon = v.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      std::from_chars(v.data() + colon + 1, v.data() + v.size(), port).ec != std::errc() ||
      port < 0 || port > 65535)
    return Invalid("listen", fmt::format("expected HOST:PORT such as 127.0.0.1:8080, got '{}'", v));
  c.listen_address = v.substr(0, colon);
  if (c.listen_address.starts_with('[') && c.listen_address.ends_with(']'))
    c.listen_address = c.listen_address.substr(1, c.listen_address.size() - 2);
  c.listen_port = static_cast<uint16_t>(port);
  return {};
}

Result<void> SetDatabase(Config& c, const std::string& v) {
  if (!v.starts_with("sqlite://") && !v.starts_with("postgresql://") &&
      !v.starts_with("postgres://"))
    return Invalid("database",
                   "expected sqlite:///abs/path.db, sqlite://relative.db or "
                   "postgresql://user:pass@host/db");
  if (v == "sqlite://") return Invalid("database", "the sqlite:// URL needs a file path");
  c.database = v;
  return {};
}

Result<void> SetPublicUrl(Config& c, const std::string& v) {
  if (!v.starts_with("http://") && !v.starts_with("https://"))
    return Invalid("public_url", "expected an http:// or https:// URL");
  c.public_url = v.ends_with('/') ? v.substr(0, v.size() - 1) : v;
  c.public_url_set = true;
  return {};
}

Result<void> SetProvider(Config& c, const std::string& v) {
  if (v != "offline" && v != "stripe")
    return Invalid("billing.provider", fmt::format("expected offline or stripe, got '{}'", v));
  c.billing_provider = v;
  return {};
}

Result<void> SetTestClockFile(Config& c, const std::string& v) {
  if (!v.starts_with('/') || v.ends_with('/'))
    return Invalid("test_clock_file",
                   "expected the absolute path of a file (tests only), the same for `serve` "
                   "and `tenure clock` whatever their working directory");
  c.test_clock_file = v;
  return {};
}

Setter StripeSecret(std::string StripeConfig::*member) {
  return [=](Config& c, const std::string& v) -> Result<void> {
    c.stripe.*member = v;
    return {};
  };
}

Setter StripeSecretFile(const char* key, std::string StripeConfig::*member) {
  return [=](Config& c, const std::string& v) -> Result<void> {
    auto s = ReadSecretFile(key, v);
    if (!s) return std::unexpected(s.error());
    c.stripe.*member = *s;
    return {};
  };
}

// Checks that span fields: the provider chosen needs its secrets (habit 15: at start-up).
Result<void> Validate(const Config& c) {
  if (auto r = ValidateDiscord(c.discord); !r) return r;
  if (c.billing_provider != "stripe") return {};
  const StripeConfig& s = c.stripe;
  if (s.secret_key.empty())
    return Invalid("billing.provider",
                   "stripe needs its secret API key: set TENURE_STRIPE_SECRET_KEY or "
                   "stripe.secret_key_file");
  if (!s.secret_key.starts_with("sk_") && !s.secret_key.starts_with("rk_"))
    return Invalid("stripe.secret_key",
                   "expected a secret (sk_...) or restricted (rk_...) key, not a publishable one");
  if (s.webhook_secret.empty())
    return Invalid("billing.provider",
                   "stripe needs the webhook signing secret: set TENURE_STRIPE_WEBHOOK_SECRET or "
                   "stripe.webhook_secret_file");
  if (!s.webhook_secret.starts_with("whsec_"))
    return Invalid("stripe.webhook_secret", "expected the endpoint's signing secret (whsec_...)");
  return {};
}

Setter Cents(const char* key, tenure::Money domain::LicensePolicy::*member) {
  return IntSetter(key, 0, 100'000'000,
                   [=](Config& c, int64_t n) { c.license.*member = tenure::Money::Cents(n); });
}

Setter Hours(const char* key, Seconds domain::LicensePolicy::*member) {
  return IntSetter(key, 0, int64_t{24} * 365,
                   [=](Config& c, int64_t n) { c.license.*member = Seconds(n * 3600); });
}

Setter ProgramSeconds(const char* key, Seconds domain::ProgramPolicy::*member, int64_t min,
                      int64_t max, int64_t unit) {
  return IntSetter(key, min, max,
                   [=](Config& c, int64_t n) { c.program.*member = Seconds(n * unit); });
}

Setter SessionHours(const char* key, Seconds domain::SessionPolicy::*member) {
  return IntSetter(key, 1, int64_t{24} * 365,
                   [=](Config& c, int64_t n) { c.sessions.*member = Seconds(n * 3600); });
}

const std::vector<Field>& OwnFields() {
  static const std::vector<Field> fields =
      WithOperationsFields(
          WithDiscordFields(
              {
                  {"listen", "TENURE_LISTEN", SetListen},
                  {"database", "TENURE_DATABASE", SetDatabase},
                  {"docs_dir", "TENURE_DOCS_DIR", StringField(&Config::docs_dir)},
                  {"public_url", "TENURE_PUBLIC_URL", SetPublicUrl},
                  {"access_log", "TENURE_ACCESS_LOG",
                   [](Config& c, const std::string& v) {
                     return SetBool("access_log", c.access_log, v);
                   }},
                  {"security.sign_ups_per_address_hour", "TENURE_SIGN_UPS_PER_ADDRESS_HOUR",
                   IntField("security.sign_ups_per_address_hour",
                            &Config::sign_ups_per_address_hour, 1, 100000)},
                  {"security.staff_two_factor", "TENURE_STAFF_TWO_FACTOR",
                   [](Config& c, const std::string& v) {
                     return SetBool("security.staff_two_factor", c.staff_two_factor_required, v);
                   }},
                  {"smtp.host", "TENURE_SMTP_HOST",
                   [](Config& c, const std::string& v) -> Result<void> {
                     c.smtp.host = v;
                     return {};
                   }},
                  {"smtp.port", "TENURE_SMTP_PORT",
                   IntSetter("smtp.port", 1, 65535,
                             [](Config& c, int64_t n) { c.smtp.port = static_cast<int>(n); })},
                  {"smtp.username", "TENURE_SMTP_USERNAME",
                   [](Config& c, const std::string& v) -> Result<void> {
                     c.smtp.username = v;
                     return {};
                   }},
                  {"", "TENURE_SMTP_PASSWORD",
                   [](Config& c, const std::string& v) -> Result<void> {
                     c.smtp.password = v;
                     return {};
                   }},
                  {"smtp.password_file", "TENURE_SMTP_PASSWORD_FILE",
                   [](Config& c, const std::string& v) -> Result<void> {
                     auto s = ReadSecretFile("smtp.password_file", v);
                     if (!s) return std::unexpected(s.error());
                     c.smtp.password = *s;
                     return {};
                   }},
                  {"smtp.from", "TENURE_SMTP_FROM",
                   [](Config& c, const std::string& v) -> Result<void> {
                     c.smtp.from = v;
                     return {};
                   }},
                  {"smtp.tls", "TENURE_SMTP_TLS",
                   [](Config& c, const std::string& v) -> Result<void> {
                     if (v != "none" && v != "starttls" && v != "tls")
                       return Invalid("smtp.tls", "expected none, starttls or tls");
                     c.smtp.tls = v;
                     return {};
                   }},
                  // Issue 14 item 7: the seller every receipt names.
                  {"seller.name", "TENURE_SELLER_NAME",
                   SellerText("seller.name", &SellerConfig::name, 200)},
                  {"seller.address", "TENURE_SELLER_ADDRESS",
                   SellerText("seller.address", &SellerConfig::address, 500)},
                  {"seller.tax_id", "TENURE_SELLER_TAX_ID",
                   SellerText("seller.tax_id", &SellerConfig::tax_id, 64)},
                  {"outbox.interval_ms", "TENURE_OUTBOX_INTERVAL_MS",
                   IntField("outbox.interval_ms", &Config::outbox_interval_ms, 50, 3'600'000)},
                  {"billing.renewal_interval_seconds", "TENURE_RENEWAL_INTERVAL_SECONDS",
                   IntField("billing.renewal_interval_seconds", &Config::renewal_interval_seconds,
                            1, 86400)},
                  {"license.reactivation_fee_cents", "TENURE_REACTIVATION_FEE_CENTS",
                   Cents("license.reactivation_fee_cents",
                         &domain::LicensePolicy::reactivation_fee)},
                  {"license.price_cents", "TENURE_PRICE_CENTS",
                   Cents("license.price_cents", &domain::LicensePolicy::monthly_price)},
                  {"license.instance_price_cents", "TENURE_INSTANCE_PRICE_CENTS",
                   Cents("license.instance_price_cents", &domain::LicensePolicy::instance_price)},
                  {"license.grace_hours", "TENURE_GRACE_HOURS",
                   Hours("license.grace_hours", &domain::LicensePolicy::grace)},
                  {"license.renewal_lead_hours", "TENURE_RENEWAL_LEAD_HOURS",
                   Hours("license.renewal_lead_hours", &domain::LicensePolicy::renewal_lead)},
                  // Issue 9: the program's machines and leases.
                  {"program.heartbeat_timeout_seconds", "TENURE_HEARTBEAT_TIMEOUT_SECONDS",
                   ProgramSeconds("program.heartbeat_timeout_seconds",
                                  &domain::ProgramPolicy::heartbeat_timeout, 60, 86400, 1)},
                  {"program.lease_hours", "TENURE_LEASE_HOURS",
                   ProgramSeconds("program.lease_hours", &domain::ProgramPolicy::lease_duration, 1,
                                  int64_t{24} * 30, 3600)},
                  {"program.deactivate_cooldown_hours", "TENURE_DEACTIVATE_COOLDOWN_HOURS",
                   ProgramSeconds("program.deactivate_cooldown_hours",
                                  &domain::ProgramPolicy::deactivate_cooldown, 0, int64_t{24} * 90,
                                  3600)},
                  // Issue 10: how long a dashboard session lives, and how long it may stay unused.
                  {"sessions.lifetime_hours", "TENURE_SESSION_LIFETIME_HOURS",
                   SessionHours("sessions.lifetime_hours", &domain::SessionPolicy::lifetime)},
                  {"sessions.idle_timeout_hours", "TENURE_SESSION_IDLE_TIMEOUT_HOURS",
                   SessionHours("sessions.idle_timeout_hours",
                                &domain::SessionPolicy::idle_timeout)},
                  // Issue 4: the payment provider; Stripe's secrets from the environment or files
                  // only.
                  {"billing.provider", "TENURE_BILLING_PROVIDER", SetProvider},
                  {"", "TENURE_STRIPE_SECRET_KEY", StripeSecret(&StripeConfig::secret_key)},
                  {"stripe.secret_key_file", "TENURE_STRIPE_SECRET_KEY_FILE",
                   StripeSecretFile("stripe.secret_key_file", &StripeConfig::secret_key)},
                  {"", "TENURE_STRIPE_WEBHOOK_SECRET", StripeSecret(&StripeConfig::webhook_secret)},
                  {"stripe.webhook_secret_file", "TENURE_STRIPE_WEBHOOK_SECRET_FILE",
                   StripeSecretFile("stripe.webhook_secret_file", &StripeConfig::webhook_secret)},
                  {"stripe.api_base", "TENURE_STRIPE_API_BASE",
                   UrlSetter("stripe.api_base",
                             [](Config& c) -> std::string& { return c.stripe.api_base; })},
                  // Issue 12: releases' files and the largest upload.
                  {"releases.dir", "TENURE_RELEASES_DIR",
                   [](Config& c, const std::string& v) -> Result<void> {
                     if (v.empty()) return Invalid("releases.dir", "expected a directory");
                     c.releases_dir = v;
                     return {};
                   }},
                  {"releases.max_upload_bytes", "TENURE_RELEASES_MAX_UPLOAD_BYTES",
                   IntField("releases.max_upload_bytes", &Config::release_max_upload_bytes, 1 << 20,
                            int64_t{64} << 30)},
                  // Issue 8: the shared test clock; never set in production.
                  {"test_clock_file", "TENURE_TEST_CLOCK_FILE", SetTestClockFile},
              }));
  return fields;
}

// Every setting: the ones above and the brand's (issue 14 item 10; config_branding.cpp).
const std::vector<Field>& Fields() {
  static const std::vector<Field> fields = WithBrandingFields(OwnFields());
  return fields;
}

// Environment variables that are not configuration but are ours all the same.
bool IsOtherTenureVariable(std::string_view name) {
  return name == "TENURE_CONFIG" || name == "TENURE_DEMO_PASSWORD" ||
         name.starts_with("TENURE_TEST_");
}

std::string TomlValueText(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  return "\x01";  // a table, array or float: rejected by every setter
}

Result<void> ApplyTable(Config& config, const toml::table& table, const std::string& prefix) {
  for (const auto& [k, node] : table) {
    const std::string key = prefix + std::string(k.str());
    if (auto sub = node.as_table()) {
      if (auto r = ApplyTable(config, *sub, key + "."); !r) return r;
      continue;
    }
    const Field* field = nullptr;
    for (const auto& f : Fields())
      if (*f.key && key == f.key) field = &f;
    if (key == "smtp.password")
      return Invalid(key,
                     "secrets never go in the config file: use TENURE_SMTP_PASSWORD or "
                     "smtp.password_file");
    if (key == "stripe.secret_key" || key == "stripe.webhook_secret")
      return Invalid(
          key,
          fmt::format("secrets never go in the config file: use TENURE_{} or {}_file",
                      key == "stripe.secret_key" ? "STRIPE_SECRET_KEY" : "STRIPE_WEBHOOK_SECRET",
                      key));
    if (key == "discord.client_secret" || key == "discord.bot_token" ||
        key == "discord.checkout_webhook_url" || key == "metrics.token")
      return Invalid(
          key, "secrets never go in the config file: use its TENURE_ variable or " + key + "_file");
    if (!field) return Invalid(key, "unknown key");
    const std::string text = TomlValueText(node);
    if (text == "\x01") return Invalid(key, "expected a string, a whole number or a boolean");
    if (auto r = field->set(config, text); !r) return r;
  }
  return {};
}

}  // namespace

Result<Config> LoadConfig(const std::string& toml_text,
                          const std::map<std::string, std::string>& env) {
  Config config;
  config.docs_dir = TENURE_SOURCE_DIR "/docs";
  if (!toml_text.empty()) {
    try {
      const toml::table table = toml::parse(toml_text);
      if (auto r = ApplyTable(config, table, ""); !r) return std::unexpected(r.error());
    } catch (const toml::parse_error& e) {
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("config file: {} (line {})", e.description(), e.source().begin.line));
    }
  }
  for (const auto& [name, value] : env) {
    if (!name.starts_with("TENURE_")) continue;
    const Field* field = nullptr;
    for (const auto& f : Fields())
      if (name == f.env) field = &f;
    // A setting first: TENURE_TEST_CLOCK_FILE is one, other TENURE_TEST_* belong to tests.
    if (!field && IsOtherTenureVariable(name)) continue;
    if (!field)
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("unknown environment variable {} (see README: Configuration)", name),
                  name);
    if (auto r = field->set(config, value); !r) return std::unexpected(r.error());
  }
  // Unset, the public URL is where the server listens (links in emails, /llms.txt and help
  // answers then work on the machine itself); an address that means "every interface" is
  // reached on loopback.
  if (!config.public_url_set) {
    std::string host = config.listen_address;
    if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    config.public_url = fmt::format("http://{}:{}", host, config.listen_port);
  }
  // Mail from an install that did not choose its sender comes from the product's name.
  if (config.smtp.from.empty()) config.smtp.from = config_detail::FromProduct(config.seller);
  if (auto r = Validate(config); !r) return std::unexpected(r.error());
  return config;
}

Result<Config> LoadConfigFromProcess(const std::string& path) {
  std::string text;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in)
      return Fail(ErrorCode::kInvalidInput, fmt::format("cannot read config file '{}'", path));
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return LoadConfig(text, env);
}

}  // namespace tenure
