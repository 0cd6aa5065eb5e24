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

Result<void> RateLimiter::Hit(Store& store, const RateLimit& limit, std::string_view key,
                              Instant now, std::string_view message) {
  std::string id = std::string(limit.scope) + ' ' + std::string(key);
  const int64_t unix_now = ToUnix(now);
  {
    std::lock_guard lock(mutex_);
    if (auto it = over_until_.find(id); it != over_until_.end()) {
      if (it->second > unix_now) {
        Error error{.code = ErrorCode::kRateLimited, .message = std::string(message)};
        error.retry_after_seconds = it->second - unix_now;
        return std::unexpected(std::move(error));
      }
      over_until_.erase(it);
    }
  }
  auto hit = Throttle(store, limit, key, now, message);
  if (!hit) {
    std::lock_guard lock(mutex_);
    // Ended windows go first, so that the memory holds only keys still refused.
    if (over_until_.size() >= 4096)
      std::erase_if(over_until_, [&](const auto& entry) { return entry.second <= unix_now; });
    over_until_[std::move(id)] = unix_now + hit.error().retry_after_seconds;
  }
  return hit;
}

int64_t PruneRateLimits(Store& store, Instant now, Seconds keep) {
  auto uow = store.Begin(Actor::System());
  const int64_t removed = uow->rate_limits().DeleteBefore(now - keep);
  uow->Commit();
  return removed;
}

}  // namespace tenure::app
