#pragma once
// Checkouts the program reports and the statistics Home and staff show (issue 9).
#include <cstddef>
#include <expected>
#include <functional>
#include <optional>
#include <vector>

#include "app/store/checkouts.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time_zone.hpp"
#include "domain/checkout.hpp"

namespace tenure::app {

struct CheckoutReport {
  int accepted = 0;
  int duplicates = 0;  // ids stored before (a re-sent report): left as they were
};

// The first bad item of a report: nothing of the report is stored.
struct CheckoutRejection {
  size_t item = 0;
  Error error;  // error.field names the member
};

class CheckoutService {
 public:
  // Runs in the unit of work that stores a report, with the checkouts new in it (issue 11:
  // Discord's success channel posts).
  using OnAccepted = std::function<void(
      UnitOfWork& uow, UserId user, const std::vector<domain::Checkout>& accepted, Instant now)>;

  CheckoutService(Store& store, const Clock& clock, OnAccepted on_accepted = {})
      : store_(store), clock_(clock), on_accepted_(std::move(on_accepted)) {}

  std::expected<CheckoutReport, CheckoutRejection> Report(
      UserId user, domain::MachineId machine, const std::vector<domain::Checkout>& checkouts);

  // One customer's statistics, or everyone's; days are the customer's (or staff's) local days.
  domain::CheckoutStats Stats(std::optional<UserId> user, const TimeZone& zone);
  std::vector<StoredCheckout> Latest(std::optional<UserId> user, int limit = 10);

 private:
  Store& store_;
  const Clock& clock_;
  OnAccepted on_accepted_;
};

}  // namespace tenure::app
