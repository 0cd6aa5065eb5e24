#include "storage/repos/outbox.hpp"

#include <algorithm>
#include <string>

namespace tenure::storage {
namespace {

app::OutboxMessage ToOutbox(const Row& r) {
  return app::OutboxMessage{.id = r.Int(0),
                            .kind = r.Text(1),
                            .payload = nlohmann::json::parse(r.Text(2)),
                            .status = r.Text(3),
                            .attempts = static_cast<int>(r.Int(4)),
                            .last_error = r.Text(5),
                            .created_at = FromUnix(r.Int(6)),
                            .next_attempt_at = FromUnix(r.Int(7))};
}

}  // namespace

std::vector<app::OutboxMessage> SqlOutbox::ClaimDue(Instant now, Seconds lease, int limit,
                                                    std::string_view kind) {
  // The outer WHERE repeats the lease test: on PostgreSQL a competing claim blocked on the
  // same row re-checks it against the row it finally sees, and skips it.
  static constexpr Query sqlite{
      "outbox.claim",
      "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 "
      "WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 "
      "AND (locked_until IS NULL OR locked_until <= $1) AND kind = $4 ORDER BY id LIMIT $3) "
      "AND status = 'pending' AND (locked_until IS NULL OR locked_until <= $1) "
      "RETURNING id, kind, payload, status, attempts, last_error, created_at, next_attempt_at"};
  // As stripe_events.claim_pg: a materialized CTE keeps the LIMIT a limit, and SKIP LOCKED
  // lets two dispatchers take different rows instead of waiting on each other.
  static constexpr Query postgres{
      "outbox.claim_pg",
      "WITH due AS MATERIALIZED (SELECT id FROM outbox WHERE status = 'pending' AND "
      "next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) AND kind = $4 "
      "ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) "
      "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 FROM due "
      "WHERE outbox.id = due.id RETURNING outbox.id, kind, payload, status, attempts, "
      "last_error, created_at, next_attempt_at"};
  const Query& q = conn().dialect() == Dialect::kPostgres ? postgres : sqlite;
  auto out = ReadAll(
      Run(writer(), q, {ToUnix(now), ToUnix(now + lease), int64_t{limit}, std::string(kind)}),
      ToOutbox);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return out;
}

void SqlOutbox::MarkSent(int64_t id, Instant at) {
  static constexpr Query q{"outbox.sent",
                           "UPDATE outbox SET status = 'sent', sent_at = $2, locked_until = NULL, "
                           "last_error = '' WHERE id = $1"};
  Run(writer(), q, {id, ToUnix(at)});
}

void SqlOutbox::MarkFailed(int64_t id, std::string_view error, std::optional<Instant> retry_at) {
  static constexpr Query retry{"outbox.retry",
                               "UPDATE outbox SET last_error = $2, next_attempt_at = $3, "
                               "locked_until = NULL WHERE id = $1"};
  static constexpr Query dead{"outbox.dead",
                              "UPDATE outbox SET status = 'dead', last_error = $2, "
                              "locked_until = NULL WHERE id = $1"};
  if (retry_at)
    Run(writer(), retry, {id, std::string(error), ToUnix(*retry_at)});
  else
    Run(writer(), dead, {id, std::string(error)});
}

std::vector<app::OutboxMessage> SqlOutbox::List(std::string_view status, int limit) {
  static constexpr Query q{
      "outbox.list",
      "SELECT id, kind, payload, status, attempts, last_error, created_at, next_attempt_at "
      "FROM outbox WHERE ($1 = '' OR status = $1) ORDER BY id DESC LIMIT $2"};
  return ReadAll(Run(conn(), q, {std::string(status), int64_t{limit}}), ToOutbox);
}

std::optional<app::OutboxMessage> SqlOutbox::Find(int64_t id) {
  static constexpr Query q{
      "outbox.find",
      "SELECT id, kind, payload, status, attempts, last_error, created_at, next_attempt_at "
      "FROM outbox WHERE id = $1"};
  return ReadFirst(Run(conn(), q, {id}), ToOutbox);
}

std::vector<app::OutboxMessage> SqlOutbox::ForRecipient(std::string_view address, int limit) {
  // An index's walk (migration 0013's outbox_recipients), not a read of every payload.
  static constexpr Query q{
      "outbox.for_recipient",
      "SELECT o.id, o.kind, o.payload, o.status, o.attempts, o.last_error, o.created_at, "
      "o.next_attempt_at FROM outbox_recipients r JOIN outbox o ON o.id = r.outbox_id "
      "WHERE r.address = $1 ORDER BY r.outbox_id DESC LIMIT $2"};
  return ReadAll(Run(conn(), q, {std::string(address), int64_t{limit}}), ToOutbox);
}

bool SqlOutbox::Retry(int64_t id, Instant now) {
  static constexpr Query q{
      "outbox.retry",
      "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, "
      "locked_until = NULL WHERE id = $1 AND status = 'dead'"};
  return Run(writer(), q, {id, ToUnix(now)}).affected == 1;
}

void SqlOutbox::Add(std::string_view kind, const nlohmann::json& payload, Instant now) {
  static constexpr Query insert{
      "outbox.insert",
      "INSERT INTO outbox (kind, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $3) "
      "RETURNING id"};
  const int64_t id =
      Run(writer(), insert, {std::string(kind), payload.dump(), ToUnix(now)}).rows.at(0).Int(0);
  if (kind != "email") return;
  // An email's addresses, kept beside its payload so that a customer's emails are found by
  // them (migration 0013).
  static constexpr Query recipient{
      "outbox.recipient",
      "INSERT INTO outbox_recipients (address, outbox_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"};
  const auto to = payload.find("to");
  if (to == payload.end()) return;
  for (const nlohmann::json& address : to->is_array() ? *to : nlohmann::json::array({*to}))
    if (address.is_string()) Run(writer(), recipient, {address.get<std::string>(), id});
}

}  // namespace tenure::storage
