#pragma once
// Machines in storage (domain/machine.hpp): the instance slots programs hold (issue 9).
#include <optional>
#include <string_view>
#include <vector>

#include "app/store/sessions.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "domain/account.hpp"
#include "domain/license.hpp"
#include "domain/machine.hpp"

namespace tenure::app {

// A machine with all an API call checks about it, read by one query: the license check is
// the program's hottest path (issue 9's benchmark). Session and account are gone or absent
// for a machine that ended; the license is absent for an account that never had one.
struct MachineSession {
  domain::Machine machine;
  std::optional<Session> session;
  std::optional<domain::User> user;
  std::optional<domain::License> license;
  int machines_in_use = 0;  // the account's live machines seen after `seen_after`
};

class MachineRepository {
 public:
  virtual ~MachineRepository() = default;
  virtual domain::MachineId Insert(const domain::Machine& machine) = 0;
  virtual std::optional<domain::Machine> Find(domain::MachineId id) = 0;
  // The machine of a program session's token hash, ended or not, with its session, account
  // and license, and how many of the account's live machines were seen after `seen_after`
  // (those holding a slot; HoldsSlot), in one query.
  virtual std::optional<MachineSession> FindSession(std::string_view session_hash,
                                                    Instant seen_after) = 0;
  // Machines not ended (whether their heartbeat lapsed or not), most recently seen first.
  virtual std::vector<domain::Machine> Live(UserId user) = 0;
  // Ended machines, most recently ended first (the history).
  virtual std::vector<domain::Machine> Ended(UserId user, int limit) = 0;
  // Ends a live machine; false when it had ended already.
  virtual bool End(domain::MachineId id, Instant at, domain::MachineEnd end) = 0;
  // Live machines last seen before `cutoff` (their slot lapsed), oldest first.
  virtual std::vector<domain::Machine> LapsedBefore(Instant cutoff, int limit) = 0;
  // A heartbeat: liveness, not a change of state, so it needs no audit row (habit 3 is about
  // state; the slot gained or lost is audited). Writes only when last_seen_at < `stale`.
  virtual void Touch(domain::MachineId id, Instant now, Instant stale) = 0;
};

}  // namespace tenure::app
