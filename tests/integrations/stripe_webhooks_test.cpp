// Webhook signatures made by the official Stripe SDK (stripe, package.json) checked by our
// verifier (STRIPE.md: Webhook signatures), and the endpoint's storing of events.
#include "integrations/stripe/stripe_webhooks.hpp"

#include <gtest/gtest.h>

#include "app/billing.hpp"
#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/stripe_events.hpp"
#include "integrations/stripe/stripe_gateway.hpp"
#include "integrations/stripe_peers.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::integrations {
namespace {

using namespace std::chrono;
using tenure::testing::SignWithStripeSdk;

constexpr char kSecret[] = "whsec_test_tenure_endpoint_secret";
const Instant kNow = sys_days(2026y / November / 27) + hours(9);

const std::string kPayload =
    R"({"id":"evt_1QxTenure","object":"event","api_version":"2026-10-28.endive",)"
    R"("created":1795770000,"type":"payment_intent.succeeded","livemode":false,)"
    R"("data":{"object":{"id":"pi_3QxTenure","object":"payment_intent","amount":5000,)"
    R"("status":"succeeded","metadata":{"charge_id":"12","note":"caf\u00e9 \u2713 é"}}}})";

TEST(StripeSignature, AHeaderFromTheSdkVerifies) {
  const std::string header = SignWithStripeSdk(kPayload, {kSecret}, ToUnix(kNow));
  EXPECT_TRUE(header.starts_with("t=" + std::to_string(ToUnix(kNow)) + ",v1=")) << header;
  auto r = VerifyStripeSignature(kPayload, header, kSecret, kNow);
  EXPECT_TRUE(r) << r.error().message;
}

TEST(StripeSignature, AWrongSecretIsRejected) {
  const std::string header =
      SignWithStripeSdk(kPayload, {"whsec_someone_elses_secret"}, ToUnix(kNow));
  auto r = VerifyStripeSignature(kPayload, header, kSecret, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().message, "invalid signature");
}

TEST(StripeSignature, TimestampsMoreThanFiveMinutesAwayAreRejected) {
  const int64_t now = ToUnix(kNow);
  for (int64_t age : {301, -301, 86400}) {
    const std::string header = SignWithStripeSdk(kPayload, {kSecret}, now - age);
    auto r = VerifyStripeSignature(kPayload, header, kSecret, kNow);
    ASSERT_FALSE(r) << "age " << age;
    EXPECT_EQ(r.error().message, "timestamp outside the tolerance");
  }
  for (int64_t age : {300, -300, 0}) {
    const std::string header = SignWithStripeSdk(kPayload, {kSecret}, now - age);
    EXPECT_TRUE(VerifyStripeSignature(kPayload, header, kSecret, kNow)) << "age " << age;
  }
}

TEST(StripeSignature, ATamperedBodyIsRejected) {
  const std::string header = SignWithStripeSdk(kPayload, {kSecret}, ToUnix(kNow));
  std::string tampered = kPayload;
  tampered[tampered.find("5000") + 1] = '9';  // 5000 -> 5900: one byte
  EXPECT_FALSE(VerifyStripeSignature(tampered, header, kSecret, kNow));
  // Re-serialised JSON is another body too: only the raw bytes are signed.
  EXPECT_FALSE(
      VerifyStripeSignature(nlohmann::json::parse(kPayload).dump(), header, kSecret, kNow));
  EXPECT_FALSE(VerifyStripeSignature(kPayload + "\n", header, kSecret, kNow));
}

TEST(StripeSignature, DuringASecretRotationAnyV1MayMatch) {
  // Stripe signs with the old and the new secret while both are valid; ours is the second.
  const std::string header =
      SignWithStripeSdk(kPayload, {"whsec_the_previous_secret", kSecret}, ToUnix(kNow));
  ASSERT_EQ(std::count(header.begin(), header.end(), ','), 2) << header;
  auto r = VerifyStripeSignature(kPayload, header, kSecret, kNow);
  EXPECT_TRUE(r) << r.error().message;
  // And with no v1 of ours among them, none matches.
  const std::string others =
      SignWithStripeSdk(kPayload, {"whsec_a", "whsec_b", "whsec_c"}, ToUnix(kNow));
  EXPECT_FALSE(VerifyStripeSignature(kPayload, others, kSecret, kNow));
}

TEST(StripeSignature, V0SignaturesAreIgnored) {
  const std::string header = SignWithStripeSdk(kPayload, {kSecret}, ToUnix(kNow), "v0");
  EXPECT_TRUE(header.find(",v0=") != std::string::npos) << header;
  EXPECT_FALSE(VerifyStripeSignature(kPayload, header, kSecret, kNow))
      << "only v1 is HMAC-SHA256 over the payload; a v0 never authenticates";
}

TEST(StripeSignature, MalformedHeadersAreRejected) {
  const std::string good = SignWithStripeSdk(kPayload, {kSecret}, ToUnix(kNow));
  const std::string v1 = good.substr(good.find(",v1=") + 1);
  const std::string t = good.substr(0, good.find(','));
  for (const std::string& header :
       {std::string(), v1, t, "t=abc," + v1, "t=-5," + v1, t + "," + t + "," + v1,
        t + ",v1=" + std::string(64, '0'), t + ",v1=", std::string(10000, 'x') + "," + good}) {
    EXPECT_FALSE(VerifyStripeSignature(kPayload, header, kSecret, kNow)) << header;
  }
  // Spaces around the items and unknown schemes are tolerated, as by Stripe's own libraries.
  EXPECT_TRUE(VerifyStripeSignature(kPayload, t + ", " + v1 + ",v9=zz", kSecret, kNow));
  EXPECT_FALSE(VerifyStripeSignature(kPayload, good, "", kNow)) << "no secret, no trust";
}

// The endpoint: verified events are stored once, by id, and audited.
class StripeReceiveTest : public ::testing::Test {
 protected:
  StripeReceiveTest()
      : store_(storage::OpenStore("sqlite://" + dir_.File("w.db"), clock_)),
        gateway_({.api_base = "http://127.0.0.1:9", .secret_key = "sk_test_unused"}),
        billing_(*store_, clock_, policy_, gateway_, app::EmailContext{"https://x.test"}),
        webhooks_(*store_, billing_, clock_,
                  {.api_base = "http://127.0.0.1:9", .secret_key = "sk_test_unused"}, kSecret) {
    store_->Migrate();
  }

