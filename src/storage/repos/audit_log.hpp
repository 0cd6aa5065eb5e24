#pragma once
// The audit log over SQL; the queries are in audit_log.cpp.
#include <nlohmann/json_fwd.hpp>

#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlAuditLog final : public app::AuditLog, Repository {
 public:
  using Repository::Repository;
  std::vector<app::AuditEntry> ForSubject(std::string_view subject, int limit) override;
  std::vector<app::AuditEntry> Search(const app::AuditFilter& filter, int limit) override;
  std::vector<std::string> Actions() override;

  // The row behind UnitOfWork::Audit() (habit 3).
  void Append(Instant at, const app::Actor& actor, std::string_view action,
              std::string_view subject, const nlohmann::json& before, const nlohmann::json& after);
};

}  // namespace tenure::storage
