#include "domain/business_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <unordered_map>

namespace tenure::domain {

Month MonthOf(Instant t) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(t)};
  return day.year() / day.month();
}

Instant MonthStart(Month m) {
  return Instant(std::chrono::sys_days(m / std::chrono::day(1)).time_since_epoch());
}

std::string MonthLabel(Month m) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return fmt::format("{} {}", kNames[static_cast<unsigned>(m.month()) - 1],
                     static_cast<int>(m.year()));
}

std::string_view FunnelStepName(FunnelStep step) {
  switch (step) {
    case FunnelStep::kOpened: return "opened";
    case FunnelStep::kTicket: return "ticket";
    case FunnelStep::kContinued: return "continued";
    case FunnelStep::kConfirmed: return "confirmed";
    case FunnelStep::kResubscribed: return "resubscribed";
  }
  return "opened";
}

std::optional<FunnelStep> ParseFunnelStep(std::string_view name) {
  for (FunnelStep step : {FunnelStep::kOpened, FunnelStep::kTicket, FunnelStep::kContinued,
                          FunnelStep::kConfirmed, FunnelStep::kResubscribed})
    if (FunnelStepName(step) == name) return step;
  return std::nullopt;
}

namespace {

// What moved one license's end: a paid month or granted days.
struct Extension {
  Instant at;
  Instant until;
  bool paid = false;
  int64_t amount_cents = 0;
};

// The months reported, and where each one's figures go.
class MonthTable {
 public:
  MonthTable(Month last, int count) {
    for (int i = count - 1; i >= 0; --i) months_.push_back(last - std::chrono::months(i));
  }
  const std::vector<Month>& months() const { return months_; }
  // The index of t's month, or nothing when it is outside the report.
  std::optional<size_t> Index(Instant t) const {
    const auto it = std::ranges::find(months_, MonthOf(t));
    if (it == months_.end()) return std::nullopt;
    return static_cast<size_t>(it - months_.begin());
  }

