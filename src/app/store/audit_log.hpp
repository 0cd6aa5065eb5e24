#pragma once
// The audit log as staff read it (habit 3); rows are written by UnitOfWork::Audit().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace tenure::app {

struct AuditEntry {
  int64_t id = 0;
  Instant at;
  std::string actor;
  std::string action;   // "user.sign_up", "license.create", ...
  std::string subject;  // "user:12", "license:3"
  std::string before;   // JSON, "null" when created
  std::string after;    // JSON, "null" when deleted
  std::string request_id;
};

// The audit log page's filters (issue 14 item 2); empty or unset: any.
struct AuditFilter {
  std::string actor;                 // "user:12", "system", "cli", "anonymous"
  std::string action;                // "license.grant_days"
  std::string subject;               // "license:3"
  std::optional<Instant> from;       // at or after
  std::optional<Instant> to;         // before
  std::optional<int64_t> before_id;  // the page after the row with this id
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Newest first.
  virtual std::vector<AuditEntry> Search(const AuditFilter& filter, int limit) = 0;
  // Every action that was ever audited, sorted.
  virtual std::vector<std::string> Actions() = 0;
  virtual std::vector<AuditEntry> ForSubject(std::string_view subject, int limit) = 0;
  // The newest rows, whatever they are about.
  std::vector<AuditEntry> Recent(int limit) { return Search({}, limit); }
};

}  // namespace tenure::app
