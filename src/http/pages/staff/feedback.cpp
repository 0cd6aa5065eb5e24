// Staff: the feedback inbox (every cancellation, its reason and comment, read or unread, a
// chart by reason) and its CSV export, both under the same reason and period filters.
#include <fmt/format.h>

#include "app/feedback.hpp"
#include "http/csv.hpp"
#include "http/pages/pages.hpp"
#include "http/pages/staff/feedback_chart.hpp"
#include "http/pages/staff/staff_common.hpp"

namespace tenure::http::pages {
namespace {

// The filters, shared by the page and the CSV.
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

Response StaffFeedback(Context& ctx) {
  const FeedbackQuery q = ReadFeedbackQuery(ctx);
  auto inbox = ctx.svc.feedback.Inbox(ctx.User(), q.filter);
  if (!inbox) return ErrorPage(ctx, 403, "Staff only", inbox.error().message);

  FeedbackChart chart = LayOutFeedbackChart(inbox->counts);
  mstch::array bars;
  for (auto& bar : chart.bars)
    bars.push_back(mstch::map{{"y", bar.y},
                              {"label", std::move(bar.label)},
                              {"width", bar.width},
                              {"count", std::to_string(bar.count)},
                              {"count_x", bar.count_x}});
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
  vars["chart_height"] = chart.height;
  vars["chart_title"] = std::move(chart.title);
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
