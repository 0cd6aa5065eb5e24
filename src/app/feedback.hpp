#pragma once
// The feedback inbox: every cancellation with its reason, for staff (issue 3).
#include <optional>
#include <string>
#include <vector>

#include "app/store/actor.hpp"
#include "app/store/cancellations.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "domain/account.hpp"

namespace tenure::app {

struct FeedbackInbox {
  std::vector<FeedbackRow> rows;
  std::vector<std::pair<domain::CancelReason, int64_t>> counts;  // over the same period
  int64_t unread = 0;                                            // for this staff member, all time
};

class FeedbackService {
 public:
  FeedbackService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<FeedbackInbox> Inbox(const domain::User& viewer, const FeedbackFilter& filter);
  int64_t Unread(const domain::User& viewer);
  Result<void> MarkRead(const Actor& actor, const domain::User& viewer, CancellationId id);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace tenure::app
