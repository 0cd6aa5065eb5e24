// Admins: the audit log, readable (issue 14 item 2), and the outbox with its dead letters
// (item 4); roles and re-sent receipts, posted from a customer's file (items 1 and 4).
#include <fmt/format.h>

#include <charconv>

#include "app/staff.hpp"
#include "http/pages/staff/audit_diff.hpp"
#include "http/pages/staff/staff_common.hpp"

namespace tenure::http::pages {
namespace {

constexpr int kAuditPageSize = 50;

struct Period {
  const char* value;
  const char* label;
  int64_t seconds;  // 0: all time
};
constexpr int64_t kDay = int64_t{24} * 3600;
constexpr Period kPeriods[] = {{"day", "Last 24 hours", kDay},
                               {"week", "Last 7 days", 7 * kDay},
                               {"month", "Last 30 days", 30 * kDay},
                               {"all", "All time", 0}};

std::string NameOr(const app::AuditPage& page, const std::string& ref) {
  const auto it = page.names.find(ref);
  return it == page.names.end() ? ref : it->second;
}

}  // namespace

Response StaffAudit(Context& ctx) {
  app::AuditFilter filter{
      .actor = ctx.Query("actor"), .action = ctx.Query("action"), .subject = ctx.Query("subject")};
  std::string period = ctx.Query("period");
  if (period.empty()) period = "all";
  for (const Period& p : kPeriods)
    if (period == p.value && p.seconds > 0) filter.from = ctx.svc.clock.Now() - Seconds(p.seconds);
  filter.before_id = ParseId(ctx.Query("before"));
  auto page = ctx.svc.staff.Audit(ctx.User(), filter, kAuditPageSize);
  if (!page)
    return ErrorPage(ctx, HttpStatus(page.error().code), "Admins only", page.error().message);

  mstch::array rows;
  for (const app::AuditEntry& e : page->entries) {
    mstch::array diff;
    for (const DiffLine& d : AuditDiff(e.before, e.after))
      diff.push_back(mstch::map{{"field", d.field},
                                {"before", d.before},
                                {"after", d.after},
                                {"added", d.added},
                                {"removed", d.removed},
                                {"changed", !d.added && !d.removed}});
    rows.push_back(mstch::map{{"at", FormatDateTime(e.at)},
                              {"at_iso", FormatRfc3339(e.at)},
                              {"actor", NameOr(*page, e.actor)},
                              {"actor_ref", e.actor},
                              {"action", e.action},
                              {"subject", NameOr(*page, e.subject)},
                              {"subject_ref", e.subject},
                              {"diff", diff},
                              {"has_diff", !diff.empty()},
                              {"request_id", e.request_id}});
  }
  mstch::map vars = StaffVars(ctx, "audit");
  vars["rows"] = rows;
  vars["actor"] = filter.actor;
  vars["subject"] = filter.subject;
  mstch::array actions{mstch::map{{"value", std::string()},
                                  {"label", std::string("Any")},
                                  {"selected", filter.action.empty()}}};
  for (const std::string& a : page->actions)
    actions.push_back(mstch::map{{"value", a}, {"label", a}, {"selected", a == filter.action}});
  vars["actions"] = actions;
  mstch::array periods;
  for (const Period& p : kPeriods)
    periods.push_back(mstch::map{{"value", std::string(p.value)},
                                 {"label", std::string(p.label)},
                                 {"selected", period == p.value}});
  vars["periods"] = periods;
  if (page->more && !page->entries.empty())
    vars["next"] =
        fmt::format("/staff/audit?actor={}&action={}&subject={}&period={}&before={}",
                    UrlEncode(filter.actor), UrlEncode(filter.action), UrlEncode(filter.subject),
                    UrlEncode(period), page->entries.back().id);
  if (filter.before_id)
    vars["first"] =
        fmt::format("/staff/audit?actor={}&action={}&subject={}&period={}", UrlEncode(filter.actor),
                    UrlEncode(filter.action), UrlEncode(filter.subject), UrlEncode(period));
  return RenderPage(ctx, "staff_audit", "Audit log", "staff", std::move(vars));
}

Response StaffOutbox(Context& ctx) {
  std::string status = ctx.Query("status");
  if (status != "pending") status = "dead";
  auto messages = ctx.svc.staff.Outbox(ctx.User(), status, 100);
  if (!messages)
    return ErrorPage(ctx, HttpStatus(messages.error().code), "Admins only",
                     messages.error().message);
  mstch::array rows;
  for (const app::OutboxMessage& m : *messages) {
    std::string to, subject;
    if (const auto t = m.payload.find("to"); t != m.payload.end()) {
      if (t->is_string()) to = t->get<std::string>();
      if (t->is_array())
        for (const auto& one : *t)
          if (one.is_string()) to += (to.empty() ? "" : ", ") + one.get<std::string>();
    }
    if (const auto s = m.payload.find("subject"); s != m.payload.end() && s->is_string())
      subject = s->get<std::string>();
    rows.push_back(mstch::map{{"id", std::to_string(m.id)},
                              {"kind", m.kind},
                              {"to", to},
                              {"subject", subject},
                              {"attempts", m.attempts},
                              {"error", m.last_error},
                              {"created", FormatDateTime(m.created_at)},
                              {"next", FormatDateTime(m.next_attempt_at)},
                              {"dead", m.status == "dead"}});
  }
  mstch::map vars = StaffVars(ctx, "outbox");
  vars["rows"] = rows;
  vars["dead"] = status == "dead";
  if (ctx.Query("done") == "retried")
    vars["notice"] = std::string("The message is queued again and will be sent shortly.");
  return RenderPage(ctx, "staff_outbox", "Outbox", "staff", std::move(vars));
}

Response StaffOutboxRetry(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such message.");
  auto retried = ctx.svc.staff.RetryOutbox(ctx.Actor(), ctx.User(), *id);
  if (!retried)
    return ErrorPage(ctx, HttpStatus(retried.error().code), "Couldn't retry",
                     retried.error().message);
  return Response::Redirect("/staff/outbox?status=dead&done=retried");
}

Response StaffSetRole(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such account.");
  auto changed = ctx.svc.staff.SetRole(ctx.Actor(), ctx.User(), UserId{*id}, ctx.Field("role"));
  if (!changed)
    return ErrorPage(ctx, HttpStatus(changed.error().code), "Couldn't change the role",
                     changed.error().message);
  return Response::Redirect(fmt::format("/staff/customers/{}?done=role", *id));
}

Response StaffResendReceipt(Context& ctx) {
  auto id = ctx.IdParam();
  auto charge = ctx.IdParam("charge");
  if (!id || !charge) return ErrorPage(ctx, 404, "Not found", "There is no such charge.");
  auto sent = ctx.svc.staff.ResendReceipt(ctx.Actor(), ctx.User(), UserId{*id}, *charge);
  if (!sent)
    return ErrorPage(ctx, HttpStatus(sent.error().code), "Couldn't send the receipt",
                     sent.error().message);
  return Response::Redirect(fmt::format("/staff/customers/{}?done=receipt", *id));
}

}  // namespace tenure::http::pages
