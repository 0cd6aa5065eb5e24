#pragma once
// The offline payment provider: Stripe's test cards without a network, for the demo and the
// tests (PRODUCT.md: Payments). Outcomes depend only on the card and the idempotency key, so
// a retried charge answers exactly as the first did, as Stripe's idempotency does.
#include "app/ports.hpp"

namespace tenure::integrations {

class OfflineGateway final : public app::PaymentGateway {
 public:
  std::string_view name() const override { return "offline"; }
  Result<std::string> EnsureCustomer(UserId user, std::string_view email) override;
  Result<app::ChargeOutcome> Charge(const app::ChargeRequest& request) override;
  Result<std::string> CardSetupUrl(std::string_view customer_ref, std::string_view success_url,
                                   std::string_view cancel_url) override;
  Result<app::SavedCard> AttachTestCard(std::string_view customer_ref,
                                        const app::TestCardInput& input, Instant now) override;
};

}  // namespace tenure::integrations
