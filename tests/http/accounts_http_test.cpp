// Accounts over real HTTP (PRODUCT.md: Accounts; ENGINEERING.md habit 11): sign-up, sign-in,
// sign-out, CSRF, session rotation, throttling, the staff area, and the response basics every
// page shares (security headers, caching, compression, limits, graceful shutdown).
#include <gmock/gmock.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "server_fixture.hpp"

namespace tenure::http_test {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kSession[] = "tenure_session";
constexpr char kCsrf[] = "tenure_csrf";
constexpr char kPassword[] = "a-good-long-password";
constexpr char kWrongPassword[] = "not-the-password-1";
constexpr char kWrongSignIn[] = "The email or password is not right. Check them and try again.";
constexpr char kExpiredForm[] = "This form has expired";

std::string Gunzip(const std::string& data) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return {};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

// What every test does through a browser. Failures inside are reported at the caller's
// line through the returned responses; helpers only add context.
template <class Setup>
class AccountsBase : public ServerSuite<Setup> {
 protected:
  using ServerSuite<Setup>::NewBrowser;
  using ServerSuite<Setup>::Db;

  // Opens a public form page (setting the tenure_csrf cookie) and returns its csrf field.
  static std::string FormCsrf(Browser& b, std::string_view page) {
    const HttpResponse form = b.Get(page);
    EXPECT_EQ(form.status, 200) << page << ": " << ::testing::PrintToString(form);
    const std::string csrf = CsrfField(form.body);
    EXPECT_FALSE(csrf.empty()) << page << " carries no csrf field";
    return csrf;
  }

  // The session's CSRF token, from the sign-out form on Home.
  static std::string SessionCsrf(Browser& b) {
    const HttpResponse home = b.Get("/home");
    EXPECT_EQ(home.status, 200) << ::testing::PrintToString(home);
    const std::string csrf = CsrfField(home.body);
    EXPECT_FALSE(csrf.empty());
    return csrf;
  }

  static HttpResponse SignUp(Browser& b, std::string_view email, std::string_view password,
                             bool terms = true) {
    Fields form = {{"csrf", FormCsrf(b, "/sign-up")},
                   {"email", std::string(email)},
                   {"password", std::string(password)}};
    if (terms) form.emplace_back("terms", "yes");
    return b.Post("/sign-up", form);
  }

  static HttpResponse SignIn(Browser& b, std::string_view email, std::string_view password,
                             std::string_view next = "") {
    Fields form = {{"csrf", FormCsrf(b, "/sign-in")},
                   {"email", std::string(email)},
                   {"password", std::string(password)}};
    if (!next.empty()) form.emplace_back("next", std::string(next));
    return b.Post("/sign-in", form);
  }

  // A browser signed in as `email`; the caller checks `ok`.
  static Browser SignedIn(std::string_view email, std::string_view password = kDemoPassword) {
    Browser b = NewBrowser();
    const HttpResponse r = SignIn(b, email, password);
    EXPECT_EQ(r.status, 303) << "signing in " << email << ": " << ::testing::PrintToString(r);
    EXPECT_TRUE(b.Cookie(kSession).has_value());
    return b;
  }

  // Whether a session token, alone in a fresh browser, opens Home.
  static bool TokenOpensHome(const std::string& token) {
    Browser b = NewBrowser();
    b.SetCookie(kSession, token);
    const HttpResponse home = b.Get("/home");
    EXPECT_TRUE(home.status == 200 || home.status == 303) << ::testing::PrintToString(home);
    return home.status == 200;
  }

  static int64_t UserId(Database& db, std::string_view email) {
    return db.Int("SELECT id FROM users WHERE email = ?", {std::string(email)}).value_or(-1);
  }
  // Dashboard sessions: the demo customer's machines hold program sessions too (issue 9).
  static int64_t SessionsOf(Database& db, std::string_view email) {
    return db.Count(
        "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ? "
        "AND s.kind = 'dashboard'",
        {std::string(email)});
  }
  static int64_t Attempts(Database& db, std::string_view email) {
    return db.Count("SELECT COUNT(*) FROM sign_in_attempts WHERE email = ?", {std::string(email)});
  }
};

class AccountsHttpTest : public AccountsBase<DefaultServer> {};

// ---- Sign-up ----------------------------------------------------------------------------

TEST_F(AccountsHttpTest, SignUpFormSetsTheDoubleSubmitCsrfCookie) {
  Browser b = NewBrowser();
  const HttpResponse page = b.Get("/sign-up");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.Header("content-type"), StartsWith("text/html"));
  EXPECT_EQ(page.Header("cache-control"), "no-store");
  const auto cookie = page.Cookie(kCsrf);
  ASSERT_TRUE(cookie.has_value()) << ::testing::PrintToString(page);
  EXPECT_GE(cookie->value.size(), 20u);
  EXPECT_TRUE(cookie->Has("HttpOnly"));
  EXPECT_EQ(cookie->Attribute("SameSite"), "Lax");
  EXPECT_EQ(cookie->Attribute("Path"), "/");
  EXPECT_FALSE(cookie->Has("Secure")) << "public URL is http://";
  // The form carries the same token as the cookie (double submit).
  EXPECT_EQ(CsrfField(page.body), cookie->value);
  // A second visit keeps the token instead of minting one per page view.
  const HttpResponse again = b.Get("/sign-up");
  EXPECT_FALSE(again.Cookie(kCsrf).has_value());
  EXPECT_EQ(CsrfField(again.body), cookie->value);
}

