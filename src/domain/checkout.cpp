#include "domain/checkout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "domain/text.hpp"

namespace tenure::domain {
namespace {

// ISO 4217's active codes (list one, 2024), sorted for binary search.
constexpr std::array<std::string_view, 155> kCurrencies{
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG"};

Result<void> CheckText(std::string_view value, size_t max, std::string_view field,
                       std::string_view what) {
  if (value.empty())
    return Fail(ErrorCode::kInvalidInput, "Send the checkout's " + std::string(what) + ".",
                std::string(field));
  if (Utf8Length(value) > max)
    return Fail(ErrorCode::kInvalidInput,
                "The checkout's " + std::string(what) + " is longer than " + std::to_string(max) +
                    " characters.",
                std::string(field));
  if (!IsValidUtf8(value) || HasControlCharacters(value))
    return Fail(ErrorCode::kInvalidInput,
                "The checkout's " + std::string(what) + " is not plain text.", std::string(field));
  return {};
}

}  // namespace

bool IsCurrencyCode(std::string_view code) {
  return std::binary_search(kCurrencies.begin(), kCurrencies.end(), code);
}

Result<void> ValidateCheckout(const Checkout& c, Instant now) {
  if (auto ok = CheckText(c.client_id, 100, "id", "id"); !ok) return ok;
  if (auto ok = CheckText(c.store, 100, "store", "store"); !ok) return ok;
  if (auto ok = CheckText(c.product, 200, "product", "product"); !ok) return ok;
  if (c.price_cents < 0 || c.price_cents > kMaxCheckoutPriceCents)
    return Fail(ErrorCode::kInvalidInput,
                "The price must be from 0 to 10000000 cents (100,000.00) a unit.", "price_cents");
  if (!IsCurrencyCode(c.currency))
    return Fail(ErrorCode::kInvalidInput,
                "The currency must be an ISO 4217 code in capitals, such as USD or EUR.",
                "currency");
  if (c.quantity < 1 || c.quantity > kMaxCheckoutQuantity)
    return Fail(ErrorCode::kInvalidInput, "The quantity must be from 1 to 1000.", "quantity");
  if (c.at > now + kCheckoutClockSkew)
    return Fail(ErrorCode::kInvalidInput,
                "The checkout's time is in the future. Check the machine's clock.", "at");
  return {};
}

std::string FormatAmount(int64_t cents, std::string_view currency) {
  const bool negative = cents < 0;
  // Unsigned, so that the most negative value has a magnitude too.
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  std::string units = std::to_string(magnitude / 100);
  for (auto at = static_cast<ptrdiff_t>(units.size()) - 3; at > 0; at -= 3)
    units.insert(static_cast<size_t>(at), 1, ',');
  return fmt::format("{}{}.{:02} {}", negative ? "-" : "", units, magnitude % 100, currency);
}

}  // namespace tenure::domain
