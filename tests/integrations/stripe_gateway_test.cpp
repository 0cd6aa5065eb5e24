// The Stripe gateway against Stripe's API on loopback (stripe-stateful-mock with the
// PaymentIntent and Checkout routes of tests/support/stripe_mock.mjs): customers, charges with
// Stripe's test payment methods, decline codes, idempotency, and Checkout in setup mode.
#include "integrations/stripe/stripe_gateway.hpp"

#include <gtest/gtest.h>

#include "integrations/stripe_peers.hpp"

namespace tenure::integrations {
namespace {

using nlohmann::json;

class StripeGatewayTest : public ::testing::Test {
 protected:
  StripeClientOptions Options(std::string key = "sk_test_tenure_gateway") {
    return StripeClientOptions{.api_base = mock_.url(),
                               .secret_key = std::move(key),
                               .sleep = [](std::chrono::milliseconds) {}};
  }

  std::string Customer(int64_t user, const std::string& email) {
    auto c = gateway_.EnsureCustomer(UserId{user}, email);
    EXPECT_TRUE(c) << c.error().message;
    return c.value_or("");
  }

  app::ChargeRequest Request(const std::string& customer, const std::string& card,
                             const std::string& key, int64_t cents = 5000) {
    return app::ChargeRequest{
        .idempotency_key = key,
        .customer_ref = customer,
        .payment_method_ref = card,
        .amount = Money::Cents(cents),
        .off_session = true,
        .metadata = {{"license_id", "4"}, {"period", "1795737600"}, {"charge_id", "12"}}};
  }

  json Get(const std::string& path) {
    auto r = gateway_.client().Get(path);
    EXPECT_TRUE(r && r->ok());
    return r ? r->body : json();
  }

  size_t ChargesAtStripe() { return Get("/v1/charges?limit=100").at("data").size(); }

  tenure::testing::StripeMock mock_;
  StripeGateway gateway_{Options()};
};

TEST_F(StripeGatewayTest, EnsureCustomerCreatesOneCustomerPerUser) {
  const std::string first = Customer(41, "buyer@example.com");
  EXPECT_TRUE(first.starts_with("cus_")) << first;
  EXPECT_EQ(Customer(41, "buyer@example.com"), first) << "found again, not created again";
  const json customer = Get("/v1/customers/" + first);
  EXPECT_EQ(customer.at("email"), "buyer@example.com");
  EXPECT_EQ(customer.at("metadata").at("user_id"), "41");
  // Another account that happens to share the address gets its own customer.
  EXPECT_NE(Customer(42, "buyer@example.com"), first);
}

TEST_F(StripeGatewayTest, ASucceedingCardChargesOnce) {
  const std::string customer = Customer(1, "one@example.com");
  auto outcome = gateway_.Charge(Request(customer, "pm_card_visa", "renewal:4:1795737600:1"));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->succeeded);
  EXPECT_TRUE(outcome->payment_id.starts_with("pi_")) << outcome->payment_id;
  EXPECT_TRUE(outcome->decline_code.empty());

  const json intent = Get("/v1/payment_intents/" + outcome->payment_id);
  EXPECT_EQ(intent.at("status"), "succeeded");
  EXPECT_EQ(intent.at("amount"), 5000);
  EXPECT_EQ(intent.at("currency"), "usd");
  EXPECT_EQ(intent.at("customer"), customer);
  EXPECT_EQ(intent.at("metadata"),
            (json{{"license_id", "4"}, {"period", "1795737600"}, {"charge_id", "12"}}));
  EXPECT_EQ(ChargesAtStripe(), 1u);
}

TEST_F(StripeGatewayTest, TheSameIdempotencyKeyNeverChargesTwice) {
  const std::string customer = Customer(2, "two@example.com");
  const auto request = Request(customer, "pm_card_visa", "renewal:4:1795737600:2");
  auto first = gateway_.Charge(request);
  auto retry = gateway_.Charge(request);  // e.g. the answer was lost, and the job ran again
  ASSERT_TRUE(first && retry);
  EXPECT_TRUE(retry->succeeded);
  EXPECT_EQ(retry->payment_id, first->payment_id);
  EXPECT_EQ(ChargesAtStripe(), 1u) << "the second call replayed the first, charging nothing";
}

TEST_F(StripeGatewayTest, ADifferentAmountUnderAUsedKeyIsRefusedNotCharged) {
  const std::string customer = Customer(3, "three@example.com");
  ASSERT_TRUE(gateway_.Charge(Request(customer, "pm_card_visa", "renewal:4:1795737600:3")));
  auto r = gateway_.Charge(Request(customer, "pm_card_visa", "renewal:4:1795737600:3", 7500));
  ASSERT_FALSE(r) << "an idempotency conflict is our bug, never a decline or a charge";
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(ChargesAtStripe(), 1u);

  // At the client: a 400 idempotency_error, sent once.
  StripeParams params = {{"amount", "7500"},
                         {"currency", "usd"},
                         {"customer", customer},
                         {"payment_method", "pm_card_visa"},
                         {"confirm", "true"}};
  auto raw = gateway_.client().Post("/v1/payment_intents", params, "renewal:4:1795737600:3");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 400);
  EXPECT_EQ(raw->attempts, 1);
  EXPECT_EQ(ParseStripeError(*raw).type, "idempotency_error");
}

