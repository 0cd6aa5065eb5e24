#include "config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace tenure {
namespace {

TEST(Config, DefaultsWithoutFileOrEnvironment) {
  auto c = LoadConfig("", {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen_address, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->license.monthly_price.cents(), 5000);
  EXPECT_FALSE(c->SecureCookies());
  EXPECT_TRUE(c->docs_dir.ends_with("/docs"));
}

TEST(Config, ThePublicUrlFollowsListenUntilSet) {
  EXPECT_EQ(LoadConfig("", {})->public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(LoadConfig("listen = \"127.0.0.1:9123\"", {})->public_url, "http://127.0.0.1:9123");
  EXPECT_EQ(LoadConfig("", {{"TENURE_LISTEN", "0.0.0.0:80"}})->public_url, "http://127.0.0.1:80");
  EXPECT_EQ(LoadConfig("", {{"TENURE_LISTEN", "[::]:8443"}})->public_url, "http://[::1]:8443");
  EXPECT_EQ(LoadConfig("", {{"TENURE_LISTEN", "[2001:db8::1]:8080"}})->public_url,
            "http://[2001:db8::1]:8080");
  EXPECT_EQ(
      LoadConfig("listen = \"127.0.0.1:9123\"\npublic_url = \"https://licenses.example.com\"", {})
          ->public_url,
      "https://licenses.example.com");
}

TEST(Config, FileThenEnvironmentOverrides) {
  auto c = LoadConfig(R"(
listen = "0.0.0.0:9000"
database = "sqlite:///var/lib/tenure/tenure.db"
public_url = "https://licenses.example.com/"
[http]
threads = 4
[smtp]
host = "smtp.example.com"
port = 465
tls = "tls"
[license]
price_cents = 4500
grace_hours = 48
)",
                      {{"TENURE_LISTEN", "127.0.0.1:8181"},
                       {"TENURE_SMTP_PASSWORD", "s3cret"},
                       {"PATH", "/usr/bin"},
                       {"TENURE_DEMO_PASSWORD", "ignored-here"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen_port, 8181);
  EXPECT_EQ(c->database, "sqlite:///var/lib/tenure/tenure.db");
  EXPECT_EQ(c->public_url, "https://licenses.example.com");
  EXPECT_TRUE(c->SecureCookies());
  EXPECT_EQ(c->http_threads, 4);
  EXPECT_EQ(c->smtp.port, 465);
  EXPECT_EQ(c->smtp.tls, "tls");
  EXPECT_EQ(c->smtp.password, "s3cret");
  EXPECT_EQ(c->license.monthly_price.cents(), 4500);
  EXPECT_EQ(c->license.grace, std::chrono::hours(48));
}

TEST(Config, RejectsUnknownKeysAndVariables) {
  auto file = LoadConfig("listne = \"127.0.0.1:1\"\n", {});
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find("listne"), std::string::npos);
  auto nested = LoadConfig("[http]\nthreds = 2\n", {});
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().message.find("http.threds"), std::string::npos);
  auto env = LoadConfig("", {{"TENURE_LISTNE", "x"}});
  ASSERT_FALSE(env);
  EXPECT_NE(env.error().message.find("TENURE_LISTNE"), std::string::npos);
}

TEST(Config, SecretsNeverComeFromTheFile) {
  auto c = LoadConfig("[smtp]\npassword = \"hunter2\"\n", {});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("TENURE_SMTP_PASSWORD"), std::string::npos);
  EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos);
}

TEST(Config, ValidatesValues) {
  for (auto [key, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"TENURE_LISTEN", "localhost"},
           {"TENURE_LISTEN", "127.0.0.1:99999"},
           {"TENURE_DATABASE", "mysql://x"},
           {"TENURE_DATABASE", "sqlite://"},
           {"TENURE_PUBLIC_URL", "ftp://x"},
           {"TENURE_HTTP_THREADS", "0"},
           {"TENURE_HTTP_THREADS", "two"},
           {"TENURE_SMTP_TLS", "maybe"},
           {"TENURE_ACCESS_LOG", "sometimes"},
           {"TENURE_PRICE_CENTS", "-1"},
           {"TENURE_SMTP_PASSWORD_FILE", "/nonexistent/secret"}}) {
    EXPECT_FALSE(LoadConfig("", {{key, value}})) << key << "=" << value;
  }
  EXPECT_FALSE(LoadConfig("listen = [1, 2]\n", {}));
  EXPECT_FALSE(LoadConfig("listen = \n", {}));  // TOML syntax error
}

