#pragma once
// The staff area's reads: customers with their license, and the audit log.
#include <optional>
#include <string_view>
#include <vector>

#include "app/emails.hpp"
#include "app/licenses.hpp"
#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/license_grants.hpp"
#include "app/store/tickets.hpp"
#include "domain/account.hpp"

namespace tenure::app {

struct CustomerRow {
  domain::User user;
  std::optional<domain::License> license;
  domain::LicenseStatus status;
};

// Everything staff see about one customer.
struct CustomerFile {
  domain::User user;
  std::optional<LicenseOverview> license;
  std::vector<LicenseGrant> grants;
  std::vector<TicketRow> tickets;
};

class StaffService {
 public:
  StaffService(Store& store, const Clock& clock, LicenseService& licenses, EmailContext email)
      : store_(store), clock_(clock), licenses_(licenses), email_(std::move(email)) {}

  // kForbidden unless `viewer` is support or admin.
  Result<std::vector<CustomerRow>> Accounts(const domain::User& viewer, int limit, int offset);
  // Admin only.
  Result<std::vector<AuditEntry>> RecentAudit(const domain::User& viewer, int limit);
  Result<CustomerFile> Customer(const domain::User& viewer, UserId id);
  // Extra days, never money (PRODUCT.md: Refunds and terms): 1 to 365 days with a reason,
  // added as a payment's month is: to the expiration date until grace ends, then to now.
  Result<Instant> GrantDays(const Actor& actor, const domain::User& viewer, UserId customer,
                            std::string_view days, std::string_view reason);
  // Lifts a dispute's suspension by hand (issue 8), with a reason for the audit log; the
  // disputes themselves stay as the provider reports them.
  Result<void> LiftSuspension(const Actor& actor, const domain::User& viewer, UserId customer,
                              std::string_view reason);

 private:
  Store& store_;
  const Clock& clock_;
  LicenseService& licenses_;
  EmailContext email_;
};

}  // namespace tenure::app
