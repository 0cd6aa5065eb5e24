#pragma once
// Instances as machine slots (PRODUCT.md: "The program's API"; issue 9). A machine holds one
// of the license's `instances` slots while its program session is live, that is while it
// sends heartbeats; the rules for taking, keeping and losing a slot are here. Pure.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/program_policy.hpp"

namespace tenure::domain {

using MachineId = Id<struct MachineTag>;

// Why a machine's session ended; the program is told (401 session_revoked, `reason`).
enum class MachineEnd {
  kSignedOut,               // the program signed out (DELETE /api/v1/sessions/current)
  kSignedOutFromDashboard,  // Settings -> Machines or Sessions -> Sign out (or everywhere else)
  kDeactivated,             // Deactivate license: every machine
  kReplaced,                // the same machine signed in again
  kHeartbeatTimeout,        // no heartbeat for ProgramPolicy::heartbeat_timeout
  kInstancesRemoved,        // fewer instances from a renewal; the least recently seen go
};

std::string_view MachineEndName(MachineEnd end);  // "heartbeat_timeout"
std::optional<MachineEnd> ParseMachineEnd(std::string_view name);

// What the program says about the machine it runs on.
struct MachineInfo {
  std::string fingerprint;  // the program's stable id of the machine, 1..128 printable ASCII
  std::string name;         // for people: "Alice's laptop"
  std::string os;
  std::string app_version;
};

// Checks the program's fields; the error's field names the bad one ("machine.name").
Result<MachineInfo> ValidateMachine(MachineInfo info);

struct Machine {
  MachineId id;
  UserId user_id;
  std::string session_hash;  // the program session's token hash (app/store/sessions.hpp)
  MachineInfo info;
  std::string address;
  Instant signed_in_at;
  Instant last_seen_at;
  std::optional<Instant> ended_at;
  std::optional<MachineEnd> end;
};

// Whether a machine not yet ended still holds its slot at `now`.
bool HoldsSlot(const Machine& machine, Instant now, const ProgramPolicy& policy);
// The moment a live machine's slot lapses without another heartbeat.
Instant SlotLapsesAt(const Machine& machine, const ProgramPolicy& policy);

// Signing in from a machine: its own slot again, a free one, or none.
enum class SlotChoice { kReuse, kTake, kFull };
struct SlotDecision {
  SlotChoice choice;
  std::optional<MachineId> reused;  // kReuse: the machine whose session is replaced
};
// `holding` are the machines that hold a slot now (HoldsSlot).
SlotDecision DecideSlot(std::span<const Machine> holding, std::string_view fingerprint,
                        int instances);

// When instances drop to `instances` at a renewal: the machines that lose their slot, the
// least recently seen first kept out (the most recently seen keep theirs).
std::vector<MachineId> MachinesOverLimit(std::vector<Machine> holding, int instances);

// A lease's end: `lease_duration` after `now`, never past the end of the grace period (the
// program must not run offline on a license that has lapsed).
Instant LeaseEnd(Instant now, Instant grace_ends_at, const ProgramPolicy& policy);

// Deactivate license: when it may be used again after its last use (nullopt: now).
std::optional<Instant> DeactivateAvailableAt(std::optional<Instant> last_used, Instant now,
                                             const ProgramPolicy& policy);

}  // namespace tenure::domain