TEST_F(AccountsHttpTest, SignUpCreatesCustomerWithTermsLicenseAndSession) {
  Browser b = NewBrowser();
  const HttpResponse form = b.Get("/sign-up");
  std::smatch m;
  const std::string text = form.Text();
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(\(version ([^)]+)\))")))
      << "the form names the terms version";
  const std::string terms_version = m[1];

  const int64_t before = UnixNow();
  const HttpResponse r = SignUp(b, "  New.Customer@Example.COM ", kPassword);
  const int64_t after = UnixNow();
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/home");
  const auto session = r.Cookie(kSession);
  ASSERT_TRUE(session.has_value()) << ::testing::PrintToString(r);
  EXPECT_GE(session->value.size(), 20u);
  EXPECT_TRUE(session->Has("HttpOnly"));
  EXPECT_EQ(session->Attribute("SameSite"), "Lax");
  EXPECT_EQ(session->Attribute("Path"), "/");
  EXPECT_EQ(session->Attribute("Max-Age"), std::to_string(30 * 24 * 3600));
  EXPECT_FALSE(session->Has("Secure"));

  const HttpResponse home = b.Get("/home");
  ASSERT_EQ(home.status, 200) << ::testing::PrintToString(home);
  EXPECT_THAT(home.Text(), AllOf(HasSubstr("Account Renewal"), HasSubstr("No license yet"),
                                 HasSubstr("new.customer@example.com")));

  // PRODUCT.md: the exact terms version and the time are stored with the account; one
  // license per account, unpaid until purchase.
  auto db = Db();
  const int64_t id = UserId(db, "new.customer@example.com");
  ASSERT_GT(id, 0) << "the email is stored trimmed and lowercased";
  EXPECT_EQ(db.Text("SELECT role FROM users WHERE id = ?", {id}), "customer");
  EXPECT_EQ(db.Text("SELECT terms_version FROM users WHERE id = ?", {id}), terms_version);
  const auto accepted = db.Int("SELECT terms_accepted_at FROM users WHERE id = ?", {id});
  ASSERT_TRUE(accepted.has_value());
  EXPECT_GE(*accepted, before - 1);
  EXPECT_LE(*accepted, after + 1);
  EXPECT_NE(db.Text("SELECT password_hash FROM users WHERE id = ?", {id}), kPassword);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM licenses WHERE user_id = ? AND expires_at IS NULL "
                     "AND auto_renew = 0",
                     {id}),
            1);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM sessions WHERE user_id = ?", {id}), 1);
  const std::string subject = "user:" + std::to_string(id);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.sign_up' AND subject = ?",
                     {subject}),
            1);
  const auto license_id = db.Int("SELECT id FROM licenses WHERE user_id = ?", {id});
  ASSERT_TRUE(license_id.has_value());
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'license.create' AND "
                     "subject = ?",
                     {"license:" + std::to_string(*license_id)}),
            1);
}

TEST_F(AccountsHttpTest, SignUpRejectsBadEmailKeepingWhatWasTyped) {
  Browser b = NewBrowser();
  const HttpResponse r = SignUp(b, "not-an-email", kPassword, /*terms=*/true);
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("That doesn't look like an email address."));
  const auto email = FindInput(r.body, "email");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(email->Get("value"), "not-an-email");
  EXPECT_EQ(email->Get("aria-invalid"), "true");
  const auto terms = FindInput(r.body, "terms");
  ASSERT_TRUE(terms.has_value());
  EXPECT_TRUE(terms->Has("checked")) << "the tick the visitor gave is kept";
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  EXPECT_FALSE(CsrfField(r.body).empty()) << "the form can be sent again";
  auto db = Db();
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM users WHERE email = 'not-an-email'"), 0);
}

TEST_F(AccountsHttpTest, SignUpRejectsShortPasswordWithoutEchoingIt) {
  Browser b = NewBrowser();
  const HttpResponse r = SignUp(b, "short.password@example.com", "short-pw", /*terms=*/true);
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Use a password of at least 10 characters."));
  EXPECT_THAT(r.body, Not(HasSubstr("short-pw"))) << "a password is never echoed into HTML";
  const auto email = FindInput(r.body, "email");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(email->Get("value"), "short.password@example.com");
  const auto password = FindInput(r.body, "password");
  ASSERT_TRUE(password.has_value());
  EXPECT_EQ(password->Get("aria-invalid"), "true");
  EXPECT_FALSE(password->Has("value"));
  const auto terms = FindInput(r.body, "terms");
  ASSERT_TRUE(terms.has_value());
  EXPECT_TRUE(terms->Has("checked"));
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  auto db = Db();
  EXPECT_EQ(UserId(db, "short.password@example.com"), -1);
}

TEST_F(AccountsHttpTest, SignUpRequiresTheTermsTick) {
  Browser b = NewBrowser();
  const HttpResponse r = SignUp(b, "no.terms@example.com", kPassword, /*terms=*/false);
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Please accept the Terms & Conditions to continue."));
  const auto email = FindInput(r.body, "email");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(email->Get("value"), "no.terms@example.com");
  const auto terms = FindInput(r.body, "terms");
  ASSERT_TRUE(terms.has_value());
  EXPECT_FALSE(terms->Has("checked"));
  EXPECT_EQ(terms->Get("aria-invalid"), "true");
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  auto db = Db();
  EXPECT_EQ(UserId(db, "no.terms@example.com"), -1);
}

TEST_F(AccountsHttpTest, SignUpRefusesADuplicateAccountInAnyLetterCase) {
  Browser first = NewBrowser();
  ASSERT_EQ(SignUp(first, "twice@example.com", kPassword).status, 303);

  Browser second = NewBrowser();
  const HttpResponse r = SignUp(second, "Twice@Example.com", "another-password-2");
  EXPECT_EQ(r.status, 409) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("An account with this email already exists. Sign in instead."));
  const auto email = FindInput(r.body, "email");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(email->Get("value"), "Twice@Example.com") << "what was typed, as typed";
  const auto terms = FindInput(r.body, "terms");
  ASSERT_TRUE(terms.has_value());
  EXPECT_TRUE(terms->Has("checked"));
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  auto db = Db();
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM users WHERE lower(email) = 'twice@example.com'"), 1);
  // The first password still signs in: the duplicate changed nothing.
  Browser third = NewBrowser();
  EXPECT_EQ(SignIn(third, "twice@example.com", kPassword).status, 303);
}

TEST_F(AccountsHttpTest, SignUpRefusesThePasswordBeingTheEmail) {
  Browser b = NewBrowser();
  const HttpResponse r = SignUp(b, "same.as.email@example.com", "same.as.email@example.com");
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Your password can't be your email address."));
}

// Issue 10: a long but guessable password is refused, and the page says why.
TEST_F(AccountsHttpTest, SignUpRefusesAGuessablePasswordSayingWhy) {
  Browser b = NewBrowser();
  const HttpResponse r = SignUp(b, "common.password@example.com", "password123456");
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("This is a common word with a few characters added. Add a "
                                  "few more unrelated words."));
  EXPECT_THAT(r.body, Not(HasSubstr("password123456"))) << "a password is never echoed";
  auto db = Db();
  EXPECT_EQ(UserId(db, "common.password@example.com"), -1);
}

