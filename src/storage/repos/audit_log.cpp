#include "storage/repos/audit_log.hpp"

#include <cstdint>
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

std::vector<app::AuditEntry> SqlAuditLog::Search(const app::AuditFilter& f, int limit) {
  // One query for every combination of filters: an empty text, or the bounds' extremes,
  // match every row.
  static constexpr Query q{
      "audit.search",
      "SELECT id, at, actor, action, subject, before_json, after_json, request_id "
      "FROM audit_log WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR action = $2) "
      "AND ($3 = '' OR subject = $3) AND at >= $4 AND at < $5 AND id < $6 "
      "ORDER BY id DESC LIMIT $7"};
  return ReadAll(
      Run(conn(), q,
          {f.actor, f.action, f.subject, f.from ? ToUnix(*f.from) : INT64_MIN,
           f.to ? ToUnix(*f.to) : INT64_MAX, f.before_id.value_or(INT64_MAX), int64_t{limit}}),
      ToAudit);
}

std::vector<std::string> SqlAuditLog::Actions() {
  static constexpr Query q{"audit.actions",
                           "SELECT DISTINCT action FROM audit_log ORDER BY action"};
  return ReadAll(Run(conn(), q), [](const Row& r) { return r.Text(0); });
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
