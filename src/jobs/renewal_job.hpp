#pragma once
// The renewal job (issue 4): charges due auto-renewals, retries failed ones on the dunning
// schedule, sends reminders and expiry notices. Runs inside `tenure serve` on the Clock and as
// `tenure renew-due`. Safe to run in several processes at once: licenses are leased (and on
// PostgreSQL skipped while locked), and every charge is unique per license, period and attempt.
#include <string>

#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "domain/license_policy.hpp"

namespace tenure::app {
class BillingService;
}  // namespace tenure::app

namespace tenure::jobs {

struct RenewalSummary {
  int claimed = 0;
  int succeeded = 0;
  int declined = 0;
  int errors = 0;  // the provider could not be reached: retried on a later pass
  int skipped = 0;
  int recovered = 0;
  int reminders = 0;
  int expiry_notices = 0;
  std::string ToJson() const;
};

class RenewalJob {
 public:
  RenewalJob(app::Store& store, app::BillingService& billing, const Clock& clock,
             const domain::LicensePolicy& policy, int batch = 200);

  // One pass, counted for /metrics (issue 13).
  RenewalSummary RunOnce();

 private:
  RenewalSummary Pass();

  app::Store& store_;
  app::BillingService& billing_;
  const Clock& clock_;
  const domain::LicensePolicy& policy_;
  int batch_;
};

}  // namespace tenure::jobs
