#pragma once
// One typed configuration, validated at start (ENGINEERING.md habit 15): a TOML file
// (--config) overridden by TENURE_* environment variables. Unknown keys are errors; secrets
// come from the environment or from files, never from the TOML itself.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "domain/license_policy.hpp"
#include "domain/program_policy.hpp"
#include "domain/session_policy.hpp"

namespace tenure {

struct SmtpConfig {
  std::string host;  // empty: email is queued in the outbox but not sent
  int port = 587;
  std::string username;
  std::string password;  // TENURE_SMTP_PASSWORD or the file smtp.password_file names
  // Unset (empty), LoadConfig writes "<seller.product_name> <no-reply@localhost>".
  std::string from;
  std::string tls = "starttls";  // none | starttls | tls
};

// Stripe (issue 4): used when billing.provider is "stripe"; both secrets are then required.
struct StripeConfig {
  std::string secret_key;      // TENURE_STRIPE_SECRET_KEY or stripe.secret_key_file
  std::string webhook_secret;  // TENURE_STRIPE_WEBHOOK_SECRET or stripe.webhook_secret_file
  std::string api_base = "https://api.stripe.com";
};

// Discord (issue 11): on when client_id is set; then the secret, bot token, guild and at least
// one paid role are required. The webhook URL holds its own token, so it is a secret too.
struct DiscordConfig {
  std::string client_id;      // the application's OAuth2 client id
  std::string client_secret;  // TENURE_DISCORD_CLIENT_SECRET or discord.client_secret_file
  std::string bot_token;      // TENURE_DISCORD_BOT_TOKEN or discord.bot_token_file
  std::string guild_id;
  std::vector<std::string> paid_role_ids;  // discord.paid_role_ids = "111,222"
  // TENURE_DISCORD_CHECKOUT_WEBHOOK_URL or discord.checkout_webhook_url_file; empty: no posts.
  std::string checkout_webhook_url;
  int checkout_posts_per_hour = 30;        // per customer; more are not posted
  int sync_interval_seconds = 60;          // how often licenses crossing grace are noticed
  int reconcile_interval_seconds = 21600;  // how often every member's roles are checked
  std::string authorize_url = "https://discord.com/oauth2/authorize";
  std::string token_url = "https://discord.com/api/oauth2/token";
  std::string api_base = "https://discord.com/api/v10";

  bool enabled() const { return !client_id.empty(); }
};

// Who sells the program (issue 14 item 7): named on every receipt, as a receipt must; and the
// brand every page and email shows (issue 14 item 10; config_branding.cpp).
struct SellerConfig {
  std::string name;     // "Example Software Ltd"
  std::string address;  // one or more lines
  std::string tax_id;   // a VAT or other tax number; empty: not shown
  // The program sold, shown as the brand; the default keeps an unbranded install as it was.
  std::string product_name = "Tenure";
  std::string logo_file;          // the path configured; empty: no logo
  std::string logo;               // its bytes, read and checked at start
  std::string logo_content_type;  // from its magic bytes: image/png, image/svg+xml, ...
  std::string accent_color;       // "#rrggbb" in lowercase; empty: the stylesheet's own
};

// Issue 13: what one client may hold open and how often it may repeat a write, what operators
// watch (metrics, logs), and how SQLite's write-ahead log is kept small.
struct LimitsConfig {
  int max_connections_per_address = 64;
  // Reverse proxies whose X-Forwarded-For names the client ("127.0.0.1,::1"); empty: none.
  std::vector<std::string> trusted_proxies;
  uint64_t min_body_bytes_per_second = 1024;
  // Bodies of forms and API calls; webhooks get http.max_body_bytes, uploads their own.
  uint64_t max_form_bytes = 256 << 10;
  // Writes a customer can repeat (routes.hpp Limit::kWrite), per account and per address, in
  // windows of write_window_seconds; more answer 429 with Retry-After.
  int writes_per_account = 60;
  int writes_per_address = 300;
  int write_window_seconds = 600;
};

struct Config {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::string database = "sqlite://tenure.db";
  std::string docs_dir;  // default: the repository's docs/
  std::string public_url = "http://127.0.0.1:8080";
  bool public_url_set = false;  // false: public_url follows listen (LoadConfig)
  bool access_log = true;

  int http_threads = 2;
  int hash_threads = 2;
  uint64_t max_body_bytes = 1 << 20;
  int max_connections = 2048;
  int idle_timeout_seconds = 60;
  int request_timeout_seconds = 30;
  // A request's head: its target over max_target_bytes is 414, its header fields over
  // max_header_bytes 431, not all there within header_timeout_seconds 408.
  uint64_t max_target_bytes = 8 << 10;
  uint64_t max_header_bytes = 16 << 10;
  int header_timeout_seconds = 10;

  LimitsConfig limits;
  // GET /metrics needs "Authorization: Bearer <token>"; empty (the default): /metrics is 404.
  std::string metrics_token;        // TENURE_METRICS_TOKEN or metrics.token_file
  std::string log_format = "text";  // text | json: one JSON object a line (issue 13)
  bool log_jobs = true;             // a line for each job step that did something

  SmtpConfig smtp;
  SellerConfig seller;
  int outbox_interval_ms = 2000;      // how often the outbox worker looks for due mail
  int renewal_interval_seconds = 60;  // how often `serve` runs the renewal job
  domain::LicensePolicy license;
  domain::ProgramPolicy program;             // machines, heartbeats, leases (issue 9)
  domain::SessionPolicy sessions;            // dashboard sessions' lifetime and idle timeout
  std::string billing_provider = "offline";  // offline (test cards, no network) | stripe
  StripeConfig stripe;
  DiscordConfig discord;
  // Releases (issue 12): where published files live, and the largest upload accepted.
  std::string releases_dir = "releases";
  uint64_t release_max_upload_bytes = uint64_t{2} << 30;
  // Issue 10: support and admin accounts must turn on two-factor authentication before any
  // staff page opens.
  bool staff_two_factor_required = false;
  // Accounts one address may create per hour (issue 10); more answer 429.
  int sign_ups_per_address_hour = 10;
  // Tests only (issue 8): when set, every command runs on the time held in this file (the
  // SharedFileClock) instead of the system clock, and `tenure clock` moves it. Empty (the
  // default, and always in production): the system clock.
  std::string test_clock_file;

  bool SecureCookies() const { return public_url.starts_with("https://"); }
};

// `toml_text` may be empty (no --config); `env` holds the process environment.
Result<Config> LoadConfig(const std::string& toml_text,
                          const std::map<std::string, std::string>& env);
// Reads the file at `path` (empty: none) and the real environment.
Result<Config> LoadConfigFromProcess(const std::string& path);

}  // namespace tenure