  Result<void> Receive(const std::string& body, Instant signed_at) {
    return webhooks_.Receive(body, SignWithStripeSdk(body, {kSecret}, ToUnix(signed_at)),
                             clock_.Now());
  }

  tenure::testing::TempDir dir_;
  FakeClock clock_{kNow};
  domain::LicensePolicy policy_;
  std::unique_ptr<storage::SqlStore> store_;
  StripeGateway gateway_;
  app::BillingService billing_;
  StripeWebhooks webhooks_;
};

TEST_F(StripeReceiveTest, AVerifiedEventIsStoredRawAndOnce) {
  ASSERT_TRUE(Receive(kPayload, kNow));
  ASSERT_TRUE(Receive(kPayload, kNow + seconds(40))) << "a redelivery is accepted (2xx)";
  const auto events = store_->Read()->stripe_events().Unprocessed(10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "evt_1QxTenure");
  EXPECT_EQ(events[0].type, "payment_intent.succeeded");
  EXPECT_EQ(events[0].payload, kPayload) << "the raw bytes, never re-serialised";
  EXPECT_EQ(events[0].received_at, kNow);
  const auto audit = store_->Read()->audit_log().ForSubject("stripe_event:evt_1QxTenure", 10);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "stripe.event_received");
  EXPECT_EQ(audit[0].actor, "stripe");
}

TEST_F(StripeReceiveTest, UnverifiedOrMalformedBodiesAreNotStored) {
  auto stale = Receive(kPayload, kNow - seconds(301));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().message, "timestamp outside the tolerance");
  auto forged = webhooks_.Receive(
      kPayload, SignWithStripeSdk(kPayload, {"whsec_forger"}, ToUnix(kNow)), kNow);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().message, "invalid signature");
  for (const std::string body :
       {"not json", "[]", R"({"id":"evt_2"})", R"({"type":"x.y"})", R"({"id":7,"type":"x.y"})"}) {
    auto r = Receive(body, kNow);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().message, "malformed event") << body;
  }
  EXPECT_TRUE(store_->Read()->stripe_events().Unprocessed(10).empty());
}

}  // namespace
}  // namespace tenure::integrations
