#include "config.hpp"

#include <gtest/gtest.h>

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

TEST(Config, AcceptsEveryDatabaseUrlForm) {
  for (const char* url :
       {"sqlite:///abs/path.db", "sqlite://relative.db", "postgresql://user:pass@host/db"}) {
    auto c = LoadConfig("", {{"TENURE_DATABASE", url}});
    ASSERT_TRUE(c) << url;
    EXPECT_EQ(c->database, url);
  }
}

}  // namespace
}  // namespace tenure
