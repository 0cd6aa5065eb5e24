#include "app/renewal.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/store/cancellations.hpp"
#include "app/store/licenses.hpp"
#include "app/store/payments.hpp"
#include "app/store/reports.hpp"
#include "app/store/tickets.hpp"
#include "domain/billing.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::app {

Result<RenewalChange> RenewalService::ConfirmCancel(const Actor& actor,
                                                    const domain::User& customer,
                                                    const CancelRequest& request) {
  auto feedback = domain::ParseCancelFeedback(request.reason, request.comment);
  if (!feedback) return std::unexpected(feedback.error());

  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto license = uow->licenses().FindByUser(customer.id);  // locked until commit
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  if (request.ticket) {
    auto ticket = uow->tickets().Find(*request.ticket);
    if (!ticket || ticket->user_id != customer.id)
      return Fail(ErrorCode::kInvalidInput, "We couldn't find that ticket on your account.");
  }
  const auto cancel =
      domain::Decide(domain::StateOf(*license, now, policy_.grace), domain::LicenseEvent::kCancel);
  if (!cancel.ChangesRecord())
    return RenewalChange{false, license->expires_at};  // confirming twice cancels once

  const nlohmann::json before = AuditView(*license);
  domain::Apply(*license, cancel, {now, policy_, TimeZone::Utc()});
  uow->licenses().Update(*license);
  // The license keeps its date: it ends when it expires (PRODUCT.md: never shortened).
  const Instant ends_at = license->expires_at.value_or(now);
  const auto id = uow->cancellations().Insert(Cancellation{.user_id = customer.id,
                                                           .license_id = license->id,
                                                           .reason = feedback->reason,
                                                           .comment = feedback->comment,
                                                           .ticket_id = request.ticket,
                                                           .license_ends_at = ends_at,
                                                           .created_at = now});
  // The comment is personal data: the audit row names the reason, not the words.
  uow->Audit("license.cancel_renewal", fmt::format("license:{}", license->id.value), before,
             {{"license", AuditView(*license)},
              {"cancellation", id.value},
              {"reason", domain::CancelReasonName(feedback->reason)}});
  uow->reports().RecordFunnelStep(customer.id, domain::FunnelStep::kConfirmed, now);
  Queue(*uow, email_, CancellationConfirmation(email_, Recipient::Of(customer), ends_at));
  uow->Commit();
  return RenewalChange{true, license->expires_at};
}

Result<RenewalChange> RenewalService::Resubscribe(const Actor& actor,
                                                  const domain::User& customer) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto license = uow->licenses().FindByUser(customer.id);
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const auto resubscribe = domain::Decide(domain::StateOf(*license, now, policy_.grace),
                                          domain::LicenseEvent::kResubscribe);
  if (resubscribe.refused())
    return Fail(ErrorCode::kConflict, std::string(domain::RefusalMessage(resubscribe.refusal)));
  if (!resubscribe.ChangesRecord()) return RenewalChange{false, license->expires_at};
  if (!uow->payment_methods().FindDefault(customer.id))
    return Fail(ErrorCode::kInvalidInput,
                "Add a payment method first, so we can renew your license automatically.",
                "payment_method");

  const nlohmann::json before = AuditView(*license);
  domain::Apply(*license, resubscribe, {now, policy_, TimeZone::Utc()});
  uow->licenses().Update(*license);
  uow->Audit("license.resubscribe", fmt::format("license:{}", license->id.value), before,
             AuditView(*license));
  const Money price = domain::MonthlyPrice(*license, policy_);
  auto due = domain::AutoRenewalDueAt(*license, policy_);
  if (due && *due <= now) due.reset();  // lapsed: the next renewal pass charges it
  uow->reports().RecordFunnelStep(customer.id, domain::FunnelStep::kResubscribed, now);
  Queue(*uow, email_, ResubscribeConfirmation(email_, Recipient::Of(customer), due, price));
  uow->Commit();
  return RenewalChange{true, license->expires_at};
}

void RenewalService::RecordCancelStep(const Actor& actor, const domain::User& customer,
                                      domain::FunnelStep step) {
  auto uow = store_.Begin(actor);
  uow->reports().RecordFunnelStep(customer.id, step, clock_.Now());
  uow->Commit();
}

}  // namespace tenure::app
