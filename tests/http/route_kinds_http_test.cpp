// Route kinds over real HTTP (issue 8): each kind's chain through the real binary. Pages keep
// cookies and CSRF; the API takes bearer tokens of program sessions and answers
// application/problem+json (RFC 9457) with a stable `code`; Stripe's webhook needs neither
// cookie nor CSRF token; static files and the health probe read no session.
#include <gmock/gmock.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "core/secure_random.hpp"
#include "core/time.hpp"
#include "integrations/stripe_peers.hpp"
#include "server_fixture.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kSession[] = "tenure_session";

// The body of a problem+json answer, after checking the members every problem carries.
nlohmann::json ProblemOf(const HttpResponse& r) {
  EXPECT_EQ(r.Header("content-type"), "application/problem+json") << ::testing::PrintToString(r);
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << r.body;
    return nlohmann::json::object();
  }
  EXPECT_EQ(body.value("status", 0), r.status);
  EXPECT_EQ(body.value("type", ""), "about:blank");
  EXPECT_FALSE(body.value("title", "").empty());
  EXPECT_FALSE(body.value("detail", "").empty());
  EXPECT_EQ(body.value("request_id", ""), r.Header("x-request-id"));
  return body;
}

template <class Setup>
class RouteKindsBase : public ServerSuite<Setup> {
 protected:
  using ServerSuite<Setup>::NewBrowser;
  using ServerSuite<Setup>::server;

