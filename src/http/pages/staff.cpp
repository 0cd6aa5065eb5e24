// The staff area: accounts, one customer's file, the ticket queue, the feedback inbox.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "app/feedback.hpp"
#include "app/staff.hpp"
#include "app/support.hpp"
#include "http/csv.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http::pages {
namespace {

// The sub-navigation, with the unread feedback count.
mstch::map StaffVars(Context& ctx, std::string_view section) {
  mstch::map vars{{"sub_" + std::string(section), true}};
  if (const auto unread = ctx.svc.feedback.Unread(ctx.User()); unread > 0)
    vars["unread_feedback"] = std::to_string(unread);
  return vars;
}

mstch::map LicenseSummary(const app::LicenseOverview& o) {
  const auto& l = o.license;
  return mstch::map{{"status", std::string(domain::StatusName(o.status))},
                    {"status_label", std::string(domain::StatusLabel(o.status))},
                    {"expires", l.expires_at ? FormatDateTime(*l.expires_at) : std::string("—")},
                    {"auto_renew", std::string(l.auto_renew ? "on" : "off")},
                    {"instances", l.instances},
                    {"card", o.payment_method ? fmt::format("{} •••• {}", o.payment_method->brand,
                                                            o.payment_method->last4)
                                              : std::string("none")}};
}

mstch::array Statuses(std::optional<domain::TicketStatus> selected) {
  mstch::array out;
  for (auto s : {domain::TicketStatus::kOpen, domain::TicketStatus::kWaitingOnCustomer,
                 domain::TicketStatus::kClosed})
    out.push_back(mstch::map{{"name", std::string(domain::TicketStatusName(s))},
                             {"label", std::string(domain::TicketStatusLabel(s))},
                             {"selected", selected == s}});
  return out;
}

// ---- feedback filters, shared by the page and the CSV --------------------------------------
struct Period {
  const char* value;
  const char* label;
  int days;  // 0: all time
};
constexpr Period kPeriods[] = {{"7d", "the last 7 days", 7},
                               {"30d", "the last 30 days", 30},
                               {"90d", "the last 90 days", 90},
                               {"365d", "the last 12 months", 365},
                               {"all", "all time", 0}};

struct FeedbackQuery {
  app::FeedbackFilter filter;
  const Period* period;
  std::string reason;
  std::string query;  // to carry the filters into links
};

FeedbackQuery ReadFeedbackQuery(Context& ctx) {
  FeedbackQuery q{.period = &kPeriods[1]};
  const std::string period = ctx.Query("period");
  for (const auto& p : kPeriods)
    if (period == p.value) q.period = &p;
  const Instant now = ctx.svc.clock.Now();
  q.filter.to = now + Seconds(1);
  q.filter.from = q.period->days ? now - std::chrono::days(q.period->days) : Instant{};
  q.reason = ctx.Query("reason");
  q.filter.reason = domain::ParseCancelReason(q.reason);
  if (!q.filter.reason) q.reason.clear();
  q.query = fmt::format("reason={}&period={}", UrlEncode(q.reason), q.period->value);
  return q;
}

}  // namespace

Response RenderThread(Context& ctx, const app::TicketThread& thread, bool staff_view,
                      mstch::map extra, int status);

