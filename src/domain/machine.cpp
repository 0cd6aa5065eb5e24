#include "domain/machine.hpp"

#include <algorithm>
#include <array>

#include "domain/text.hpp"

namespace tenure::domain {
namespace {

constexpr std::array kEnds{MachineEnd::kSignedOut,        MachineEnd::kSignedOutFromDashboard,
                           MachineEnd::kDeactivated,      MachineEnd::kReplaced,
                           MachineEnd::kHeartbeatTimeout, MachineEnd::kInstancesRemoved};

// Printable ASCII without the space: a fingerprint is an identifier, compared byte for byte.
bool IsFingerprint(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

Result<void> CheckText(std::string_view value, size_t max, std::string_view field) {
  const std::string name = "machine." + std::string(field);
  if (value.empty())
    return Fail(ErrorCode::kInvalidInput, "Send the machine's " + std::string(field) + ".", name);
  if (Utf8Length(value) > max)
    return Fail(ErrorCode::kInvalidInput,
                "The machine's " + std::string(field) + " is longer than " + std::to_string(max) +
                    " characters.",
                name);
  if (!IsValidUtf8(value) || HasControlCharacters(value))
    return Fail(ErrorCode::kInvalidInput,
                "The machine's " + std::string(field) + " is not plain text.", name);
  return {};
}

}  // namespace

std::string_view MachineEndName(MachineEnd end) {
  switch (end) {
    case MachineEnd::kSignedOut: return "signed_out";
    case MachineEnd::kSignedOutFromDashboard: return "signed_out_from_dashboard";
    case MachineEnd::kDeactivated: return "deactivated";
    case MachineEnd::kReplaced: return "replaced";
    case MachineEnd::kHeartbeatTimeout: return "heartbeat_timeout";
    case MachineEnd::kInstancesRemoved: return "instances_removed";
  }
  return "";
}

std::optional<MachineEnd> ParseMachineEnd(std::string_view name) {
  for (MachineEnd end : kEnds)
    if (MachineEndName(end) == name) return end;
  return std::nullopt;
}

Result<MachineInfo> ValidateMachine(MachineInfo info) {
  if (info.fingerprint.empty())
    return Fail(ErrorCode::kInvalidInput, "Send the machine's fingerprint.", "machine.fingerprint");
  if (info.fingerprint.size() > 128 || !IsFingerprint(info.fingerprint))
    return Fail(ErrorCode::kInvalidInput,
                "The machine's fingerprint must be 1 to 128 printable ASCII characters without "
                "spaces.",
                "machine.fingerprint");
  if (auto ok = CheckText(info.name, 100, "name"); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckText(info.os, 50, "os"); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckText(info.app_version, 50, "app_version"); !ok)
    return std::unexpected(ok.error());
  return info;
}

bool HoldsSlot(const Machine& machine, Instant now, const ProgramPolicy& policy) {
  return !machine.ended_at && now < SlotLapsesAt(machine, policy);
}

Instant SlotLapsesAt(const Machine& machine, const ProgramPolicy& policy) {
  return machine.last_seen_at + policy.heartbeat_timeout;
}

SlotDecision DecideSlot(std::span<const Machine> holding, std::string_view fingerprint,
                        int instances) {
  for (const Machine& m : holding)
    if (m.info.fingerprint == fingerprint) return {SlotChoice::kReuse, m.id};
  if (static_cast<int>(holding.size()) < instances) return {SlotChoice::kTake, std::nullopt};
  return {SlotChoice::kFull, std::nullopt};
}

std::vector<MachineId> MachinesOverLimit(std::vector<Machine> holding, int instances) {
  std::sort(holding.begin(), holding.end(), [](const Machine& a, const Machine& b) {
    if (a.last_seen_at != b.last_seen_at) return a.last_seen_at > b.last_seen_at;
    return a.id.value > b.id.value;  // of two seen at once, the newer sign-in stays
  });
  std::vector<MachineId> out;
  for (size_t i = static_cast<size_t>(std::max(instances, 0)); i < holding.size(); ++i)
    out.push_back(holding[i].id);
  return out;
}

Instant LeaseEnd(Instant now, Instant grace_ends_at, const ProgramPolicy& policy) {
  return std::min(now + policy.lease_duration, grace_ends_at);
}

std::optional<Instant> DeactivateAvailableAt(std::optional<Instant> last_used, Instant now,
                                             const ProgramPolicy& policy) {
  if (!last_used || *last_used + policy.deactivate_cooldown <= now) return std::nullopt;
  return *last_used + policy.deactivate_cooldown;
}

}  // namespace tenure::domain
