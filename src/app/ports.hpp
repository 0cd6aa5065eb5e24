#pragma once
// Ports to the outside world that app declares and integrations/ implement (ENGINEERING.md:
// Shape). Jobs and use cases see only these interfaces, never a concrete client.
#include <string>
#include <utility>
#include <vector>

#include "core/ids.hpp"

#include "core/money.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::app {

// A plain-text email, UTF-8.
struct Email {
  std::vector<std::string> to;
  std::string subject;
  std::string text;
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // kUnavailable for temporary failures (connection refused, timeout, a 4xx reply): retry.
  // kInvalidInput for permanent ones (a 5xx reply, e.g. a rejected recipient): do not retry.
  virtual Result<void> Send(const Email& email) = 0;
};

// A card the customer typed into the offline provider's form (demo and tests only: the real
// provider takes cards on Stripe's own page and Tenure never sees the number).
struct TestCardInput {
  std::string number;
  int exp_month = 0;
  int exp_year = 0;
};

struct SavedCard {
  std::string ref;  // the provider's payment method id
  std::string brand;
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
};

struct ChargeRequest {
  std::string idempotency_key;  // one per logical charge, reused on every retry (STRIPE.md)
  std::string customer_ref;
  std::string payment_method_ref;
  Money amount;
  std::string currency = "usd";
  bool off_session = false;  // automatic renewals: the customer is not there
  std::vector<std::pair<std::string, std::string>> metadata;
};

struct ChargeOutcome {
  bool succeeded = false;
  std::string payment_id;    // the provider's PaymentIntent id
  std::string decline_code;  // e.g. generic_decline, insufficient_funds
  std::string message;       // for the customer
};

// PRODUCT.md: Payments. Implemented by integrations/offline (demo, tests) and
// integrations/stripe. Errors mean the outcome is unknown or the call never happened
// (network, 5xx, 429 after retries): the same idempotency key may be retried safely.
class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;
  virtual std::string_view name() const = 0;  // "offline" | "stripe"
  virtual Result<std::string> EnsureCustomer(UserId user, std::string_view email) = 0;
  virtual Result<ChargeOutcome> Charge(const ChargeRequest& request) = 0;
  // Where the customer saves a card: Stripe Checkout in setup mode, or our own test-card form
  // for the offline provider (an empty URL).
  virtual Result<std::string> CardSetupUrl(std::string_view customer_ref,
                                           std::string_view success_url,
                                           std::string_view cancel_url) = 0;
  // The offline provider only: attach one of the test cards.
  virtual Result<SavedCard> AttachTestCard(std::string_view customer_ref, const TestCardInput& card,
                                           Instant now) = 0;
};

}  // namespace tenure::app
