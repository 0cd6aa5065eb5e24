#pragma once
// What the seller's figures are computed from (issue 14 item 3), read in bulk, and the cancel
// funnel's append-only record (storage's cancel_funnel). Recording a funnel step is no change
// of state: it needs no audit row and touches no license.
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "domain/business_metrics.hpp"

namespace tenure::app {

class ReportRepository {
 public:
  virtual ~ReportRepository() = default;
  // Every succeeded charge (a license's paid months decide it is active long after), and every
  // charge of any status made at or after `since`.
  virtual std::vector<domain::ChargeRecord> Charges(Instant since) = 0;
  virtual std::vector<domain::GrantRecord> Grants() = 0;
  virtual std::vector<domain::LicenseRecord> Licenses() = 0;
  virtual std::vector<domain::CancellationRecord> Cancellations(Instant since) = 0;
  virtual std::vector<domain::FunnelRecord> Funnel(Instant since) = 0;
  virtual void RecordFunnelStep(UserId user, domain::FunnelStep step, Instant at) = 0;
};

}  // namespace tenure::app
