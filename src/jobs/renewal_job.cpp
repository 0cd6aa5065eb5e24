#include "jobs/renewal_job.hpp"

#include <fmt/format.h>

#include <chrono>
#include <set>

#include <nlohmann/json.hpp>

#include "app/billing.hpp"
#include "app/store/actor.hpp"
#include "app/store/licenses.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::jobs {
namespace {
// Long enough for a batch to be charged; a process killed mid-batch frees its licenses
// when it lapses.
constexpr Seconds kLease{5 * 60};
}  // namespace

std::string RenewalSummary::ToJson() const {
  return fmt::format(
      R"({{"claimed":{},"succeeded":{},"declined":{},"errors":{},"skipped":{},"recovered":{},)"
      R"("reminders":{},"expiry_notices":{}}})",
      claimed, succeeded, declined, errors, skipped, recovered, reminders, expiry_notices);
}

RenewalJob::RenewalJob(app::Store& store, app::BillingService& billing, const Clock& clock,
                       const domain::LicensePolicy& policy, int batch)
    : store_(store), billing_(billing), clock_(clock), policy_(policy), batch_(batch) {}

namespace {

// Issue 13: each pass's outcome, for /metrics.
void Count(const RenewalSummary& summary, double seconds) {
  static auto& outcomes = metrics::Metrics().Counters(
      "tenure_renewal_licenses_total",
      "Licenses the renewal job took, by outcome (charged, declined, error, skipped).",
      {"outcome"});
  static auto& charged = outcomes.With({"charged"});
  static auto& declined = outcomes.With({"declined"});
  static auto& errors = outcomes.With({"error"});
  static auto& skipped = outcomes.With({"skipped"});
  static auto& duration =
      metrics::Metrics()
          .Histograms("tenure_renewal_pass_duration_seconds", "Time of one renewal job pass.")
          .With({});
  charged.Add(static_cast<uint64_t>(summary.succeeded));
  declined.Add(static_cast<uint64_t>(summary.declined));
  errors.Add(static_cast<uint64_t>(summary.errors));
  skipped.Add(static_cast<uint64_t>(summary.skipped));
  duration.Observe(seconds);
}

}  // namespace

RenewalSummary RenewalJob::RunOnce() {
  const auto started = std::chrono::steady_clock::now();
  RenewalSummary summary = Pass();
  Count(summary, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return summary;
}

RenewalSummary RenewalJob::Pass() {
  RenewalSummary summary;
  summary.recovered = billing_.RecoverPending(Seconds(120));
  std::set<int64_t> seen;  // a license skipped in this pass is not taken again
  for (;;) {
    std::vector<UserId> claimed;
    {
      const Instant now = clock_.Now();
      auto uow = store_.Begin(app::Actor::System());
      claimed = uow->licenses().ClaimDueRenewals(now, domain::DueBefore(now, policy_), now + kLease,
                                                 batch_);
      if (claimed.empty()) break;  // rolls back: nothing written
      uow->Audit("renewal.claim", "renewal_job", nullptr, {{"licenses", claimed.size()}});
      uow->Commit();
    }
    int fresh = 0;
    for (UserId user : claimed) {
      if (!seen.insert(user.value).second) continue;
      ++fresh;
      ++summary.claimed;
      try {
        auto result = billing_.AutoRenew(user);
        if (result && !*result)
          ++summary.skipped;
        else if (result && (*result)->status == domain::ChargeStatus::kSucceeded)
          ++summary.succeeded;
        else if (result && (*result)->status == domain::ChargeStatus::kFailed)
          ++summary.declined;
        else
          ++summary.errors;  // an error, or a payment whose outcome is not known yet
      } catch (const std::exception& e) {
        ++summary.errors;
        log::Write("error", "renewal_failed", {{"user_id", user.value}, {"error", e.what()}});
      }
    }
    if (fresh == 0) break;
  }
  // Each license is looked at once per pass: a marker that failed to stick can never loop.
  std::set<int64_t> reminded, notified;
  for (bool progress = true; progress;) {
    progress = false;
    const Instant now = clock_.Now();
    for (UserId user :
         store_.Read()->licenses().NeedingReminder(now, domain::ReminderBefore(now, policy_), 500))
      if (reminded.insert(user.value).second) {
        progress = true;
        summary.reminders += billing_.SendReminder(user);
      }
  }
  for (bool progress = true; progress;) {
    progress = false;
    for (UserId user : store_.Read()->licenses().NeedingExpiryNotice(
             domain::ExpiredBefore(clock_.Now(), policy_), 500))
      if (notified.insert(user.value).second) {
        progress = true;
        summary.expiry_notices += billing_.SendExpiryNotice(user);
      }
  }
  return summary;
}

}  // namespace tenure::jobs
