#include "app/machines.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/sessions.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::app {

using domain::Machine;
using domain::MachineEnd;

bool EndMachine(UnitOfWork& uow, const Machine& machine, MachineEnd end, Instant now) {
  if (!uow.machines().End(machine.id, now, end)) return false;
  uow.sessions().Delete(machine.session_hash);
  uow.Audit("machine.end", fmt::format("machine:{}", machine.id.value),
            {{"user_id", machine.user_id.value},
             {"name", machine.info.name},
             {"fingerprint", machine.info.fingerprint},
             {"last_seen_at", FormatRfc3339(machine.last_seen_at)}},
            {{"end", domain::MachineEndName(end)}});
  return true;
}

MachineService::MachineService(Store& store, const Clock& clock,
                               const domain::ProgramPolicy& policy, EmailContext email)
    : store_(store), clock_(clock), policy_(policy), email_(std::move(email)) {}

std::vector<Machine> MachineService::Holding(UserId user) {
  const Instant now = clock_.Now();
  std::vector<Machine> out;
  for (Machine& m : store_.Read()->machines().Live(user))
    if (domain::HoldsSlot(m, now, policy_)) out.push_back(std::move(m));
  return out;
}

Result<void> MachineService::SignOut(const Actor& actor, UserId user,
                                     domain::MachineId machine_id) {
  auto uow = store_.Begin(actor);
  auto machine = uow->machines().Find(machine_id);
  // Another account's machine is as absent as a missing one.
  if (!machine || machine->user_id != user || machine->ended_at)
    return Fail(ErrorCode::kNotFound, "This machine is not signed in any more.");
  EndMachine(*uow, *machine, MachineEnd::kSignedOutFromDashboard, clock_.Now());
  uow->Commit();
  return {};
}

DeactivateStatus MachineService::Deactivation(UserId user) {
  auto license = store_.Read()->licenses().FindByUser(user);
  const Instant now = clock_.Now();
  return DeactivateStatus{
      .machines = static_cast<int>(Holding(user).size()),
      .available_at = license ? domain::DeactivateAvailableAt(license->deactivated_at, now, policy_)
                              : std::nullopt,
      .has_license = license && license->expires_at.has_value()};
}

Result<int> MachineService::Deactivate(const Actor& actor, const domain::User& user) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto license = uow->licenses().FindByUser(user.id);  // locked: one deactivation at a time
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const auto decision = domain::Decide(domain::StateOf(*license, now, domain::kDefaultGrace),
                                       domain::LicenseEvent::kDeactivated);
  if (decision.refused())
    return Fail(ErrorCode::kConflict, std::string(domain::RefusalMessage(decision.refusal)));
  if (auto available = domain::DeactivateAvailableAt(license->deactivated_at, now, policy_))
    return Fail(ErrorCode::kConflict,
                fmt::format("Deactivate license was used recently. It is available again on {} "
                            "at {}.",
                            FormatLongDate(*available, TimeZone::OrUtc(user.time_zone)),
                            FormatTimeOfDay(*available, TimeZone::OrUtc(user.time_zone))));
  const nlohmann::json before = {
      {"deactivated_at", license->deactivated_at
                             ? nlohmann::json(FormatRfc3339(*license->deactivated_at))
                             : nlohmann::json(nullptr)}};
  int ended = 0;
  for (const Machine& m : uow->machines().Live(user.id))
    ended += EndMachine(*uow, m, MachineEnd::kDeactivated, now) ? 1 : 0;
  license->deactivated_at = now;
  license->updated_at = now;
  uow->licenses().Update(*license);
  uow->Audit("license.deactivate", fmt::format("license:{}", license->id.value), before,
             {{"deactivated_at", FormatRfc3339(now)}, {"machines_signed_out", ended}});
  Queue(*uow, email_,
        LicenseDeactivated(email_, Recipient::Of(user), ended, now + policy_.deactivate_cooldown));
  uow->Commit();
  return ended;
}

int MachineService::EndLapsed(int limit) {
  const Instant now = clock_.Now();
  auto uow = store_.Begin(Actor::System());
  int ended = 0;
  for (const Machine& m : uow->machines().LapsedBefore(now - policy_.heartbeat_timeout, limit))
    ended += EndMachine(*uow, m, MachineEnd::kHeartbeatTimeout, now) ? 1 : 0;
  if (ended == 0) return 0;  // rolls back: nothing changed
  uow->Commit();
  return ended;
}

}  // namespace tenure::app
