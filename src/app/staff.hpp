#pragma once
// The staff area: customers with their license, their file and history, the audit log, roles
// and the outbox (issue 14 items 1, 2 and 4). The console's methods are in staff_console.cpp.
#include <optional>
#include <string_view>
#include <vector>

#include <map>
#include <string>

#include "app/customer_timeline.hpp"
#include "app/emails.hpp"
#include "app/licenses.hpp"
#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/charges.hpp"
#include "app/store/license_grants.hpp"
#include "app/store/outbox.hpp"
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
  std::vector<Charge> charges;  // newest first: the payment history
  std::vector<TimelineEvent> timeline;
};

// One page of the audit log, with the names its rows refer to.
struct AuditPage {
  std::vector<AuditEntry> entries;           // newest first
  bool more = false;                         // an older page follows
  std::map<std::string, std::string> names;  // "user:12" -> its email, "license:3" -> ...
  std::vector<std::string> actions;          // every action ever audited, for the filter
};

class StaffService {
 public:
  StaffService(Store& store, const Clock& clock, LicenseService& licenses, EmailContext email)
      : store_(store), clock_(clock), licenses_(licenses), email_(std::move(email)) {}

  // kForbidden unless `viewer` is support or admin.
  Result<std::vector<CustomerRow>> Accounts(const domain::User& viewer, int limit, int offset);
  Result<CustomerFile> Customer(const domain::User& viewer, UserId id);
  // Extra days, never money (PRODUCT.md: Refunds and terms): 1 to 365 days with a reason,
  // added as a payment's month is: to the expiration date until grace ends, then to now.
  Result<Instant> GrantDays(const Actor& actor, const domain::User& viewer, UserId customer,
                            std::string_view days, std::string_view reason);
  // Accounts by email, Discord username, Stripe customer or payment id (staff).
  Result<std::vector<domain::User>> Search(const domain::User& viewer, std::string_view text);
  // Admin only: a page of `limit` rows matching `filter`.
  Result<AuditPage> Audit(const domain::User& viewer, const AuditFilter& filter, int limit);
  // Admin only: makes an account a customer, support or admin; the last admin stays one.
  Result<void> SetRole(const Actor& actor, const domain::User& viewer, UserId account,
                       std::string_view role);
  // Admin only: queued ("pending") or dead-lettered ("dead") messages, newest first.
  Result<std::vector<OutboxMessage>> Outbox(const domain::User& viewer, std::string_view status,
                                            int limit);
  // Admin only: a dead letter queued again, due now.
  Result<void> RetryOutbox(const Actor& actor, const domain::User& viewer, int64_t message);
  // Staff: a succeeded charge's receipt emailed to its customer again.
  Result<void> ResendReceipt(const Actor& actor, const domain::User& viewer, UserId customer,
                             int64_t charge);
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
