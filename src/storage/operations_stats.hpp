#pragma once
// What operators watch in the database itself (issue 13's /metrics): the outbox's backlog and
// dead letters, Stripe events not yet processed, program sessions, renewals due. Read straight
// from the tables, not through a unit of work: a scrape changes nothing and audits nothing.
#include <cstdint>
#include <optional>

#include "core/time.hpp"
#include "storage/connection.hpp"

namespace tenure::storage {

struct OperationsStats {
  int64_t outbox_pending = 0;
  int64_t outbox_dead = 0;
  std::optional<Seconds> outbox_oldest_pending_age;  // none when nothing is pending
  int64_t stripe_events_pending = 0;
  std::optional<Seconds> stripe_oldest_pending_age;  // the Stripe event lag
  int64_t program_sessions = 0;                      // unexpired sessions of the program
  int64_t renewals_due = 0;  // auto-renewing licenses whose end is before `due_before`
};

OperationsStats ReadOperationsStats(Connection& conn, Instant now, Instant due_before);

}  // namespace tenure::storage
