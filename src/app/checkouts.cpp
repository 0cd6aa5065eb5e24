#include "app/checkouts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"

namespace tenure::app {
namespace {

constexpr int kStatsDays = 30;
constexpr Seconds kDay{24 * 3600};

constexpr size_t kMaxStores = 50;

void Add(domain::CheckoutTotals& totals, const std::string& currency, const CheckoutSum& sum) {
  if (sum.checkouts == 0) return;
  totals.checkouts += sum.checkouts;
  totals.spent[currency] += sum.cents;
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
  std::vector<domain::Checkout> accepted;
  auto uow = store_.Begin(Actor::User(user));
  for (const auto& c : checkouts) {
    if (uow->checkouts().InsertIfNew(user, c, now, machine)) {
      ++out.accepted;
      accepted.push_back(c);
    } else {
      ++out.duplicates;
    }
  }
  if (out.accepted == 0) return out;  // nothing new: rolls back, nothing to record
  uow->Audit(
      "checkouts.report", fmt::format("user:{}", user.value), nullptr,
      {{"accepted", out.accepted}, {"duplicates", out.duplicates}, {"machine", machine.value}});
  if (on_accepted_) on_accepted_(*uow, user, accepted, now);
  uow->Commit();
  return out;
}

domain::CheckoutStats CheckoutService::Stats(std::optional<UserId> user, const TimeZone& zone) {
  const Instant now = clock_.Now();
  // The periods are whole local days ending today, so "Last 30 days" counts exactly the
  // chart's days. Buckets are 24 h from the first midnight, so across a DST change a day's
  // edge is an hour off: a chart's bar, not an account.
  const Instant first = zone.StartOfDay(now - (kStatsDays - 1) * kDay);
  const Instant week = zone.StartOfDay(now - 6 * kDay);
  auto read = store_.Read();
  domain::CheckoutStats out;
  // Rows come by store, then currency: one store's currencies are adjacent.
  for (const StoreSum& s : read->checkouts().Sums(user, first, week)) {
    Add(out.all_time, s.currency, s.all_time);
    Add(out.last_30_days, s.currency, s.last_30_days);
    Add(out.last_7_days, s.currency, s.last_7_days);
    if (out.by_store.empty() || out.by_store.back().store != s.store)
      out.by_store.push_back({s.store, {}});
    Add(out.by_store.back().totals, s.currency, s.all_time);
  }
  std::stable_sort(out.by_store.begin(), out.by_store.end(), [](const auto& a, const auto& b) {
    return a.totals.checkouts > b.totals.checkouts;
  });
  if (out.by_store.size() > kMaxStores) out.by_store.resize(kMaxStores);
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
