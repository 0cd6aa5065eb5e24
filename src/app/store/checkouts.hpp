#pragma once
// Reported checkouts in storage (domain/checkout.hpp; issue 9).
#include <optional>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "domain/checkout.hpp"
#include "domain/machine.hpp"

namespace tenure::app {

struct StoredCheckout {
  int64_t id = 0;
  UserId user_id;
  domain::Checkout checkout;
  Instant received_at;
};

// Checkouts and what they cost (price x quantity, in the currency's minor units).
struct CheckoutSum {
  int64_t checkouts = 0;
  int64_t cents = 0;
};
// One store and currency's sums over the statistics' three periods (domain::CheckoutStats).
struct StoreSum {
  std::string store;
  std::string currency;
  CheckoutSum all_time;
  CheckoutSum last_30_days;  // at or after the `last_30_days` instant asked for
  CheckoutSum last_7_days;
};
struct DaySum {
  int64_t day_start = 0;  // unix seconds of the day's start in the asked offset
  int64_t checkouts = 0;
};

class CheckoutRepository {
 public:
  virtual ~CheckoutRepository() = default;
  // False when (user, client_id) is stored already: the report is a duplicate.
  virtual bool InsertIfNew(UserId user, const domain::Checkout& checkout, Instant received_at,
                           std::optional<domain::MachineId> machine) = 0;
  // Statistics for one customer, or for everyone when `user` is unset.
  // Per store and currency, the three periods from one scan, by store then currency.
  virtual std::vector<StoreSum> Sums(std::optional<UserId> user, Instant last_30_days,
                                     Instant last_7_days) = 0;
  // Checkouts per day since `since`, days starting at `since` and every 86,400 s after it.
  virtual std::vector<DaySum> PerDay(std::optional<UserId> user, Instant since) = 0;
  virtual std::vector<StoredCheckout> Latest(std::optional<UserId> user, int limit) = 0;
};

}  // namespace tenure::app
