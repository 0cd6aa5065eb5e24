#pragma once
// The staff area's reads: customers with their license, and the audit log.
#include <vector>

#include "app/licenses.hpp"

namespace tenure::app {

struct CustomerRow {
  domain::User user;
  std::optional<domain::License> license;
  domain::LicenseStatus status;
};

class StaffService {
 public:
  StaffService(Store& store, const Clock& clock, const domain::LicensePolicy& policy)
      : store_(store), clock_(clock), policy_(policy) {}

  // kForbidden unless `viewer` is support or admin.
  Result<std::vector<CustomerRow>> Accounts(const domain::User& viewer, int limit, int offset);
  // Admin only.
  Result<std::vector<AuditEntry>> RecentAudit(const domain::User& viewer, int limit);

 private:
  Store& store_;
  const Clock& clock_;
  const domain::LicensePolicy& policy_;
};

}  // namespace tenure::app
