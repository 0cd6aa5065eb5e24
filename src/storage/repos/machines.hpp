#pragma once
// Machines over SQL; the queries are in machines.cpp.
#include "app/store/machines.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

// A machine from a row of TENURE_MACHINE_COLUMNS.
#define TENURE_MACHINE_COLUMNS                                                             \
  "id, user_id, session_hash, fingerprint, name, os, app_version, address, signed_in_at, " \
  "last_seen_at, ended_at, end_reason"
inline constexpr size_t kMachineColumns = 12;
domain::Machine ToMachine(const Row& r);

class SqlMachines final : public app::MachineRepository, Repository {
 public:
  using Repository::Repository;
  domain::MachineId Insert(const domain::Machine& machine) override;
  std::optional<domain::Machine> Find(domain::MachineId id) override;
  std::optional<app::MachineSession> FindSession(std::string_view session_hash,
                                                 Instant seen_after) override;
  std::vector<domain::Machine> Live(UserId user) override;
  std::vector<domain::Machine> Ended(UserId user, int limit) override;
  bool End(domain::MachineId id, Instant at, domain::MachineEnd end) override;
  std::vector<domain::Machine> LapsedBefore(Instant cutoff, int limit) override;
  void Touch(domain::MachineId id, Instant now, Instant stale) override;
};

}  // namespace tenure::storage