TEST_F(AccountsHttpTest, SignedInVisitorIsSentHomeFromTheForms) {
  Browser b = SignedIn(kDemoCustomer);
  for (const char* page : {"/sign-in", "/sign-up", "/"}) {
    const HttpResponse r = b.Get(page);
    EXPECT_TRUE(r.status == 302 || r.status == 303) << page << ": " << ::testing::PrintToString(r);
    EXPECT_EQ(r.Header("location"), "/home") << page;
  }
}

// ---- Sign-in ----------------------------------------------------------------------------

TEST_F(AccountsHttpTest, SignInStartsASessionAndOpensHome) {
  Browser b = NewBrowser();
  auto db = Db();
  const int64_t sessions_before = SessionsOf(db, kDemoCustomer);
  const auto successes = [&] {
    return db.Count("SELECT COUNT(*) FROM sign_in_attempts WHERE email = ? AND success = 1",
                    {std::string(kDemoCustomer)});
  };
  const int64_t successes_before = successes();
  const HttpResponse r = SignIn(b, "Demo@Example.com", kDemoPassword);
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/home");
  const auto session = r.Cookie(kSession);
  ASSERT_TRUE(session.has_value());
  EXPECT_TRUE(session->Has("HttpOnly"));
  EXPECT_EQ(session->Attribute("SameSite"), "Lax");

  const HttpResponse home = b.Get("/home");
  ASSERT_EQ(home.status, 200) << ::testing::PrintToString(home);
  EXPECT_THAT(home.Text(), AllOf(HasSubstr("demo@example.com"), HasSubstr("Account Renewal"),
                                 HasSubstr("Valid until"), HasSubstr("renews automatically")));
  EXPECT_EQ(SessionsOf(db, kDemoCustomer), sessions_before + 1);
  EXPECT_EQ(successes(), successes_before + 1) << "recorded under the normalized email";
}

TEST_F(AccountsHttpTest, WrongPasswordIs401WithMessageAndNoSession) {
  Browser b = NewBrowser();
  auto db = Db();
  const auto failures = [&] {
    return db.Count("SELECT COUNT(*) FROM sign_in_attempts WHERE email = ? AND success = 0",
                    {std::string(kDemoSupport)});
  };
  const auto audited = [&] {
    return db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.sign_in_failed'");
  };
  const int64_t sessions_before = SessionsOf(db, kDemoSupport);
  const int64_t failures_before = failures();
  const int64_t audited_before = audited();
  const HttpResponse r = SignIn(b, kDemoSupport, kWrongPassword);
  EXPECT_EQ(r.status, 401) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr(kWrongSignIn));
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  EXPECT_FALSE(b.Cookie(kSession).has_value());
  EXPECT_THAT(r.body, Not(HasSubstr(kWrongPassword)));
  const auto email = FindInput(r.body, "email");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(email->Get("value"), kDemoSupport);
  EXPECT_EQ(b.Get("/home").status, 303) << "still signed out";
  EXPECT_EQ(SessionsOf(db, kDemoSupport), sessions_before);
  EXPECT_EQ(failures(), failures_before + 1);
  EXPECT_EQ(audited(), audited_before + 1);
}

TEST_F(AccountsHttpTest, UnknownEmailGetsTheSameAnswerAsAWrongPassword) {
  Browser b = NewBrowser();
  const HttpResponse unknown = SignIn(b, "nobody.here@example.com", kWrongPassword);
  const HttpResponse wrong = SignIn(b, kDemoAdmin, kWrongPassword);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(unknown.Text(), HasSubstr(kWrongSignIn));
  EXPECT_THAT(wrong.Text(), HasSubstr(kWrongSignIn));
  EXPECT_FALSE(unknown.Cookie(kSession).has_value());
}

TEST_F(AccountsHttpTest, SignInWithEmptyPasswordAsksForIt) {
  Browser b = NewBrowser();
  const HttpResponse r = SignIn(b, kDemoCustomer, "");
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Enter your password."));
  EXPECT_FALSE(r.Cookie(kSession).has_value());
}

TEST_F(AccountsHttpTest, HomeWithoutSessionRedirectsToSignInWithNext) {
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/home");
  EXPECT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/sign-in?next=/home");  // UrlEncode keeps '/'
  EXPECT_FALSE(r.Cookie(kSession).has_value());

  const HttpResponse form = b.Get(r.Header("location"));
  ASSERT_EQ(form.status, 200);
  const auto next = FindInput(form.body, "next");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->Get("value"), "/home");

  const HttpResponse staff = b.Get("/staff");
  EXPECT_EQ(staff.status, 303);
  EXPECT_EQ(staff.Header("location"), "/sign-in?next=/staff");
}

TEST_F(AccountsHttpTest, SignInReturnsToTheLocalPageItWasAskedFor) {
  Browser b = NewBrowser();
  const HttpResponse form = b.Get("/sign-in?next=/settings");
  ASSERT_EQ(form.status, 200);
  const auto next = FindInput(form.body, "next");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->Get("value"), "/settings");
  const HttpResponse r = b.Post("/sign-in", {{"csrf", CsrfField(form.body)},
                                             {"email", kDemoCustomer},
                                             {"password", kDemoPassword},
                                             {"next", next->Get("value")}});
  EXPECT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/settings");
  EXPECT_EQ(b.Get("/settings").status, 200);
}

TEST_F(AccountsHttpTest, SignInNeverRedirectsOffSite) {
  for (const char* next :
       {"//evil.example/x", "https://evil.example/", "/\\evil.example", "home"}) {
    Browser b = NewBrowser();
    const HttpResponse r = SignIn(b, kDemoCustomer, kDemoPassword, next);
    EXPECT_EQ(r.status, 303) << next;
    EXPECT_EQ(r.Header("location"), "/home") << "next=" << next;
  }
}

// BUG (header injection / response splitting): the sign-in `next` guard (now
// LocalPathOr, src/http/redirects.cpp) accepted any value starting with '/', control characters
// included, and the server adapter writes header values unchecked, so next="/home\r\nX-Injected:
// yes" adds a header to the sign-in response. A link to /sign-in?next=... carries it into the
// hidden field.
TEST_F(AccountsHttpTest, SignInNextWithLineBreakCannotInjectHeaders) {
  Browser b = NewBrowser();
  const HttpResponse r = SignIn(b, kDemoCustomer, kDemoPassword, "/home\r\nX-Injected: yes");
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_FALSE(r.HasHeader("x-injected")) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/home");
}

// ---- CSRF -------------------------------------------------------------------------------

