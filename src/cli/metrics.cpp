// /metrics' gauges read from the database at each scrape (issue 13): the outbox, Stripe's
// events, program sessions, renewals due. One read serves every family of a scrape.
#include <chrono>
#include <mutex>
#include <optional>

#include "cli/cli.hpp"
#include "core/metrics.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::cli {

void CollectDatabaseMetrics(storage::SqlStore& store, const Clock& clock,
                            const domain::LicensePolicy& policy) {
  struct Cache {
    std::mutex mutex;
    std::chrono::steady_clock::time_point read_at;
    std::optional<storage::OperationsStats> stats;
  };
  auto cache = std::make_shared<Cache>();
  // The families of one scrape are rendered within a second: they share one read. A database
  // that does not answer leaves the lines out rather than showing stale numbers as new.
  auto read = [cache, &store, &clock, &policy]() -> std::optional<storage::OperationsStats> {
    std::lock_guard lock(cache->mutex);
    const auto now = std::chrono::steady_clock::now();
    if (!cache->stats || now - cache->read_at > std::chrono::seconds(1)) {
      try {
        const Instant at = clock.Now();
        cache->stats = store.ReadOperationsStats(at, domain::DueBefore(at, policy));
        cache->read_at = now;
      } catch (const std::exception&) {
        cache->stats.reset();
      }
    }
    return cache->stats;
  };
  using metrics::Label;
  using metrics::Sample;
  auto& registry = metrics::Metrics();
  registry.Collected("tenure_outbox_messages",
                     "Outbox messages (email, Discord) by state: pending or dead (given up on).",
                     [read] {
                       auto s = read();
                       if (!s) return std::vector<Sample>{};
                       return std::vector<Sample>{
                           {Label("state", "dead"), static_cast<double>(s->outbox_dead)},
                           {Label("state", "pending"), static_cast<double>(s->outbox_pending)}};
                     });
  registry.Collected("tenure_outbox_oldest_pending_age_seconds",
                     "Age of the oldest message still waiting in the outbox (0 when none).",
                     [read] {
                       auto s = read();
                       if (!s) return std::vector<Sample>{};
                       const auto age = s->outbox_oldest_pending_age.value_or(Seconds(0));
                       return std::vector<Sample>{{"", static_cast<double>(age.count())}};
                     });
  registry.Collected(
      "tenure_stripe_events_pending", "Stripe events received, not yet processed.", [read] {
        auto s = read();
        if (!s) return std::vector<Sample>{};
        return std::vector<Sample>{{"", static_cast<double>(s->stripe_events_pending)}};
      });
  registry.Collected("tenure_stripe_event_lag_seconds",
                     "Age of the oldest Stripe event received and not yet processed (0 when none).",
                     [read] {
                       auto s = read();
                       if (!s) return std::vector<Sample>{};
                       const auto age = s->stripe_oldest_pending_age.value_or(Seconds(0));
                       return std::vector<Sample>{{"", static_cast<double>(age.count())}};
                     });
  registry.Collected("tenure_program_sessions", "The program's signed-in sessions.", [read] {
    auto s = read();
    if (!s) return std::vector<Sample>{};
    return std::vector<Sample>{{"", static_cast<double>(s->program_sessions)}};
  });
  registry.Collected("tenure_renewals_due",
                     "Auto-renewing licenses due for their renewal charge now.", [read] {
                       auto s = read();
                       if (!s) return std::vector<Sample>{};
                       return std::vector<Sample>{{"", static_cast<double>(s->renewals_due)}};
                     });
}

}  // namespace tenure::cli
