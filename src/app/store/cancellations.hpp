#pragma once
// Cancellations with their reasons, and who of staff has read them: the feedback inbox
// (issue 3).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "domain/cancellation.hpp"

namespace tenure::app {

struct Cancellation {
  CancellationId id;
  UserId user_id;
  LicenseId license_id;
  domain::CancelReason reason = domain::CancelReason::kOther;
  std::string comment;
  std::optional<TicketId> ticket_id;  // a ticket opened in the cancel flow
  Instant license_ends_at;
  Instant created_at;
};

struct FeedbackRow {
  Cancellation cancellation;
  std::string email;
  bool read = false;  // by the staff member asking
};

struct FeedbackFilter {
  std::optional<domain::CancelReason> reason;
  Instant from;  // inclusive
  Instant to;    // exclusive
  int limit = 100;
  int offset = 0;
};

class CancellationRepository {
 public:
  virtual ~CancellationRepository() = default;
  virtual CancellationId Insert(const Cancellation& cancellation) = 0;
  // Newest first, each with whether `reader` has read it.
  virtual std::vector<FeedbackRow> List(const FeedbackFilter& filter, UserId reader) = 0;
  // Every reason with its count in [from, to), zeros included, in AllCancelReasons() order.
  virtual std::vector<std::pair<domain::CancelReason, int64_t>> CountByReason(Instant from,
                                                                              Instant to) = 0;
  virtual int64_t CountUnread(UserId reader) = 0;
  virtual void MarkRead(CancellationId id, UserId reader, Instant at) = 0;  // idempotent
  virtual std::optional<Cancellation> Find(CancellationId id) = 0;
};

}  // namespace tenure::app
