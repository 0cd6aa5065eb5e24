#pragma once
// One customer's history for staff (issue 14 item 1): every charge, change to the license
// (renewals, cancellations with their reason and comment, grants, suspensions), ticket,
// machine, session and email, newest first, each as one sentence people read.
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

class UnitOfWork;

struct TimelineEvent {
  Instant at;
  std::string kind;    // payment | license | ticket | machine | account | email
  std::string what;    // "Paid 50.00 USD for a month (automatic renewal)"
  std::string detail;  // a reason, a comment, a decline's message; may be empty
  std::string link;    // a staff page about it ("/staff/tickets/9"); may be empty
};

// The customer's events, newest first, at most `limit`.
std::vector<TimelineEvent> CustomerTimeline(UnitOfWork& read, UserId customer, size_t limit);

}  // namespace tenure::app
