#pragma once
// Stripe's webhook events (habit 12): stored raw, deduplicated by event id, then applied.
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace tenure::app {

struct StripeEvent {
  std::string id;
  std::string type;
  std::string payload;  // the raw body as received
  Instant received_at;
  int attempts = 0;
};

class StripeEventRepository {
 public:
  virtual ~StripeEventRepository() = default;
  // False when the event id was already stored (a replay).
  virtual bool InsertIfNew(const StripeEvent& event) = 0;
  virtual std::vector<StripeEvent> Unprocessed(int limit) = 0;
  // Leases up to `limit` unprocessed events due for an attempt, oldest first, until
  // `lease_until`: no other worker, in this process or another server, gets them until they
  // are marked or the lease lapses (PostgreSQL: FOR UPDATE SKIP LOCKED as well).
  virtual std::vector<StripeEvent> ClaimDue(Instant now, Instant lease_until, int limit) = 0;
  // Both end the lease.
  virtual void MarkProcessed(std::string_view id, Instant at) = 0;
  // Counts the attempt; the event is tried again from `retry_at`.
  virtual void MarkFailed(std::string_view id, std::string_view error, Instant retry_at) = 0;
};

}  // namespace tenure::app
