// Admins: the business figures (issue 14 item 3): MRR and active licenses, licenses won and
// lost, churn by cancellation reason, automatic renewals and what dunning recovered, revenue,
// and the cancel funnel with its save rate; month by month, charts with their figures beside.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "app/reports.hpp"
#include "core/money.hpp"
#include "domain/business_metrics.hpp"
#include "http/pages/staff/month_chart.hpp"
#include "http/pages/staff/staff_common.hpp"

namespace tenure::http::pages {
namespace {

constexpr int kMonthChoices[] = {6, 12, 24, 36};

std::string Cents(int64_t cents) { return Money::Cents(cents).Format(); }
std::string Count(int64_t n) { return fmt::format("{}", n); }
std::string Percent(int64_t part, int64_t whole) {
  return whole == 0 ? std::string("—") : fmt::format("{}%", part * 100 / whole);
}
// "75% (3 of 4)", or "—" when nobody's 30 days have passed.
std::string SaveRate(int64_t saved, int64_t decided) {
  return decided == 0 ? std::string("—")
                      : fmt::format("{} ({} of {})", Percent(saved, decided), saved, decided);
}

const ChartOptions kCount{.value = Count};
// Money's axis in whole units; at least 4 of them, so that an empty chart's grid reads 1, 2, 3.
const ChartOptions kMoney{.value = Cents, .axis = CompactMoney, .at_least = 400};

int MonthsAsked(Context& ctx) {
  const std::string text = ctx.Query("months");
  int months = 12;
  std::from_chars(text.data(), text.data() + text.size(), months);
  return std::ranges::find(kMonthChoices, months) != std::end(kMonthChoices) ? months : 12;
}

// `id` names the chart's title element (unique on the page).
mstch::map ChartVars(std::string_view id, std::string_view what,
                     const std::vector<std::string>& months, const std::vector<ChartSeries>& series,
                     const ChartOptions& options) {
  const MonthChart chart = LayOutMonthChart(what, months, series, options);
  mstch::array columns, grid, labels, legend;
  for (const ChartColumn& c : chart.columns)
    columns.push_back(mstch::map{{"series", c.series},
                                 {"x", c.x},
                                 {"y", c.y},
                                 {"width", c.width},
                                 {"height", c.height},
                                 {"tip", c.tip}});
  for (const ChartGridLine& g : chart.grid)
    grid.push_back(mstch::map{{"y", g.y}, {"value", g.value}, {"text_y", g.y + 4}});
  for (const ChartMonthLabel& l : chart.labels)
    labels.push_back(mstch::map{{"x", l.x}, {"text", l.text}});
  for (size_t i = 0; i < series.size(); ++i)
    legend.push_back(mstch::map{{"series", static_cast<int>(i) + 1}, {"name", series[i].name}});
  return mstch::map{{"id", std::string(id)},
                    {"title", chart.title},
                    {"columns", columns},
                    {"grid", grid},
                    {"labels", labels},
                    {"legend", legend},
                    {"has_legend", series.size() > 1}};
}

// One column of figures per month: the table beside a chart.
mstch::map TableVars(std::string_view caption, const std::vector<std::string>& months,
                     const std::vector<std::pair<std::string, std::vector<std::string>>>& rows) {
  mstch::array head, body;
  for (const std::string& m : months) head.push_back(mstch::map{{"month", m}});
  for (const auto& [name, cells] : rows) {
    mstch::array values;
    for (const std::string& v : cells) values.push_back(mstch::map{{"value", v}});
    body.push_back(mstch::map{{"name", name}, {"cells", values}});
  }
  return mstch::map{{"caption", std::string(caption)}, {"head", head}, {"rows", body}};
}

template <typename Field>
std::vector<int64_t> Column(const domain::BusinessReport& r, Field field) {
  std::vector<int64_t> out;
  out.reserve(r.months.size());
  for (const auto& m : r.months) out.push_back(field(m));
  return out;
}

std::vector<std::string> Cells(const std::vector<int64_t>& values, std::string (*format)(int64_t)) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (int64_t v : values) out.push_back(format(v));
  return out;
}

}  // namespace

