#include "app/rate_limits.hpp"

#include "app/store/account_security.hpp"
#include "app/store/actor.hpp"

namespace tenure::app {

Result<void> Throttle(Store& store, const RateLimit& limit, std::string_view key, Instant now,
                      std::string_view message) {
  const int64_t window = limit.window.count();
  const int64_t start = ToUnix(now) / window * window;
  int hits = 0;
  {
    auto uow = store.Begin(Actor::System());
    hits = uow->rate_limits().Hit(limit.scope, key, FromUnix(start));
    uow->Commit();
  }
  if (hits <= limit.limit) return {};
  Error error{.code = ErrorCode::kRateLimited, .message = std::string(message)};
  error.retry_after_seconds = start + window - ToUnix(now);
  return std::unexpected(std::move(error));
}

int64_t PruneRateLimits(Store& store, Instant now, Seconds keep) {
  auto uow = store.Begin(Actor::System());
  const int64_t removed = uow->rate_limits().DeleteBefore(now - keep);
  uow->Commit();
  return removed;
}

}  // namespace tenure::app
