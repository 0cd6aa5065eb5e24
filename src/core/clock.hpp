#pragma once
// Time only through an injected Clock (ENGINEERING.md habit 1): every business instant (now,
// expiry, grace, leases, audit and e-mail dates) comes from Now(). std::chrono::steady_clock
// stays where durations are measured (request latency in the access log, the shutdown
// deadline, worker intervals, retry back-off): those follow real seconds and must not jump
// when a test moves the clock.
#include <atomic>

#include "core/time.hpp"

namespace tenure {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::floor<Seconds>(std::chrono::system_clock::now());
  }
};

// The test clock: tests move it, never sleep. SharedFileClock (shared_file_clock.hpp) is the
// one several processes share, for tests that run the real binary.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant start) : now_(ToUnix(start)) {}
  Instant Now() const override { return FromUnix(now_.load()); }
  void Set(Instant t) { now_ = ToUnix(t); }
  void Advance(Seconds d) { now_ += d.count(); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace tenure
