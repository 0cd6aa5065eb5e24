#include "app/rate_limits.hpp"

#include "app/store/account_security.hpp"
#include "app/store/actor.hpp"

namespace tenure::app {

namespace {

// When one more request of the key would be let through, if no other came: the previous
// window's share of the estimate falls to nothing over the current window. `current` is the
// current window's count as stored.
int64_t AllowedAgainAt(int64_t start, int64_t window, int previous, int current, int limit) {
  // ceil(previous * (window - e) / window) + current + 1 <= limit, solved for e.
  const auto from = [&](int64_t window_start, int64_t weighted, int room) {
    return window_start + window - static_cast<int64_t>(room) * window / weighted;
  };
  if (current < limit) return from(start, previous, limit - current - 1);
  return from(start + window, current, limit - 1);  // the current window becomes the previous
}

}  // namespace

int64_t CountRequest(RateLimitRepository& counters, const RateLimit& limit, std::string_view key,
                     Instant now) {
  const int64_t window = limit.window.count();
  const int64_t unix_now = ToUnix(now);
  const int64_t start = unix_now / window * window;
  const int previous = counters.Count(limit.scope, key, FromUnix(start - window));
  const int current = limit.refusals_count ? counters.Hit(limit.scope, key, FromUnix(start))
                                           : counters.Count(limit.scope, key, FromUnix(start)) + 1;
  // A sliding window, estimated from two fixed ones: the requests of the last `window`
  // seconds are this window's plus the previous window's in proportion to the part of it
  // still within them (rounded up). Fixed windows alone let a key spend its limit at the end
  // of one window and again at the start of the next: twice the limit in a moment.
  const int64_t previous_share =
      (static_cast<int64_t>(previous) * (start + window - unix_now) + window - 1) / window;
  if (previous_share + current <= limit.limit) {
    if (!limit.refusals_count) counters.Hit(limit.scope, key, FromUnix(start));
    return 0;
  }
  const int counted = limit.refusals_count ? current : current - 1;
  return AllowedAgainAt(start, window, previous, counted, limit.limit) - unix_now;
}

Result<void> Throttle(Store& store, const RateLimit& limit, std::string_view key, Instant now,
                      std::string_view message) {
  int64_t wait = 0;
  {
    auto uow = store.Begin(Actor::System());
    wait = CountRequest(uow->rate_limits(), limit, key, now);
    uow->Commit();
  }
  if (wait == 0) return {};
  Error error{.code = ErrorCode::kRateLimited, .message = std::string(message)};
  error.retry_after_seconds = wait;
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
    // Refusals that ended go first, so that the memory holds only keys still refused.
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
