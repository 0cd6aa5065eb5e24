// The Stripe client's wire format and retry policy (STRIPE.md: Idempotency), against a
// scripted peer on loopback (tests/support/stripe_flaky.mjs) and stripe-stateful-mock's own
// routes (tests/support/stripe_mock.mjs).
#include "integrations/stripe/stripe_client.hpp"

#include <gtest/gtest.h>

#include <random>

#include "integrations/smtp_sink_process.hpp"
#include "integrations/stripe_peers.hpp"

namespace tenure::integrations {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using tenure::testing::FlakyStripe;
using tenure::testing::StripeMock;

constexpr char kKey[] = "sk_test_tenure_client";

// Options for a peer at `url`: waits are recorded, never slept.
struct Recorder {
  std::vector<std::chrono::milliseconds> sleeps;
  double jitter = 1.0;
  StripeClientOptions For(const std::string& url) {
    return StripeClientOptions{
        .api_base = url,
        .secret_key = kKey,
        .sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); },
        .jitter = [this] { return jitter; }};
  }
};

TEST(StripeForm, EncodesNestedKeysAndReservedCharacters) {
  EXPECT_EQ(FormEncode({{"metadata[license_id]", "1"},
                        {"payment_method_types[]", "card"},
                        {"email", "a+b@example.com"},
                        {"success_url", "https://x.test/billing?done=card saved&x=1"}}),
            "metadata%5Blicense_id%5D=1&payment_method_types%5B%5D=card&email=a%2Bb%40example.com"
            "&success_url=https%3A%2F%2Fx.test%2Fbilling%3Fdone%3Dcard%20saved%26x%3D1");
  EXPECT_EQ(FormEncode({}), "");
}

TEST(StripeForm, StripeIdsAreSafeInPaths) {
  EXPECT_TRUE(IsStripeId("pi_3Nx0aB2eZvKYlo2C1"));
  EXPECT_FALSE(IsStripeId(""));
  EXPECT_FALSE(IsStripeId("pi_1/../../v1/charges"));
  EXPECT_FALSE(IsStripeId("pi_1?expand[]=x"));
}

TEST(StripeClientRetries, SendsTheStripeHeadersAndAFormBody) {
  FlakyStripe peer("200");
  Recorder rec;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Post("/v1/customers", {{"email", "a@example.com"}, {"metadata[user_id]", "7"}},
                       "customer:7");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.at("id"), "cus_flaky");
  EXPECT_EQ(r->request_id, "req_flaky_1");
  const auto requests = peer.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["method"], "POST");
  EXPECT_EQ(requests[0]["path"], "/v1/customers");
  EXPECT_EQ(requests[0]["authorization"], std::string("Bearer ") + kKey);
  EXPECT_EQ(requests[0]["stripe_version"], std::string(kStripeApiVersion));
  EXPECT_EQ(requests[0]["idempotency_key"], "customer:7");
  EXPECT_EQ(requests[0]["content_type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(requests[0]["body"], "email=a%40example.com&metadata%5Buser_id%5D=7");
}

TEST(StripeClientRetries, RetriesA500WithTheSameIdempotencyKey) {
  FlakyStripe peer("500,200");
  Recorder rec;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Post("/v1/payment_intents", {{"amount", "5000"}}, "renewal:3:1700000000:1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
  const auto requests = peer.Requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& q : requests) {
    EXPECT_EQ(q["idempotency_key"], "renewal:3:1700000000:1") << "a fresh key per retry is how "
                                                                 "double charges happen";
    EXPECT_EQ(q["body"], "amount=5000");
  }
  EXPECT_EQ(rec.sleeps.size(), 1u);
}

TEST(StripeClientRetries, RetriesA429AndHonoursRetryAfter) {
  FlakyStripe peer("429:retry-after=2,200");
  Recorder rec;
  rec.jitter = 0.0;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Post("/v1/customers", {}, "customer:8");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
  ASSERT_EQ(rec.sleeps.size(), 1u);
  EXPECT_EQ(rec.sleeps[0], 2000ms) << "Retry-After outweighs the shorter backoff";
  const auto requests = peer.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["idempotency_key"], requests[1]["idempotency_key"]);
}

TEST(StripeClientRetries, NeverRetriesA400) {
  FlakyStripe peer("400,200");
  Recorder rec;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Post("/v1/customers", {}, "customer:9");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(peer.Requests().size(), 1u);
  EXPECT_TRUE(rec.sleeps.empty());
  const auto e = ParseStripeError(*r);
  EXPECT_EQ(e.type, "invalid_request_error");
  EXPECT_EQ(e.code, "parameter_missing");
  EXPECT_EQ(e.request_id, "req_flaky_1");
}

TEST(StripeClientRetries, NeverRetriesAnIdempotencyConflict) {
  FlakyStripe peer("409,200");
  Recorder rec;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Post("/v1/payment_intents", {}, "renewal:1:2:1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(peer.Requests().size(), 1u);
}

TEST(StripeClientRetries, HonoursStripeShouldRetryFalse) {
  FlakyStripe peer("503:no-retry,200");
  Recorder rec;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Post("/v1/payment_intents", {}, "renewal:1:2:2");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(peer.Requests().size(), 1u);
}

TEST(StripeClientRetries, BacksOffExponentiallyWithJitterAndGivesUp) {
  FlakyStripe peer("500");
  Recorder rec;
  auto options = rec.For(peer.url());
  options.initial_backoff = 100ms;
  options.max_backoff = 300ms;
  StripeClient client(options);
  auto r = client.Post("/v1/payment_intents", {}, "renewal:1:2:3");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->attempts, 4) << "3 retries, then the caller decides (same key later)";
  EXPECT_EQ(peer.Requests().size(), 4u);
  EXPECT_EQ(rec.sleeps, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 300ms}));

  // Half of each wait is random ("equal jitter"): with the lowest draw, half the delay.
  rec.sleeps.clear();
  rec.jitter = 0.0;
  ASSERT_TRUE(client.Post("/v1/payment_intents", {}, "renewal:1:2:4"));
  EXPECT_EQ(rec.sleeps, (std::vector<std::chrono::milliseconds>{50ms, 100ms, 150ms}));
}

