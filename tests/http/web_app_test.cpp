// The middleware chains each route kind picks (issue 8), driven in-process through WebApp
// with a route table of test handlers: what no product route exercises yet (a JSON POST, a
// metrics route, a handler that throws) is pinned here; tests/http/*_http_test.cpp cover the
// real routes through the real binary.
#include "http/web_app.hpp"

#include <gtest/gtest.h>

#include "app/account_security.hpp"
#include "app/accounts.hpp"
#include "app/billing.hpp"
#include "app/checkouts.hpp"
#include "app/feedback.hpp"
#include "app/leases.hpp"
#include "app/licenses.hpp"
#include "app/machines.hpp"
#include "app/passwords.hpp"
#include "app/program.hpp"
#include "app/renewal.hpp"
#include "app/sessions.hpp"
#include "app/staff.hpp"
#include "app/store/machines.hpp"
#include "app/support.hpp"
#include "app/two_factor.hpp"
#include "core/secure_random.hpp"
#include "integrations/offline/offline_gateway.hpp"
#include "search/help_center.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::http {
namespace {

using namespace std::chrono;

Response Echo(Context& ctx) {
  Response res = Response::Text(200, ctx.json.is_null() ? ctx.req.body : ctx.json.dump());
  if (ctx.user) res.Set("X-User", ctx.User().email);
  return res;
}
Response Throw(Context&) { throw std::runtime_error("SELECT secret FROM somewhere"); }

const Route kTestRoutes[] = {
    {"POST", "/api/v1/echo", Kind::kApi, Access::kSignedIn, Cost::kFast, Echo},
    {"POST", "/api/v1/open-echo", Kind::kApi, Access::kPublic, Cost::kFast, Echo},
    {"GET", "/api/v1/staff", Kind::kApi, Access::kStaff, Cost::kFast, Echo},
    {"GET", "/api/v1/boom", Kind::kApi, Access::kPublic, Cost::kFast, Throw},
    {"POST", "/form", Kind::kPage, Access::kPublic, Cost::kFast, Echo},
    {"GET", "/page", Kind::kPage, Access::kPublic, Cost::kFast, Echo},
    {"GET", "/boom", Kind::kPage, Access::kPublic, Cost::kFast, Throw},
    {"POST", "/hook", Kind::kWebhook, Access::kPublic, Cost::kFast, Echo},
    {"GET", "/metrics", Kind::kMetrics, Access::kPublic, Cost::kFast, Echo},
    {"GET", "/asset", Kind::kStatic, Access::kPublic, Cost::kFast, Echo},
};

class WebAppTest : public ::testing::Test {
 protected:
  WebAppTest()
      : clock_(sys_days(2026y / November / 27) + hours(9)),
        store_(storage::OpenStore("sqlite://" + dir_.File("t.db"), clock_)),
        hasher_(app::PasswordHasher::Minimum()),
        accounts_(*store_, clock_, hasher_, email_),
        security_(*store_, clock_, hasher_, email_),
        two_factor_(*store_, clock_, hasher_, email_, "Tenure"),
        licenses_(*store_, clock_, policy_),
        staff_(*store_, clock_, licenses_, email_),
        renewal_(*store_, clock_, policy_, email_),
        support_(*store_, clock_, licenses_, email_),
        feedback_(*store_, clock_),
        billing_(*store_, clock_, policy_, gateway_, email_),
        // No WordNet: these tests are about routing, and reading it takes 0.3 s each.
        help_({.docs_dir = dir_.File("docs"), .wordnet_dir = {}, .poll_interval = milliseconds(0)}),
        leases_(*store_, clock_, "https://tenure.test", program_policy_.lease_duration),
        program_(*store_, clock_, accounts_, leases_, policy_, program_policy_),
        machines_(*store_, clock_, program_policy_, email_),
        checkouts_(*store_, clock_),
        sessions_(*store_, clock_, session_policy_, program_policy_),
        services_{.accounts = accounts_,
                  .licenses = licenses_,
                  .staff = staff_,
                  .renewal = renewal_,
                  .support = support_,
                  .feedback = feedback_,
                  .store = *store_,
                  .clock = clock_,
                  .views = views_,
                  .help = help_,
                  .billing = billing_,
                  .program = program_,
                  .machines = machines_,
                  .sessions = sessions_,
                  .checkouts = checkouts_,
                  .leases = leases_,
                  .security = security_,
                  .two_factor = two_factor_},
        web_(services_, /*access_log=*/false, kTestRoutes) {
    store_->Migrate();
  }

