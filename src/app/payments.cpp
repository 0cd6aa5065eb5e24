// The money movement of every charge (ENGINEERING.md habit 4): the intent, committed; the
// gateway call with its idempotency key; the outcome, recorded once.
#include "app/billing.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/billing_detail.hpp"
#include "app/machines.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/users.hpp"
#include "domain/lifecycle.hpp"
#include "domain/terms.hpp"

namespace tenure::app {
using billing_detail::ChargeSubject;
using billing_detail::InsertOnce;
using billing_detail::IsRenewal;
using billing_detail::LicenseSubject;

Result<std::string> BillingService::CustomerRef(const domain::User& user) {
  // Stored once linked: the provider is asked only the first time (a Stripe round trip).
  if (auto known = store_.Read()->payment_customers().Find(user.id, gateway_.name())) return *known;
  auto customer = gateway_.EnsureCustomer(user.id, user.email);
  if (!customer) return std::unexpected(customer.error());
  auto uow = store_.Begin(Actor::User(user.id));
  uow->payment_customers().Insert(user.id, gateway_.name(), *customer, clock_.Now());
  uow->Audit("payment_customer.link", fmt::format("user:{}", user.id.value), nullptr,
             {{"provider", gateway_.name()}});
  uow->Commit();
  return *customer;
}

Result<BillingService::Payable> BillingService::LockPayable(UnitOfWork& uow,
                                                            const domain::User& user,
                                                            domain::LicenseEvent event) {
  auto license = uow.licenses().FindByUser(user.id);  // locked until the unit of work ends
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  // Renewing a license that never had a date is its purchase.
  if (event == domain::LicenseEvent::kRenew && !license->expires_at)
    event = domain::LicenseEvent::kPurchase;
  const auto transition =
      domain::Decide(domain::StateOf(*license, clock_.Now(), policy_.grace), event);
  if (transition.refused())
    return Fail(ErrorCode::kConflict, std::string(domain::RefusalMessage(transition.refusal)));
  auto card = uow.payment_methods().FindDefaultFor(user.id, gateway_.name());
  if (!card) return Fail(ErrorCode::kInvalidInput, "Add a payment method first.", "payment_method");
  return Payable{*license, *card};
}

Charge BillingService::Intent(const Payable& payable, domain::ChargeKind kind, Instant now) const {
  return Charge{.user_id = payable.license.user_id,
                .license_id = payable.license.id,
                .kind = kind,
                .provider = std::string(gateway_.name()),
                .payment_method_ref = payable.card.provider_ref,
                .terms_version = domain::kTermsVersion,
                .created_at = now,
                .updated_at = now};
}

bool BillingService::PlaceIntent(UnitOfWork& uow, Charge& charge) {
  auto id = InsertOnce([&] { return uow.charges().Insert(charge); });
  if (!id) return false;  // the caller's unit of work rolls back
  charge.id = *id;
  uow.Audit("charge.create", ChargeSubject(charge.id), nullptr, AuditView(charge));
  uow.Commit();
  return true;
}

Result<Charge> BillingService::Execute(const Charge& charge) {
  const auto customer = store_.Read()->payment_customers().Find(charge.user_id, charge.provider);
  auto outcome = gateway_.Charge(
      ChargeRequest{.idempotency_key = charge.idempotency_key,
                    .customer_ref = customer.value_or(""),
                    .payment_method_ref = charge.payment_method_ref,
                    .amount = charge.amount,
                    .off_session = charge.kind == domain::ChargeKind::kAutoRenewal,
                    .metadata = {{"license_id", std::to_string(charge.license_id.value)},
                                 {"period", std::to_string(charge.period_key)},
                                 {"charge_id", std::to_string(charge.id)}}});
  if (!outcome)
    return Fail(ErrorCode::kUnavailable,
                "We couldn't reach the payment provider. Nothing is lost: we will finish this "
                "payment shortly, and you will never be charged twice.");
  return RecordOutcome(charge.id, *outcome);
}

Result<Charge> BillingService::RecordOutcome(int64_t charge_id, const ChargeOutcome& outcome) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(Actor::System());
  // The charge is locked first, and only while pending: of two recorders of one payment (the
  // renewal job and the webhook worker, or two servers) the second finds it recorded and
  // changes nothing. Reading it unlocked let both extend the license (issue 8).
  auto pending = uow->charges().LockPending(charge_id);
  if (!pending) {
    auto recorded = uow->charges().Find(charge_id);
    if (!recorded) return Fail(ErrorCode::kNotFound, "No such charge.");
    return *recorded;  // recorded already: replays change nothing
  }
  Charge charge = *pending;
  auto user = uow->users().Find(charge.user_id);
  auto license = uow->licenses().FindByUser(charge.user_id);  // locked
  if (!user || !license) return Fail(ErrorCode::kNotFound, "No such license.");
  uow->licenses().ReleaseLease(license->id);  // the job's claim ends with the outcome

