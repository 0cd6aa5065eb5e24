#include "integrations/stripe/stripe_gateway.hpp"

#include "integrations/stripe/json_fields.hpp"

#include <fmt/format.h>

#include <iostream>

#include "core/secure_random.hpp"

namespace tenure::integrations {
namespace {

using nlohmann::json;

constexpr char kUnreachable[] =
    "We couldn't reach the payment provider. Please try again in a few minutes.";

using stripe_json::Member;
using stripe_json::Str;

// The operator's log gets what Stripe's dashboard needs to find the request; never the key,
// never card data (Stripe sends none), never the customer's message.
void LogFailure(std::string_view what, const StripeApiError& e) {
  std::cerr << fmt::format("stripe: {} failed: HTTP {} type={} code={} request_id={}\n", what,
                           e.status, e.type, e.code, e.request_id);
}

std::unexpected<Error> Unreachable(std::string_view what, const Error& error) {
  std::cerr << fmt::format("stripe: {} failed: {}\n", what, error.message);
  return Fail(ErrorCode::kUnavailable, kUnreachable);
}

std::unexpected<Error> ApiFailure(std::string_view what, const StripeResponse& response) {
  const StripeApiError e = ParseStripeError(response);
  LogFailure(what, e);
  if (e.type == "idempotency_error")  // a bug: one key reused for a different request
    return Fail(ErrorCode::kConflict,
                "This payment request conflicts with an earlier one. Please contact support.");
  return Fail(ErrorCode::kUnavailable, kUnreachable);
}

}  // namespace

std::optional<app::ChargeOutcome> OutcomeOfPaymentIntent(const json& intent) {
  const std::string id = Str(intent, "id");
  const std::string status = Str(intent, "status");
  if (status == "succeeded") return app::ChargeOutcome{.succeeded = true, .payment_id = id};
  const json& last_error = Member(intent, "last_payment_error");
  auto declined = [&](std::string code, std::string message) {
    std::string decline = Str(last_error, "decline_code");
    if (decline.empty()) decline = Str(last_error, "code");
    if (decline.empty()) decline = std::move(code);
    std::string text = Str(last_error, "message");
    if (text.empty()) text = std::move(message);
    return app::ChargeOutcome{
        .succeeded = false, .payment_id = id, .decline_code = decline, .message = text};
  };
  if (status == "requires_payment_method") {
    // Before its first confirmation an intent waits for a card too; only a failed attempt
    // (last_payment_error) is a decline.
    if (!last_error.is_object()) return std::nullopt;
    return declined("card_declined", "Your card was declined.");
  }
  if (status == "requires_action")  // 3-D Secure: impossible off session, and not offered here
    return declined("authentication_required",
                    "Your bank asks you to confirm this payment, which can't be done here. "
                    "Please add another card.");
  if (status == "canceled") return declined("canceled", "The payment was canceled.");
  return std::nullopt;  // processing, requires_confirmation, requires_capture
}

StripeGateway::StripeGateway(StripeClientOptions options) : client_(std::move(options)) {}

Result<std::string> StripeGateway::EnsureCustomer(UserId user, std::string_view email) {
  const std::string user_id = std::to_string(user.value);
  // Idempotency keys are forgotten after 24 hours (STRIPE.md), so look for the customer made
  // earlier first: listing by email is strongly consistent, unlike the search API.
  auto found = client_.Get("/v1/customers", {{"email", std::string(email)}, {"limit", "100"}});
  if (!found) return Unreachable("listing customers", found.error());
  if (!found->ok()) return ApiFailure("listing customers", *found);
  const json& data = Member(found->body, "data");
  if (data.is_array())
    for (const json& customer : data)
      if (Str(Member(customer, "metadata"), "user_id") == user_id && !Str(customer, "id").empty())
        return Str(customer, "id");

  const std::string key = fmt::format("customer:{}:{}", user.value, Sha256Hex(email).substr(0, 16));
  auto created = client_.Post("/v1/customers",
                              {{"email", std::string(email)}, {"metadata[user_id]", user_id}}, key);
  if (!created) return Unreachable("creating a customer", created.error());
  if (!created->ok()) return ApiFailure("creating a customer", *created);
  std::string id = Str(created->body, "id");
  if (!IsStripeId(id)) return Fail(ErrorCode::kUnavailable, kUnreachable);
  return id;
}

Result<app::ChargeOutcome> StripeGateway::Charge(const app::ChargeRequest& request) {
  StripeParams params = {{"amount", std::to_string(request.amount.cents())},
                         {"currency", request.currency},
                         {"payment_method", request.payment_method_ref},
                         // Cards only: no redirect-based method can need a return_url.
                         {"payment_method_types[]", "card"},
                         {"confirm", "true"}};
  if (!request.customer_ref.empty()) params.emplace_back("customer", request.customer_ref);
  if (request.off_session) params.emplace_back("off_session", "true");
  for (const auto& [key, value] : request.metadata)
    params.emplace_back(fmt::format("metadata[{}]", key), value);

  auto response = client_.Post("/v1/payment_intents", params, request.idempotency_key);
  if (!response) return Unreachable("creating a payment", response.error());
  if (response->ok()) {
    auto outcome = OutcomeOfPaymentIntent(response->body);
    if (!outcome) {  // e.g. processing: the webhook brings the end, or a retry with the key
      std::cerr << fmt::format("stripe: payment {} is {}; waiting for its webhook\n",
                               Str(response->body, "id"), Str(response->body, "status"));
      return Fail(ErrorCode::kUnavailable,
                  "Your payment is still being processed. You will never be charged twice.");
    }
    return *outcome;
  }
  const StripeApiError e = ParseStripeError(*response);
  const std::string payment_id = Str(e.payment_intent, "id");
  // A card error on confirm is an outcome, not a failure of the call (HTTP 402, card_error,
  // with the intent attached): its message is written for the customer.
  if (e.status == 402 || e.type == "card_error")
    return app::ChargeOutcome{.succeeded = false,
                              .payment_id = payment_id,
                              .decline_code = e.decline_code.empty() ? e.code : e.decline_code,
                              .message = e.message.empty() ? "Your card was declined." : e.message};
  // A request Stripe refused for good (no such payment method, a card of another provider):
  // Stripe keeps that answer for this key, so no retry can succeed. It is a declined attempt;
  // the next attempt gets a new key. Not an idempotency conflict, which is our bug.
  if ((e.status == 400 || e.status == 404) && e.type == "invalid_request_error") {
    LogFailure("creating a payment", e);
    return app::ChargeOutcome{.succeeded = false,
                              .payment_id = payment_id,
                              .decline_code = e.code.empty() ? "invalid_request" : e.code,
                              .message = "This card can't be charged. Please add another card."};
  }
  // 401/403 (the key), 409 (the same key still running), 429/5xx after the retries: the
  // payment may or may not exist; the same key finds out later.
  return ApiFailure("creating a payment", *response);
}

Result<std::string> StripeGateway::CardSetupUrl(std::string_view customer_ref,
                                                std::string_view success_url,
                                                std::string_view cancel_url) {
  // Each visit is its own logical operation: a fresh key, reused only by this call's retries.
  auto response = client_.Post("/v1/checkout/sessions",
                               {{"mode", "setup"},
                                {"customer", std::string(customer_ref)},
                                {"currency", "usd"},
                                {"payment_method_types[]", "card"},
                                {"success_url", std::string(success_url)},
                                {"cancel_url", std::string(cancel_url)}},
                               fmt::format("checkout:{}:{}", customer_ref, RandomToken(12)));
  if (!response) return Unreachable("creating a checkout session", response.error());
  if (!response->ok()) return ApiFailure("creating a checkout session", *response);
  std::string url = Str(response->body, "url");
  if (!url.starts_with("https://") && !url.starts_with("http://"))
    return Fail(ErrorCode::kUnavailable, kUnreachable);
  return url;
}

Result<app::SavedCard> StripeGateway::AttachTestCard(std::string_view, const app::TestCardInput&,
                                                     Instant) {
  return Fail(ErrorCode::kInvalidInput,
              "Cards are entered on Stripe's page: use \"Add a payment method\".");
}

}  // namespace tenure::integrations
