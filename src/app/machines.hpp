#pragma once
// The machines of an account as the dashboard sees them (Settings -> Machines, Deactivate
// license; issue 9), and the sweep that frees the slots of machines that stopped sending
// heartbeats. The program's own side is app/program.hpp.
#include <optional>
#include <vector>

#include "app/emails.hpp"
#include "app/store/actor.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/account.hpp"
#include "domain/machine.hpp"

namespace tenure::app {

// Ends a live machine: its slot is free and its session gone, audited (machine.end). False
// when it had ended already. Every way a machine ends goes through here.
bool EndMachine(UnitOfWork& uow, const domain::Machine& machine, domain::MachineEnd end,
                Instant now);

struct DeactivateStatus {
  int machines = 0;                     // holding a slot now
  std::optional<Instant> available_at;  // set while the cooldown runs
  bool has_license = false;
};

class MachineService {
 public:
  MachineService(Store& store, const Clock& clock, const domain::ProgramPolicy& policy,
                 EmailContext email);

  // Machines holding a slot now, most recently seen first.
  std::vector<domain::Machine> Holding(UserId user);
  // Settings -> Machines -> Sign out.
  Result<void> SignOut(const Actor& actor, UserId user, domain::MachineId machine_id);
  DeactivateStatus Deactivation(UserId user);
  // Deactivate license: every machine signed out, every slot free; the license keeps its
  // dates. Refused during the cooldown. Returns how many machines were signed out.
  Result<int> Deactivate(const Actor& actor, const domain::User& user);
  // The job: machines whose heartbeat lapsed lose their slot and session.
  int EndLapsed(int limit = 500);
  // The seller's terms, for the pages that state them (the cooldown of Deactivate license).
  const domain::ProgramPolicy& policy() const { return policy_; }

 private:
  Store& store_;
  const Clock& clock_;
  const domain::ProgramPolicy& policy_;
  EmailContext email_;
};

}  // namespace tenure::app
