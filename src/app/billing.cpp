#include "app/billing.hpp"

#include <fmt/format.h>

#include "app/accounts.hpp"
#include "domain/lifecycle.hpp"
#include "domain/terms.hpp"

namespace tenure::app {
namespace {

std::string LicenseSubject(LicenseId id) { return fmt::format("license:{}", id.value); }
std::string ChargeSubject(int64_t id) { return fmt::format("charge:{}", id); }

bool IsRenewal(const Charge& c) { return c.kind != "instances"; }

// What a succeeded charge is in the license's lifecycle.
domain::LicenseEvent PaidEvent(const Charge& c) {
  if (c.kind == "purchase") return domain::LicenseEvent::kPurchase;
  if (c.kind == "auto_renewal") return domain::LicenseEvent::kAutoRenewCharged;
  if (c.kind == "instances") return domain::LicenseEvent::kInstancesAdded;
  return domain::LicenseEvent::kRenew;
}

// A unique index turned the insert down: another tab or process got there first. The unit
// of work must then roll back (PostgreSQL aborts it).
template <class F>
auto InsertOnce(F&& insert) -> std::optional<decltype(insert())> {
  try {
    return insert();
  } catch (const UniqueViolation&) {
    return std::nullopt;
  }
}

}  // namespace

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

Charge BillingService::Intent(const Payable& payable, std::string kind, Instant now) const {
  return Charge{.user_id = payable.license.user_id,
                .license_id = payable.license.id,
                .kind = std::move(kind),
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

nlohmann::json AuditView(const Charge& c) {
  return {{"id", c.id},
          {"kind", c.kind},
          {"period_key", c.period_key},
          {"attempt", c.attempt},
          {"amount_cents", c.amount.cents()},
          {"status", c.status},
          {"provider", c.provider},
          {"provider_payment_id", c.provider_payment_id},
          {"terms_version", c.terms_version},
          {"failure_code", c.failure_code}};
}

BillingService::BillingService(Store& store, const Clock& clock,
                               const domain::LicensePolicy& policy, PaymentGateway& gateway,
                               EmailContext email)
    : store_(store), clock_(clock), policy_(policy), gateway_(gateway), email_(std::move(email)) {}

TimeZone BillingService::ZoneOf(const domain::User& user) const {
  if (user.time_zone.empty()) return TimeZone::Utc();
  return TimeZone::Find(user.time_zone).value_or(TimeZone::Utc());
}

Result<RenewalQuote> BillingService::QuoteRenewal(UserId user_id) {
  auto read = store_.Read();
  auto user = read->users().Find(user_id);
  auto license = read->licenses().FindByUser(user_id);
  if (!user || !license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const Instant now = clock_.Now();
  return RenewalQuote{.license = *license,
                      .status = domain::StatusAt(*license, now, policy_.grace),
                      .plan = domain::PlanRenewal(*license, now, policy_, ZoneOf(*user)),
                      .card = read->payment_methods().FindDefaultFor(user_id, gateway_.name())};
}

Result<Charge> BillingService::Renew(const Actor& actor, const domain::User& user,
                                     int64_t period_key, bool accepted_terms) {
  if (!accepted_terms)
    return Fail(ErrorCode::kInvalidInput,
                "Please accept the Terms & Conditions to continue. Payments are final.", "terms");
  if (auto linked = CustomerRef(user); !linked) return std::unexpected(linked.error());
  const Instant now = clock_.Now();
  Charge charge;
  {
    auto uow = store_.Begin(actor);
    auto payable = LockPayable(*uow, user, domain::LicenseEvent::kRenew);  // one at a time
    if (!payable) return std::unexpected(payable.error());
    const auto& license = payable->license;
    const auto plan = domain::PlanRenewal(license, now, policy_, ZoneOf(user));
    if (plan.period_key != period_key)
      return Fail(ErrorCode::kConflict,
                  "Your license was already renewed; nothing more was charged. Check the new "
                  "date below.");
    const auto attempts = uow->charges().ForPeriod(license.id, plan.period_key);
    for (const auto& c : attempts) {
      if (c.status == "succeeded")
        return Fail(ErrorCode::kConflict, "This period is already paid; nothing was charged.");
      if (c.status == "pending")
        return Fail(ErrorCode::kConflict,
                    "A payment for this renewal is already in progress. Reload the page in a "
                    "moment.");
    }
    const int attempt = static_cast<int>(attempts.size()) + 1;
    charge = Intent(*payable, license.expires_at ? "renewal" : "purchase", now);
    charge.period_key = plan.period_key;
    charge.attempt = attempt;
    charge.idempotency_key =
        fmt::format("renewal:{}:{}:{}", license.id.value, plan.period_key, attempt);
    charge.amount = plan.amount();
    if (!PlaceIntent(*uow, charge))
      return Fail(ErrorCode::kConflict, "This renewal is already being paid.");
  }
  return Execute(std::move(charge));
}

Result<InstancesQuote> BillingService::QuoteInstances(UserId user) {
  auto license = store_.Read()->licenses().FindByUser(user);
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const Instant now = clock_.Now();
  const auto adding = domain::Decide(domain::StateOf(*license, now, policy_.grace),
                                     domain::LicenseEvent::kInstancesAdded);
  if (adding.refused())
    return Fail(ErrorCode::kConflict, std::string(domain::RefusalMessage(adding.refusal)));
  return InstancesQuote{
      .license = *license,
      .monthly_each = policy_.instance_price,
      .price_each = domain::ProrateInstances(policy_.instance_price, 1, now, *license->expires_at),
      .days_remaining = domain::DaysRemaining(now, *license->expires_at)};
}

Result<Charge> BillingService::AddInstances(const Actor& actor, const domain::User& user, int count,
                                            std::string_view request_token, bool accepted_terms) {
  if (count < 1 || count > 50)
    return Fail(ErrorCode::kInvalidInput, "Choose from 1 to 50 instances.", "count");
  if (!accepted_terms)
    return Fail(ErrorCode::kInvalidInput,
                "Please accept the Terms & Conditions to continue. Payments are final.", "terms");
  if (request_token.size() < 16 || request_token.size() > 64)
    return Fail(ErrorCode::kInvalidInput, "This form has expired; reload the page.");
  if (auto linked = CustomerRef(user); !linked) return std::unexpected(linked.error());
  const Instant now = clock_.Now();
  Charge charge;
  {
    auto uow = store_.Begin(actor);
    auto payable = LockPayable(*uow, user, domain::LicenseEvent::kInstancesAdded);
    if (!payable) return std::unexpected(payable.error());
    const auto& license = payable->license;
    charge = Intent(*payable, "instances", now);
    charge.period_key = domain::PeriodKey(license);
    charge.idempotency_key = fmt::format("instances:{}:{}", license.id.value, request_token);
    charge.amount =
        domain::ProrateInstances(policy_.instance_price, count, now, *license.expires_at);
    charge.instances_added = count;
    if (!PlaceIntent(*uow, charge))
      return Fail(ErrorCode::kConflict, "These instances were already bought.");
  }
  return Execute(std::move(charge));
}

Result<Charge> BillingService::Execute(Charge charge) {
  const auto customer = store_.Read()->payment_customers().Find(charge.user_id, charge.provider);
  auto outcome = gateway_.Charge(
      ChargeRequest{.idempotency_key = charge.idempotency_key,
                    .customer_ref = customer.value_or(""),
                    .payment_method_ref = charge.payment_method_ref,
                    .amount = charge.amount,
                    .off_session = charge.kind == "auto_renewal",
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
  const domain::EventContext context{now, policy_, ZoneOf(*user)};
  const domain::LicenseState state = domain::StateOf(*license, now, policy_.grace);
  charge.provider_payment_id = outcome.payment_id;
  charge.updated_at = now;
  if (outcome.succeeded) {
    charge.status = "succeeded";
    // Re-decided at success: a payment in grace extends from expires_at, after grace from now
    // (PRODUCT.md), whatever moved since the intent. A paid event is applied even where its
    // request would now be refused (domain/lifecycle.hpp).
    const auto paid = domain::Decide(state, PaidEvent(charge));
    domain::Apply(*license, paid, context);
    if (paid.action == domain::Action::kAddInstances) license->instances += charge.instances_added;
    if (IsRenewal(charge)) charge.new_expires_at = license->expires_at;
    license->updated_at = now;
    uow->licenses().Update(*license);
    uow->charges().Update(charge);
    uow->Audit("charge.succeeded", ChargeSubject(charge.id), charge_before, AuditView(charge));
    uow->Audit(IsRenewal(charge) ? "license.renew" : "license.add_instances",
               LicenseSubject(license->id), license_before, AuditView(*license));
    Queue(*uow, Receipt(email_, user->email, charge));
  } else {
    charge.status = "failed";
    charge.failure_code = outcome.decline_code;
    charge.failure_message = outcome.message;
    uow->charges().Update(charge);
    uow->Audit("charge.failed", ChargeSubject(charge.id), charge_before, AuditView(charge));
    if (charge.kind == "auto_renewal") {
      // Dunning (PRODUCT.md): retry on the schedule, then turn auto-renew off.
      const auto event = domain::DeclinedAutoRenewal(*license, now, policy_);
      domain::Apply(*license, domain::Decide(state, event), context);
      uow->licenses().Update(*license);
      const bool retry = event == domain::LicenseEvent::kPaymentFailed;
      uow->Audit(retry ? "license.dunning_retry" : "license.auto_renew_off",
                 LicenseSubject(license->id), license_before, AuditView(*license));
      Queue(*uow, PaymentFailed(email_, user->email, charge,
                                retry ? license->next_attempt_at : std::nullopt,
                                license->expires_at.value_or(now)));
    }
  }
  uow->Commit();
  return charge;
}

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
      if (c.status == "pending") {  // a crash between intent and record: finish that one
        unfinished = c;
        break;
      }
      if (c.status == "succeeded") {  // paid, yet the date did not move: never charge again
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
                    .kind = "auto_renewal",
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
  auto done = Execute(std::move(charge));
  if (!done) return std::unexpected(done.error());
  return std::optional<Charge>(*done);
}

int BillingService::RecoverPending(Seconds age) {
  int recovered = 0;
  for (const auto& charge : store_.Read()->charges().PendingSince(clock_.Now() - age, 500))
    if (Execute(charge)) ++recovered;
  return recovered;
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
  Queue(*uow, RenewalReminder(email_, user->email, *domain::AutoRenewalDueAt(*license, policy_),
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
  Queue(*uow, LicenseExpired(email_, user->email, *license->expires_at));
  uow->Commit();
  return true;
}

Result<PaymentMethod> BillingService::SaveTestCard(const Actor& actor, const domain::User& user,
                                                   const TestCardInput& input) {
  auto customer = CustomerRef(user);
  if (!customer) return std::unexpected(customer.error());
  const Instant now = clock_.Now();
  auto card = gateway_.AttachTestCard(*customer, input, now);
  if (!card) return std::unexpected(card.error());
  PaymentMethod method{.user_id = user.id,
                       .provider = std::string(gateway_.name()),
                       .provider_ref = card->ref,
                       .brand = card->brand,
                       .last4 = card->last4,
                       .exp_month = card->exp_month,
                       .exp_year = card->exp_year,
                       .created_at = now};
  auto uow = store_.Begin(actor);
  method.id = uow->payment_methods().Insert(method);
  uow->Audit("payment_method.add", fmt::format("user:{}", user.id.value), nullptr,
             {{"provider", method.provider}, {"brand", method.brand}, {"last4", method.last4}});
  uow->Commit();
  return method;
}

Result<std::string> BillingService::CardSetupUrl(const domain::User& user) {
  auto customer = CustomerRef(user);
  if (!customer) return std::unexpected(customer.error());
  return gateway_.CardSetupUrl(*customer, email_.public_url + "/billing?done=card_saved",
                               email_.public_url + "/billing/card");
}

Result<void> BillingService::RecordSavedCard(std::string_view customer_ref, const SavedCard& card) {
  auto uow = store_.Begin(Actor::System());
  auto user = uow->payment_customers().FindUser(gateway_.name(), customer_ref);
  if (!user) return Fail(ErrorCode::kNotFound, "No account for this customer.");
  const Instant now = clock_.Now();
  const auto inserted = InsertOnce([&] {
    return uow->payment_methods().Insert(PaymentMethod{.user_id = *user,
                                                       .provider = std::string(gateway_.name()),
                                                       .provider_ref = card.ref,
                                                       .brand = card.brand,
                                                       .last4 = card.last4,
                                                       .exp_month = card.exp_month,
                                                       .exp_year = card.exp_year,
                                                       .created_at = now});
  });
  if (!inserted) return {};  // a replayed event: the card is saved already
  uow->Audit("payment_method.add", fmt::format("user:{}", user->value), nullptr,
             {{"provider", gateway_.name()}, {"brand", card.brand}, {"last4", card.last4}});
  uow->Commit();
  return {};
}

Result<void> BillingService::SuspendForDispute(std::string_view payment_id,
                                               std::string_view dispute_id) {
  auto uow = store_.Begin(Actor::System());
  auto charge = uow->charges().FindByProviderPayment(gateway_.name(), payment_id);
  if (!charge) return Fail(ErrorCode::kNotFound, "No charge with this payment id.");
  auto license = uow->licenses().FindByUser(charge->user_id);
  if (!license) return Fail(ErrorCode::kNotFound, "No license.");
  const Instant now = clock_.Now();
  const auto opened = domain::Decide(domain::StateOf(*license, now, policy_.grace),
                                     domain::LicenseEvent::kDisputeOpened);
  if (!opened.ChangesRecord()) return {};  // suspended already
  const auto before = AuditView(*license);
  domain::Apply(*license, opened, {now, policy_, TimeZone::Utc()});
  uow->licenses().Update(*license);
  uow->Audit("license.suspend", LicenseSubject(license->id), before,
             {{"license", AuditView(*license)}, {"dispute", dispute_id}});
  uow->Commit();
  return {};
}

std::vector<Charge> BillingService::History(UserId user) {
  return store_.Read()->charges().ForUser(user, 200);
}

}  // namespace tenure::app
