#pragma once
// The Account Renewal section's use cases: Confirm Cancel and Subscribe (cancel anytime).
// PRODUCT.md: "The Account Renewal section and cancellation (the heart of the product)".
#include <optional>
#include <string>

#include "app/emails.hpp"
#include "app/licenses.hpp"
#include "app/store/actor.hpp"
#include "domain/account.hpp"
#include "domain/business_metrics.hpp"

namespace tenure::app {

struct CancelRequest {
  std::string reason;  // as posted; validated here
  std::string comment;
  std::optional<TicketId> ticket;  // a ticket the customer opened on the Cancel screen
};

struct RenewalChange {
  bool changed = false;  // false: auto-renew was already so; nothing changed, and we say so
  std::optional<Instant> expires_at;
};

class RenewalService {
 public:
  RenewalService(Store& store, const Clock& clock, const domain::LicensePolicy& policy,
                 EmailContext email)
      : store_(store), clock_(clock), policy_(policy), email_(std::move(email)) {}

  // One unit of work: auto-renew off, the reason stored, audit row, confirmation email.
  Result<RenewalChange> ConfirmCancel(const Actor& actor, const domain::User& customer,
                                      const CancelRequest& request);
  Result<RenewalChange> Resubscribe(const Actor& actor, const domain::User& customer);
  // A step of the cancel journey seen (opening Cancel, Continue to Cancel), for the cancel
  // funnel: appended to its own record, never to the license (issue 14 item 3).
  void RecordCancelStep(const Actor& actor, const domain::User& customer, domain::FunnelStep step);

 private:
  Store& store_;
  const Clock& clock_;
  const domain::LicensePolicy& policy_;
  EmailContext email_;
};

}  // namespace tenure::app