Response StaffBusiness(Context& ctx) {
  if (!ctx.svc.reports) return ErrorPage(ctx, 404, "Not found", "There is no such page.");
  const int months_asked = MonthsAsked(ctx);
  auto report = ctx.svc.reports->Business(ctx.User(), months_asked);
  if (!report)
    return ErrorPage(ctx, HttpStatus(report.error().code), "Admins only", report.error().message);
  const domain::BusinessReport& r = *report;
  std::vector<std::string> months;
  months.reserve(r.months.size());
  for (const auto& m : r.months) months.push_back(domain::MonthLabel(m.month));

  mstch::map vars = StaffVars(ctx, "business");
  mstch::array choices;
  for (int n : kMonthChoices)
    choices.push_back(mstch::map{{"value", n}, {"selected", n == months_asked}});
  vars["choices"] = choices;

  const auto mrr = Column(r, [](const auto& m) { return m.mrr_cents; });
  const auto active = Column(r, [](const auto& m) { return m.active_licenses; });
  const auto revenue = Column(r, [](const auto& m) { return m.revenue_cents; });
  const domain::MonthFigures& now = r.months.back();
  vars["mrr_now"] = Cents(now.mrr_cents);
  vars["active_now"] = Count(now.active_licenses);
  vars["revenue_now"] = Cents(now.revenue_cents);
  vars["mrr_chart"] = ChartVars("mrr-chart", "MRR", months, {{"MRR", mrr}}, kMoney);
  vars["active_chart"] =
      ChartVars("active-chart", "Active licenses", months, {{"Active licenses", active}}, kCount);
  vars["mrr_table"] = TableVars(
      "MRR and active licenses at each month's end", months,
      {{"MRR at the month's end", Cells(mrr, Cents)}, {"Active licenses", Cells(active, Count)}});

  const std::vector<ChartSeries> movement = {
      {"New", Column(r, [](const auto& m) { return m.new_licenses; })},
      {"Renewed", Column(r, [](const auto& m) { return m.renewed; })},
      {"Lapsed", Column(r, [](const auto& m) { return m.lapsed; })},
      {"Reactivated", Column(r, [](const auto& m) { return m.reactivated; })}};
  vars["movement_chart"] = ChartVars("movement-chart", "Licenses", months, movement, kCount);
  std::vector<std::pair<std::string, std::vector<std::string>>> movement_rows;
  movement_rows.reserve(movement.size());
  for (const ChartSeries& s : movement) movement_rows.emplace_back(s.name, Cells(s.values, Count));
  vars["movement_table"] =
      TableVars("Licenses new, renewed, lapsed and reactivated", months, movement_rows);

  std::vector<ChartSeries> churn;
  std::vector<std::pair<std::string, std::vector<std::string>>> churn_rows;
  for (domain::CancelReason reason : domain::AllCancelReasons()) {
    auto values = Column(r, [&](const auto& m) {
      const auto it = m.cancellations.find(reason);
      return it == m.cancellations.end() ? int64_t{0} : it->second;
    });
    churn_rows.emplace_back(std::string(domain::CancelReasonLabel(reason)), Cells(values, Count));
    churn.push_back({std::string(domain::CancelReasonLabel(reason)), std::move(values)});
  }
  vars["churn_chart"] = ChartVars("churn-chart", "Cancellations by reason", months, churn,
                                  {.stacked = true, .value = Count});
  vars["churn_table"] = TableVars("Cancellations by reason", months, churn_rows);

  std::vector<std::string> tried, paid, rate, recovered, recovered_sum;
  std::vector<int64_t> rate_values;
  for (const auto& m : r.months) {
    tried.push_back(Count(m.renewals_tried));
    paid.push_back(Count(m.renewals_paid));
    rate.push_back(Percent(m.renewals_paid, m.renewals_tried));
    rate_values.push_back(m.renewals_tried == 0 ? 0 : m.renewals_paid * 100 / m.renewals_tried);
    recovered.push_back(Count(m.recovered));
    recovered_sum.push_back(Cents(m.recovered_cents));
  }
  vars["renewal_chart"] =
      ChartVars("renewal-chart", "Renewal success rate", months, {{"Paid in the end", rate_values}},
                {.value = [](int64_t v) { return fmt::format("{}%", v); }, .top = 100});
  vars["renewal_table"] = TableVars("Automatic renewals", months,
                                    {{"Automatic renewals tried", tried},
                                     {"Paid in the end", paid},
                                     {"Success rate", rate},
                                     {"Recovered by a retry", recovered},
                                     {"Amount recovered", recovered_sum}});

  vars["revenue_chart"] =
      ChartVars("revenue-chart", "Revenue", months, {{"Revenue", revenue}}, kMoney);
  vars["revenue_table"] = TableVars("Revenue", months, {{"Revenue", Cells(revenue, Cents)}});

  std::vector<ChartSeries> steps = {{"Opened Cancel", {}},
                                    {"Opened a ticket", {}},
                                    {"Continue to Cancel", {}},
                                    {"Confirm Cancel", {}}};
  std::vector<std::string> with_ticket, without_ticket, undecided;
  for (const domain::FunnelMonth& f : r.funnel) {
    steps[0].values.push_back(f.opened);
    steps[1].values.push_back(f.opened_ticket);
    steps[2].values.push_back(f.continued);
    steps[3].values.push_back(f.confirmed);
    with_ticket.push_back(SaveRate(f.saved_with_ticket, f.decided_with_ticket));
    without_ticket.push_back(SaveRate(f.saved_without_ticket, f.decided_without_ticket));
    undecided.push_back(Count(f.undecided));
  }
  vars["funnel_chart"] = ChartVars("funnel-chart", "The cancel funnel", months, steps, kCount);
  std::vector<std::pair<std::string, std::vector<std::string>>> funnel_rows;
  funnel_rows.reserve(steps.size() + 3);
  for (const ChartSeries& s : steps) funnel_rows.emplace_back(s.name, Cells(s.values, Count));
  funnel_rows.emplace_back("Saved, with a ticket", with_ticket);
  funnel_rows.emplace_back("Saved, without a ticket", without_ticket);
  funnel_rows.emplace_back("Within their 30 days", undecided);
  vars["funnel_table"] = TableVars("The cancel funnel", months, funnel_rows);
  return RenderPage(ctx, "staff_business", "Business", "staff", std::move(vars));
}

}  // namespace tenure::http::pages
