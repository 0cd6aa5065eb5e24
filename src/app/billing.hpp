#pragma once
// Money and time of a license (PRODUCT.md: The license, Payments; issue 4). Every charge:
// record intent (a pending charge row, unique per license, period and attempt) -> commit ->
// call the gateway with the charge's idempotency key -> record the outcome (habit 4). A crash
// anywhere leaves a pending row that RecoverPending() drives to its end with the same key, so
// a period is charged at most once.
// Defined in three files: billing.cpp (what the customer asks), payments.cpp (the money
// movement: intent, gateway, outcome) and billing_events.cpp (the renewal job's steps and the
// provider's disputes).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/emails.hpp"
#include "app/ports.hpp"
#include "app/store/actor.hpp"
#include "app/store/charges.hpp"
#include "app/store/disputes.hpp"
#include "app/store/payments.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "domain/account.hpp"
#include "domain/billing.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::app {

struct RenewalQuote {
  domain::License license;
  domain::LicenseStatus status;
  domain::RenewalPlan plan;
  std::optional<PaymentMethod> card;
};

// A succeeded charge as its receipt shows it (issue 14 item 7).
struct ChargeReceipt {
  Charge charge;
  domain::PaidPeriod period;
  std::optional<PaymentMethod> card;  // the card charged (brand, last 4), while it is on file
  Seller seller;
};

struct InstancesQuote {
  domain::License license;
  Money monthly_each;  // an instance's full monthly price
  Money price_each;    // prorated to the shared expiration date
  int days_remaining;
};

class BillingService {
 public:
  BillingService(Store& store, const Clock& clock, const domain::LicensePolicy& policy,
                 PaymentGateway& gateway, EmailContext email);

  Result<RenewalQuote> QuoteRenewal(UserId user);
  // "Renew" (or the first purchase): `period_key` is the one the customer saw, so a double
  // click or a stale tab finds the period paid and charges nothing. Terms must be ticked.
  Result<Charge> Renew(const Actor& actor, const domain::User& user, int64_t period_key,
                       bool accepted_terms);
  Result<InstancesQuote> QuoteInstances(UserId user);
  // `request_token` comes from the form: the same token twice buys once.
  Result<Charge> AddInstances(const Actor& actor, const domain::User& user, int count,
                              std::string_view request_token, bool accepted_terms);

  // Edit Instances -> fewer instances: `count` (at least 1, at most today's) from the next
  // renewal, which then charges for them; today's count again clears the change. Nothing is
  // refunded: the instances stay until that renewal (issue 9).
  Result<void> ScheduleInstances(const Actor& actor, const domain::User& user, int count);

  Result<PaymentMethod> SaveTestCard(const Actor& actor, const domain::User& user,
                                     const TestCardInput& input);
  // Where to send the customer to save a card: empty means our offline test-card form.
  Result<std::string> CardSetupUrl(const domain::User& user);
  // A card saved on the provider's side (Stripe: checkout.session.completed), by customer.
  Result<void> RecordSavedCard(std::string_view customer_ref, const SavedCard& card);
  std::vector<Charge> History(UserId user);
  // The time `charge` paid for; nothing unless it succeeded (domain::PeriodPaid).
  std::optional<domain::PaidPeriod> PeriodOf(const Charge& charge) const;
  // The receipt of one of `user`'s succeeded charges; kNotFound for another's, a failed or a
  // pending one, so that a receipt number tells nothing about other accounts.
  Result<ChargeReceipt> ReceiptFor(UserId user, int64_t charge_id);
  std::string_view provider() const { return gateway_.name(); }

  // The renewal job's steps, each its own unit of work.
  // Charges one claimed license if its automatic renewal is due (or re-drives a pending one).
  Result<std::optional<Charge>> AutoRenew(UserId user);
  // Pending charges older than `age` get their gateway call again, with the same key.
  int RecoverPending(Seconds age);
  bool SendReminder(UserId user);
  bool SendExpiryNotice(UserId user);
  // A provider's late answer (webhook) for a charge; idempotent.
  Result<Charge> RecordOutcome(int64_t charge_id, const ChargeOutcome& outcome);
  // The provider's dispute of a payment, as the provider reads now (PRODUCT.md: Refunds and
  // terms). The first sight of it open suspends the license; its close with the payment kept
  // lifts the suspension once no other dispute of the license is open; a reversed payment
  // leaves it suspended. Idempotent: what changed is returned, for the event's log.
  enum class DisputeChange { kNone, kSuspended, kLifted, kRecorded };
  Result<DisputeChange> RecordDispute(std::string_view payment_id, std::string_view dispute_id,
                                      std::string_view status, DisputeOutcome outcome);

 private:
  TimeZone ZoneOf(const domain::User& user) const;
  // The provider's customer for `user`, created and linked the first time.
  Result<std::string> CustomerRef(const domain::User& user);
  // What every manual payment needs: the license (locked), a state where the lifecycle lets
  // `event` start, and a card this provider can charge.
  struct Payable {
    domain::License license;
    PaymentMethod card;
  };
  Result<Payable> LockPayable(UnitOfWork& uow, const domain::User& user,
                              domain::LicenseEvent event);
  // A pending charge's common fields; the caller sets kind-specific ones.
  Charge Intent(const Payable& payable, domain::ChargeKind kind, Instant now) const;
  // Step one of every charge: the pending row (unique per key and per period attempt), its
  // audit row, committed. False when another tab or process placed it first.
  bool PlaceIntent(UnitOfWork& uow, Charge& charge);
  Result<Charge> Execute(const Charge& charge);  // the call and the record, after the intent commit

  Store& store_;
  const Clock& clock_;
  const domain::LicensePolicy& policy_;
  PaymentGateway& gateway_;
  EmailContext email_;
};

nlohmann::json AuditView(const Charge& charge);

}  // namespace tenure::app
