#pragma once
// What the customer sees of their license (Home's Account Renewal section).
#include <optional>
#include <utility>
#include <vector>

#include "app/store/license_grants.hpp"
#include "app/store/payments.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
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
      : store_(store), clock_(clock), policy_(std::move(policy)) {}

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
