#pragma once
// The program policy on its own, for config.hpp (as domain/license_policy.hpp): the seller's
// terms for machines and leases (issue 9).
#include "core/time.hpp"

namespace tenure::domain {

// The seller's terms for programs (configurable; `program.*` in the configuration).
struct ProgramPolicy {
  Seconds heartbeat_timeout{10 * 60};         // no heartbeat this long: slot and session lost
  Seconds lease_duration{24 * 60 * 60};       // a lease lets the program run offline this long
  Seconds deactivate_cooldown{24 * 60 * 60};  // between two uses of Deactivate license
  // A heartbeat newer than this does not write last_seen_at again (heartbeats stay cheap).
  Seconds heartbeat_coalesce{30};

  // What the program is told to keep: four beats per timeout, so a late one or two never
  // cost the slot.
  Seconds heartbeat_interval() const { return heartbeat_timeout / 4; }
};

}  // namespace tenure::domain
