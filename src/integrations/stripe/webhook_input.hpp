#pragma once
// What a Stripe webhook request brings, checked before anything is stored (STRIPE.md: Webhook
// signatures): the Stripe-Signature header, and the few facts of the event Tenure reads. No
// storage and no network, so the fuzz targets (fuzz/stripe_*_fuzz.cpp, issue 13) run them
// alone.
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::integrations {

inline constexpr Seconds kStripeSignatureTolerance{300};

// Checks a `Stripe-Signature` header ("t=<unix seconds>,v1=<hex>[,v1=<hex>...]"; v0 and
// unknown schemes ignored) against HMAC-SHA256(secret, "<t>.<payload>"), comparing in constant
// time with every v1, and the timestamp against `now` within `tolerance` either way.
// kInvalidInput with a short public message when it fails.
Result<void> VerifyStripeSignature(std::string_view payload, std::string_view header,
                                   std::string_view secret, Instant now,
                                   Seconds tolerance = kStripeSignatureTolerance);

// The only facts of an event read before the worker asks the API for the object's current
// state (STRIPE.md: Delivery): none of them is trusted as state.
struct StripeEventHead {
  std::string id;         // "evt_..."
  std::string type;       // "payment_intent.succeeded"
  std::string object_id;  // data.object.id, "" when there is none
};

// kInvalidInput "malformed event" unless the body is a JSON object whose id and type are
// strings of 1 to 255 bytes.
Result<StripeEventHead> ReadStripeEvent(std::string_view raw_body);

}  // namespace tenure::integrations