Response Staff(Context& ctx) {
  constexpr int kPageSize = 50;
  int page =
      std::clamp<int>(static_cast<int>(ParseId(ctx.Query("page")).value_or(1)), 1, 1'000'000);
  auto accounts = ctx.svc.staff.Accounts(ctx.User(), kPageSize + 1, (page - 1) * kPageSize);
  if (!accounts) return ErrorPage(ctx, 403, "Staff only", accounts.error().message);
  mstch::array rows;
  const bool more = static_cast<int>(accounts->size()) > kPageSize;
  if (more) accounts->pop_back();
  for (const auto& row : *accounts) {
    rows.push_back(mstch::map{
        {"id", std::to_string(row.user.id.value)},
        {"email", row.user.email},
        {"role", std::string(domain::RoleName(row.user.role))},
        {"status", std::string(domain::StatusName(row.status))},
        {"expires", row.license && row.license->expires_at ? FormatRfc3339(*row.license->expires_at)
                                                           : std::string("—")},
        {"auto_renew", std::string(row.license && row.license->auto_renew ? "on" : "off")}});
  }
  mstch::map vars = StaffVars(ctx, "accounts");
  vars["accounts"] = rows;
  vars["page"] = page;
  vars["is_admin"] = ctx.User().role == domain::Role::kAdmin;
  if (more) vars["next_page"] = page + 1;
  if (auto audit = ctx.svc.staff.RecentAudit(ctx.User(), 50)) {
    mstch::array entries;
    for (const auto& e : *audit)
      entries.push_back(mstch::map{{"at", FormatRfc3339(e.at)},
                                   {"actor", e.actor},
                                   {"action", e.action},
                                   {"subject", e.subject},
                                   {"before", e.before},
                                   {"after", e.after},
                                   {"request_id", e.request_id}});
    vars["audit"] = entries;
  }
  return RenderPage(ctx, "staff", "Staff", "staff", std::move(vars));
}

namespace {
Response CustomerPage(Context& ctx, UserId id, int status, const Error* error) {
  auto file = ctx.svc.staff.Customer(ctx.User(), id);
  if (!file)
    return ErrorPage(ctx, HttpStatus(file.error().code), "Not found", file.error().message);
  mstch::map vars = StaffVars(ctx, "accounts");
  vars["email"] = file->user.email;
  vars["user_id"] = std::to_string(id.value);
  if (file->license) vars["license"] = LicenseSummary(*file->license);
  mstch::array grants;
  for (const auto& g : file->grants)
    grants.push_back(mstch::map{
        {"at", FormatDateTime(g.created_at)},
        {"at_iso", FormatRfc3339(g.created_at)},
        {"staff", g.staff_email},
        {"days", g.days},
        {"reason", g.reason},
        {"before", g.expires_before ? FormatDateTime(*g.expires_before) : std::string("none")},
        {"after", FormatDateTime(g.expires_after)}});
  vars["grants"] = grants;
  mstch::array tickets;
  for (const auto& row : file->tickets)
    tickets.push_back(
        mstch::map{{"id", std::to_string(row.ticket.id.value)},
                   {"subject", row.ticket.subject},
                   {"status_label", std::string(domain::TicketStatusLabel(row.ticket.status))}});
  vars["tickets"] = tickets;
  vars["days"] = std::string(ctx.Field("days"));
  vars["reason"] = std::string(ctx.Field("reason"));
  if (ctx.Query("done") == "granted")
    vars["notice"] = std::string("Days granted; the customer was emailed.");
  AddError(vars, error);
  return RenderPage(ctx, "staff_customer", file->user.email, "staff", std::move(vars), status);
}
}  // namespace

Response StaffCustomer(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such account.");
  return CustomerPage(ctx, UserId{*id}, 200, nullptr);
}

Response StaffGrant(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such account.");
  auto granted = ctx.svc.staff.GrantDays(ctx.Actor(), ctx.User(), UserId{*id}, ctx.Field("days"),
                                         ctx.Field("reason"));
  if (!granted)
    return CustomerPage(ctx, UserId{*id}, HttpStatus(granted.error().code), &granted.error());
  return Response::Redirect(fmt::format("/staff/customers/{}?done=granted", *id));
}

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

