// The Account Renewal journey: Cancel -> Continue to Cancel -> a reason -> Confirm Cancel,
// and Subscribe (cancel anytime). PRODUCT.md: labels and order are exact. Going back at any
// step changes nothing: a GET here changes no state, it only appends the step seen to the
// cancel funnel's own record (issue 14 item 3), which no license reads.
#include <fmt/format.h>

#include "app/licenses.hpp"
#include "app/renewal.hpp"
#include "app/support.hpp"
#include "domain/business_metrics.hpp"
#include "domain/cancellation.hpp"
#include "domain/ticket.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http::pages {
namespace {

std::optional<TicketId> ParseTicketId(std::string_view value) {
  auto id = ParseId(value);
  return id ? std::optional(TicketId{*id}) : std::nullopt;
}

// A ticket carried through the flow only if it is this customer's: a hand-typed ?ticket=
// neither shows a false confirmation nor blocks Confirm Cancel later.
std::optional<std::string> OwnTicket(Context& ctx, std::string_view value) {
  auto id = ParseTicketId(value);
  if (!id || !ctx.svc.support.MyTicket(ctx.User(), *id)) return std::nullopt;
  return std::to_string(id->value);
}

Response ReasonPage(Context& ctx, const app::LicenseOverview& overview, int status,
                    const Error* error) {
  const std::string chosen(ctx.Field("reason"));
  mstch::array reasons;
  for (auto r : domain::AllCancelReasons())
    reasons.push_back(mstch::map{{"name", std::string(domain::CancelReasonName(r))},
                                 {"label", std::string(domain::CancelReasonLabel(r))},
                                 {"checked", chosen == domain::CancelReasonName(r)}});
  mstch::map vars{{"reasons", reasons}, {"comment", std::string(ctx.Field("comment"))}};
  std::string ticket(ctx.Field("ticket"));
  if (ticket.empty()) ticket = ctx.Query("ticket");
  if (auto own = OwnTicket(ctx, ticket)) vars["ticket"] = *own;
  if (overview.license.expires_at) {
    vars["expires_iso"] = FormatRfc3339(*overview.license.expires_at);
    vars["expires_long"] = FormatLongDate(*overview.license.expires_at, ctx.Zone());
  }
  AddError(vars, error, {.title = "Your renewal was not canceled."});
  return RenderPage(ctx, "cancel_reason", "Why are you canceling?", "home", std::move(vars),
                    status);
}

Response AlreadyOff(Context& ctx, const app::LicenseOverview& overview) {
  mstch::map vars{{"has_date", overview.license.expires_at.has_value()}};
  if (overview.license.expires_at) {
    vars["expires_iso"] = FormatRfc3339(*overview.license.expires_at);
    vars["expires_long"] = FormatLongDate(*overview.license.expires_at, ctx.Zone());
  }
  return RenderPage(ctx, "cancel_off", "Your license won't renew", "home", std::move(vars));
}

}  // namespace

Response CancelStart(Context& ctx) {
  auto overview = ctx.svc.licenses.Overview(ctx.User().id);
  if (!overview) return ErrorPage(ctx, 404, "No license", overview.error().message);
  if (!overview->license.auto_renew) return AlreadyOff(ctx, *overview);
  ctx.svc.renewal.RecordCancelStep(ctx.Actor(), ctx.User(), domain::FunnelStep::kOpened);
  mstch::map vars{{"subject", std::string("Thinking about canceling")}};
  // After a ticket was opened here: the ticket, in place of a blank form to fill again.
  if (auto id = ParseTicketId(ctx.Query("ticket"))) {
    if (auto thread = ctx.svc.support.MyTicket(ctx.User(), *id)) {
      vars["ticket"] = std::to_string(id->value);
      vars["ticket_subject"] = thread->ticket.subject;
      vars["ticket_status"] = std::string(domain::TicketStatusLabel(thread->ticket.status));
    }
  }
  return RenderPage(ctx, "cancel", "Before you cancel", "home", std::move(vars));
}

Response CancelReason(Context& ctx) {
  auto overview = ctx.svc.licenses.Overview(ctx.User().id);
  if (!overview) return ErrorPage(ctx, 404, "No license", overview.error().message);
  if (!overview->license.auto_renew) return AlreadyOff(ctx, *overview);
  ctx.svc.renewal.RecordCancelStep(ctx.Actor(), ctx.User(), domain::FunnelStep::kContinued);
  return ReasonPage(ctx, *overview, 200, nullptr);
}

Response CancelConfirm(Context& ctx) {
  const auto ticket = ParseTicketId(ctx.Field("ticket"));
  if (!ctx.Field("ticket").empty() && !ticket)
    return ErrorPage(ctx, 422, "That didn't work", "We couldn't find that ticket on your account.");
  auto result = ctx.svc.renewal.ConfirmCancel(ctx.Actor(), ctx.User(),
                                              {.reason = std::string(ctx.Field("reason")),
                                               .comment = std::string(ctx.Field("comment")),
                                               .ticket = ticket});
  if (!result) {
    auto overview = ctx.svc.licenses.Overview(ctx.User().id);
    if (!overview) return ErrorPage(ctx, 404, "No license", overview.error().message);
    return ReasonPage(ctx, *overview, HttpStatus(result.error().code), &result.error());
  }
  const bool changed = result->changed;
  return Response::Redirect(changed ? "/home?done=canceled" : "/home?done=already_canceled");
}

Response Subscribe(Context& ctx) {
  auto result = ctx.svc.renewal.Resubscribe(ctx.Actor(), ctx.User());
  if (!result) {
    // No card yet: the customer adds one first (PRODUCT.md step 5).
    if (result.error().field == "payment_method")
      return Response::Redirect("/billing/card?next=/home");
    return ErrorPage(ctx, HttpStatus(result.error().code), "Couldn't turn renewal on",
                     result.error().message);
  }
  const bool changed = result->changed;
  return Response::Redirect(changed ? "/home?done=subscribed" : "/home?done=already_subscribed");
}

}  // namespace tenure::http::pages
