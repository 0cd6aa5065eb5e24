#pragma once
// Stripe's webhooks (STRIPE.md: Webhook signatures, Delivery; ENGINEERING.md habit 12): the
// endpoint verifies the signature over the raw body, stores the event once by its id and
// answers at once; a worker applies stored events by re-reading the objects' current state
// from the API, so duplicates, replays and any order of arrival change nothing.
#include <string>
#include <string_view>

#include "app/store/stripe_events.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "integrations/stripe/stripe_client.hpp"
#include "integrations/stripe/webhook_input.hpp"

namespace tenure::app {
class BillingService;
}  // namespace tenure::app

namespace tenure::integrations {

class StripeWebhooks {
 public:
  // `billing` must be built with the Stripe gateway (its provider name finds our customers).
  StripeWebhooks(app::Store& store, app::BillingService& billing, const Clock& clock,
                 StripeClientOptions api, std::string endpoint_secret);

  // The endpoint: verify, then store the raw event (audited) unless its id is stored already.
  // A duplicate is a success. Errors are kInvalidInput with a short message for the answer.
  // The signature's age is judged against `wall_now`, the real time Stripe signed in; the
  // event is stored as received at the service clock's now, when the worker will see it.
  Result<void> Receive(std::string_view raw_body, std::string_view signature_header,
                       Instant wall_now);

  // The worker: claims up to `limit` due events in the database (no other server applies
  // them meanwhile) and applies them, oldest first. Each ends processed (applied, or ignored
  // as not ours or of no interest) or failed (attempts counted, tried again after a growing
  // pause). Returns how many ended processed.
  int ProcessPending(int limit = 100);

 private:
  // A note for the audit row on success ("applied", "ignored: ..."), an error to retry.
  Result<std::string> Apply(const app::StripeEvent& event);
  Result<std::string> ApplyPaymentIntent(const std::string& intent_id);
  Result<std::string> ApplyCheckoutSession(const std::string& session_id);
  Result<std::string> ApplyDispute(const std::string& dispute_id);
  Result<nlohmann::json> Fetch(const std::string& path, const StripeParams& query = {});
  void Finish(const app::StripeEvent& event, const Result<std::string>& result);

  app::Store& store_;
  app::BillingService& billing_;
  const Clock& clock_;
  StripeClient client_;
  std::string secret_;
};

}  // namespace tenure::integrations
