#include "account_security_helpers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "core/totp.hpp"

namespace tenure::http_test {

std::string CsrfOf(Browser& b, std::string_view page) {
  const HttpResponse r = b.Get(page);
  EXPECT_EQ(r.status, 200) << page << ": " << ::testing::PrintToString(r);
  return CsrfField(r.body);
}

HttpResponse Submit(Browser& b, std::string_view page, std::string_view action, Fields form) {
  form.emplace_back("csrf", CsrfOf(b, page));
  return b.Post(action, form);
}

HttpResponse SignInForm(Browser& b, std::string_view email, std::string_view password) {
  return Submit(b, "/sign-in", "/sign-in",
                {{"email", std::string(email)}, {"password", std::string(password)}});
}

HttpResponse ProgramSignIn(const std::string& base, std::string_view email,
                           std::string_view password, std::string_view fingerprint,
                           std::string_view otp) {
  nlohmann::json body = {{"email", email},
                         {"password", password},
                         {"machine",
                          {{"fingerprint", fingerprint},
                           {"name", "Machine " + std::string(fingerprint)},
                           {"os", "Linux"},
                           {"app_version", "2.4.1"}}}};
  if (!otp.empty()) body["otp"] = otp;
  return Browser(base).Send("POST", "/api/v1/sessions", body.dump(),
                            {{"Content-Type", "application/json"}});
}

HttpResponse ProgramLicense(const std::string& base, std::string_view token) {
  return Browser(base).Get("/api/v1/license", {{"Authorization", "Bearer " + std::string(token)}});
}

std::string LinkInEmail(Database& db, std::string_view to, std::string_view subject,
                        std::string_view path) {
  const std::string text = LastEmailText(db, to, subject).value_or("");
  const std::regex link(std::string("https?://[^/\\s]+(") + std::string(path) +
                        "\\?token=[A-Za-z0-9_-]+)");
  std::smatch m;
  return std::regex_search(text, m, link) ? m[1].str() : std::string();
}

std::string CodeAt(std::string_view shown_key, int64_t now) {
  const auto key = Base32Decode(shown_key);
  EXPECT_TRUE(key) << "not a Base32 key: " << shown_key;
  return Totp(key.value_or(""), std::chrono::sys_seconds(std::chrono::seconds(now)));
}

}  // namespace tenure::http_test