namespace {
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
  AddError(extra, error);
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

Response StaffFeedback(Context& ctx) {
  const FeedbackQuery q = ReadFeedbackQuery(ctx);
  auto inbox = ctx.svc.feedback.Inbox(ctx.User(), q.filter);
  if (!inbox) return ErrorPage(ctx, 403, "Staff only", inbox.error().message);

  int64_t max = 1;
  for (const auto& [reason, n] : inbox->counts) max = std::max(max, n);
  mstch::array bars;
  std::string title = "Cancellations by reason:";
  int y = 0;
  for (const auto& [reason, n] : inbox->counts) {
    const int width = static_cast<int>(330 * n / max);
    bars.push_back(mstch::map{{"y", y},
                              {"label", std::string(domain::CancelReasonLabel(reason))},
                              {"width", width},
                              {"count", std::to_string(n)},
                              {"count_x", 266 + width}});
    title += fmt::format(" {} {};", domain::CancelReasonLabel(reason), n);
    y += 28;
  }
  mstch::array rows;
  for (const auto& row : inbox->rows) {
    const auto& c = row.cancellation;
    mstch::map r{{"id", std::to_string(c.id.value)},
                 {"user_id", std::to_string(c.user_id.value)},
                 {"email", row.email},
                 {"reason_label", std::string(domain::CancelReasonLabel(c.reason))},
                 {"comment", c.comment},
                 {"at", FormatDateTime(c.created_at)},
                 {"at_iso", FormatRfc3339(c.created_at)},
                 {"ends", FormatLongDate(c.license_ends_at)},
                 {"ends_iso", FormatRfc3339(c.license_ends_at)},
                 {"read", row.read},
                 {"query", q.query}};
    if (c.ticket_id) r["ticket"] = std::to_string(c.ticket_id->value);
    rows.push_back(std::move(r));
  }
  mstch::array reasons;
  for (auto r : domain::AllCancelReasons())
    reasons.push_back(mstch::map{{"name", std::string(domain::CancelReasonName(r))},
                                 {"label", std::string(domain::CancelReasonLabel(r))},
                                 {"selected", q.filter.reason == r}});
  mstch::array periods;
  for (const auto& p : kPeriods)
    periods.push_back(mstch::map{{"value", std::string(p.value)},
                                 {"label", std::string(p.label)},
                                 {"selected", q.period == &p}});
  mstch::map vars = StaffVars(ctx, "feedback");
  vars["bars"] = bars;
  vars["chart_height"] = y;
  vars["chart_title"] = title;
  vars["rows"] = rows;
  vars["shown"] = std::to_string(inbox->rows.size());
  vars["unread_total"] = std::to_string(inbox->unread);
  vars["reasons"] = reasons;
  vars["periods"] = periods;
  vars["period_label"] = std::string(q.period->label);
  vars["query"] = q.query;
  return RenderPage(ctx, "staff_feedback", "Feedback", "staff", std::move(vars));
}

Response StaffFeedbackCsv(Context& ctx) {
  FeedbackQuery q = ReadFeedbackQuery(ctx);
  q.filter.limit = 1'000'000;
  auto inbox = ctx.svc.feedback.Inbox(ctx.User(), q.filter);
  if (!inbox) return ErrorPage(ctx, 403, "Staff only", inbox.error().message);
  std::string csv = CsvRow({"canceled_at", "email", "reason", "reason_label", "comment",
                            "ticket_in_flow", "ticket_id", "license_ends_at", "read_by_me"});
  for (const auto& row : inbox->rows) {
    const auto& c = row.cancellation;
    csv += CsvRow(
        {FormatRfc3339(c.created_at), row.email, std::string(domain::CancelReasonName(c.reason)),
         std::string(domain::CancelReasonLabel(c.reason)), c.comment, c.ticket_id ? "yes" : "no",
         c.ticket_id ? std::to_string(c.ticket_id->value) : std::string(),
         FormatRfc3339(c.license_ends_at), row.read ? "yes" : "no"});
  }
  Response res;
  res.content_type = "text/csv; charset=utf-8";
  res.Set("Content-Disposition",
          fmt::format("attachment; filename=\"cancellations-{}.csv\"", q.period->value));
  res.Set("Cache-Control", "no-store");
  res.body = std::move(csv);
  return res;
}

Response StaffFeedbackRead(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "No such cancellation.");
  auto ok = ctx.svc.feedback.MarkRead(ctx.Actor(), ctx.User(), CancellationId{*id});
  if (!ok) return ErrorPage(ctx, HttpStatus(ok.error().code), "Not found", ok.error().message);
  const FeedbackQuery q = ReadFeedbackQuery(ctx);
  return Response::Redirect("/staff/feedback?" + q.query);
}

}  // namespace tenure::http::pages
