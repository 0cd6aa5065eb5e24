#include "app/rate_limits.hpp"

#include <gtest/gtest.h>

#include "app/store/account_security.hpp"
#include "app/store/actor.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;

// A 600-second window starting at a multiple of 600 seconds, as the server's windows do.
const Instant kWindowStart = FromUnix(1'796'000'400);
const RateLimit kTenAWindow{.scope = "test.account", .limit = 10, .window = Seconds(600)};

class RateLimitsTest : public ::testing::Test {
 protected:
  RateLimitsTest()
      : clock_(kWindowStart), store_(storage::OpenStore("sqlite://" + dir_.File("t.db"), clock_)) {
    store_->Migrate();
  }

  // How many of `n` requests at `at` were let through; the last refusal's Retry-After.
  int LetThrough(int n, Instant at, int64_t* retry_after = nullptr) {
    int passed = 0;
    for (int i = 0; i < n; ++i) {
      auto r = Throttle(*store_, kTenAWindow, "alice", at, "slow down");
      if (r) {
        ++passed;
      } else {
        EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
        if (retry_after) *retry_after = r.error().retry_after_seconds;
      }
    }
    return passed;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::SqlStore> store_;
};

TEST_F(RateLimitsTest, TheLimitHoldsAcrossAWindowsEnd) {
  // The whole limit spent a second before one window ends buys nothing in the next one: a
  // fixed window would let ten more through at once, twenty in two seconds.
  EXPECT_EQ(LetThrough(10, kWindowStart + seconds(599)), 10);
  int64_t retry_after = 0;
  EXPECT_EQ(LetThrough(1, kWindowStart + seconds(600), &retry_after), 0);
  // The previous window's ten, and this window's refused one, leave room for one more once
  // the ten weigh eight: 10 * (600 - e) / 600 <= 8 from e = 120 s.
  EXPECT_EQ(retry_after, 120);
  EXPECT_EQ(LetThrough(2, kWindowStart + seconds(600 + 120)), 1);
}

TEST_F(RateLimitsTest, RetryAfterIsWhenOneMoreIsLetThrough) {
  EXPECT_EQ(LetThrough(10, kWindowStart + seconds(300)), 10);
  int64_t retry_after = 0;
  EXPECT_EQ(LetThrough(1, kWindowStart + seconds(300), &retry_after), 0);
  // Eleven counted in this window: the next one is let through once those eleven weigh nine
  // (with the new one, ten): 11 * (600 - e) / 600 <= 9 from e = 110 s of the next window.
  EXPECT_EQ(retry_after, 300 + 110);
  EXPECT_EQ(LetThrough(1, kWindowStart + seconds(600 + 109)), 0) << "a second early";
  EXPECT_EQ(LetThrough(1, kWindowStart + seconds(600 + 300)), 1) << "once the share has fallen";
}

TEST_F(RateLimitsTest, TheLastWindowsRequestsCountInProportion) {
  EXPECT_EQ(LetThrough(6, kWindowStart + seconds(10)), 6);
  // Halfway through the next window, half of the six still count: seven more are let through.
  EXPECT_EQ(LetThrough(10, kWindowStart + seconds(900)), 7);
  // As that window ends, its seven and three refused weigh ten: nothing is let through.
  EXPECT_EQ(LetThrough(10, kWindowStart + seconds(1200)), 0);
  // After a whole window with no request, nothing earlier counts.
  EXPECT_EQ(LetThrough(10, kWindowStart + seconds(2400)), 10);
}

TEST_F(RateLimitsTest, AnAllowanceCountsOnlyWhatWasLetThrough) {
  const RateLimit allowance{
      .scope = "test.posts", .limit = 10, .window = Seconds(600), .refusals_count = false};
  auto wait = [&](Instant at) {
    auto uow = store_->Begin(Actor::System());
    const int64_t seconds = CountRequest(uow->rate_limits(), allowance, "alice", at);
    uow->Commit();
    return seconds;
  };
  const Instant at = kWindowStart + seconds(300);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(wait(at), 0);
  // The ten let through weigh nine 60 s into the next window: 10 * (600 - e) / 600 <= 9.
  EXPECT_EQ(wait(at), 360);
  EXPECT_EQ(wait(at), 360) << "a refusal does not count, so the wait does not grow";
  EXPECT_EQ(store_->Read()->rate_limits().Count("test.posts", "alice", kWindowStart), 10);
  EXPECT_EQ(wait(kWindowStart + seconds(659)), 1) << "a second early";
  EXPECT_EQ(wait(kWindowStart + seconds(660)), 0);
}

TEST_F(RateLimitsTest, KeysAndScopesAreCountedApart) {
  EXPECT_EQ(LetThrough(10, kWindowStart), 10);
  EXPECT_TRUE(Throttle(*store_, kTenAWindow, "bob", kWindowStart, ""));
  const RateLimit other{.scope = "test.address", .limit = 10, .window = Seconds(600)};
  EXPECT_TRUE(Throttle(*store_, other, "alice", kWindowStart, ""));
}

TEST_F(RateLimitsTest, TheLimiterRefusesFromMemoryUntilRetryAfter) {
  RateLimiter limiter;
  const Instant at = kWindowStart + seconds(300);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.Hit(*store_, kTenAWindow, "alice", at, ""));
  auto refused = limiter.Hit(*store_, kTenAWindow, "alice", at, "slow down");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().retry_after_seconds, 410);
  // Refused from memory: the database's count does not grow, so the wait does not either.
  for (int i = 0; i < 100; ++i) {
    auto again = limiter.Hit(*store_, kTenAWindow, "alice", at + seconds(10), "");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().retry_after_seconds, 400);
  }
  EXPECT_EQ(store_->Read()->rate_limits().Count("test.account", "alice", kWindowStart), 11);
  EXPECT_TRUE(limiter.Hit(*store_, kTenAWindow, "alice", at + seconds(410), ""));
}

}  // namespace
}  // namespace tenure::app
