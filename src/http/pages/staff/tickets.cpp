// Staff: the ticket queue, one ticket with the customer's license beside it, and the reply,
// assignment and status forms.
#include <fmt/format.h>

#include "app/support.hpp"
#include "http/pages/pages.hpp"
#include "http/pages/staff/staff_common.hpp"

namespace tenure::http::pages {

// The thread, shared with the customer's Support tab (http/pages/support.cpp).
Response RenderThread(Context& ctx, const app::TicketThread& thread, bool staff_view,
                      mstch::map extra, int status);

namespace {

mstch::array Statuses(std::optional<domain::TicketStatus> selected) {
  mstch::array out;
  for (auto s : {domain::TicketStatus::kOpen, domain::TicketStatus::kWaitingOnCustomer,
                 domain::TicketStatus::kClosed})
    out.push_back(mstch::map{{"name", std::string(domain::TicketStatusName(s))},
                             {"label", std::string(domain::TicketStatusLabel(s))},
                             {"selected", selected == s}});
  return out;
}

Response StaffThread(Context& ctx, TicketId id, int status, const Error* error) {
  auto view = ctx.svc.support.StaffTicket(ctx.User(), id);
  if (!view)
    return ErrorPage(ctx, HttpStatus(view.error().code), "Ticket not found", view.error().message);
  mstch::map extra = StaffVars(ctx, "tickets");
  extra["customer_email"] = view->thread.customer_email;
  extra["customer_id"] = std::to_string(view->thread.ticket.user_id.value);
  if (view->license) extra["license"] = LicenseSummary(*view->license);
  mstch::array staff;
  for (const auto& s : view->staff)
    staff.push_back(mstch::map{{"id", std::to_string(s.id.value)},
                               {"email", s.email},
                               {"selected", view->thread.ticket.assignee == s.id}});
  extra["staff"] = staff;
  extra["statuses"] = Statuses(view->thread.ticket.status);
  const std::string done = ctx.Query("done");
  if (done == "replied") extra["notice"] = std::string("Reply sent; the customer was emailed.");
  if (done == "assigned") extra["notice"] = std::string("Assignment saved.");
  if (done == "status") extra["notice"] = std::string("Status saved.");
  AddError(extra, error, {.title = "The ticket was not changed."});
  return RenderThread(ctx, view->thread, true, std::move(extra), status);
}

template <class Call>
Response StaffAction(Context& ctx, Call call, std::string_view done) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Ticket not found", "There is no such ticket.");
  auto result = call(TicketId{*id});
  if (!result) {
    if (result.error().code == ErrorCode::kNotFound)
      return ErrorPage(ctx, 404, "Ticket not found", result.error().message);
    return StaffThread(ctx, TicketId{*id}, HttpStatus(result.error().code), &result.error());
  }
  return Response::Redirect(fmt::format("/staff/tickets/{}?done={}", *id, done));
}

}  // namespace

Response StaffQueue(Context& ctx) {
  app::TicketQueueFilter filter{.status = domain::ParseTicketStatus(ctx.Query("status")),
                                .category = domain::ParseTicketCategory(ctx.Query("category")),
                                .limit = 200};
  auto queue = ctx.svc.support.Queue(ctx.User(), filter);
  if (!queue) return ErrorPage(ctx, 403, "Staff only", queue.error().message);
  mstch::array tickets;
  for (const auto& row : *queue) {
    const auto& t = row.ticket;
    tickets.push_back(mstch::map{
        {"id", std::to_string(t.id.value)},
        {"subject", t.subject},
        {"customer", row.customer_email},
        {"category", std::string(domain::TicketCategoryLabel(t.category))},
        {"status", std::string(domain::TicketStatusName(t.status))},
        {"status_label", std::string(domain::TicketStatusLabel(t.status))},
        {"waiting", t.waiting_since ? FormatDateTime(*t.waiting_since) : std::string("—")},
        {"assignee", row.assignee_email.empty() ? std::string("—") : row.assignee_email}});
  }
  mstch::array categories;
  for (auto c : domain::AllTicketCategories())
    categories.push_back(mstch::map{{"name", std::string(domain::TicketCategoryName(c))},
                                    {"label", std::string(domain::TicketCategoryLabel(c))},
                                    {"selected", filter.category == c}});
  mstch::map vars = StaffVars(ctx, "tickets");
  vars["tickets"] = tickets;
  vars["statuses"] = Statuses(filter.status);
  vars["categories"] = categories;
  return RenderPage(ctx, "staff_tickets", "Tickets", "staff", std::move(vars));
}

Response StaffTicket(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Ticket not found", "There is no such ticket.");
  return StaffThread(ctx, TicketId{*id}, 200, nullptr);
}

Response StaffTicketReply(Context& ctx) {
  return StaffAction(
      ctx,
      [&](TicketId id) {
        return ctx.svc.support.StaffReply(ctx.Actor(), ctx.User(), id, ctx.Field("message"));
      },
      "replied");
}

Response StaffTicketAssign(Context& ctx) {
  return StaffAction(
      ctx,
      [&](TicketId id) -> Result<void> {
        const std::string_view who = ctx.Field("assignee");
        auto assignee = ParseId(who);
        if (!who.empty() && !assignee)
          return Fail(ErrorCode::kInvalidInput, "Choose someone from the list.", "assignee");
        return ctx.svc.support.Assign(ctx.Actor(), ctx.User(), id,
                                      assignee ? std::optional(UserId{*assignee}) : std::nullopt);
      },
      "assigned");
}

Response StaffTicketStatus(Context& ctx) {
  return StaffAction(
      ctx,
      [&](TicketId id) {
        return ctx.svc.support.SetStatus(ctx.Actor(), ctx.User(), id, ctx.Field("status"));
      },
      "status");
}

}  // namespace tenure::http::pages
