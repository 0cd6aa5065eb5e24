// What happens to billing without the customer: the renewal job's steps (automatic charges,
// reminders, expiry notices) and the provider's disputes.
#include "app/billing.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/billing_detail.hpp"
#include "app/store/licenses.hpp"
#include "app/store/users.hpp"
#include "domain/lifecycle.hpp"
#include "domain/terms.hpp"

namespace tenure::app {
using billing_detail::LicenseSubject;

Result<std::optional<Charge>> BillingService::AutoRenew(UserId user_id) {
  const Instant now = clock_.Now();
  Charge charge;
  // The lease taken by the job's claim stays until RecordOutcome: a charge in flight is never
  // picked up by another pass or process meanwhile.
  {
    auto uow = store_.Begin(Actor::System());
    auto license = uow->licenses().FindByUser(user_id);  // locked
    auto user = uow->users().Find(user_id);
    if (!license || !user) return std::optional<Charge>();
    auto release = [&] {
      uow->licenses().ReleaseLease(license->id);
      uow->Audit("renewal.skip", LicenseSubject(license->id), nullptr, nullptr);
      uow->Commit();
    };
    const auto due = domain::AutoRenewalDueAt(*license, policy_);
    const auto charge_due =
        domain::Decide(domain::StateOf(*license, now, policy_.grace), domain::LicenseEvent::kDue);
    if (charge_due.refused() || !due || *due > now ||
        (license->next_attempt_at && *license->next_attempt_at > now)) {
      release();
      return std::optional<Charge>();
    }
    const auto plan = domain::PlanRenewal(*license, now, policy_, ZoneOf(*user));
    const auto attempts = uow->charges().ForPeriod(license->id, plan.period_key);
    std::optional<Charge> unfinished;
    for (const auto& c : attempts) {
      if (c.status ==
          domain::ChargeStatus::kPending) {  // a crash between intent and record: finish that one
        unfinished = c;
        break;
      }
      if (c.status == domain::ChargeStatus::kSucceeded) {  // paid, yet the date did not move: never
                                                           // charge again
        release();
        return std::optional<Charge>();
      }
    }
    if (unfinished) {
      uow.reset();  // nothing written: end the transaction, keep the lease
      auto done = Execute(*unfinished);
      if (!done) return std::unexpected(done.error());
      return std::optional<Charge>(*done);
    }
    auto card = uow->payment_methods().FindDefaultFor(user_id, gateway_.name());
    const int attempt = static_cast<int>(attempts.size()) + 1;
    charge = Charge{.user_id = user_id,
                    .license_id = license->id,
                    .kind = domain::ChargeKind::kAutoRenewal,
                    .period_key = plan.period_key,
                    .attempt = attempt,
                    .idempotency_key = fmt::format("renewal:{}:{}:{}", license->id.value,
                                                   plan.period_key, attempt),
                    .amount = plan.amount(),
                    .provider = std::string(gateway_.name()),
                    .payment_method_ref = card ? card->provider_ref : std::string(),
                    .terms_version = user->terms_version,
                    .created_at = now,
                    .updated_at = now};
    if (!PlaceIntent(*uow, charge)) return std::optional<Charge>();  // another process has it
  }
  if (charge.payment_method_ref.empty())
    return std::optional<Charge>(
        *RecordOutcome(charge.id, ChargeOutcome{.succeeded = false,
                                                .decline_code = "no_payment_method",
                                                .message = "No payment method is saved."}));
  auto done = Execute(charge);
  if (!done) return std::unexpected(done.error());
  return std::optional<Charge>(*done);
}

bool BillingService::SendReminder(UserId user_id) {
  auto uow = store_.Begin(Actor::System());
  auto license = uow->licenses().FindByUser(user_id);
  auto user = uow->users().Find(user_id);
  if (!license || !user || !license->expires_at || !license->auto_renew) return false;
  const int64_t period = domain::PeriodKey(*license);
  if (license->reminded_period == period) return false;
  const auto before = AuditView(*license);
  license->reminded_period = period;
  uow->licenses().Update(*license);
  uow->Audit("license.reminder_sent", LicenseSubject(license->id), before, AuditView(*license));
  const auto plan = domain::PlanRenewal(*license, clock_.Now(), policy_, ZoneOf(*user));
  Queue(*uow, email_,
        RenewalReminder(email_, Recipient::Of(*user), *domain::AutoRenewalDueAt(*license, policy_),
                        plan.amount(), *license->expires_at));
  uow->Commit();
  return true;
}

bool BillingService::SendExpiryNotice(UserId user_id) {
  auto uow = store_.Begin(Actor::System());
  auto license = uow->licenses().FindByUser(user_id);
  auto user = uow->users().Find(user_id);
  if (!license || !user || !license->expires_at) return false;
  const int64_t period = domain::PeriodKey(*license);
  if (license->expired_notice_period == period) return false;
  const auto before = AuditView(*license);
  license->expired_notice_period = period;
  uow->licenses().Update(*license);
  uow->Audit("license.expired", LicenseSubject(license->id), before, AuditView(*license));
  Queue(*uow, email_, LicenseExpired(email_, Recipient::Of(*user), *license->expires_at));
  uow->Commit();
  return true;
}

namespace {

nlohmann::json DisputeView(const Dispute& d) {
  return {{"id", d.provider_dispute_id},
          {"status", d.status},
          {"outcome", DisputeOutcomeName(d.outcome)}};
}

}  // namespace

Result<BillingService::DisputeChange> BillingService::RecordDispute(std::string_view payment_id,
                                                                    std::string_view dispute_id,
                                                                    std::string_view status,
                                                                    DisputeOutcome outcome) {
  auto uow = store_.Begin(Actor::System());
  auto charge = uow->charges().FindByProviderPayment(gateway_.name(), payment_id);
  if (!charge) return Fail(ErrorCode::kNotFound, "No charge with this payment id.");
  // The license is locked first: one dispute's deliveries, and two disputes of one license,
  // decide one after the other.
  auto license = uow->licenses().FindByUser(charge->user_id);
  if (!license) return Fail(ErrorCode::kNotFound, "No license.");
  const Instant now = clock_.Now();
  const std::string subject = LicenseSubject(license->id);
  const bool closed = outcome != DisputeOutcome::kOpen;

  auto known = uow->disputes().Find(gateway_.name(), dispute_id);
  if (known && (known->outcome != DisputeOutcome::kOpen || (known->status == status && !closed)))
    return DisputeChange::kNone;  // closed is final; an open one with the same status is news to no
                                  // one
  Dispute dispute = known ? *known
                          : Dispute{.provider = std::string(gateway_.name()),
                                    .provider_dispute_id = std::string(dispute_id),
                                    .charge_id = charge->id,
                                    .license_id = license->id,
                                    .opened_at = now};
  const auto dispute_before = known ? DisputeView(*known) : nlohmann::json(nullptr);
  dispute.status = std::string(status);
  dispute.outcome = outcome;
  dispute.updated_at = now;
  if (closed) dispute.closed_at = now;
  if (known) {
    uow->disputes().Update(dispute);
  } else {
    dispute.id = uow->disputes().Insert(dispute);
  }
  uow->Audit(known ? "dispute.update" : "dispute.record", subject, dispute_before,
             DisputeView(dispute));

  // Only the first sight of a dispute suspends: staff may have lifted the suspension since,
  // and a later status change of the same dispute must not undo that. Events come in any
  // order (STRIPE.md: Delivery), so a dispute first seen closed ends where the events in
  // order would have: a reversed payment suspended, a kept one not.
  DisputeChange change = DisputeChange::kRecorded;
  std::optional<domain::LicenseEvent> event;
  if (!known && outcome != DisputeOutcome::kPaymentKept)
    event = domain::LicenseEvent::kDisputeOpened;
  if (outcome == DisputeOutcome::kPaymentKept && uow->disputes().CountOpen(license->id) == 0)
    event = domain::LicenseEvent::kDisputeClosed;
  if (event) {
    const auto t = domain::Decide(domain::StateOf(*license, now, policy_.grace), *event);
    if (t.ChangesRecord()) {
      const auto before = AuditView(*license);
      domain::Apply(*license, t, {now, policy_, TimeZone::Utc()});
      uow->licenses().Update(*license);
      const bool suspend = *event == domain::LicenseEvent::kDisputeOpened;
      uow->Audit(suspend ? "license.suspend" : "license.unsuspend", subject, before,
                 {{"license", AuditView(*license)}, {"dispute", dispute_id}});
      change = suspend ? DisputeChange::kSuspended : DisputeChange::kLifted;
    }
  }
  uow->Commit();
  return change;
}

}  // namespace tenure::app
