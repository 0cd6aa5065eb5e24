#include "app/checkouts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"

namespace tenure::app {
namespace {

constexpr int kStatsDays = 30;
constexpr Seconds kDay{24 * 3600};

domain::CheckoutTotals ToTotals(const std::vector<CurrencySum>& sums) {
  domain::CheckoutTotals out;
  for (const auto& s : sums) {
    out.checkouts += s.checkouts;
    out.spent[s.currency] += s.cents;
  }
  return out;
}

}  // namespace

std::expected<CheckoutReport, CheckoutRejection> CheckoutService::Report(
    UserId user, domain::MachineId machine, const std::vector<domain::Checkout>& checkouts) {
  const Instant now = clock_.Now();
  if (checkouts.empty() || checkouts.size() > domain::kMaxCheckoutsPerReport)
    return std::unexpected(CheckoutRejection{
        0,
        Error{ErrorCode::kInvalidInput, "Send from 1 to 100 checkouts at a time.", "checkouts"}});
  // Every item is checked before any is stored: a report is taken whole or not at all.
  for (size_t i = 0; i < checkouts.size(); ++i)
    if (auto ok = domain::ValidateCheckout(checkouts[i], now); !ok)
      return std::unexpected(CheckoutRejection{i, ok.error()});

  CheckoutReport out;
  auto uow = store_.Begin(Actor::User(user));
  for (const auto& c : checkouts) {
    if (uow->checkouts().InsertIfNew(user, c, now, machine)) {
      ++out.accepted;
    } else {
      ++out.duplicates;
    }
  }
  if (out.accepted == 0) return out;  // nothing new: rolls back, nothing to record
  uow->Audit(
      "checkouts.report", fmt::format("user:{}", user.value), nullptr,
      {{"accepted", out.accepted}, {"duplicates", out.duplicates}, {"machine", machine.value}});
  uow->Commit();
  return out;
}

domain::CheckoutStats CheckoutService::Stats(std::optional<UserId> user, const TimeZone& zone) {
  const Instant now = clock_.Now();
  auto read = store_.Read();
  domain::CheckoutStats out;
  out.last_7_days = ToTotals(read->checkouts().Totals(user, now - 7 * kDay));
  out.last_30_days = ToTotals(read->checkouts().Totals(user, now - kStatsDays * kDay));
  out.all_time = ToTotals(read->checkouts().Totals(user, Instant{}));
  for (const auto& s : read->checkouts().ByStore(user, 50)) {
    auto it = std::find_if(out.by_store.begin(), out.by_store.end(),
                           [&](const domain::StoreTotals& t) { return t.store == s.store; });
    if (it == out.by_store.end()) it = out.by_store.insert(out.by_store.end(), {s.store, {}});
    it->totals.checkouts += s.checkouts;
    it->totals.spent[s.currency] += s.cents;
  }
  std::stable_sort(out.by_store.begin(), out.by_store.end(), [](const auto& a, const auto& b) {
    return a.totals.checkouts > b.totals.checkouts;
  });
  // 30 local days ending today. Buckets are 24 h from the first midnight, so across a DST
  // change a day's edge is an hour off: a chart's bar, not an account.
  const Instant first = zone.StartOfDay(now - (kStatsDays - 1) * kDay);
  std::vector<int64_t> counts(kStatsDays, 0);
  for (const auto& d : read->checkouts().PerDay(user, first)) {
    const int64_t index = (d.day_start - ToUnix(first)) / kDay.count();
    if (index >= 0 && index < kStatsDays) counts[static_cast<size_t>(index)] += d.checkouts;
  }
  for (int i = 0; i < kStatsDays; ++i)
    out.per_day.push_back(
        {zone.LocalDate(first + i * kDay + Seconds(12 * 3600)), counts[static_cast<size_t>(i)]});
  return out;
}

std::vector<StoredCheckout> CheckoutService::Latest(std::optional<UserId> user, int limit) {
  return store_.Read()->checkouts().Latest(user, limit);
}

}  // namespace tenure::app