  // A program session's bearer token for `email`, signed in as the program does (issue 9),
  // from one machine of its own (the demo license has one free slot; signing in again from
  // the same machine takes it over).
  static std::string ProgramToken(std::string_view email) {
    const nlohmann::json body = {{"email", email},
                                 {"password", kDemoPassword},
                                 {"machine",
                                  {{"fingerprint", "route-kinds-test"},
                                   {"name", "Route kinds test"},
                                   {"os", "linux"},
                                   {"app_version", "1.0.0"}}}};
    const HttpResponse r = NewBrowser().Send("POST", "/api/v1/sessions", body.dump(),
                                             {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << ::testing::PrintToString(r);
    const auto answer = nlohmann::json::parse(r.body, nullptr, false);
    return answer.is_object() ? answer.value("token", "") : "";
  }

  // A browser signed in to the dashboard as `email`.
  static Browser SignedIn(std::string_view email) {
    Browser b = NewBrowser();
    const std::string csrf = CsrfField(b.Get("/sign-in").body);
    const HttpResponse r = b.Post(
        "/sign-in", {{"csrf", csrf}, {"email", std::string(email)}, {"password", kDemoPassword}});
    EXPECT_EQ(r.status, 303) << ::testing::PrintToString(r);
    EXPECT_TRUE(b.Cookie(kSession).has_value());
    return b;
  }
};

class RouteKindsHttpTest : public RouteKindsBase<DefaultServer> {
 protected:
  using ServerSuite<DefaultServer>::Db;
};

// ---- Api --------------------------------------------------------------------------------

TEST_F(RouteKindsHttpTest, ApiSessionWithoutATokenIs401Problem) {
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/api/v1/session");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ProblemOf(r)["code"], "unauthenticated");
  EXPECT_EQ(r.Header("www-authenticate"), "Bearer");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_FALSE(r.HasHeader("set-cookie")) << "the API sets no CSRF cookie";
}

TEST_F(RouteKindsHttpTest, ApiSessionWithABadTokenIs401SessionRevoked) {
  Browser b = NewBrowser();
  // No bearer token at all: unauthenticated; a token that is no live program session:
  // session_revoked, reason unknown (issue 9's contract).
  for (const char* auth : {"Bearer ", "Basic dXNlcjpwYXNz"}) {
    const HttpResponse r = b.Get("/api/v1/session", {{"Authorization", auth}});
    EXPECT_EQ(r.status, 401) << auth;
    EXPECT_EQ(ProblemOf(r)["code"], "unauthenticated") << auth;
  }
  const HttpResponse unknown =
      b.Get("/api/v1/session", {{"Authorization", "Bearer not-a-session-token"}});
  EXPECT_EQ(unknown.status, 401);
  const auto problem = ProblemOf(unknown);
  EXPECT_EQ(problem["code"], "session_revoked");
  EXPECT_EQ(problem["reason"], "unknown");
  EXPECT_EQ(b.Get("/api/v1/session", {{"Authorization", "Bearer not-a-session-token"}})
                .Header("www-authenticate"),
            "Bearer error=\"invalid_token\"");
}

TEST_F(RouteKindsHttpTest, ApiSessionWithAProgramTokenSaysWhoItIs) {
  const std::string token = ProgramToken(kDemoCustomer);
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/api/v1/session", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 200) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["kind"], "program");
  EXPECT_EQ(body["strength"], "password");
  EXPECT_EQ(body["user"]["email"], kDemoCustomer);
  EXPECT_EQ(body["user"]["id"],
            Db().Int("SELECT id FROM users WHERE email = ?", {std::string(kDemoCustomer)}));
  const std::string session_id = body["session_id"];
  EXPECT_EQ(session_id, Sha256Hex(token).substr(0, 12)) << "the id audit rows use";
  EXPECT_EQ(r.body.find(token), std::string::npos) << "the token is never echoed";
}

TEST_F(RouteKindsHttpTest, ADashboardCookieIsRefusedAsABearerToken) {
  Browser signed_in = SignedIn(kDemoCustomer);
  const std::string cookie = *signed_in.Cookie(kSession);
  Browser b = NewBrowser();
  const HttpResponse r = b.Get("/api/v1/session", {{"Authorization", "Bearer " + cookie}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ProblemOf(r)["code"], "session_revoked");
  EXPECT_EQ(signed_in.Get("/home").status, 200) << "and the dashboard session itself still works";
}

TEST_F(RouteKindsHttpTest, AProgramTokenIsRefusedAsASessionCookie) {
  const std::string token = ProgramToken(kDemoCustomer);
  Browser b = NewBrowser();
  b.SetCookie(kSession, token);
  const HttpResponse home = b.Get("/home");
  EXPECT_EQ(home.status, 303);
  EXPECT_THAT(home.Header("location"), StartsWith("/sign-in"));
  // The program's session survives a browser sign-in that carried it as its cookie.
  const std::string csrf = CsrfField(b.Get("/sign-in").body);
  ASSERT_EQ(
      b.Post("/sign-in", {{"csrf", csrf}, {"email", kDemoCustomer}, {"password", kDemoPassword}})
          .status,
      303);
  EXPECT_EQ(NewBrowser().Get("/api/v1/session", {{"Authorization", "Bearer " + token}}).status,
            200);
}

TEST_F(RouteKindsHttpTest, UnknownApiPathsAre404Problems) {
  Browser b = NewBrowser();
  for (const char* path : {"/api/v1/nothing", "/api/", "/api/v2/session", "/api/v1/session/x"}) {
    const HttpResponse r = b.Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(ProblemOf(r)["code"], "not_found") << path;
  }
  // A POST the chain never sees (no route) is a 404 problem too, not a CSRF page.
  const HttpResponse post =
      b.Send("POST", "/api/v1/nothing", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(post.status, 404);
  EXPECT_EQ(ProblemOf(post)["code"], "not_found");
}

TEST_F(RouteKindsHttpTest, WrongMethodOnAnApiPathIs405ProblemWithAllow) {
  Browser b = NewBrowser();
  const HttpResponse r = b.Send("DELETE", "/api/v1/session", "", {});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(ProblemOf(r)["code"], "method_not_allowed");
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
}

// ---- Page -------------------------------------------------------------------------------

TEST_F(RouteKindsHttpTest, SignedInPagePostWithoutCsrfIsStill403) {
  Browser b = SignedIn(kDemoCustomer);
  const HttpResponse r = b.Post("/settings/time-zone", {{"time_zone", "Europe/Paris"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.Header("content-type"), StartsWith("text/html"));
  EXPECT_THAT(r.Text(), HasSubstr("This form has expired"));
}

TEST_F(RouteKindsHttpTest, PagesIgnoreABearerToken) {
  // The dashboard's credential is its cookie; an Authorization header signs nobody in.
  Browser signed_in = SignedIn(kDemoCustomer);
  const std::string token = *signed_in.Cookie(kSession);
  Browser b = NewBrowser();
  const HttpResponse home = b.Get("/home", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(home.status, 303);
  EXPECT_THAT(home.Header("location"), StartsWith("/sign-in"));
}

TEST_F(RouteKindsHttpTest, UnknownPagePathsStayHtml) {
  Browser b = NewBrowser();
  for (const char* path : {"/apis", "/api", "/home/x"}) {
    const HttpResponse r = b.Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_THAT(r.Header("content-type"), StartsWith("text/html")) << path;
  }
}

// ---- Static -----------------------------------------------------------------------------

TEST_F(RouteKindsHttpTest, StaticFilesAndTheHealthProbeReadNoSessionAndSetNoCookie) {
  Browser b = SignedIn(kDemoCustomer);
  for (const char* path : {"/healthz", "/static/app.css"}) {
    const HttpResponse r = b.Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_FALSE(r.HasHeader("set-cookie")) << path;
  }
}

// ---- Webhook ----------------------------------------------------------------------------

constexpr char kWebhookSecret[] = "whsec_route_kinds_test_secret";

struct StripeServer {
  static ServerConfig Config() {
    return {.env = {{"TENURE_BILLING_PROVIDER", "stripe"},
                    {"TENURE_STRIPE_SECRET_KEY", "sk_test_route_kinds"},
                    {"TENURE_STRIPE_WEBHOOK_SECRET", kWebhookSecret},
                    // Nothing listens there: the event below is one Tenure ignores, so the
                    // worker never calls Stripe (habit 13: no outbound network in tests).
                    {"TENURE_STRIPE_API_BASE", "http://127.0.0.1:9"}}};
  }
};

class WebhookKindHttpTest : public RouteKindsBase<StripeServer> {
 protected:
  using ServerSuite<StripeServer>::Db;
};

const std::string kEvent =
    R"({"id":"evt_route_kinds_1","object":"event","type":"customer.created",)"
    R"("created":1795770000,"livemode":false,"data":{"object":{"id":"cus_1"}}})";

TEST_F(WebhookKindHttpTest, StripeWebhookWorksWithoutCookiesOrCsrf) {
  Browser b = NewBrowser();
  const std::string signature =
      tenure::testing::SignWithStripeSdk(kEvent, {kWebhookSecret}, UnixNow());
  const HttpResponse r = b.Send(
      "POST", "/stripe/webhook", kEvent,
      {{"Content-Type", "application/json; charset=utf-8"}, {"Stripe-Signature", signature}});
  EXPECT_EQ(r.status, 200) << ::testing::PrintToString(r);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_FALSE(r.HasHeader("set-cookie"));
  EXPECT_EQ(Db().Text("SELECT payload FROM stripe_events WHERE id = ?",
                      {std::string("evt_route_kinds_1")}),
            kEvent)
      << "the raw body is stored byte for byte";
}

TEST_F(WebhookKindHttpTest, StripeWebhookIgnoresASessionCookieAndStillNeedsItsSignature) {
  Browser b = SignedIn(kDemoCustomer);
  const HttpResponse r =
      b.Send("POST", "/stripe/webhook", kEvent,
             {{"Content-Type", "application/json"}, {"Stripe-Signature", "t=1,v1=00"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.Header("content-type"), StartsWith("text/plain"));
}

// A server whose test clock was moved still takes Stripe's webhooks: Stripe signs with real
// time, and the signature's age is judged by the wall clock (issue 8).
struct StripeServerOnATestClock {
  static ServerConfig Config() {
    ServerConfig config = StripeServer::Config();
    config.test_clock = true;
    return config;
  }
};

class WebhookOnATestClockHttpTest : public RouteKindsBase<StripeServerOnATestClock> {
 protected:
  using ServerSuite<StripeServerOnATestClock>::Db;
};

TEST_F(WebhookOnATestClockHttpTest, AWebhookSignedNowIsTakenAfterTheClockMovedAMonth) {
  std::string moved;
  ASSERT_TRUE(server().AdvanceClock("40d", &moved));
  const std::string event =
      R"({"id":"evt_route_kinds_clock","object":"event","type":"customer.created",)"
      R"("created":1795770000,"livemode":false,"data":{"object":{"id":"cus_2"}}})";
  Browser b = NewBrowser();
  const HttpResponse r = b.Send("POST", "/stripe/webhook", event,
                                {{"Content-Type", "application/json"},
                                 {"Stripe-Signature", tenure::testing::SignWithStripeSdk(
                                                          event, {kWebhookSecret}, UnixNow())}});
  EXPECT_EQ(r.status, 200) << ::testing::PrintToString(r);
  // Stored at the service's time, so its worker (on the same clock) sees it as due.
  EXPECT_EQ(Db().Int("SELECT received_at FROM stripe_events WHERE id = ?",
                     {std::string("evt_route_kinds_clock")}),
            ToUnix(*ParseRfc3339(moved)));
  // And a signature from 40 days ahead, the test clock's "now", is a stale one to Stripe.
  const HttpResponse ahead = b.Send(
      "POST", "/stripe/webhook", event,
      {{"Content-Type", "application/json"},
       {"Stripe-Signature",
        tenure::testing::SignWithStripeSdk(event, {kWebhookSecret}, UnixNow() + 40 * 86400)}});
  EXPECT_EQ(ahead.status, 400);
}

}  // namespace
}  // namespace tenure::http_test