 private:
  std::vector<Month> months_;
};

// Distinct licenses (or customers) per month, for the figures counted once a month each.
using PerMonthSets = std::vector<std::set<int64_t>>;

void AddLicenseFigures(const BusinessInputs& in, const MonthTable& table,
                       std::vector<MonthFigures>& out) {
  std::unordered_map<int64_t, std::vector<Extension>> by_license;
  for (const ChargeRecord& c : in.charges)
    if (c.status == ChargeStatus::kSucceeded && MovesExpiry(c.kind) && c.new_expires_at)
      by_license[c.license_id].push_back(
          {.at = c.at, .until = *c.new_expires_at, .paid = true, .amount_cents = c.amount_cents});
  for (const GrantRecord& g : in.grants)
    by_license[g.license_id].push_back({.at = g.at, .until = g.expires_after});
  for (const LicenseRecord& l : in.licenses)
    if (l.expires_at && !by_license.contains(l.license_id))
      by_license[l.license_id].push_back({.at = l.created_at, .until = *l.expires_at});

  const size_t n = table.months().size();
  PerMonthSets new_set(n), renewed(n), lapsed(n), reactivated(n);
  auto mark = [&](PerMonthSets& sets, Instant t, int64_t license) {
    if (auto i = table.Index(t)) sets[*i].insert(license);
  };
  std::vector<Instant> month_ends;
  for (Month m : table.months())
    month_ends.push_back(std::min(in.now, MonthStart(m + std::chrono::months(1))));

  for (auto& [license, exts] : by_license) {
    std::ranges::stable_sort(exts, {}, &Extension::at);
    std::optional<Instant> end;
    bool ever_paid = false;
    bool lapsed_before = false;
    for (const Extension& e : exts) {
      if (end && e.at > *end + in.grace) {
        mark(lapsed, *end + in.grace, license);
        lapsed_before = true;
      }
      if (e.paid) {
        mark(!ever_paid ? new_set : lapsed_before ? reactivated : renewed, e.at, license);
        ever_paid = true;
      }
      lapsed_before = false;
      end = end ? std::max(*end, e.until) : e.until;
    }
    if (end && *end + in.grace <= in.now) mark(lapsed, *end + in.grace, license);

    // Active and MRR at each month's end: the extensions made by then decide. One pass, as
    // the month ends come in order.
    std::optional<Instant> until;
    int64_t amount = 0;
    size_t next = 0;
    for (size_t i = 0; i < n; ++i) {
      const Instant t = month_ends[i];
      for (; next < exts.size() && exts[next].at <= t; ++next) {
        until = until ? std::max(*until, exts[next].until) : exts[next].until;
        if (exts[next].paid) amount = exts[next].amount_cents;
      }
      if (until && *until > t) {
        ++out[i].active_licenses;
        out[i].mrr_cents += amount;
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    out[i].new_licenses = static_cast<int64_t>(new_set[i].size());
    out[i].renewed = static_cast<int64_t>(renewed[i].size());
    out[i].lapsed = static_cast<int64_t>(lapsed[i].size());
    out[i].reactivated = static_cast<int64_t>(reactivated[i].size());
  }
}

void AddPaymentFigures(const BusinessInputs& in, const MonthTable& table,
                       std::vector<MonthFigures>& out) {
  // One automatic renewal is every attempt at one license's period.
  struct Period {
    Instant first;
    bool paid = false;
    bool declined_before = false;
    int64_t paid_cents = 0;
  };
  std::map<std::pair<int64_t, int64_t>, Period> periods;
  std::vector<const ChargeRecord*> auto_renewals;
  for (const ChargeRecord& c : in.charges) {
    if (c.status == ChargeStatus::kSucceeded)
      if (auto i = table.Index(c.at)) out[*i].revenue_cents += c.amount_cents;
    if (c.kind == ChargeKind::kAutoRenewal) auto_renewals.push_back(&c);
  }
  std::ranges::stable_sort(auto_renewals, {}, [](const ChargeRecord* c) { return c->attempt; });
  for (const ChargeRecord* c : auto_renewals) {
    auto [it, inserted] =
        periods.try_emplace({c->license_id, c->period_key}, Period{.first = c->at});
    Period& p = it->second;
    p.first = std::min(p.first, c->at);
    // Attempts come in order: a decline before the payment is what dunning recovered.
    if (c->status == ChargeStatus::kFailed && !p.paid) p.declined_before = true;
    if (c->status == ChargeStatus::kSucceeded && !p.paid) {
      p.paid = true;
      p.paid_cents = c->amount_cents;
    }
  }
  for (const auto& [key, p] : periods) {
    const auto i = table.Index(p.first);
    if (!i) continue;
    MonthFigures& m = out[*i];
    ++m.renewals_tried;
    if (!p.paid) continue;
    ++m.renewals_paid;
    if (p.declined_before) {
      ++m.recovered;
      m.recovered_cents += p.paid_cents;
    }
  }
  for (const CancellationRecord& c : in.cancellations)
    if (auto i = table.Index(c.at)) ++out[*i].cancellations[c.reason];
}

std::vector<FunnelMonth> Funnel(const BusinessInputs& in, const MonthTable& table) {
  const size_t n = table.months().size();
  std::vector<FunnelMonth> out(n);
  for (size_t i = 0; i < n; ++i) out[i].month = table.months()[i];
  PerMonthSets opened(n), ticket(n), continued(n), confirmed(n);
  std::unordered_map<int64_t, std::vector<const FunnelRecord*>> by_user;
  for (const FunnelRecord& r : in.funnel) {
    by_user[r.user_id].push_back(&r);
    const auto i = table.Index(r.at);
    if (!i) continue;
    switch (r.step) {
      case FunnelStep::kOpened: opened[*i].insert(r.user_id); break;
      case FunnelStep::kTicket: ticket[*i].insert(r.user_id); break;
      case FunnelStep::kContinued: continued[*i].insert(r.user_id); break;
      case FunnelStep::kConfirmed: confirmed[*i].insert(r.user_id); break;
      case FunnelStep::kResubscribed: break;
    }
  }
  for (auto& [user, records] : by_user) {
    std::ranges::stable_sort(records, {}, &FunnelRecord::at);
    std::vector<bool> seen(n, false);
    for (const FunnelRecord* open : records) {
      if (open->step != FunnelStep::kOpened) continue;
      const auto i = table.Index(open->at);
      if (!i || seen[*i]) continue;  // the first time this month
      seen[*i] = true;
      FunnelMonth& m = out[*i];
      const Instant decided_at = open->at + kSaveWindow;
      if (decided_at > in.now) {
        ++m.undecided;
        continue;
      }
      bool saved = true;
      bool with_ticket = false;
      for (const FunnelRecord* r : records) {
        if (r->at < open->at || r->at > decided_at) continue;
        if (r->step == FunnelStep::kConfirmed) saved = false;
        if (r->step == FunnelStep::kResubscribed) saved = true;
        if (r->step == FunnelStep::kTicket) with_ticket = true;
      }
      ++(with_ticket ? m.decided_with_ticket : m.decided_without_ticket);
      if (saved) ++(with_ticket ? m.saved_with_ticket : m.saved_without_ticket);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    out[i].opened = static_cast<int64_t>(opened[i].size());
    out[i].opened_ticket = static_cast<int64_t>(ticket[i].size());
    out[i].continued = static_cast<int64_t>(continued[i].size());
    out[i].confirmed = static_cast<int64_t>(confirmed[i].size());
  }
  return out;
}

}  // namespace

BusinessReport ComputeBusinessReport(const BusinessInputs& in) {
  const MonthTable table(MonthOf(in.now), std::max(1, in.months));
  BusinessReport report;
  report.months.resize(table.months().size());
  for (size_t i = 0; i < table.months().size(); ++i) report.months[i].month = table.months()[i];
  AddLicenseFigures(in, table, report.months);
  AddPaymentFigures(in, table, report.months);
  report.funnel = Funnel(in, table);
  return report;
}

}  // namespace tenure::domain
