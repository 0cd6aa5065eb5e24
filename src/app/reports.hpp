#pragma once
// The seller's business figures for admins (issue 14 item 3): the rows they are computed from,
// read in one go, through domain/business_metrics.
#include "app/store/actor.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/account.hpp"
#include "domain/business_metrics.hpp"
#include "domain/license_policy.hpp"

namespace tenure::app {

class Store;

class ReportService {
 public:
  static constexpr int kMaxMonths = 36;

  ReportService(Store& store, const Clock& clock, const domain::LicensePolicy& policy)
      : store_(store), clock_(clock), policy_(policy) {}

  // Admin only (kForbidden otherwise): the last `months` months, now's included (1 to 36).
  Result<domain::BusinessReport> Business(const domain::User& viewer, int months);

 private:
  Store& store_;
  const Clock& clock_;
  const domain::LicensePolicy& policy_;
};

}  // namespace tenure::app
