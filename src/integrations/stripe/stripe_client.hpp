#pragma once
// Stripe's REST API over libcurl (STRIPE.md; issue 4): form-encoded bodies, the secret key as a
// Bearer token, a pinned Stripe-Version, an Idempotency-Key on every POST, and bounded retries
// with exponential backoff and jitter on 429, 5xx and connection errors, never on another 4xx.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace tenure::integrations {

// The API version every request asks for, so that a change of the account's default version
// never changes the shapes we parse: the one stripe-node 23.1.0 (package.json) pins.
inline constexpr std::string_view kStripeApiVersion = "2026-10-28.endive";

// Form fields in order; nested keys are spelled out: {"metadata[license_id]", "7"},
// {"payment_method_types[]", "card"}.
using StripeParams = std::vector<std::pair<std::string, std::string>>;

struct StripeClientOptions {
  std::string api_base = "https://api.stripe.com";  // no trailing slash
  std::string secret_key;
  std::string api_version = std::string(kStripeApiVersion);
  // Attempts after the first: 3 retries means at most 4 requests per call.
  int max_retries = 3;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{30};  // per attempt
  // Waits between attempts; tests pass one that records and returns at once.
  std::function<void(std::chrono::milliseconds)> sleep;
  // A number in [0, 1) for the jitter; default: uniformly random.
  std::function<double()> jitter;
};

struct StripeResponse {
  long status = 0;
  nlohmann::json body;  // null when the body was not JSON
  std::string request_id;
  bool idempotent_replayed = false;  // Stripe answered from its idempotency cache
  int attempts = 1;                  // requests sent for this call, retries included

  bool ok() const { return status >= 200 && status < 300; }
};

// The `error` object of a non-2xx answer (https://docs.stripe.com/api/errors).
struct StripeApiError {
  long status = 0;
  std::string type;  // card_error | invalid_request_error | idempotency_error | api_error | ...
  std::string code;  // card_declined, resource_missing, ...
  std::string decline_code;
  std::string message;            // Stripe's: for card errors it is meant for the customer
  nlohmann::json payment_intent;  // card errors on a PaymentIntent carry it; else null
  std::string request_id;
};
StripeApiError ParseStripeError(const StripeResponse& response);

// application/x-www-form-urlencoded, RFC 3986 unreserved characters kept, the rest %XX.
std::string FormEncode(const StripeParams& params);

class StripeClient {
 public:
  // Throws std::invalid_argument for a missing key or a base URL that is not http(s).
  explicit StripeClient(StripeClientOptions options);

  // Any HTTP answer comes back as a response, retries done (a 4xx, or a 5xx that outlasted
  // them); an error means no answer at all: connection refused, reset, timed out. Both are
  // safe to repeat with the same idempotency key (STRIPE.md: Idempotency).
  // `idempotency_key` must not be empty: one per logical operation, the same on every retry.
  Result<StripeResponse> Post(std::string_view path, const StripeParams& params,
                              std::string_view idempotency_key);
  Result<StripeResponse> Get(std::string_view path, const StripeParams& query = {});

  const StripeClientOptions& options() const { return options_; }

 private:
  Result<StripeResponse> Send(std::string_view method, std::string_view path,
                              const std::string& body, std::string_view idempotency_key);
  std::chrono::milliseconds Backoff(int retry) const;

  StripeClientOptions options_;
};

// A Stripe object id safe to put in a URL path (ids are [A-Za-z0-9_]).
bool IsStripeId(std::string_view id);

}  // namespace tenure::integrations
