#pragma once
// The audit log as staff read it (habit 3); rows are written by UnitOfWork::Audit().
#include <cstdint>
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

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual std::vector<AuditEntry> ForSubject(std::string_view subject, int limit) = 0;
  virtual std::vector<AuditEntry> Recent(int limit) = 0;
};

}  // namespace tenure::app