TEST_F(AccountsHttpTest, SignInWithoutCsrfIsRefusedAndSignsNobodyIn) {
  Browser b = NewBrowser();
  ASSERT_FALSE(FormCsrf(b, "/sign-in").empty());
  auto db = Db();
  const int64_t sessions_before = SessionsOf(db, kDemoCustomer);
  const int64_t attempts_before = Attempts(db, kDemoCustomer);
  const HttpResponse r =
      b.Post("/sign-in", {{"email", kDemoCustomer}, {"password", kDemoPassword}});
  EXPECT_EQ(r.status, 403) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr(kExpiredForm));
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  EXPECT_EQ(SessionsOf(db, kDemoCustomer), sessions_before);
  EXPECT_EQ(Attempts(db, kDemoCustomer), attempts_before) << "refused before any sign-in attempt";
}

TEST_F(AccountsHttpTest, SignInWithWrongCsrfIsRefused) {
  Browser b = NewBrowser();
  const std::string csrf = FormCsrf(b, "/sign-in");
  std::string wrong = csrf;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  auto db = Db();
  const int64_t sessions_before = SessionsOf(db, kDemoCustomer);
  const int64_t attempts_before = Attempts(db, kDemoCustomer);
  const HttpResponse r =
      b.Post("/sign-in", {{"csrf", wrong}, {"email", kDemoCustomer}, {"password", kDemoPassword}});
  EXPECT_EQ(r.status, 403) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr(kExpiredForm));
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  EXPECT_EQ(SessionsOf(db, kDemoCustomer), sessions_before);
  EXPECT_EQ(Attempts(db, kDemoCustomer), attempts_before);
}

TEST_F(AccountsHttpTest, CsrfFieldWithoutTheMatchingCookieIsRefused) {
  // A cross-site form can carry a token it saw once, but not set the visitor's cookie.
  Browser attacker = NewBrowser();
  const std::string seen = FormCsrf(attacker, "/sign-in");
  Browser victim = NewBrowser();
  const HttpResponse r = victim.Post(
      "/sign-in", {{"csrf", seen}, {"email", kDemoCustomer}, {"password", kDemoPassword}});
  EXPECT_EQ(r.status, 403) << ::testing::PrintToString(r);
  EXPECT_FALSE(r.Cookie(kSession).has_value());
}

TEST_F(AccountsHttpTest, SignUpWithoutCsrfCreatesNoAccount) {
  Browser b = NewBrowser();
  ASSERT_FALSE(FormCsrf(b, "/sign-up").empty());
  const HttpResponse r = b.Post(
      "/sign-up", {{"email", "csrf.less@example.com"}, {"password", kPassword}, {"terms", "yes"}});
  EXPECT_EQ(r.status, 403) << ::testing::PrintToString(r);
  EXPECT_FALSE(r.Cookie(kSession).has_value());
  auto db = Db();
  EXPECT_EQ(UserId(db, "csrf.less@example.com"), -1);
}