// Issue 14 item 7: the seller every receipt names, from the file, the environment winning.
TEST(Config, TheSellerForReceipts) {
  auto none = LoadConfig("", {});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->seller.name, "");
  auto c = LoadConfig(R"([seller]
name = "Example Software Ltd"
address = "1 Main Street\nSpringfield"
tax_id = "GB123456789"
)",
                      {{"TENURE_SELLER_TAX_ID", "GB987654321"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->seller.name, "Example Software Ltd");
  EXPECT_EQ(c->seller.address, "1 Main Street\nSpringfield");
  EXPECT_EQ(c->seller.tax_id, "GB987654321");
  EXPECT_FALSE(LoadConfig("", {{"TENURE_SELLER_NAME", std::string(201, 'x')}}));
  EXPECT_FALSE(LoadConfig("[seller]\ncity = \"x\"\n", {})) << "unknown keys stay errors";
}

TEST(Config, AcceptsEveryDatabaseUrlForm) {
  for (const char* url :
       {"sqlite:///abs/path.db", "sqlite://relative.db", "postgresql://user:pass@host/db"}) {
    auto c = LoadConfig("", {{"TENURE_DATABASE", url}});
    ASSERT_TRUE(c) << url;
    EXPECT_EQ(c->database, url);
  }
}

// Issue 4: the payment provider and Stripe's secrets.
TEST(Config, TheOfflineProviderIsTheDefaultAndNeedsNoSecrets) {
  auto c = LoadConfig("", {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->billing_provider, "offline");
  EXPECT_EQ(c->stripe.api_base, "https://api.stripe.com");
  EXPECT_TRUE(c->stripe.secret_key.empty());
}

TEST(Config, StripeTakesItsSecretsFromTheEnvironmentOrFiles) {
  auto env = LoadConfig("[billing]\nprovider = \"stripe\"\n",
                        {{"TENURE_STRIPE_SECRET_KEY", "sk_test_123"},
                         {"TENURE_STRIPE_WEBHOOK_SECRET", "whsec_456"},
                         {"TENURE_STRIPE_API_BASE", "http://127.0.0.1:12111/"}});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->billing_provider, "stripe");
  EXPECT_EQ(env->stripe.secret_key, "sk_test_123");
  EXPECT_EQ(env->stripe.webhook_secret, "whsec_456");
  EXPECT_EQ(env->stripe.api_base, "http://127.0.0.1:12111");

  testing::TempDir dir;
  std::ofstream(dir.File("key")) << "rk_live_789\n";
  std::ofstream(dir.File("hook")) << "whsec_abc";
  auto files = LoadConfig("[stripe]\nsecret_key_file = \"" + dir.File("key") + "\"\n",
                          {{"TENURE_BILLING_PROVIDER", "stripe"},
                           {"TENURE_STRIPE_WEBHOOK_SECRET_FILE", dir.File("hook")}});
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->stripe.secret_key, "rk_live_789");
  EXPECT_EQ(files->stripe.webhook_secret, "whsec_abc");
}

TEST(Config, StripeWithoutBothSecretsDoesNotStart) {
  auto none = LoadConfig("", {{"TENURE_BILLING_PROVIDER", "stripe"}});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("TENURE_STRIPE_SECRET_KEY"), std::string::npos);
  auto no_hook = LoadConfig(
      "", {{"TENURE_BILLING_PROVIDER", "stripe"}, {"TENURE_STRIPE_SECRET_KEY", "sk_test_1"}});
  ASSERT_FALSE(no_hook);
  EXPECT_NE(no_hook.error().message.find("TENURE_STRIPE_WEBHOOK_SECRET"), std::string::npos);
  auto publishable = LoadConfig("", {{"TENURE_BILLING_PROVIDER", "stripe"},
                                     {"TENURE_STRIPE_SECRET_KEY", "pk_test_1"},
                                     {"TENURE_STRIPE_WEBHOOK_SECRET", "whsec_1"}});
  ASSERT_FALSE(publishable);
  EXPECT_EQ(publishable.error().message.find("pk_test_1"), std::string::npos) << "no echo";
}

TEST(Config, StripeSecretsNeverComeFromTheFile) {
  for (const char* key : {"secret_key", "webhook_secret"}) {
    auto c = LoadConfig(std::string("[stripe]\n") + key + " = \"sk_live_leaked\"\n", {});
    ASSERT_FALSE(c) << key;
    EXPECT_NE(c.error().message.find("TENURE_STRIPE_"), std::string::npos);
    EXPECT_EQ(c.error().message.find("sk_live_leaked"), std::string::npos);
  }
}

