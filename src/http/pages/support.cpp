// The customer's Support tab: their tickets, a thread, replies, close and reopen.
#include <fmt/format.h>

#include "app/support.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http::pages {
namespace {

mstch::array Categories(std::string_view selected) {
  mstch::array out;
  for (auto c : domain::AllTicketCategories())
    out.push_back(mstch::map{{"name", std::string(domain::TicketCategoryName(c))},
                             {"label", std::string(domain::TicketCategoryLabel(c))},
                             {"selected", selected == domain::TicketCategoryName(c)}});
  return out;
}

Response SupportPage(Context& ctx, int status, const Error* error) {
  mstch::array tickets;
  for (const auto& row : ctx.svc.support.MyTickets(ctx.User())) {
    const auto& t = row.ticket;
    tickets.push_back(mstch::map{{"id", std::to_string(t.id.value)},
                                 {"subject", t.subject},
                                 {"category", std::string(domain::TicketCategoryLabel(t.category))},
                                 {"status", std::string(domain::TicketStatusName(t.status))},
                                 {"status_label", std::string(domain::TicketStatusLabel(t.status))},
                                 {"updated", FormatDateTime(t.updated_at, ctx.Zone())},
                                 {"updated_iso", FormatRfc3339(t.updated_at)}});
  }
  mstch::map vars{{"has_tickets", !tickets.empty()},
                  {"tickets", tickets},
                  {"categories", Categories(ctx.Field("category"))},
                  {"subject", std::string(ctx.Field("subject"))},
                  {"message", std::string(ctx.Field("message"))}};
  AddError(vars, error, {.title = "Your ticket was not sent."});
  return RenderPage(ctx, "support", "Support", "support", std::move(vars), status);
}

}  // namespace

// The thread, for the customer or for staff (staff_view adds the side panel); times in the
// viewer's zone.
Response RenderThread(Context& ctx, const app::TicketThread& thread, bool staff_view,
                      mstch::map extra, int status) {
  const auto& t = thread.ticket;
  mstch::array messages;
  for (const auto& m : thread.messages)
    messages.push_back(
        mstch::map{{"author", m.from_staff ? std::string("Support") : thread.customer_email},
                   {"from_staff", m.from_staff},
                   {"body", m.body},
                   {"at", FormatDateTime(m.created_at, ctx.Zone())},
                   {"at_iso", FormatRfc3339(m.created_at)}});
  const std::string base =
      fmt::format("{}/tickets/{}", staff_view ? "/staff" : "/support", t.id.value);
  extra["id"] = std::to_string(t.id.value);
  extra["subject"] = t.subject;
  extra["status"] = std::string(domain::TicketStatusName(t.status));
  extra["status_label"] = std::string(domain::TicketStatusLabel(t.status));
  extra["category"] = std::string(domain::TicketCategoryLabel(t.category));
  extra["created"] = FormatDateTime(t.created_at, ctx.Zone());
  extra["created_iso"] = FormatRfc3339(t.created_at);
  extra["in_cancel_flow"] = t.opened_in_cancel_flow;
  extra["messages"] = messages;
  extra["base_url"] = base;
  extra["is_closed"] = t.status == domain::TicketStatus::kClosed;
  extra["customer_view"] = !staff_view;
  extra["staff_view"] = staff_view;
  extra["back_url"] = std::string(staff_view ? "/staff/tickets" : "/support");
  extra["back_label"] = std::string(staff_view ? "All tickets" : "Your tickets");
  extra["draft"] = std::string(ctx.Field("message"));
  return RenderPage(ctx, "ticket", t.subject, staff_view ? "staff" : "support", std::move(extra),
                    status);
}

Response Support(Context& ctx) { return SupportPage(ctx, 200, nullptr); }

Response OpenTicket(Context& ctx) {
  const bool from_cancel = ctx.Field("from") == "cancel";
  auto id = ctx.svc.support.Open(ctx.Actor(), ctx.User(),
                                 {.category = std::string(ctx.Field("category")),
                                  .subject = std::string(ctx.Field("subject")),
                                  .message = std::string(ctx.Field("message")),
                                  .from_cancel_flow = from_cancel});
  if (!id) {
    if (!from_cancel) return SupportPage(ctx, HttpStatus(id.error().code), &id.error());
    mstch::map vars{{"subject", std::string(ctx.Field("subject"))},
                    {"message", std::string(ctx.Field("message"))}};
    AddError(vars, &id.error(), {.title = "Your ticket was not sent."});
    return RenderPage(ctx, "cancel", "Before you cancel", "home", std::move(vars),
                      HttpStatus(id.error().code));
  }
  // From the Cancel screen, back to it: the customer may still continue.
  if (from_cancel) return Response::Redirect(fmt::format("/cancel?ticket={}", id->value));
  return Response::Redirect(fmt::format("/support/tickets/{}?done=opened", id->value));
}

Response Ticket(Context& ctx) {
  auto id = ctx.IdParam();
  auto thread = id ? ctx.svc.support.MyTicket(ctx.User(), TicketId{*id})
                   : Fail(ErrorCode::kNotFound, "There is no such ticket on your account.");
  if (!thread) return ErrorPage(ctx, 404, "Ticket not found", thread.error().message);
  mstch::map extra;
  const std::string done = ctx.Query("done");
  if (done == "opened")
    extra["notice"] =
        std::string("Your ticket is open. We'll answer by email, usually within a day.");
  if (done == "replied") extra["notice"] = std::string("Your reply was sent.");
  if (done == "closed") extra["notice"] = std::string("The ticket is closed. Reopen it any time.");
  if (done == "reopened") extra["notice"] = std::string("The ticket is open again.");
  return RenderThread(ctx, *thread, false, std::move(extra), 200);
}

namespace {
// Reply, close and reopen share their shape: one app call, then back to the thread.
template <class Call>
Response TicketAction(Context& ctx, Call call, std::string_view done) {
  auto id = ctx.IdParam();
  if (!id)
    return ErrorPage(ctx, 404, "Ticket not found", "There is no such ticket on your account.");
  auto result = call(TicketId{*id});
  if (!result) {
    if (result.error().code == ErrorCode::kNotFound)
      return ErrorPage(ctx, 404, "Ticket not found", result.error().message);
    auto thread = ctx.svc.support.MyTicket(ctx.User(), TicketId{*id});
    if (!thread) return ErrorPage(ctx, 404, "Ticket not found", thread.error().message);
    mstch::map extra;
    AddError(
        extra, &result.error(),
        {.title = done == "replied" ? "Your reply was not sent." : "The ticket was not changed."});
    return RenderThread(ctx, *thread, false, std::move(extra), HttpStatus(result.error().code));
  }
  return Response::Redirect(fmt::format("/support/tickets/{}?done={}", *id, done));
}
}  // namespace

Response TicketReply(Context& ctx) {
  return TicketAction(
      ctx,
      [&](TicketId id) {
        return ctx.svc.support.CustomerReply(ctx.Actor(), ctx.User(), id, ctx.Field("message"));
      },
      "replied");
}

Response TicketClose(Context& ctx) {
  return TicketAction(
      ctx, [&](TicketId id) { return ctx.svc.support.Close(ctx.Actor(), ctx.User(), id); },
      "closed");
}

Response TicketReopen(Context& ctx) {
  return TicketAction(
      ctx, [&](TicketId id) { return ctx.svc.support.Reopen(ctx.Actor(), ctx.User(), id); },
      "reopened");
}

}  // namespace tenure::http::pages
