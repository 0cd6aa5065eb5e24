#include "storage/repos/stripe_events.hpp"

#include <algorithm>
#include <tuple>

namespace tenure::storage {

bool SqlStripeEvents::InsertIfNew(const app::StripeEvent& e) {
  static constexpr Query q{"stripe_events.insert",
                           "INSERT INTO stripe_events (id, type, payload, received_at) VALUES "
                           "($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"};
  return Run(writer(), q, {e.id, e.type, e.payload, ToUnix(e.received_at)}).affected == 1;
}

namespace {

app::StripeEvent ToEvent(const Row& r) {
  return app::StripeEvent{.id = r.Text(0),
                          .type = r.Text(1),
                          .payload = r.Text(2),
                          .received_at = FromUnix(r.Int(3)),
                          .attempts = static_cast<int>(r.Int(4))};
}

}  // namespace

std::vector<app::StripeEvent> SqlStripeEvents::Unprocessed(int limit) {
  static constexpr Query q{"stripe_events.unprocessed",
                           "SELECT id, type, payload, received_at, attempts FROM stripe_events "
                           "WHERE processed_at IS NULL AND attempts < 20 ORDER BY received_at, "
                           "id LIMIT $1"};
  return ReadAll(Run(conn(), q, {int64_t{limit}}), ToEvent);
}

std::vector<app::StripeEvent> SqlStripeEvents::ClaimDue(Instant now, Instant lease_until,
                                                        int limit) {
  // The outer WHERE repeats the lease test for PostgreSQL's re-check after a row lock (as in
  // outbox.claim); SKIP LOCKED lets two servers take different events at once.
  static constexpr Query sqlite{
      "stripe_events.claim",
      "UPDATE stripe_events SET locked_until = $2 WHERE id IN (SELECT id FROM stripe_events "
      "WHERE processed_at IS NULL AND attempts < 20 AND next_attempt_at <= $1 AND "
      "(locked_until IS NULL OR locked_until <= $1) ORDER BY received_at, id LIMIT $3) "
      "AND processed_at IS NULL AND (locked_until IS NULL OR locked_until <= $1) "
      "RETURNING id, type, payload, received_at, attempts"};
  // A materialized CTE: with the LIMIT inside `id IN (...)` PostgreSQL handed one claim
  // more rows than its limit (the billing contract test caught it).
  static constexpr Query postgres{
      "stripe_events.claim_pg",
      "WITH due AS MATERIALIZED (SELECT id FROM stripe_events WHERE processed_at IS NULL AND "
      "attempts < 20 AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) "
      "ORDER BY received_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) "
      "UPDATE stripe_events SET locked_until = $2 FROM due WHERE stripe_events.id = due.id "
      "RETURNING stripe_events.id, type, payload, received_at, attempts"};
  const Query& q = conn().dialect() == Dialect::kPostgres ? postgres : sqlite;
  auto events =
      ReadAll(Run(writer(), q, {ToUnix(now), ToUnix(lease_until), int64_t{limit}}), ToEvent);
  std::ranges::sort(events, [](const auto& a, const auto& b) {
    return std::tie(a.received_at, a.id) < std::tie(b.received_at, b.id);
  });
  return events;
}

void SqlStripeEvents::MarkProcessed(std::string_view id, Instant at) {
  static constexpr Query q{"stripe_events.processed",
                           "UPDATE stripe_events SET processed_at = $2, last_error = '', "
                           "locked_until = NULL WHERE id = $1"};
  Run(writer(), q, {std::string(id), ToUnix(at)});
}

void SqlStripeEvents::MarkFailed(std::string_view id, std::string_view error, Instant retry_at) {
  static constexpr Query q{"stripe_events.failed",
                           "UPDATE stripe_events SET attempts = attempts + 1, last_error = $2, "
                           "next_attempt_at = $3, locked_until = NULL WHERE id = $1"};
  Run(writer(), q, {std::string(id), std::string(error), ToUnix(retry_at)});
}

}  // namespace tenure::storage