  // The customer's dashboard session token (its cookie), signing the customer up first.
  std::string CustomerToken() {
    auto s = accounts_.SignUp(
        {.email = "customer@example.com", .password = "long enough pw", .accepted_terms = true},
        {.address = "192.0.2.10"});
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    if (s) customer_ = s->user.id;
    return s ? s->token : "";
  }

  // A program session's token for the customer with its machine, stored directly: the routes
  // here are test handlers, the sign-in flow has its own tests (tests/api/).
  std::string ProgramToken() {
    if (customer_.value == 0) CustomerToken();
    const std::string token = RandomToken();
    auto uow = store_->Begin(app::Actor::System());
    uow->sessions().Insert(app::Session{.token_hash = Sha256Hex(token),
                                        .user_id = customer_,
                                        .kind = app::SessionKind::kProgram,
                                        .csrf_token = RandomToken(),
                                        .created_at = clock_.Now(),
                                        .last_seen_at = clock_.Now(),
                                        .expires_at = clock_.Now() + hours(1)});
    uow->machines().Insert(domain::Machine{.user_id = customer_,
                                           .session_hash = Sha256Hex(token),
                                           .info = {.fingerprint = RandomToken(8),
                                                    .name = "test machine",
                                                    .os = "linux",
                                                    .app_version = "1.0"},
                                           .signed_in_at = clock_.Now(),
                                           .last_seen_at = clock_.Now()});
    uow->Audit("session.create", "user", nullptr, nullptr);
    uow->Commit();
    return token;
  }

  Response Send(std::string method, std::string path, Headers headers = {}, std::string body = {}) {
    Request req{.method = std::move(method),
                .path = std::move(path),
                .headers = std::move(headers),
                .body = std::move(body),
                .remote_address = "192.0.2.10"};
    return web_.Handle(req);
  }

  static nlohmann::json ProblemOf(const Response& res) {
    EXPECT_EQ(res.content_type, "application/problem+json");
    auto body = nlohmann::json::parse(res.body, nullptr, false);
    EXPECT_TRUE(body.is_object()) << res.body;
    if (!body.is_object()) return nlohmann::json::object();
    EXPECT_EQ(body.value("status", 0), res.status);
    EXPECT_EQ(body.value("type", ""), "about:blank");
    EXPECT_FALSE(body.value("title", "").empty());
    EXPECT_FALSE(body.value("detail", "").empty());
    return body;
  }

  static std::string HeaderOf(const Response& res, std::string_view name) {
    for (const auto& [k, v] : res.headers)
      if (k == name) return v;
    return "";
  }

