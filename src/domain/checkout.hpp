#pragma once
// Checkouts the program reports (PRODUCT.md: "The program reports its checkouts"; issue 9):
// what a customer bought with the program, for their statistics. Not money Tenure moves:
// amounts are in the currency the store charged, as reported. Pure.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::domain {

inline constexpr size_t kMaxCheckoutsPerReport = 100;
inline constexpr int64_t kMaxCheckoutPriceCents = 10'000'000;  // 100,000.00 a unit
inline constexpr int kMaxCheckoutQuantity = 1000;
inline constexpr Seconds kCheckoutClockSkew{60};  // a program's clock may run this far ahead

struct Checkout {
  std::string client_id;  // the program's id for it: a re-sent report stores it once
  std::string store;
  std::string product;
  int64_t price_cents = 0;  // a unit's price
  std::string currency;     // ISO 4217, upper case
  int quantity = 1;
  Instant at;

  int64_t total_cents() const { return price_cents * quantity; }
};

// Checks one reported checkout at `now`; the error's field names the member at fault.
Result<void> ValidateCheckout(const Checkout& checkout, Instant now);
// "1,234.56 USD": an amount in the currency's minor units, as people read it.
std::string FormatAmount(int64_t cents, std::string_view currency);
// An active ISO 4217 currency code ("USD").
bool IsCurrencyCode(std::string_view code);

// Statistics over a customer's checkouts (or everyone's), for Home and staff.
struct CheckoutTotals {
  int64_t checkouts = 0;                 // reports (a checkout of 3 units counts once)
  std::map<std::string, int64_t> spent;  // cents by currency
};
struct DayCount {
  CivilDate day;
  int64_t checkouts = 0;
};
struct StoreTotals {
  std::string store;
  CheckoutTotals totals;
};
struct CheckoutStats {
  CheckoutTotals last_7_days;
  CheckoutTotals last_30_days;
  CheckoutTotals all_time;
  std::vector<StoreTotals> by_store;  // all time, most checkouts first
  std::vector<DayCount> per_day;      // the last 30 days, oldest first, zeros included
};

}  // namespace tenure::domain
