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

// Sums over checkouts in [since, now]; one row per currency.
struct CurrencySum {
  std::string currency;
  int64_t checkouts = 0;
  int64_t cents = 0;
};
struct StoreSum {
  std::string store;
  std::string currency;
  int64_t checkouts = 0;
  int64_t cents = 0;
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
  virtual std::vector<CurrencySum> Totals(std::optional<UserId> user, Instant since) = 0;
  virtual std::vector<StoreSum> ByStore(std::optional<UserId> user, int limit) = 0;
  // Checkouts per day since `since`, days starting at `since` and every 86,400 s after it.
  virtual std::vector<DaySum> PerDay(std::optional<UserId> user, Instant since) = 0;
  virtual std::vector<StoredCheckout> Latest(std::optional<UserId> user, int limit) = 0;
};

}  // namespace tenure::app
