// What the customer asks of billing: quotes, Renew now, Add instances, cards, history.
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
using billing_detail::InsertOnce;

BillingService::BillingService(Store& store, const Clock& clock,
                               const domain::LicensePolicy& policy, PaymentGateway& gateway,
                               EmailContext email)
    : store_(store), clock_(clock), policy_(policy), gateway_(gateway), email_(std::move(email)) {}

TimeZone BillingService::ZoneOf(const domain::User& user) const {
  return TimeZone::OrUtc(user.time_zone);
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
    // Issue 10: a first purchase waits for a confirmed email address (receipts and reset
    // links must reach the owner). A license that ever ran has been bought or granted.
    if (!user.email_verified_at && !license.expires_at)
      return Fail(ErrorCode::kForbidden,
                  "Confirm your email address before your first purchase: open the link we "
                  "sent to " +
                      user.email + ", or choose Send the link again in Settings.");
    const auto plan = domain::PlanRenewal(license, now, policy_, ZoneOf(user));
    if (plan.period_key != period_key)
      return Fail(ErrorCode::kConflict,
                  "Your license was already renewed; nothing more was charged. Check the new "
                  "date below.");
    const auto attempts = uow->charges().ForPeriod(license.id, plan.period_key);
    for (const auto& c : attempts) {
      if (c.status == domain::ChargeStatus::kSucceeded)
        return Fail(ErrorCode::kConflict, "This period is already paid; nothing was charged.");
      if (c.status == domain::ChargeStatus::kPending)
        return Fail(ErrorCode::kConflict,
                    "A payment for this renewal is already in progress. Reload the page in a "
                    "moment.");
    }
    const int attempt = static_cast<int>(attempts.size()) + 1;
    charge = Intent(
        *payable, license.expires_at ? domain::ChargeKind::kRenewal : domain::ChargeKind::kPurchase,
        now);
    charge.period_key = plan.period_key;
    charge.attempt = attempt;
    charge.idempotency_key =
        fmt::format("renewal:{}:{}:{}", license.id.value, plan.period_key, attempt);
    charge.amount = plan.amount();
    if (!PlaceIntent(*uow, charge))
      return Fail(ErrorCode::kConflict, "This renewal is already being paid.");
  }
  return Execute(charge);
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
    charge = Intent(*payable, domain::ChargeKind::kInstances, now);
    charge.period_key = domain::PeriodKey(license);
    charge.idempotency_key = fmt::format("instances:{}:{}", license.id.value, request_token);
    charge.amount =
        domain::ProrateInstances(policy_.instance_price, count, now, *license.expires_at);
    charge.instances_added = count;
    if (!PlaceIntent(*uow, charge))
      return Fail(ErrorCode::kConflict, "These instances were already bought.");
  }
  return Execute(charge);
}

Result<void> BillingService::ScheduleInstances(const Actor& actor, const domain::User& user,
                                               int count) {
  auto uow = store_.Begin(actor);
  auto license = uow->licenses().FindByUser(user.id);  // locked
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const auto removing = domain::Decide(domain::StateOf(*license, clock_.Now(), policy_.grace),
                                       domain::LicenseEvent::kInstancesRemoved);
  if (removing.refused())
    return Fail(ErrorCode::kConflict, std::string(domain::RefusalMessage(removing.refusal)));
  if (count < 1 || count > license->instances)
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("Choose from 1 to {} instances. To have more, add instances.",
                            license->instances),
                "count");
  const nlohmann::json before = AuditView(*license);
  license->instances_at_renewal =
      count == license->instances ? std::nullopt : std::optional<int>(count);
  license->updated_at = clock_.Now();
  uow->licenses().Update(*license);
  uow->Audit("license.instances_at_renewal", billing_detail::LicenseSubject(license->id), before,
             AuditView(*license));
  uow->Commit();
  return {};
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

std::vector<Charge> BillingService::History(UserId user) {
  return store_.Read()->charges().ForUser(user, 200);
}

std::optional<domain::PaidPeriod> BillingService::PeriodOf(const Charge& charge) const {
  // A succeeded charge's updated_at is when its outcome was recorded: the `now` the lifecycle
  // extended the license at (RecordOutcome).
  return domain::PeriodPaid(charge.kind, charge.status, charge.period_key, charge.new_expires_at,
                            charge.updated_at, policy_.grace);
}

Result<ChargeReceipt> BillingService::ReceiptFor(UserId user, int64_t charge_id) {
  auto read = store_.Read();
  const auto charge = read->charges().Find(charge_id);
  const auto period = charge ? PeriodOf(*charge) : std::nullopt;
  if (!charge || charge->user_id != user || !period)
    return Fail(ErrorCode::kNotFound, "There is no receipt with this number on your account.");
  return ChargeReceipt{
      .charge = *charge,
      .period = *period,
      .card = read->payment_methods().FindByRef(user, charge->provider, charge->payment_method_ref),
      .seller = email_.seller};
}

}  // namespace tenure::app
