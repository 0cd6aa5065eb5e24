#pragma once
// How long a dashboard session lives (issue 10 item 5; PRODUCT.md: Accounts, "list and revoke
// signed-in sessions"): an absolute lifetime from sign-in, and an idle timeout since it was
// last used, both configurable (`sessions.*`). Program sessions follow their machine's
// heartbeats instead (domain/program_policy.hpp). On its own for config.hpp, as
// domain/program_policy.hpp.
#include "core/time.hpp"

namespace tenure::domain {

struct SessionPolicy {
  Seconds lifetime{30 * 24 * 60 * 60};      // from sign-in, however busy the session is
  Seconds idle_timeout{14 * 24 * 60 * 60};  // unused this long: ended
  // A session used again within this of its stored last_seen_at is not written again: a
  // page view costs no write, and "Last seen" is this exact (as ProgramPolicy's
  // heartbeat_coalesce).
  Seconds touch_interval{5 * 60};

  // Unused for the idle timeout or longer (the same edge as expires_at <= now).
  bool Idle(Instant last_seen, Instant now) const { return now - last_seen >= idle_timeout; }
  // The stored last_seen_at is old enough to be written again.
  bool Stale(Instant last_seen, Instant now) const { return now - last_seen >= touch_interval; }
};

}  // namespace tenure::domain
