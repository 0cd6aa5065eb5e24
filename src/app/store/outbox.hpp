#pragma once
// The outbox (habit 4): side effects queued by UnitOfWork::Enqueue() in the transaction that
// causes them, sent after commit by jobs/outbox_dispatcher.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace tenure::app {

// A side effect waiting to run after commit (habit 4): an email, or a call to another service.
struct OutboxMessage {
  int64_t id = 0;
  std::string kind;  // "email", ...: which sender runs it
  nlohmann::json payload;
  std::string status;  // pending | sent | dead
  int attempts = 0;
  std::string last_error;
  Instant created_at;
  Instant next_attempt_at;
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  // Leases up to `limit` due pending messages of `kind` until now + lease and counts the
  // attempt: no other worker, in this process or another, gets them until the lease lapses.
  // Messages of kinds no worker sends (e.g. email with no SMTP server) wait, untouched.
  virtual std::vector<OutboxMessage> ClaimDue(Instant now, Seconds lease, int limit,
                                              std::string_view kind) = 0;
  virtual void MarkSent(int64_t id, Instant at) = 0;
  // `retry_at` empty: no more tries (dead letter).
  virtual void MarkFailed(int64_t id, std::string_view error, std::optional<Instant> retry_at) = 0;
  // Newest first; `status` empty for all.
  virtual std::vector<OutboxMessage> List(std::string_view status, int limit) = 0;
  virtual std::optional<OutboxMessage> Find(int64_t id) = 0;
  // Emails to `address` (one of their payload's "to"), newest first.
  virtual std::vector<OutboxMessage> ForRecipient(std::string_view address, int limit) = 0;
  // A dead letter back in the queue, due now with its attempts from zero (staff's Retry);
  // false when it is not dead.
  virtual bool Retry(int64_t id, Instant now) = 0;
};

}  // namespace tenure::app