TEST_F(StripeGatewayTest, DeclinesAreOutcomesWithStripesCodes) {
  const std::string customer = Customer(4, "four@example.com");
  auto generic = gateway_.Charge(Request(customer, "pm_card_chargeDeclined", "renewal:4:1:1"));
  ASSERT_TRUE(generic) << generic.error().message;
  EXPECT_FALSE(generic->succeeded);
  EXPECT_EQ(generic->decline_code, "generic_decline");
  EXPECT_EQ(generic->message, "Your card was declined.");
  ASSERT_TRUE(generic->payment_id.starts_with("pi_")) << generic->payment_id;
  const json intent = Get("/v1/payment_intents/" + generic->payment_id);
  EXPECT_EQ(intent.at("status"), "requires_payment_method");
  EXPECT_EQ(intent.at("last_payment_error").at("decline_code"), "generic_decline");

  auto funds = gateway_.Charge(
      Request(customer, "pm_card_chargeDeclinedInsufficientFunds", "renewal:4:1:2"));
  ASSERT_TRUE(funds) << funds.error().message;
  EXPECT_FALSE(funds->succeeded);
  EXPECT_EQ(funds->decline_code, "insufficient_funds");
  EXPECT_EQ(funds->message, "Your card has insufficient funds.");

  // Stripe keeps the decline for the key: the same attempt again is the same decline.
  auto again = gateway_.Charge(Request(customer, "pm_card_chargeDeclined", "renewal:4:1:1"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->succeeded);
  EXPECT_EQ(again->payment_id, generic->payment_id);
}

TEST_F(StripeGatewayTest, ACardStripeDoesNotKnowIsADeclineNotAnOutage) {
  // E.g. the offline provider's card after switching to Stripe: no retry can ever succeed.
  const std::string customer = Customer(5, "five@example.com");
  auto r = gateway_.Charge(Request(customer, "pm_offline_4242", "renewal:9:1:1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->succeeded);
  EXPECT_EQ(r->decline_code, "resource_missing");
  EXPECT_EQ(r->message, "This card can't be charged. Please add another card.");
}

TEST_F(StripeGatewayTest, AKeyStripeRefusesIsAnOutageNotADecline) {
  StripeGateway misconfigured(Options("sk_live_but_the_mock_wants_test"));
  auto customer = misconfigured.EnsureCustomer(UserId{6}, "six@example.com");
  ASSERT_FALSE(customer);
  EXPECT_EQ(customer.error().code, ErrorCode::kUnavailable);
  auto charge = misconfigured.Charge(Request("cus_x", "pm_card_visa", "renewal:9:1:2"));
  ASSERT_FALSE(charge) << "the payment never happened: the same key may be tried again";
  EXPECT_EQ(charge.error().code, ErrorCode::kUnavailable);
}

TEST_F(StripeGatewayTest, CardSetupIsACheckoutSessionInSetupMode) {
  const std::string customer = Customer(7, "seven@example.com");
  auto url = gateway_.CardSetupUrl(customer, "https://licenses.example.com/billing?done=card_saved",
                                   "https://licenses.example.com/billing/card");
  ASSERT_TRUE(url) << url.error().message;
  const auto at = url->rfind('/');
  ASSERT_NE(at, std::string::npos);
  const std::string session_id = url->substr(at + 1);
  EXPECT_TRUE(session_id.starts_with("cs_")) << *url;
  const json session = Get("/v1/checkout/sessions/" + session_id);
  EXPECT_EQ(session.at("mode"), "setup");
  EXPECT_EQ(session.at("customer"), customer);
  EXPECT_EQ(session.at("currency"), "usd");
  EXPECT_EQ(session.at("payment_method_types"), json::array({"card"}));
  EXPECT_EQ(session.at("success_url"), "https://licenses.example.com/billing?done=card_saved");
  EXPECT_EQ(session.at("cancel_url"), "https://licenses.example.com/billing/card");
}

TEST_F(StripeGatewayTest, TestCardsAreNotTypedIntoTenure) {
  auto r = gateway_.AttachTestCard("cus_x", {.number = "4242424242424242"}, Instant{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
}

TEST(StripePaymentIntentOutcome, StatusesMapToOutcomes) {
  EXPECT_TRUE(OutcomeOfPaymentIntent({{"id", "pi_1"}, {"status", "succeeded"}})->succeeded);
  EXPECT_FALSE(OutcomeOfPaymentIntent({{"id", "pi_1"}, {"status", "processing"}}));
  EXPECT_FALSE(OutcomeOfPaymentIntent({{"id", "pi_1"}, {"status", "requires_payment_method"}}))
      << "not yet confirmed is not a decline";
  const auto failed = OutcomeOfPaymentIntent(
      {{"id", "pi_1"},
       {"status", "requires_payment_method"},
       {"last_payment_error",
        {{"code", "card_declined"}, {"decline_code", "insufficient_funds"}, {"message", "No."}}}});
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->succeeded);
  EXPECT_EQ(failed->payment_id, "pi_1");
  EXPECT_EQ(failed->decline_code, "insufficient_funds");
  EXPECT_EQ(failed->message, "No.");
  const auto action = OutcomeOfPaymentIntent({{"id", "pi_2"}, {"status", "requires_action"}});
  ASSERT_TRUE(action);
  EXPECT_FALSE(action->succeeded);
  EXPECT_EQ(action->decline_code, "authentication_required");
  EXPECT_FALSE(OutcomeOfPaymentIntent({{"id", "pi_3"}, {"status", "canceled"}})->succeeded);
}

}  // namespace
}  // namespace tenure::integrations
