#pragma once
// What the customer sees of their license (Home's Account Renewal section).
#include <optional>

#include "app/store.hpp"
#include "core/clock.hpp"
#include "domain/license.hpp"

namespace tenure::app {

struct LicenseOverview {
  domain::License license;
  domain::LicenseStatus status;
  std::optional<Instant> next_charge_at;  // set while auto-renew is on
  Money renewal_price;                    // the next renewal's price, all instances
  std::optional<PaymentMethod> payment_method;
};

class LicenseService {
 public:
  LicenseService(Store& store, const Clock& clock, domain::LicensePolicy policy)
      : store_(store), clock_(clock), policy_(policy) {}

  Result<LicenseOverview> Overview(UserId user);
  // Days staff granted, newest first (the customer's history).
  std::vector<LicenseGrant> Grants(UserId user);
  const domain::LicensePolicy& policy() const { return policy_; }

 private:
  Store& store_;
  const Clock& clock_;
  domain::LicensePolicy policy_;
};

}  // namespace tenure::app
