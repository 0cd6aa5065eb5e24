#include "integrations/offline/offline_gateway.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/secure_random.hpp"
#include "domain/card_entry.hpp"

namespace tenure::integrations {
namespace {

struct TestCard {
  std::string_view number;
  std::string_view token;         // Stripe's test PaymentMethod, e.g. pm_card_visa
  std::string_view decline_code;  // empty: charges succeed
  std::string_view message;
};

// STRIPE.md: test cards.
constexpr TestCard kCards[] = {
    {"4242424242424242", "pm_card_visa", "", ""},
    {"5555555555554444", "pm_card_mastercard", "", ""},
    {"378282246310005", "pm_card_amex", "", ""},
    {"4000000000000002", "pm_card_chargeDeclined", "generic_decline", "Your card was declined."},
    {"4000000000009995", "pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds",
     "Your card has insufficient funds."},
    {"4000000000000341", "pm_card_chargeCustomerFail", "card_declined", "Your card was declined."},
};

const TestCard* ByRef(std::string_view ref) {
  for (const auto& c : kCards)
    if (ref == c.token || ref.starts_with(std::string(c.token) + "_")) return &c;
  return nullptr;
}

}  // namespace

Result<std::string> OfflineGateway::EnsureCustomer(UserId user, std::string_view) {
  return fmt::format("cus_offline_{}", user.value);
}

Result<app::ChargeOutcome> OfflineGateway::Charge(const app::ChargeRequest& request) {
  const TestCard* card = ByRef(request.payment_method_ref);
  // Deterministic ids: the same key always names the same payment.
  const std::string payment_id = "pi_offline_" + Sha256Hex(request.idempotency_key).substr(0, 24);
  if (!card)
    return app::ChargeOutcome{.succeeded = false,
                              .payment_id = payment_id,
                              .decline_code = "card_not_supported",
                              .message = "This card can't be charged. Add a test card."};
  if (card->decline_code.empty())
    return app::ChargeOutcome{.succeeded = true, .payment_id = payment_id};
  return app::ChargeOutcome{.succeeded = false,
                            .payment_id = payment_id,
                            .decline_code = std::string(card->decline_code),
                            .message = std::string(card->message)};
}

Result<std::string> OfflineGateway::CardSetupUrl(std::string_view, std::string_view,
                                                 std::string_view) {
  return std::string();  // our own form
}

Result<app::SavedCard> OfflineGateway::AttachTestCard(std::string_view,
                                                      const app::TestCardInput& input,
                                                      Instant now) {
  std::string digits;
  for (char c : input.number)
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits.push_back(c);
    else if (c != ' ' && c != '-')
      return Fail(ErrorCode::kInvalidInput, "Enter the card number using digits only.", "number");
  const auto card = std::find_if(std::begin(kCards), std::end(kCards),
                                 [&](const TestCard& c) { return c.number == digits; });
  if (card == std::end(kCards))
    return Fail(ErrorCode::kInvalidInput,
                "This demo takes test cards only, such as 4242 4242 4242 4242: see the test "
                "cards below the form.",
                "number");
  const std::chrono::year_month_day today(std::chrono::floor<std::chrono::days>(now));
  const int this_year = int(today.year());
  const int this_month = static_cast<int>(unsigned(today.month()));
  if (input.exp_month < 1 || input.exp_month > 12 || input.exp_year > this_year + 20 ||
      input.exp_year < this_year || (input.exp_year == this_year && input.exp_month < this_month))
    return Fail(ErrorCode::kInvalidInput, "Check the expiry date: the card has expired.", "exp");
  return app::SavedCard{.ref = fmt::format("{}_{}", card->token, RandomToken(9)),
                        .brand = std::string(domain::CardBrandOf(digits)),
                        .last4 = digits.substr(digits.size() - 4),
                        .exp_month = input.exp_month,
                        .exp_year = input.exp_year};
}

}  // namespace tenure::integrations
