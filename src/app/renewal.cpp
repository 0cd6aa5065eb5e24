#include "app/renewal.hpp"
#include "domain/billing.hpp"

#include <fmt/format.h>

#include "app/accounts.hpp"

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
  const bool has_card = uow->payment_methods().FindDefault(customer.id).has_value();
  auto outcome = domain::DecideRenewal(
      {license->auto_renew, domain::StatusAt(*license, now, policy_.grace), has_card},
      domain::RenewalEvent::kCancel);
  if (!outcome) return std::unexpected(outcome.error());
  if (*outcome == domain::RenewalOutcome::kAlreadyOff)
    return RenewalChange{*outcome, license->expires_at};  // confirming twice cancels once

  const nlohmann::json before = AuditView(*license);
  domain::ApplyRenewal(*license, *outcome, domain::RenewalEvent::kCancel);
  license->updated_at = now;
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
  Queue(*uow, CancellationConfirmation(email_, customer.email, ends_at));
  uow->Commit();
  return RenewalChange{*outcome, license->expires_at};
}

Result<RenewalChange> RenewalService::Resubscribe(const Actor& actor,
                                                  const domain::User& customer) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto license = uow->licenses().FindByUser(customer.id);
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const bool has_card = uow->payment_methods().FindDefault(customer.id).has_value();
  auto outcome = domain::DecideRenewal(
      {license->auto_renew, domain::StatusAt(*license, now, policy_.grace), has_card},
      domain::RenewalEvent::kResubscribe);
  if (!outcome) return std::unexpected(outcome.error());
  if (*outcome == domain::RenewalOutcome::kAlreadyOn)
    return RenewalChange{*outcome, license->expires_at};

  const nlohmann::json before = AuditView(*license);
  domain::ApplyRenewal(*license, *outcome, domain::RenewalEvent::kResubscribe);
  license->updated_at = now;
  uow->licenses().Update(*license);
  uow->Audit("license.resubscribe", fmt::format("license:{}", license->id.value), before,
             AuditView(*license));
  const Money price = domain::MonthlyPrice(*license, policy_);
  auto due = domain::AutoRenewalDueAt(*license, policy_);
  if (due && *due <= now) due.reset();  // lapsed: the next renewal pass charges it
  Queue(*uow, ResubscribeConfirmation(email_, customer.email, due, price));
  uow->Commit();
  return RenewalChange{*outcome, license->expires_at};
}

}  // namespace tenure::app
