// The clock every command runs on, and `tenure clock show|set INSTANT|advance DURATION`
// (issue 8), which moves the test clock of every process sharing its file.
#include <iostream>

#include "cli/cli.hpp"
#include "core/shared_file_clock.hpp"

namespace tenure::cli {

Result<std::unique_ptr<Clock>> MakeClock(const Config& config, std::optional<Instant> fixed_now) {
  if (fixed_now) return std::make_unique<FakeClock>(*fixed_now);
  if (config.test_clock_file.empty()) return std::make_unique<SystemClock>();
  // A new test clock starts at the real time, so that seeded data looks as it would today.
  auto shared = SharedFileClock::Open(config.test_clock_file, SystemClock().Now());
  if (!shared) return std::unexpected(shared.error());
  return std::unique_ptr<Clock>(std::move(*shared));
}

int ClockCommand(const Config& config, const std::vector<std::string>& pos) {
  if (config.test_clock_file.empty()) {
    std::cerr << "tenure: the test clock is off: `tenure clock` needs TENURE_TEST_CLOCK_FILE "
                 "(or test_clock_file in the config file), the same one the server runs with; "
                 "it is for tests only\n";
    return 2;
  }
  const std::string verb = pos.size() >= 2 ? pos[1] : "";
  std::optional<Instant> set_to;
  std::optional<Seconds> step;
  if (verb == "set" && pos.size() == 3) {
    set_to = ParseRfc3339(pos[2]);
    if (!set_to) {
      std::cerr << "tenure: clock set takes an RFC 3339 instant, e.g. 2026-12-01T00:00:00Z\n";
      return 2;
    }
  } else if (verb == "advance" && pos.size() == 3) {
    step = ParseClockStep(pos[2]);
    if (!step) {
      std::cerr << "tenure: clock advance takes a positive duration such as 90s, 15m, 25h, 3d "
                   "or 1d12h\n";
      return 2;
    }
  } else if (!(verb == "show" && pos.size() == 2)) {
    std::cerr << "tenure: usage: tenure clock show | tenure clock set INSTANT | "
                 "tenure clock advance DURATION\n";
    return 2;
  }
  auto clock = SharedFileClock::Open(config.test_clock_file, SystemClock().Now());
  if (!clock) {
    std::cerr << "tenure: " << clock.error().message << "\n";
    return 1;
  }
  if (set_to) (*clock)->Set(*set_to);
  if (step) (*clock)->Advance(*step);
  std::cout << FormatRfc3339((*clock)->Now()) << "\n";
  return 0;
}

}  // namespace tenure::cli