TEST_F(AccountsHttpTest, FormPostMustBeUrlEncoded) {
  Browser b = NewBrowser();
  const std::string csrf = FormCsrf(b, "/sign-in");
  const HttpResponse r =
      b.Send("POST", "/sign-in",
             FormEncode({{"csrf", csrf}, {"email", kDemoCustomer}, {"password", kDemoPassword}}),
             {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415) << ::testing::PrintToString(r);
  EXPECT_FALSE(r.Cookie(kSession).has_value());
}

TEST_F(AccountsHttpTest, SignOutWithWrongTokenIsRefusedAndSessionLives) {
  Browser b = SignedIn(kDemoCustomer);
  const std::string session_csrf = SessionCsrf(b);
  const std::string anonymous_csrf = b.Cookie(kCsrf).value_or("");
  ASSERT_FALSE(anonymous_csrf.empty());
  ASSERT_NE(session_csrf, anonymous_csrf);
  const std::string token = *b.Cookie(kSession);
  auto db = Db();
  const int64_t sessions_before = SessionsOf(db, kDemoCustomer);

  // One character off: the first one changed, never to itself (a token starting with 'x' made
  // "x" + rest the right token, 1 run in 64).
  const std::string one_off = (session_csrf[0] == 'x' ? "y" : "x") + session_csrf.substr(1);
  for (const std::string& wrong : {std::string(), one_off, anonymous_csrf}) {
    const HttpResponse r = b.Post("/sign-out", {{"csrf", wrong}});
    EXPECT_EQ(r.status, 403) << "csrf='" << wrong << "': " << ::testing::PrintToString(r);
    EXPECT_THAT(r.Text(), HasSubstr(kExpiredForm));
    EXPECT_FALSE(r.Cookie(kSession).has_value()) << "the cookie is left alone";
  }
  EXPECT_EQ(b.Cookie(kSession), token);
  EXPECT_EQ(b.Get("/home").status, 200) << "the session still works";
  EXPECT_EQ(SessionsOf(db, kDemoCustomer), sessions_before);
}

TEST_F(AccountsHttpTest, SignOutWithoutSessionIs401) {
  Browser b = NewBrowser();
  const std::string csrf = FormCsrf(b, "/sign-in");
  const HttpResponse r = b.Post("/sign-out", {{"csrf", csrf}});
  EXPECT_EQ(r.status, 401) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Please sign in"));
}

// ---- Sessions ---------------------------------------------------------------------------

TEST_F(AccountsHttpTest, SignInReplacesAPlantedSessionCookie) {
  // Session fixation: a value set in the browser beforehand never becomes the session.
  const std::string planted = "planted-session-token-0123456789abcdef";
  Browser b = NewBrowser();
  b.SetCookie(kSession, planted);
  const HttpResponse r = SignIn(b, kDemoCustomer, kDemoPassword);
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  const auto issued = r.Cookie(kSession);
  ASSERT_TRUE(issued.has_value());
  EXPECT_NE(issued->value, planted);
  EXPECT_FALSE(TokenOpensHome(planted));
  EXPECT_TRUE(TokenOpensHome(issued->value));
}

TEST_F(AccountsHttpTest, SigningInAgainRotatesTheSessionAndKillsTheOldToken) {
  Browser a = SignedIn(kDemoCustomer);
  const std::string first = a.Cookie(kSession).value_or("");
  Browser other = SignedIn(kDemoCustomer);
  const std::string other_token = other.Cookie(kSession).value_or("");
  ASSERT_FALSE(first.empty());
  ASSERT_NE(first, other_token);

  auto db = Db();
  const int64_t sessions_before = SessionsOf(db, kDemoCustomer);
  // Signed in, the sign-in form answers with a redirect; the session's token signs the POST.
  ASSERT_EQ(a.Get("/sign-in").status, 303);
  const HttpResponse again =
      a.Post("/sign-in",
             {{"csrf", SessionCsrf(a)}, {"email", kDemoCustomer}, {"password", kDemoPassword}});
  ASSERT_EQ(again.status, 303) << ::testing::PrintToString(again);
  const std::string second = a.Cookie(kSession).value_or("");
  EXPECT_NE(second, first);
  EXPECT_FALSE(TokenOpensHome(first)) << "the replaced token is dead";
  EXPECT_TRUE(TokenOpensHome(second));
  EXPECT_TRUE(TokenOpensHome(other_token)) << "another browser's session is not touched";
  EXPECT_EQ(SessionsOf(db, kDemoCustomer), sessions_before) << "one replaced by one";
}

TEST_F(AccountsHttpTest, SignOutClearsTheCookieAndEndsOnlyThisSession) {
  Browser b = SignedIn(kDemoCustomer);
  Browser elsewhere = SignedIn(kDemoCustomer);
  const std::string token = b.Cookie(kSession).value_or("");
  auto db = Db();
  const int64_t sessions_before = SessionsOf(db, kDemoCustomer);
  const auto deletes = [&] {
    return db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.delete'");
  };
  const int64_t deletes_before = deletes();

  const HttpResponse r = b.Post("/sign-out", {{"csrf", SessionCsrf(b)}});
  EXPECT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/sign-in");
  const auto cleared = r.Cookie(kSession);
  ASSERT_TRUE(cleared.has_value());
  EXPECT_EQ(cleared->value, "");
  EXPECT_EQ(cleared->Attribute("Max-Age"), "0");
  EXPECT_TRUE(cleared->Has("HttpOnly"));
  EXPECT_EQ(cleared->Attribute("Path"), "/");
  EXPECT_FALSE(b.Cookie(kSession).has_value());

  const HttpResponse home = b.Get("/home");
  EXPECT_EQ(home.status, 303);
  EXPECT_EQ(home.Header("location"), "/sign-in?next=/home");
  EXPECT_FALSE(TokenOpensHome(token)) << "the old token is invalid on the server too";
  EXPECT_EQ(elsewhere.Get("/home").status, 200);
  EXPECT_EQ(SessionsOf(db, kDemoCustomer), sessions_before - 1);
  EXPECT_EQ(deletes(), deletes_before + 1);
}

// ---- Staff area -------------------------------------------------------------------------

TEST_F(AccountsHttpTest, CustomerIsForbiddenFromStaffArea) {
  Browser b = SignedIn(kDemoCustomer);
  const HttpResponse r = b.Get("/staff");
  EXPECT_EQ(r.status, 403) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Staff only"));
  EXPECT_THAT(r.Text(), Not(HasSubstr("admin@example.com")));
  const HttpResponse home = b.Get("/home");
  EXPECT_THAT(home.body, Not(HasSubstr("href=\"/staff\""))) << "no Staff tab for customers";
}

TEST_F(AccountsHttpTest, SupportSeesAccountsButNotTheAuditLog) {
  Browser b = SignedIn(kDemoSupport);
  const HttpResponse r = b.Get("/staff");
  ASSERT_EQ(r.status, 200) << ::testing::PrintToString(r);
  const std::string text = r.Text();
  EXPECT_THAT(text, AllOf(HasSubstr("Accounts"), HasSubstr(">demo@example.com</a></td>"),
                          HasSubstr(">admin@example.com</a></td>"), HasSubstr("<td>support</td>")));
  EXPECT_THAT(text, Not(HasSubstr("Audit log")));
  EXPECT_THAT(text, Not(HasSubstr("user.sign_up")));
  EXPECT_THAT(r.body, HasSubstr("href=\"/staff\" aria-current=\"page\"")) << "the Staff tab";
}

// BUG: staff accounts have no license (`tenure demo`, `tenure user add`), and Home
// (src/http/pages/dashboard.cpp, Home) turns LicenseService::Overview's kNotFound into a
// 404 "No license" page, so support and admin land on a 404 after every sign-in (the
// default next is /home). Fix: Home renders the no-license state when there is no license
// record (or staff without one are sent to /staff, e.g. by the sign-in redirect's default).
TEST_F(AccountsHttpTest, StaffSignInLandsOnAWorkingPage) {
  for (const char* email : {kDemoSupport, kDemoAdmin}) {
    Browser b = NewBrowser();
    const HttpResponse r = SignIn(b, email, kDemoPassword);
    ASSERT_EQ(r.status, 303) << email << ": " << ::testing::PrintToString(r);
    const HttpResponse landing = b.Get(r.Header("location"));
    EXPECT_EQ(landing.status, 200) << email << " after sign-in, at " << r.Header("location") << ": "
                                   << ::testing::PrintToString(landing);
  }
}

TEST_F(AccountsHttpTest, AdminSeesTheAuditLogWithSignUps) {
  Browser customer = NewBrowser();
  ASSERT_EQ(SignUp(customer, "audited@example.com", kPassword).status, 303);
  Browser b = SignedIn(kDemoAdmin);
  EXPECT_THAT(b.Get("/staff").body, HasSubstr("href=\"/staff/audit\""));
  auto db = Db();
  const std::string subject = "user:" + std::to_string(UserId(db, "audited@example.com"));
  const HttpResponse r = b.Get("/staff/audit?subject=" + subject);
  ASSERT_EQ(r.status, 200) << ::testing::PrintToString(r);
  const std::string text = r.Text();
  // Subjects by name (their reference beside them), only this subject's rows.
  EXPECT_THAT(text, AllOf(HasSubstr("Audit log"), HasSubstr("user.sign_up"),
                          HasSubstr("session.create"), HasSubstr(">audited@example.com</a>")));
  EXPECT_THAT(r.body, HasSubstr("title=\"" + subject + "\""));
  EXPECT_THAT(text, Not(HasSubstr("admin@example.com</a> · <code>session.create")))
      << "another subject's rows are filtered out";
  EXPECT_EQ(SignedIn(kDemoSupport).Get("/staff/audit").status, 403);
}

// ---- What every response carries --------------------------------------------------------

TEST_F(AccountsHttpTest, HealthzAnswersOk) {
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_THAT(r.Header("content-type"), StartsWith("text/plain"));
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_FALSE(r.HasHeader("set-cookie"));
}

TEST_F(AccountsHttpTest, SecurityHeadersOnEveryKindOfResponse) {
  Browser b = NewBrowser();
  std::set<std::string> ids;
  for (const char* path : {"/sign-in", "/home", "/no-such-page", "/healthz", "/static/app.css"}) {
    const HttpResponse r = b.Get(path);
    ASSERT_NE(r.status, 0) << path;
    const std::string csp = r.Header("content-security-policy");
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'")) << path;
    EXPECT_THAT(csp, HasSubstr("default-src 'self'")) << path;
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline"))) << path;
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(r.Header("x-frame-options"), "DENY") << path;
    EXPECT_EQ(r.Header("referrer-policy"), "same-origin") << path;
    EXPECT_FALSE(r.HasHeader("strict-transport-security")) << path << ": served over http";
    const std::string id = r.Header("x-request-id");
    EXPECT_FALSE(id.empty()) << path;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 5u) << "a new request id per request";
}

TEST_F(AccountsHttpTest, RequestIdIsKeptWhenSafeAndReplacedOtherwise) {
  Browser b = NewBrowser();
  EXPECT_EQ(b.Get("/healthz", {{"X-Request-Id", "trace-abc_123"}}).Header("x-request-id"),
            "trace-abc_123");
  const std::string replaced =
      b.Get("/healthz", {{"X-Request-Id", "bad id<script>"}}).Header("x-request-id");
  EXPECT_FALSE(replaced.empty());
  EXPECT_NE(replaced, "bad id<script>");
  EXPECT_EQ(replaced.find_first_of(" <>"), std::string::npos);
}

TEST_F(AccountsHttpTest, UnknownPathIs404Page) {
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/no/such/page");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.Header("content-type"), StartsWith("text/html"));
  EXPECT_THAT(r.Text(), AllOf(HasSubstr("Page not found"), HasSubstr(r.Header("x-request-id"))));
  EXPECT_EQ(b.Get("/static/no-such.css").status, 404);
}

// BUG: RFC 9110 section 15.5.6 says a 405 response MUST carry Allow. WebApp::Dispatch
// (src/http/web_app.cpp, the `path_known` branch) renders the page without it; Match could
// collect the methods of the routes whose path matched.
TEST_F(AccountsHttpTest, WrongMethodIs405WithAllow) {
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/sign-out");
  EXPECT_EQ(r.status, 405) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Not allowed"));
  EXPECT_EQ(r.Header("allow"), "POST");
}

// ---- Static files, caching, compression ---------------------------------------------------

TEST_F(AccountsHttpTest, VersionedStylesheetIsImmutableAndRevalidates) {
  Browser b = NewBrowser();
  const HttpResponse page = b.Get("/sign-in");
  std::string href;
  for (const auto& link : FindTags(page.body, "link"))
    if (link.Get("rel") == "stylesheet") href = link.Get("href");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(href, m, std::regex(R"(/static/app\.css\?v=([0-9a-f]{16}))")))
      << "stylesheet href: " << href;
  const std::string hash = m[1];

  const HttpResponse css = b.Get(href);
  ASSERT_EQ(css.status, 200) << ::testing::PrintToString(css);
  EXPECT_THAT(css.Header("content-type"), StartsWith("text/css"));
  EXPECT_EQ(css.Header("etag"), "\"" + hash + "\"");
  EXPECT_EQ(css.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_THAT(css.body, HasSubstr("{"));

  const HttpResponse cached = b.Get(href, {{"If-None-Match", css.Header("etag")}});
  EXPECT_EQ(cached.status, 304) << ::testing::PrintToString(cached);
  EXPECT_EQ(cached.body, "");
  EXPECT_EQ(cached.Header("etag"), css.Header("etag"));

  const HttpResponse changed = b.Get(href, {{"If-None-Match", "\"0000000000000000\""}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, css.body);

  for (const char* other : {"/static/app.css", "/static/app.css?v=0000000000000000"}) {
    const HttpResponse bare = b.Get(other);
    EXPECT_EQ(bare.status, 200) << other;
    EXPECT_EQ(bare.Header("cache-control"), "public, max-age=300")
        << other << ": a URL without the current hash is revalidated";
    EXPECT_EQ(bare.Header("etag"), css.Header("etag"));
  }
}

// BUG: RFC 9110 section 8.6: a HEAD response MUST NOT send a Content-Length other than the
// GET's. WebApp::Handle (src/http/web_app.cpp) clears the body for HEAD and the adapter
// (src/http/server.cpp, respond) then sends "Content-Length: 0". The adapter should send
// the length of the body it drops (RESTinio: user_controlled_output_t with
// set_content_length) or no Content-Length.
TEST_F(AccountsHttpTest, HeadKeepsTheContentLengthOfGet) {
  Browser b = NewBrowser();
  const HttpResponse get = b.Get("/static/app.css");
  ASSERT_EQ(get.status, 200);
  ASSERT_FALSE(get.body.empty());
  const HttpResponse head = b.Head("/static/app.css");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("etag"), get.Header("etag"));
  if (head.HasHeader("content-length")) {
    EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
  }
}

TEST_F(AccountsHttpTest, LargePagesAreGzippedWhenAccepted) {
  Browser b = NewBrowser();
  const HttpResponse plain = b.Get("/sign-up");
  ASSERT_EQ(plain.status, 200);
  ASSERT_GT(plain.body.size(), 1024u) << "the page must be over 1 KiB for this test";
  EXPECT_FALSE(plain.HasHeader("content-encoding"));
  EXPECT_THAT(plain.Header("vary"), HasSubstr("Accept-Encoding"));

  const HttpResponse zipped = b.Get("/sign-up", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.Header("content-encoding"), "gzip");
  EXPECT_THAT(zipped.Header("vary"), HasSubstr("Accept-Encoding"));
  ASSERT_GE(zipped.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(zipped.body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(zipped.body[1]), 0x8b);
  EXPECT_LT(zipped.body.size(), plain.body.size());
  const std::string unzipped = Gunzip(zipped.body);
  EXPECT_THAT(unzipped, AllOf(HasSubstr("Create your account"), HasSubstr("</html>")));
  EXPECT_EQ(unzipped.size(), plain.body.size());

  const HttpResponse tiny = b.Get("/healthz", {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(tiny.HasHeader("content-encoding")) << "small bodies are sent as they are";
  EXPECT_EQ(tiny.body, "ok\n");
}

// ---- Operations -------------------------------------------------------------------------

// BUG: the access log (WebApp::Log, src/http/web_app.cpp) fwrite()s to stdout without a
// flush. When stdout is a file or a pipe (systemd, docker, this test) it is block-buffered,
// so lines appear in 4 KiB bursts, late, and are lost if the process is killed. Fix: flush
// after each line (std::fflush(stdout) under the same mutex) or make stdout line-buffered
// at start (setvbuf in main.cpp).
TEST_F(AccountsHttpTest, AccessLogLineIsWrittenWhenTheRequestIsServedWithoutTheQuery) {
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/sign-in?email=private%40example.com");
  ASSERT_EQ(r.status, 200);
  const std::string id = r.Header("x-request-id");
  ASSERT_FALSE(id.empty());
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (line.empty() && std::chrono::steady_clock::now() < deadline) {
    const std::string log = server().Stdout();
    if (const auto at = log.find("request_id=" + id); at != std::string::npos)
      line = log.substr(at, log.find('\n', at) - at);
    else
      std::this_thread::sleep_for(10ms);  // polling a file another process writes
  }
  ASSERT_FALSE(line.empty()) << "no access log line for request " << id << " while running";
  EXPECT_THAT(line,
              AllOf(HasSubstr("method=GET"), HasSubstr("path=/sign-in "), HasSubstr("status=200")));
  EXPECT_THAT(line, Not(HasSubstr("private")));
}

// ---- Throttling: its own server and database per suite -------------------------------------

struct RateLimitServer {
  static ServerConfig Config() { return {}; }
};
class SignInRateLimitHttpTest : public AccountsBase<RateLimitServer> {};

// Issue 10: five wrong passwords slow that address down on that account; they lock nobody out.
TEST_F(SignInRateLimitHttpTest, SixWrongPasswordsFromOneAddressDoNotStopTheOwnerElsewhere) {
  Browser b = NewBrowser();
  for (int i = 1; i <= 5; ++i) {
    const HttpResponse r = SignIn(b, kDemoCustomer, kWrongPassword);
    ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << ::testing::PrintToString(r);
  }
  const HttpResponse slowed = SignIn(b, kDemoCustomer, kDemoPassword);
  EXPECT_EQ(slowed.status, 429) << ::testing::PrintToString(slowed);
  // 30 s from the fifth failure: what is left of it, by the time this attempt arrives.
  EXPECT_THAT(slowed.Text(), ::testing::ContainsRegex("Too many wrong passwords. To keep guessers "
                                                      "out, wait [0-9]+ seconds and try again."));
  EXPECT_THAT(slowed.Header("retry-after"), ::testing::MatchesRegex("[12]?[0-9]|30"));
  EXPECT_FALSE(slowed.Cookie(kSession).has_value());
  EXPECT_EQ(b.Get("/home").status, 303);

  // The owner, from another address, signs in at once.
  Browser owner = NewBrowser();
  owner.SetLocalAddress("127.0.0.2");
  const HttpResponse in = SignIn(owner, "DEMO@example.com", kDemoPassword);
  EXPECT_EQ(in.status, 303) << ::testing::PrintToString(in);
  EXPECT_EQ(owner.Get("/home").status, 200);

  auto db = Db();
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM sign_in_attempts WHERE email = ? AND success = 0",
                     {std::string(kDemoCustomer)}),
            5)
      << "refused attempts are not counted as new failures";
  EXPECT_EQ(SessionsOf(db, kDemoCustomer), 1) << "the owner's, from 127.0.0.2";

  // Another account from the same address is not locked (5 failures < 20 per address).
  Browser staff = NewBrowser();
  const HttpResponse ok = SignIn(staff, kDemoSupport, kDemoPassword);
  EXPECT_EQ(ok.status, 303) << ::testing::PrintToString(ok);
  EXPECT_EQ(staff.Get("/staff").status, 200);
}

TEST_F(SignInRateLimitHttpTest, SuccessfulSignInResetsTheAccountCount) {
  Browser b = NewBrowser();
  for (int i = 1; i <= 4; ++i) ASSERT_EQ(SignIn(b, kDemoAdmin, kWrongPassword).status, 401);
  ASSERT_EQ(SignIn(b, kDemoAdmin, kDemoPassword).status, 303);
  Browser c = NewBrowser();
  for (int i = 1; i <= 4; ++i)
    EXPECT_EQ(SignIn(c, kDemoAdmin, kWrongPassword).status, 401) << "attempt " << i;
  EXPECT_EQ(SignIn(c, kDemoAdmin, kDemoPassword).status, 303);
}

struct AddressLimitServer {
  static ServerConfig Config() { return {}; }
};
class SignInAddressLimitHttpTest : public AccountsBase<AddressLimitServer> {};

TEST_F(SignInAddressLimitHttpTest, TwentiethFailureFromOneAddressSlowsEveryAccountFromIt) {
  Browser b = NewBrowser();
  // 19 failures over accounts that each stay under their own limit of 5.
  for (int i = 1; i <= 19; ++i) {
    const std::string email = "guess" + std::to_string(i % 5) + "@example.com";
    ASSERT_EQ(SignIn(b, email, kWrongPassword).status, 401) << "attempt " << i << " " << email;
  }
  Browser staff = NewBrowser();
  EXPECT_EQ(SignIn(staff, kDemoSupport, kDemoPassword).status, 303) << "19 < 20: still open";

  ASSERT_EQ(SignIn(b, "guess-last@example.com", kWrongPassword).status, 401);
  Browser admin = NewBrowser();
  const HttpResponse locked = SignIn(admin, kDemoAdmin, kDemoPassword);
  EXPECT_EQ(locked.status, 429) << ::testing::PrintToString(locked);
  EXPECT_THAT(locked.Text(), HasSubstr("Too many wrong passwords."));
  EXPECT_THAT(locked.Header("retry-after"), ::testing::MatchesRegex("[12]?[0-9]|30"));
  EXPECT_FALSE(locked.Cookie(kSession).has_value());
  auto db = Db();
  EXPECT_EQ(SessionsOf(db, kDemoAdmin), 0);
}

// ---- Limits and TLS cookies: a server with a small body limit and an https public URL ----

struct LimitsServer {
  static ServerConfig Config() {
    return {.env = {{"TENURE_HTTP_MAX_FORM_BYTES", "4096"},
                    {"TENURE_PUBLIC_URL", "https://tenure.example"}}};
  }
};
class LimitsHttpTest : public AccountsBase<LimitsServer> {};

TEST_F(LimitsHttpTest, BodyOverTheLimitIsRefusedWithoutEffect) {
  Browser b = NewBrowser();
  const std::string csrf = FormCsrf(b, "/sign-in");
  const int64_t attempts_before = [&] {
    auto db = Db();
    return Attempts(db, kDemoCustomer);
  }();
  const Fields big = {{"csrf", csrf},
                      {"email", kDemoCustomer},
                      {"password", kDemoPassword},
                      {"padding", std::string(8000, 'a')}};
  const HttpResponse r = b.Post("/sign-in", big);
  EXPECT_EQ(r.status, 413) << ::testing::PrintToString(r);
  EXPECT_FALSE(b.Cookie(kSession).has_value());
  auto db = Db();
  EXPECT_EQ(Attempts(db, kDemoCustomer), attempts_before)
      << "the request never reached the handler";

  // The same without Content-Length (chunked) is refused the same way.
  const HttpResponse chunked = b.Send(
      "POST", "/sign-in", FormEncode(big),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Transfer-Encoding", "chunked"}});
  EXPECT_EQ(chunked.status, 413) << ::testing::PrintToString(chunked);
  EXPECT_EQ(Attempts(db, kDemoCustomer), attempts_before);

  // The server is unharmed, and a body under the limit is served.
  EXPECT_EQ(b.Get("/healthz").status, 200);
  const HttpResponse fits = b.Post("/sign-in", {{"csrf", csrf},
                                                {"email", kDemoCustomer},
                                                {"password", kDemoPassword},
                                                {"padding", std::string(3000, 'a')}});
  EXPECT_EQ(fits.status, 303) << ::testing::PrintToString(fits);
}

TEST_F(LimitsHttpTest, CookiesAreSecureBehindAnHttpsPublicUrl) {
  Browser b = NewBrowser();
  const HttpResponse form = b.Get("/sign-in");
  const auto csrf = form.Cookie(kCsrf);
  ASSERT_TRUE(csrf.has_value());
  EXPECT_TRUE(csrf->Has("Secure"));
  const HttpResponse r = b.Post(
      "/sign-in",
      {{"csrf", CsrfField(form.body)}, {"email", kDemoCustomer}, {"password", kDemoPassword}});
  ASSERT_EQ(r.status, 303);
  const auto session = r.Cookie(kSession);
  ASSERT_TRUE(session.has_value());
  EXPECT_TRUE(session->Has("Secure"));
  EXPECT_TRUE(session->Has("HttpOnly"));
  EXPECT_EQ(session->Attribute("SameSite"), "Lax");
  const HttpResponse out = b.Post("/sign-out", {{"csrf", SessionCsrf(b)}});
  ASSERT_EQ(out.status, 303);
  ASSERT_TRUE(out.Cookie(kSession).has_value());
  EXPECT_TRUE(out.Cookie(kSession)->Has("Secure")) << "the clearing cookie must match to replace";
}

// Issue 13: behind an https public URL every answer tells the browser to stay on https.
TEST_F(LimitsHttpTest, AnHttpsPublicUrlSendsHsts) {
  Browser b = NewBrowser();
  EXPECT_EQ(b.Get("/sign-in").Header("strict-transport-security"), "max-age=31536000");
  EXPECT_EQ(b.Get("/no-such-page").Header("strict-transport-security"), "max-age=31536000");
}

// ---- Lifecycle: each test owns its server -------------------------------------------------

TEST(ServerLifecycleHttpTest, SigtermWithAnIdleKeepAliveConnectionExitsZero) {
  std::unique_ptr<TenureProcess> server;
  ASSERT_TRUE(TenureProcess::Start({}, &server));
  Browser b(server->BaseUrl());
  ASSERT_EQ(b.Get("/healthz").status, 200);  // the connection stays open, idle
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(server->Stop(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_THAT(server->Stdout(), HasSubstr("tenure: stopped"));
  const HttpResponse after = b.Get("/healthz");
  EXPECT_EQ(after.status, 0) << "nothing listens after shutdown";
  EXPECT_NE(after.transport_error, 0);
}

TEST(ServerLifecycleHttpTest, SigtermLetsQueuedSignInsFinish) {
  // One hashing thread, three sign-ins queued on it: SIGTERM arrives while the first hashes
  // (argon2id fills 64 MiB for the hash, resident in /proc/PID/statm), and every one of them
  // must still be answered before the process exits 0.
  std::unique_ptr<TenureProcess> server;
  ASSERT_TRUE(TenureProcess::Start({.env = {{"TENURE_HASH_THREADS", "1"}}}, &server));
  const std::string url = server->BaseUrl();
  constexpr int kRequests = 3;
  std::vector<Browser> browsers;
  std::vector<std::string> csrfs;
  for (int i = 0; i < kRequests; ++i) {
    browsers.emplace_back(url);
    const HttpResponse form = browsers.back().Get("/sign-in");
    ASSERT_EQ(form.status, 200);
    csrfs.push_back(CsrfField(form.body));
  }
  const uint64_t baseline = server->ResidentBytes();
  ASSERT_GT(baseline, 0u);

  std::vector<HttpResponse> results(kRequests);
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i)
    threads.emplace_back([&, i] {
      results[i] = browsers[i].Post(
          "/sign-in", {{"csrf", csrfs[i]}, {"email", kDemoCustomer}, {"password", kDemoPassword}});
      ++done;
    });
  bool hashing_seen = false;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!hashing_seen && done.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    hashing_seen = server->ResidentBytes() >= baseline + (48u << 20);
    if (!hashing_seen) std::this_thread::sleep_for(200us);  // polling the process
  }
  const bool stopped_while_busy = hashing_seen && done.load() == 0;
  const auto stopped = server->Stop(10s);
  for (auto& t : threads) t.join();
  ASSERT_TRUE(stopped_while_busy) << "SIGTERM did not arrive while the server was hashing";

  EXPECT_TRUE(stopped);
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(results[i].status, 303)
        << "request " << i << ": " << ::testing::PrintToString(results[i]);
    EXPECT_TRUE(results[i].Cookie(kSession).has_value()) << "request " << i;
  }
  Database db(server->DatabasePath());
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM sessions WHERE kind = 'dashboard'"), kRequests);
}

}  // namespace
}  // namespace tenure::http_test
