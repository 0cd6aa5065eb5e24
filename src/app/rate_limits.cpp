#include "app/rate_limits.hpp"

#include "app/store/account_security.hpp"
#include "app/store/actor.hpp"

namespace tenure::app {

namespace {

// When one more request of the key would be let through, if no other came: the previous
// window's share of the estimate falls to nothing over the current window. `current`
// includes the refused request (refusals count too: a key that keeps knocking stays out).
int64_t AllowedAgainAt(int64_t start, int64_t window, int previous, int current, int limit) {
  // ceil(previous * (window - e) / window) + current + 1 <= limit, solved for e.
  const auto from = [&](int64_t window_start, int64_t weighted, int room) {
    return window_start + window - static_cast<int64_t>(room) * window / weighted;
  };
  if (current < limit) return from(start, previous, limit - current - 1);
  return from(start + window, current, limit - 1);  // the current window becomes the previous
}

}  // namespace

Result<void> Throttle(Store& store, const RateLimit& limit, std::string_view key, Instant now,
                      std::string_view message) {
  const int64_t window = limit.window.count();
  const int64_t unix_now = ToUnix(now);
  const int64_t start = unix_now / window * window;
  int previous = 0;
  int current = 0;
  {
    auto uow = store.Begin(Actor::System());
    previous = uow->rate_limits().Count(limit.scope, key, FromUnix(start - window));
    current = uow->rate_limits().Hit(limit.scope, key, FromUnix(start));
    uow->Commit();
  }
  // A sliding window, estimated from two fixed ones: the requests of the last `window`
  // seconds are this window's plus the previous window's in proportion to the part of it
  // still within them (rounded up). Fixed windows alone let a key spend its limit at the end
  // of one window and again at the start of the next: twice the limit in a moment.
  const int64_t previous_share =
      (static_cast<int64_t>(previous) * (start + window - unix_now) + window - 1) / window;
  if (previous_share + current <= limit.limit) return {};
  Error error{.code = ErrorCode::kRateLimited, .message = std::string(message)};
  error.retry_after_seconds =
      AllowedAgainAt(start, window, previous, current, limit.limit) - unix_now;
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
