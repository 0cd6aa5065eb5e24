#pragma once
// The Stripe payment provider (PRODUCT.md: Payments; issue 4): customers, saving a card with
// Checkout in setup mode, and PaymentIntents confirmed at once with the caller's idempotency
// key. Tenure never sees a card number: cards are typed on Stripe's page.
#include <optional>

#include <nlohmann/json.hpp>

#include "app/ports.hpp"
#include "integrations/stripe/stripe_client.hpp"

namespace tenure::integrations {

class StripeGateway final : public app::PaymentGateway {
 public:
  explicit StripeGateway(StripeClientOptions options);

  std::string_view name() const override { return "stripe"; }
  // Finds the customer made for this user (metadata[user_id]) or creates one with the key
  // "customer:<user id>:<email digest>", so that neither a retry nor a second call a day later
  // (when Stripe has forgotten the key) makes a second customer.
  Result<std::string> EnsureCustomer(UserId user, std::string_view email) override;
  // One PaymentIntent, confirmed now, with request.idempotency_key: a declined card is an
  // outcome (succeeded = false), an unknown result is an error to retry with the same key.
  Result<app::ChargeOutcome> Charge(const app::ChargeRequest& request) override;
  // A Checkout Session in setup mode; the card arrives later with checkout.session.completed.
  Result<std::string> CardSetupUrl(std::string_view customer_ref, std::string_view success_url,
                                   std::string_view cancel_url) override;
  Result<app::SavedCard> AttachTestCard(std::string_view customer_ref,
                                        const app::TestCardInput& card, Instant now) override;

  StripeClient& client() { return client_; }

 private:
  StripeClient client_;
};

// What a PaymentIntent's current status means for our charge: succeeded, declined (with the
// last error's codes), or nothing yet (processing, or not confirmed).
std::optional<app::ChargeOutcome> OutcomeOfPaymentIntent(const nlohmann::json& intent);

}  // namespace tenure::integrations