TEST(Config, ValidatesTheProviderAndTheApiBase) {
  for (auto [key, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"TENURE_BILLING_PROVIDER", "paypal"},
           {"TENURE_STRIPE_API_BASE", "http://api.stripe.com"},
           {"TENURE_STRIPE_API_BASE", "http://127.0.0.1.example.com"},
           {"TENURE_STRIPE_API_BASE", "ftp://127.0.0.1"},
           {"TENURE_STRIPE_SECRET_KEY_FILE", "/nonexistent/secret"}}) {
    EXPECT_FALSE(LoadConfig("", {{key, value}})) << key << "=" << value;
  }
  EXPECT_TRUE(LoadConfig("", {{"TENURE_STRIPE_API_BASE", "http://localhost:12111"}}));
}

// Issue 8: the shared test clock is off unless a test turns it on.
TEST(Config, TheTestClockIsOffByDefaultAndTakesAFileFromTomlOrEnvironment) {
  auto none = LoadConfig("", {});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->test_clock_file.empty());
  auto toml = LoadConfig("test_clock_file = \"/tmp/run/clock\"\n", {});
  ASSERT_TRUE(toml) << toml.error().message;
  EXPECT_EQ(toml->test_clock_file, "/tmp/run/clock");
  auto env = LoadConfig("test_clock_file = \"/tmp/run/clock\"\n",
                        {{"TENURE_TEST_CLOCK_FILE", "/tmp/other/clock"}});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->test_clock_file, "/tmp/other/clock");
}

TEST(Config, TheTestClockSettingIsValidatedAndOtherTestVariablesStayIgnored) {
  EXPECT_FALSE(LoadConfig("", {{"TENURE_TEST_CLOCK_FILE", ""}}));
  EXPECT_FALSE(LoadConfig("", {{"TENURE_TEST_CLOCK_FILE", "/tmp/run/"}}));
  // Relative paths would let `serve` and `tenure clock` in other directories share nothing.
  EXPECT_FALSE(LoadConfig("", {{"TENURE_TEST_CLOCK_FILE", "clock"}}));
  EXPECT_FALSE(LoadConfig("test_clock_file = 3\n", {}));
  EXPECT_FALSE(LoadConfig("[test]\nclock_file = \"/tmp/clock\"\n", {})) << "unknown key";
  // The test suites' own variables are not settings and never stop the server.
  auto other = LoadConfig("", {{"TENURE_TEST_POSTGRES_URL", "postgresql://x/y"}});
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_TRUE(other->test_clock_file.empty());
}

// Issue 10 item 5: a dashboard session's absolute lifetime and idle timeout.
TEST(Config, SessionsLiveThirtyDaysAndEndAfterFourteenIdleByDefaultBothInHours) {
  auto defaults = LoadConfig("", {});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->sessions.lifetime, std::chrono::days(30));
  EXPECT_EQ(defaults->sessions.idle_timeout, std::chrono::days(14));
  auto c = LoadConfig("[sessions]\nlifetime_hours = 168\nidle_timeout_hours = 48\n",
                      {{"TENURE_SESSION_IDLE_TIMEOUT_HOURS", "8"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sessions.lifetime, std::chrono::hours(168));
  EXPECT_EQ(c->sessions.idle_timeout, std::chrono::hours(8));
  for (const char* bad : {"0", "8761", "2d", "-1"}) {
    auto refused = LoadConfig("", {{"TENURE_SESSION_LIFETIME_HOURS", bad}});
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("sessions.lifetime_hours"), std::string::npos);
  }
}