  const nlohmann::json charge_before = AuditView(charge);
  const nlohmann::json license_before = AuditView(*license);
  const int instances_before = license->instances;
  const domain::EventContext context{now, policy_, ZoneOf(*user)};
  const domain::LicenseState state = domain::StateOf(*license, now, policy_.grace);
  charge.provider_payment_id = outcome.payment_id;
  charge.updated_at = now;
  if (outcome.succeeded) {
    charge.status = domain::ChargeStatus::kSucceeded;
    // Re-decided at success: a payment in grace extends from expires_at, after grace from now
    // (PRODUCT.md), whatever moved since the intent. A paid event is applied even where its
    // request would now be refused (domain/lifecycle.hpp).
    const auto paid = domain::Decide(state, domain::PaidEvent(charge.kind));
    domain::Apply(*license, paid, context);
    if (paid.action == domain::Action::kAddInstances) {
      license->instances += charge.instances_added;
      // Bought instances continue past a removal chosen for the next renewal.
      if (license->instances_at_renewal) *license->instances_at_renewal += charge.instances_added;
    }
    if (IsRenewal(charge)) charge.new_expires_at = license->expires_at;
    license->updated_at = now;
    uow->licenses().Update(*license);
    uow->charges().Update(charge);
    uow->Audit("charge.succeeded", ChargeSubject(charge.id), charge_before, AuditView(charge));
    uow->Audit(IsRenewal(charge) ? "license.renew" : "license.add_instances",
               LicenseSubject(license->id), license_before, AuditView(*license));
    // A renewal that starts with fewer instances (Edit Instances) signs out the machines
    // beyond the new count, the most recently seen keeping their slots (issue 9).
    if (license->instances < instances_before) {
      for (domain::MachineId id :
           domain::MachinesOverLimit(uow->machines().Live(license->user_id), license->instances))
        if (auto machine = uow->machines().Find(id))
          EndMachine(*uow, *machine, domain::MachineEnd::kInstancesRemoved, now);
    }
    Queue(*uow, email_, Receipt(email_, Recipient::Of(*user), charge));
  } else {
    charge.status = domain::ChargeStatus::kFailed;
    charge.failure_code = outcome.decline_code;
    charge.failure_message = outcome.message;
    uow->charges().Update(charge);
    uow->Audit("charge.failed", ChargeSubject(charge.id), charge_before, AuditView(charge));
    if (charge.kind == domain::ChargeKind::kAutoRenewal) {
      // Dunning (PRODUCT.md): retry on the schedule, then turn auto-renew off.
      const auto event = domain::DeclinedAutoRenewal(*license, now, policy_);
      domain::Apply(*license, domain::Decide(state, event), context);
      uow->licenses().Update(*license);
      const bool retry = event == domain::LicenseEvent::kPaymentFailed;
      uow->Audit(retry ? "license.dunning_retry" : "license.auto_renew_off",
                 LicenseSubject(license->id), license_before, AuditView(*license));
      Queue(*uow, email_,
            PaymentFailed(email_, Recipient::Of(*user), charge,
                          retry ? license->next_attempt_at : std::nullopt,
                          license->expires_at.value_or(now)));
    }
  }
  uow->Commit();
  return charge;
}

int BillingService::RecoverPending(Seconds age) {
  int recovered = 0;
  for (const auto& charge : store_.Read()->charges().PendingSince(clock_.Now() - age, 500))
    if (Execute(charge)) ++recovered;
  return recovered;
}

nlohmann::json AuditView(const Charge& c) {
  return {{"id", c.id},
          {"kind", domain::ChargeKindName(c.kind)},
          {"period_key", c.period_key},
          {"attempt", c.attempt},
          {"amount_cents", c.amount.cents()},
          {"status", domain::ChargeStatusName(c.status)},
          {"provider", c.provider},
          {"provider_payment_id", c.provider_payment_id},
          {"terms_version", c.terms_version},
          {"failure_code", c.failure_code}};
}

}  // namespace tenure::app