  ::tenure::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::SqlStore> store_;
  app::PasswordHasher hasher_;
  domain::LicensePolicy policy_;
  app::EmailContext email_{"https://tenure.test"};
  integrations::OfflineGateway gateway_;
  app::AccountService accounts_;
  app::AccountSecurityService security_;
  app::TwoFactorService two_factor_;
  app::LicenseService licenses_;
  app::StaffService staff_;
  app::RenewalService renewal_;
  app::SupportService support_;
  app::FeedbackService feedback_;
  app::BillingService billing_;
  Views views_;
  search::HelpCenter help_;
  domain::ProgramPolicy program_policy_;
  app::LeaseSigner leases_;
  app::ProgramService program_;
  app::MachineService machines_;
  app::CheckoutService checkouts_;
  domain::SessionPolicy session_policy_;
  app::SessionService sessions_;
  Services services_;
  WebApp web_;
  UserId customer_;
};

const Headers kJson = {{"content-type", "application/json"}};

TEST_F(WebAppTest, ApiWithoutATokenIs401ProblemBeforeTheBodyIsLookedAt) {
  const Response res = Send("POST", "/api/v1/echo", {{"content-type", "text/plain"}}, "hi");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(ProblemOf(res)["code"], "unauthenticated");
  EXPECT_EQ(HeaderOf(res, "WWW-Authenticate"), "Bearer");
}

TEST_F(WebAppTest, ApiWithAnUnknownTokenIs401SessionRevoked) {
  const Response res =
      Send("POST", "/api/v1/echo", {{"authorization", "Bearer not-a-session"}, kJson[0]}, "{}");
  EXPECT_EQ(res.status, 401);
  const auto problem = ProblemOf(res);
  EXPECT_EQ(problem["code"], "session_revoked");
  EXPECT_EQ(problem["reason"], "unknown");
  EXPECT_EQ(HeaderOf(res, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
}

TEST_F(WebAppTest, ApiPostThatIsNotJsonIs415Problem) {
  const std::string token = ProgramToken();
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
    const Response res =
        Send("POST", "/api/v1/echo", {{"authorization", "Bearer " + token}, {"content-type", type}},
             "a=1");
    EXPECT_EQ(res.status, 415) << type;
    EXPECT_EQ(ProblemOf(res)["code"], "unsupported_media_type") << type;
  }
}

TEST_F(WebAppTest, ApiPostWithBrokenJsonIs400Problem) {
  const std::string token = ProgramToken();
  const Response res =
      Send("POST", "/api/v1/echo",
           {{"authorization", "Bearer " + token}, {"content-type", "application/json"}}, "{\"a\":");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(ProblemOf(res)["code"], "invalid_json");
}

TEST_F(WebAppTest, ApiPostWithJsonReachesTheHandlerParsedAndNeedsNoCsrf) {
  const std::string token = ProgramToken();
  const Response res = Send(
      "POST", "/api/v1/echo",
      {{"authorization", "bearer  " + token}, {"content-type", "Application/JSON; charset=utf-8"}},
      R"({"b": [1, 2], "a": "x"})");
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body, R"({"a":"x","b":[1,2]})");
  EXPECT_EQ(HeaderOf(res, "X-User"), "customer@example.com");
}

TEST_F(WebAppTest, PublicApiRoutesStillTakeOnlyJson) {
  EXPECT_EQ(Send("POST", "/api/v1/open-echo", kJson, "[1]").status, 200);
  const Response form = Send("POST", "/api/v1/open-echo",
                             {{"content-type", "application/x-www-form-urlencoded"}}, "csrf=x");
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(ProblemOf(form)["code"], "unsupported_media_type");
}

TEST_F(WebAppTest, StaffApiRoutesAre403ProblemForACustomer) {
  const Response res =
      Send("GET", "/api/v1/staff", {{"authorization", "Bearer " + ProgramToken()}});
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(ProblemOf(res)["code"], "forbidden");
}

TEST_F(WebAppTest, ApiSessionCookieIsNotACredential) {
  // Cookies are ambient: a page on another site could make the browser send them. The API
  // reads only the Authorization header, which is why it needs no CSRF token.
  const Response res =
      Send("POST", "/api/v1/echo",
           {{"cookie", std::string(kSessionCookie) + "=" + ProgramToken()}, kJson[0]}, "{}");
  EXPECT_EQ(res.status, 401);
}

TEST_F(WebAppTest, ADashboardTokenIsNoBearerTokenAndAProgramTokenNoCookie) {
  const std::string dashboard = CustomerToken();
  const std::string program = ProgramToken();
  const Response as_bearer =
      Send("POST", "/api/v1/echo", {{"authorization", "Bearer " + dashboard}, kJson[0]}, "{}");
  EXPECT_EQ(as_bearer.status, 401);
  EXPECT_EQ(ProblemOf(as_bearer)["code"], "session_revoked");
  EXPECT_EQ(
      Send("POST", "/api/v1/echo", {{"authorization", "Bearer " + program}, kJson[0]}, "{}").status,
      200);

  const auto cookie = [](const std::string& token) {
    return Headers{{"cookie", std::string(kSessionCookie) + "=" + token}};
  };
  EXPECT_EQ(HeaderOf(Send("GET", "/page", cookie(program)), "X-User"), "")
      << "a program's token does not sign a browser in";
  EXPECT_EQ(HeaderOf(Send("GET", "/page", cookie(dashboard)), "X-User"), "customer@example.com");
}

TEST_F(WebAppTest, UnmatchedApiPathsAnswerProblems) {
  const Response missing = Send("GET", "/api/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ProblemOf(missing)["code"], "not_found");
  const Response method = Send("DELETE", "/api/v1/echo");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(ProblemOf(method)["code"], "method_not_allowed");
  EXPECT_EQ(HeaderOf(method, "Allow"), "POST");
  // Outside /api/ the same misses are pages for people.
  const Response page = Send("GET", "/nothing-here");
  EXPECT_EQ(page.status, 404);
  EXPECT_TRUE(page.content_type.starts_with("text/html")) << page.content_type;
}

TEST_F(WebAppTest, AnExceptionIsA500ProblemOnApiRoutesAndTextElsewhereWithoutWhat) {
  const Response api = Send("GET", "/api/v1/boom", {{"x-request-id", "req-42"}});
  EXPECT_EQ(api.status, 500);
  const auto problem = ProblemOf(api);
  EXPECT_EQ(problem["code"], "internal");
  EXPECT_EQ(problem["request_id"], "req-42");
  EXPECT_EQ(api.body.find("SELECT"), std::string::npos) << api.body;

  const Response page = Send("GET", "/boom", {{"x-request-id", "req-43"}});
  EXPECT_EQ(page.status, 500);
  EXPECT_TRUE(page.content_type.starts_with("text/plain"));
  EXPECT_NE(page.body.find("Reference: req-43"), std::string::npos);
  EXPECT_EQ(page.body.find("SELECT"), std::string::npos) << page.body;
}

TEST_F(WebAppTest, PagePostWithoutCsrfIs403Html) {
  const Response res =
      Send("POST", "/form", {{"content-type", "application/x-www-form-urlencoded"}}, "a=1");
  EXPECT_EQ(res.status, 403);
  EXPECT_TRUE(res.content_type.starts_with("text/html"));
}

TEST_F(WebAppTest, WebhookGetsTheRawBodyWithoutSessionOrCsrf) {
  const std::string raw = "{\"id\": \"evt_1\",  \"type\":\"x\"}\n";
  const Response res = Send("POST", "/hook",
                            {{"content-type", "application/json"},
                             {"cookie", std::string(kSessionCookie) + "=" + CustomerToken()}},
                            raw);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, raw) << "byte for byte: a signature covers the raw body";
  EXPECT_EQ(HeaderOf(res, "X-User"), "") << "a webhook is nobody's session";
}

TEST_F(WebAppTest, StaticRoutesNeitherReadSessionsNorSetCookies) {
  const Response res =
      Send("GET", "/asset", {{"cookie", std::string(kSessionCookie) + "=" + CustomerToken()}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(HeaderOf(res, "X-User"), "");
  EXPECT_EQ(HeaderOf(res, "Set-Cookie"), "");
}

TEST_F(WebAppTest, MetricsAre404UntilATokenIsConfiguredThenNeedIt) {
  EXPECT_EQ(Send("GET", "/metrics").status, 404);
  EXPECT_EQ(Send("GET", "/metrics", {{"authorization", "Bearer "}}).status, 404);
  services_.metrics_token = "metrics-secret-0123456789";
  EXPECT_EQ(Send("GET", "/metrics").status, 401);
  EXPECT_EQ(Send("GET", "/metrics", {{"authorization", "Bearer metrics-secret-012345678"}}).status,
            401);
  EXPECT_EQ(Send("GET", "/metrics", {{"authorization", "Basic metrics-secret-0123456789"}}).status,
            401);
  EXPECT_EQ(Send("GET", "/metrics", {{"authorization", "Bearer metrics-secret-0123456789"}}).status,
            200);
}

// ---- The URL map ------------------------------------------------------------------------

TEST(RouteTable, KindsThatAuthenticateThemselvesArePublicRows) {
  for (const Route& r : Routes()) {
    if (r.kind == Kind::kPage || r.kind == Kind::kApi) continue;
    EXPECT_EQ(r.access, Access::kPublic) << r.path << ": its kind, not a session, admits callers";
  }
}

TEST(RouteTable, ApiRowsAndOnlyApiRowsLiveUnderTheApiPrefix) {
  // A miss answers in the format UnmatchedKind picks; a hit in its row's. They must agree,
  // or a typo in a program's URL would get an HTML page and a right URL a problem.
  for (const Route& r : Routes())
    EXPECT_EQ(r.kind == Kind::kApi, UnmatchedKind(r.path) == Kind::kApi) << r.path;
}

}  // namespace
}  // namespace tenure::http
