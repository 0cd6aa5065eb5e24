#include "http/pages/account_views.hpp"

#include <fmt/format.h>

#include "app/checkouts.hpp"
#include "app/licenses.hpp"
#include "app/machines.hpp"
#include "core/time_zone.hpp"
#include "http/pages/checkout_chart.hpp"

namespace tenure::http::pages {
namespace {

mstch::map TotalsVars(std::string label, const domain::CheckoutTotals& totals) {
  return mstch::map{{"label", std::move(label)},
                    {"checkouts", std::to_string(totals.checkouts)},
                    {"spent", FormatSpent(totals.spent)}};
}

mstch::map ChartVars(const domain::CheckoutStats& stats) {
  CheckoutChart chart = LayOutCheckoutChart(stats.per_day);
  mstch::array bars;
  for (auto& bar : chart.bars)
    bars.push_back(mstch::map{{"x", bar.x},
                              {"y", bar.y},
                              {"height", bar.height},
                              {"day", std::move(bar.day)},
                              {"count", std::to_string(bar.count)}});
  mstch::array ticks;
  for (auto& tick : chart.ticks)
    ticks.push_back(mstch::map{{"x", tick.x}, {"text", std::move(tick.text)}});
  return mstch::map{{"bars", bars},
                    {"ticks", ticks},
                    {"chart_max", std::to_string(chart.largest)},
                    {"chart_title", std::move(chart.title)},
                    {"chart_total", std::to_string(chart.total)}};
}

}  // namespace

mstch::map MachinesVars(Context& ctx, UserId user, int instances, bool can_sign_out) {
  const Instant now = ctx.svc.clock.Now();
  const TimeZone zone = ctx.Zone();
  const auto holding = ctx.svc.machines.Holding(user);
  mstch::array rows;
  for (const auto& m : holding)
    rows.push_back(mstch::map{{"id", std::to_string(m.id.value)},
                              {"name", m.info.name},
                              {"os", m.info.os},
                              {"app_version", m.info.app_version},
                              {"signed_in", FormatLongDate(m.signed_in_at, zone)},
                              {"signed_in_iso", FormatRfc3339(m.signed_in_at)},
                              {"last_seen", LastSeenText(m.last_seen_at, now, zone)},
                              {"last_seen_full", FormatDateTime(m.last_seen_at, zone)},
                              {"last_seen_iso", FormatRfc3339(m.last_seen_at)}});
  return mstch::map{{"machines", rows},
                    {"has_machines", !rows.empty()},
                    {"in_use", static_cast<int>(holding.size())},
                    {"slots", instances},
                    {"one_slot", instances == 1},
                    {"can_sign_out", can_sign_out}};
}

mstch::map CheckoutStatsVars(Context& ctx, std::optional<UserId> user, std::string_view time_zone) {
  const std::optional<TimeZone> found = TimeZone::Find(time_zone);
  const TimeZone zone = found.value_or(TimeZone::Utc());
  const domain::CheckoutStats stats = ctx.svc.checkouts.Stats(user, zone);
  mstch::map vars = ChartVars(stats);
  vars["has_checkouts"] = stats.all_time.checkouts > 0;
  // "UTC" as Settings' time zone field says it, rather than the database's "Etc/UTC".
  vars["zone"] = found ? std::string(zone.name()) : std::string("UTC");
  vars["periods"] = mstch::array{TotalsVars("Last 7 days", stats.last_7_days),
                                 TotalsVars("Last 30 days", stats.last_30_days),
                                 TotalsVars("All time", stats.all_time)};
  mstch::array stores;
  for (const auto& s : stats.by_store) stores.push_back(TotalsVars(s.store, s.totals));
  vars["stores"] = stores;
  mstch::array latest;
  for (const auto& row : ctx.svc.checkouts.Latest(user, 10)) {
    const auto& c = row.checkout;
    latest.push_back(mstch::map{{"at", FormatDateTime(c.at, zone)},
                                {"at_iso", FormatRfc3339(c.at)},
                                {"store", c.store},
                                {"product", c.product},
                                {"quantity", std::to_string(c.quantity)},
                                {"price", FormatAmount(c.price_cents, c.currency)},
                                {"user_id", std::to_string(row.user_id.value)}});
  }
  vars["latest"] = latest;
  // Everyone's checkouts (staff): each of the latest links to its customer's file.
  vars["show_customer"] = !user.has_value();
  return vars;
}

void AddInstancesVars(mstch::map& vars, const app::LicenseOverview& overview, Instant now,
                      const TimeZone& zone) {
  const auto& l = overview.license;
  vars["instances"] = l.instances;
  vars["one_instance"] = l.instances == 1;
  // The price of the next renewal: domain::MonthlyPrice counts the instances chosen for it.
  vars["price"] = overview.renewal_price.Format();
  // The automatic charge's date while renewal is on (as Home's Account Renewal says it), else
  // the expiration date; a date already past names no day: the next renewal is whenever the
  // customer renews.
  const std::optional<Instant> renewal =
      overview.next_charge_at ? overview.next_charge_at : l.expires_at;
  if (renewal && *renewal > now) {
    vars["renewal_long"] = FormatLongDate(*renewal, zone);
    vars["renewal_iso"] = FormatRfc3339(*renewal);
  }
  if (!l.instances_at_renewal || *l.instances_at_renewal == l.instances) return;
  vars["pending"] = true;
  vars["pending_count"] = *l.instances_at_renewal;
  vars["one_pending"] = *l.instances_at_renewal == 1;
}

std::string LastSeenText(Instant seen, Instant now, const TimeZone& zone) {
  const int64_t ago = (now - seen).count();
  if (ago < 60) return "just now";
  if (ago < 3600) {
    const int64_t minutes = ago / 60;
    return fmt::format("{} minute{} ago", minutes, minutes == 1 ? "" : "s");
  }
  if (ago < int64_t{24} * 3600) {
    const int64_t hours = ago / 3600;
    return fmt::format("{} hour{} ago", hours, hours == 1 ? "" : "s");
  }
  return FormatLongDate(seen, zone);
}

}  // namespace tenure::http::pages
