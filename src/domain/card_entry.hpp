#pragma once
// What a customer types into a card form (issue 14 item 8), read the way card forms people trust
// read it: the number in any grouping with its brand told from its first digits, the expiry as
// MM / YY, the security code. Used by the offline provider's form only: with Stripe, cards are
// typed on Stripe's page and Tenure never sees them.
#include <chrono>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace tenure::domain {

// Stripe's brand codes, which saved cards keep: "visa", "mastercard", "amex", "discover",
// "diners", "jcb", "unionpay"; "unknown" when the first digits name none of them.
std::string_view CardBrandOf(std::string_view digits);
// "Visa", "Mastercard", "American Express", ...: a brand code as its owner writes it.
std::string CardBrandName(std::string_view code);
// The Luhn check digit (ISO/IEC 7812) holds: catches a mistyped digit or two swapped.
bool LuhnValid(std::string_view digits);

struct CardEntry {
  std::string digits;  // the number without its spaces
  std::string brand;   // a code of CardBrandOf
  int exp_month = 0;   // 1-12
  int exp_year = 0;    // four digits
  std::string cvc;     // checked, never kept
};

// Every problem at once, in the fields' order, each naming its field (`number`, `exp`, `cvc`)
// with a message that says how to put it right. `today` decides what has expired: a card is
// good to the end of its expiry month.
std::expected<CardEntry, std::vector<Error>> ReadCardEntry(std::string_view number,
                                                           std::string_view expiry,
                                                           std::string_view cvc,
                                                           std::chrono::year_month today);

}  // namespace tenure::domain