// Issue 11: Discord is off by default; on, it needs all of its setup, secrets from env/files.
TEST(Config, DiscordIsOffByDefaultAndOnNeedsItsWholeSetup) {
  auto off = LoadConfig("", {});
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_FALSE(off->discord.enabled());
  EXPECT_EQ(off->discord.api_base, "https://discord.com/api/v10");

  testing::TempDir dir;
  std::ofstream(dir.File("bot")) << "bot-token-1\n";
  auto on = LoadConfig(
      "[discord]\nclient_id = \"1100\"\nguild_id = \"2200\"\npaid_role_ids = \"31, 32\"\n"
      "bot_token_file = \"" +
          dir.File("bot") + "\"\napi_base = \"http://127.0.0.1:9/api/v10/\"\n",
      {{"TENURE_DISCORD_CLIENT_SECRET", "s3cret"},
       {"TENURE_DISCORD_CHECKOUT_WEBHOOK_URL", "https://discord.com/api/webhooks/1/tok"}});
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE(on->discord.enabled());
  EXPECT_EQ(on->discord.bot_token, "bot-token-1");
  EXPECT_EQ(on->discord.client_secret, "s3cret");
  EXPECT_EQ(on->discord.paid_role_ids, (std::vector<std::string>{"31", "32"}));
  EXPECT_EQ(on->discord.api_base, "http://127.0.0.1:9/api/v10");
  EXPECT_EQ(on->discord.checkout_webhook_url, "https://discord.com/api/webhooks/1/tok");

  const std::map<std::string, std::string> whole = {{"TENURE_DISCORD_CLIENT_ID", "1100"},
                                                    {"TENURE_DISCORD_CLIENT_SECRET", "s"},
                                                    {"TENURE_DISCORD_BOT_TOKEN", "b"},
                                                    {"TENURE_DISCORD_GUILD_ID", "2200"},
                                                    {"TENURE_DISCORD_PAID_ROLE_IDS", "31"}};
  EXPECT_TRUE(LoadConfig("", whole));
  for (const char* missing : {"TENURE_DISCORD_CLIENT_SECRET", "TENURE_DISCORD_BOT_TOKEN",
                              "TENURE_DISCORD_GUILD_ID", "TENURE_DISCORD_PAID_ROLE_IDS"}) {
    auto env = whole;
    env.erase(missing);
    EXPECT_FALSE(LoadConfig("", env)) << "without " << missing;
  }
  auto part = LoadConfig("", {{"TENURE_DISCORD_BOT_TOKEN", "b"}});
  ASSERT_FALSE(part);
  EXPECT_NE(part.error().message.find("client id"), std::string::npos);
  for (auto [key, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"TENURE_DISCORD_GUILD_ID", "my-server"},
           {"TENURE_DISCORD_PAID_ROLE_IDS", "31,,32"},
           {"TENURE_DISCORD_PAID_ROLE_IDS", "admin"},
           {"TENURE_DISCORD_API_BASE", "http://discord.com/api/v10"},
           {"TENURE_DISCORD_CHECKOUT_WEBHOOK_URL", "http://discord.com/api/webhooks/1/t"}}) {
    auto env = whole;
    env[key] = value;
    EXPECT_FALSE(LoadConfig("", env)) << key << "=" << value;
  }
  for (const char* key : {"client_secret", "bot_token", "checkout_webhook_url"}) {
    auto leaked = LoadConfig(std::string("[discord]\n") + key + " = \"leaked-value\"\n", {});
    ASSERT_FALSE(leaked) << key;
    EXPECT_EQ(leaked.error().message.find("leaked-value"), std::string::npos);
  }
}

// Issue 13: what one client may hold and repeat, the metrics' token, the logs' format.
TEST(Config, HardeningLimitsHaveDefaultsAndAreValidated) {
  auto defaults = LoadConfig("", {});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limits.max_connections_per_address, 64);
  EXPECT_EQ(defaults->limits.min_body_bytes_per_second, 1024u);
  EXPECT_EQ(defaults->limits.max_form_bytes, 256u << 10);
  EXPECT_EQ(defaults->limits.writes_per_account, 60);
  EXPECT_TRUE(defaults->limits.trusted_proxies.empty());
  EXPECT_TRUE(defaults->metrics_token.empty());
  EXPECT_EQ(defaults->log_format, "text");

  auto set = LoadConfig(
      "[http]\ntrusted_proxies = \"127.0.0.1, ::1\"\nmax_connections_per_address = 8\n"
      "[rate_limits]\nwrites_per_account = 5\nwindow_seconds = 60\n[log]\nformat = \"json\"\n",
      {{"TENURE_METRICS_TOKEN", "a-metrics-token-of-some-length"}});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->limits.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(set->limits.max_connections_per_address, 8);
  EXPECT_EQ(set->limits.writes_per_account, 5);
  EXPECT_EQ(set->limits.write_window_seconds, 60);
  EXPECT_EQ(set->log_format, "json");
  EXPECT_EQ(set->metrics_token, "a-metrics-token-of-some-length");

  EXPECT_FALSE(LoadConfig("[http]\ntrusted_proxies = \"proxy.example\"\n", {}));
  EXPECT_FALSE(LoadConfig("[log]\nformat = \"xml\"\n", {}));
  EXPECT_FALSE(LoadConfig("", {{"TENURE_METRICS_TOKEN", "short"}}));
  const auto in_file = LoadConfig("[metrics]\ntoken = \"a-metrics-token-of-some-length\"\n", {});
  ASSERT_FALSE(in_file);
  EXPECT_NE(in_file.error().message.find("secrets never go in the config file"), std::string::npos);
}

}  // namespace
}  // namespace tenure
