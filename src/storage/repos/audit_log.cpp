#include "storage/repos/audit_log.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace tenure::storage {
namespace {

app::AuditEntry ToAudit(const Row& r) {
  return app::AuditEntry{.id = r.Int(0),
                         .at = FromUnix(r.Int(1)),
                         .actor = r.Text(2),
                         .action = r.Text(3),
                         .subject = r.Text(4),
                         .before = r.Text(5),
                         .after = r.Text(6),
                         .request_id = r.Text(7)};
}

}  // namespace

std::vector<app::AuditEntry> SqlAuditLog::ForSubject(std::string_view subject, int limit) {
  static constexpr Query q{"audit.for_subject",
                           "SELECT id, at, actor, action, subject, before_json, after_json, "
                           "request_id FROM audit_log WHERE subject = $1 "
                           "ORDER BY id DESC LIMIT $2"};
  return ReadAll(Run(conn(), q, {std::string(subject), int64_t{limit}}), ToAudit);
}

std::vector<app::AuditEntry> SqlAuditLog::Recent(int limit) {
  static constexpr Query q{"audit.recent",
                           "SELECT id, at, actor, action, subject, before_json, after_json, "
                           "request_id FROM audit_log ORDER BY id DESC LIMIT $1"};
  return ReadAll(Run(conn(), q, {int64_t{limit}}), ToAudit);
}

void SqlAuditLog::Append(Instant at, const app::Actor& actor, std::string_view action,
                         std::string_view subject, const nlohmann::json& before,
                         const nlohmann::json& after) {
  static constexpr Query q{
      "audit.insert",
      "INSERT INTO audit_log (at, actor, action, subject, before_json, after_json, "
      "request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)"};
  Run(writer(), q,
      {ToUnix(at), actor.label, std::string(action), std::string(subject), before.dump(),
       after.dump(), actor.request_id});
}

}  // namespace tenure::storage
