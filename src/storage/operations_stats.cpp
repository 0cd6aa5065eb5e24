#include "storage/operations_stats.hpp"

namespace tenure::storage {

OperationsStats ReadOperationsStats(Connection& conn, Instant now, Instant due_before) {
  static constexpr Query outbox{
      "operations.outbox",
      "SELECT status, COUNT(*), MIN(created_at) FROM outbox WHERE status IN ('pending', 'dead') "
      "GROUP BY status"};
  static constexpr Query stripe{
      "operations.stripe_events",
      "SELECT COUNT(*), MIN(received_at) FROM stripe_events WHERE processed_at IS NULL"};
  static constexpr Query program{
      "operations.program_sessions",
      "SELECT COUNT(*) FROM sessions WHERE kind = 'program' AND expires_at > $1"};
  static constexpr Query due{
      "operations.renewals_due",
      "SELECT COUNT(*) FROM licenses WHERE auto_renew = $2 AND suspended_at IS NULL AND "
      "expires_at IS NOT NULL AND expires_at <= $1"};
  const int64_t unix_now = ToUnix(now);
  OperationsStats stats;
  for (const Row& row : Run(conn, outbox).rows) {
    if (row.Text(0) == "dead") {
      stats.outbox_dead = row.Int(1);
    } else {
      stats.outbox_pending = row.Int(1);
      if (auto oldest = row.OptInt(2))
        stats.outbox_oldest_pending_age = Seconds(unix_now - *oldest);
    }
  }
  const QueryResult events = Run(conn, stripe);
  stats.stripe_events_pending = events.rows.at(0).Int(0);
  if (auto oldest = events.rows.at(0).OptInt(1))
    stats.stripe_oldest_pending_age = Seconds(unix_now - *oldest);
  stats.program_sessions = Run(conn, program, {unix_now}).rows.at(0).Int(0);
  stats.renewals_due = Run(conn, due, {ToUnix(due_before), int64_t{1}}).rows.at(0).Int(0);
  return stats;
}

}  // namespace tenure::storage
