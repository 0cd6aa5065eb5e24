#pragma once
// The license policy on its own: config.hpp and what reads it need the seller's terms, not the
// license record, so they do not rebuild when domain/license.hpp changes (issue 8).
#include <chrono>
#include <vector>

#include "core/money.hpp"
#include "core/time.hpp"

namespace tenure::domain {

inline constexpr Seconds kDefaultGrace{24 * 60 * 60};

// The seller's terms (PRODUCT.md: price, grace, auto-renew lead); configurable.
struct LicensePolicy {
  Money monthly_price = Money::Cents(5000);
  Money instance_price = Money::Cents(5000);
  Seconds grace = kDefaultGrace;
  Seconds renewal_lead{24 * 60 * 60};  // an auto-renewal is due at expires_at - lead
  Money reactivation_fee = Money::Cents(0);
  Seconds reactivation_after{14 * 24 * 60 * 60};  // the fee applies past expires_at + this
  // Failed automatic charges are retried this long after the first failure; after the last
  // one fails, auto-renew turns off (PRODUCT.md: dunning).
  std::vector<Seconds> dunning_retries{std::chrono::days(1), std::chrono::days(3),
                                       std::chrono::days(5)};
  Seconds reminder_before{3 * 24 * 60 * 60};  // the renewal reminder email
};

}  // namespace tenure::domain