TEST(StripeClientRetries, RetriesADroppedConnectionWithTheSameKey) {
  FlakyStripe peer("drop,200");
  Recorder rec;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Post("/v1/payment_intents", {{"amount", "100"}}, "renewal:5:6:1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  const auto requests = peer.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["idempotency_key"], "renewal:5:6:1");
  EXPECT_EQ(requests[1]["idempotency_key"], "renewal:5:6:1");
}

TEST(StripeClientRetries, AnUnreachableApiIsAnErrorAfterTheRetries) {
  tenure::testing::RefusingPort refusing;
  Recorder rec;
  StripeClient client(rec.For("http://127.0.0.1:" + std::to_string(refusing.port())));
  auto r = client.Post("/v1/customers", {}, "customer:10");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(rec.sleeps.size(), 3u);
  EXPECT_EQ(r.error().message.find(kKey), std::string::npos) << "the key never leaks";
}

TEST(StripeClientRetries, GetsAreRetriedAndCarryNoIdempotencyKey) {
  FlakyStripe peer("502,200");
  Recorder rec;
  StripeClient client(rec.For(peer.url()));
  auto r = client.Get("/v1/payment_intents/pi_1", {{"expand[]", "latest_charge"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  const auto requests = peer.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1]["method"], "GET");
  EXPECT_EQ(requests[1]["path"], "/v1/payment_intents/pi_1?expand%5B%5D=latest_charge");
  EXPECT_EQ(requests[1]["idempotency_key"], "");
}

TEST(StripeClientRetries, APostWithoutAKeyIsABug) {
  StripeClient client(Recorder().For("http://127.0.0.1:9"));
  EXPECT_THROW((void)client.Post("/v1/customers", {}, ""), std::invalid_argument);
  EXPECT_THROW((void)client.Post("/v1/customers", {}, "a\r\nX-Injected: 1"), std::invalid_argument);
}

// stripe-stateful-mock's own routes (customers, legacy charges) and idempotency layer.
class StripeClientMockTest : public ::testing::Test {
 protected:
  StripeMock mock_;
  Recorder rec_;
  StripeClient client_{rec_.For(mock_.url())};
};

TEST_F(StripeClientMockTest, TheSameKeyReplaysTheFirstAnswer) {
  auto first = client_.Post("/v1/customers", {{"email", "c@example.com"}}, "customer:test:1");
  auto again = client_.Post("/v1/customers", {{"email", "c@example.com"}}, "customer:test:1");
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->status, 200);
  EXPECT_FALSE(first->idempotent_replayed);
  EXPECT_TRUE(again->idempotent_replayed);
  EXPECT_EQ(first->body.at("id"), again->body.at("id"));
  auto list = client_.Get("/v1/customers", {{"email", "c@example.com"}});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->body.at("data").size(), 1u) << "one customer, not two";
}

TEST_F(StripeClientMockTest, OtherParametersUnderAUsedKeyAreRefusedOnce) {
  ASSERT_TRUE(client_.Post("/v1/customers", {{"email", "d@example.com"}}, "customer:test:2"));
  auto r = client_.Post("/v1/customers", {{"email", "e@example.com"}}, "customer:test:2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(ParseStripeError(*r).type, "idempotency_error");
}

TEST_F(StripeClientMockTest, ACardErrorFromTheMockParses) {
  auto r = client_.Post(
      "/v1/charges",
      {{"amount", "5000"}, {"currency", "usd"}, {"source", "tok_chargeDeclinedInsufficientFunds"}},
      "charge:test:1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 402);
  const auto e = ParseStripeError(*r);
  EXPECT_EQ(e.type, "card_error");
  EXPECT_EQ(e.code, "card_declined");
  EXPECT_EQ(e.decline_code, "insufficient_funds");
  EXPECT_EQ(e.message, "Your card has insufficient funds.");
}

TEST_F(StripeClientMockTest, ARateLimitIsRetriedUntilTheMockLetsItThrough) {
  // The mock's token chain: the first use answers 429 (not kept by its idempotency layer, as
  // at Stripe), the next charges the card.
  const std::string chain = "tok_429|tok_visa|" + std::to_string(std::random_device{}());
  auto r = client_.Post("/v1/charges", {{"amount", "5000"}, {"currency", "usd"}, {"source", chain}},
                        "charge:test:2");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(r->body.at("status"), "succeeded");
  EXPECT_EQ(rec_.sleeps.size(), 1u);
}

TEST_F(StripeClientMockTest, AWrongKeyIsRefused) {
  auto options = rec_.For(mock_.url());
  options.secret_key = "pk_test_not_a_secret_key";
  StripeClient client(options);
  auto r = client.Get("/v1/customers");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->attempts, 1);
}

}  // namespace
}  // namespace tenure::integrations
