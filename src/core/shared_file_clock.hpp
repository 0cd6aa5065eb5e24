#pragma once
// The test clock that processes share (issue 8): HTTP and browser tests run the real
// `tenure serve` and move its time with `tenure clock`, so heartbeats, grace and expiry can
// be tested end to end without sleeping (ENGINEERING.md habit 1). Only the `test_clock_file`
// setting turns it on; production runs on SystemClock.
//
// The file holds a magic number and the test time in Unix seconds. Every process maps it
// MAP_SHARED, so Now() is one atomic load from memory the kernel keeps coherent across
// processes (two `tenure serve` on one PostgreSQL, the CLI and the test see the same time),
// and a move is one atomic store or add. The time stands still between moves.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace tenure {

class SharedFileClock final : public Clock {
 public:
  // Maps the clock file at `path`, first creating it holding `if_absent` when there is none
  // (atomically: a process starting at the same time maps either file, never a half-written
  // one). kInvalidInput when the file cannot be created or opened, or is not a clock file.
  static Result<std::unique_ptr<SharedFileClock>> Open(const std::string& path, Instant if_absent);
  ~SharedFileClock() override;
  SharedFileClock(const SharedFileClock&) = delete;
  SharedFileClock& operator=(const SharedFileClock&) = delete;

  Instant Now() const override;
  void Set(Instant t);
  // Atomic, so two moves at once both count.
  void Advance(Seconds d);
  const std::string& path() const { return path_; }

 private:
  SharedFileClock(std::string path, void* mapping, int64_t* unix_seconds)
      : path_(std::move(path)), mapping_(mapping), unix_seconds_(unix_seconds) {}

  std::string path_;
  void* mapping_;          // the whole file, shared; unmapped by the destructor
  int64_t* unix_seconds_;  // in the mapping; accessed only through std::atomic_ref
};

// A step for the test clock: a whole number and a unit (s, m, h, d), several in a row
// ("25h", "3d", "90m", "1d12h"). nullopt unless it is positive and fits.
std::optional<Seconds> ParseClockStep(std::string_view text);

}  // namespace tenure
