#pragma once
// Requests throttled per address or per account over a sliding window (issue 10: sign-up and
// password reset requests; the same counters serve any other limit). The count is committed
// on its own, so a request refused later for another reason still counts.
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/store/unit_of_work.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::app {

struct RateLimit {
  std::string_view scope;  // "sign_up.address", ...: one counter per scope and key
  int limit = 0;           // requests allowed in any `window` seconds
  Seconds window{3600};
  // Whether a refused request counts too: yes for a guard (a key that keeps knocking stays
  // out), no for an allowance (what was let through is all that counts).
  bool refusals_count = true;
};

// Counts one request of `key` in the caller's transaction: 0 when it is let through, else the
// seconds until one more would be.
int64_t CountRequest(RateLimitRepository& counters, const RateLimit& limit, std::string_view key,
                     Instant now);

// CountRequest committed on its own; kRateLimited once more than `limit` came in the last `window`
// seconds, with the seconds until one more would be let through.
Result<void> Throttle(Store& store, const RateLimit& limit, std::string_view key, Instant now,
                      std::string_view message);

// Throttle that remembers who is over: a key over its limit is refused from memory until one
// more request would be let through, without another database write, so that a flood of refused
// requests costs the database nothing (issue 13: 57,847 tickets in 30 s grew SQLite's log to 1.17
// GB). The count stays in the database, shared by every server; only the refusal is remembered
// here.
class RateLimiter {
 public:
  Result<void> Hit(Store& store, const RateLimit& limit, std::string_view key, Instant now,
                   std::string_view message);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, int64_t> over_until_;  // "scope key" -> let through at (unix)
};

// Housekeeping: windows that ended before `now - keep` leave the table.
int64_t PruneRateLimits(Store& store, Instant now, Seconds keep);

}  // namespace tenure::app
