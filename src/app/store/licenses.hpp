#pragma once
// Licenses in storage (PRODUCT.md: The license), with the renewal job's work lists.
#include <optional>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "domain/license.hpp"

namespace tenure::app {

class LicenseRepository {
 public:
  virtual ~LicenseRepository() = default;
  // In a read-write unit of work the row is locked until commit (PostgreSQL: FOR UPDATE;
  // SQLite's write transaction holds the database), so two tabs cannot both act on it.
  virtual std::optional<domain::License> FindByUser(UserId user) = 0;
  virtual LicenseId Insert(const domain::License& license) = 0;
  virtual void Update(const domain::License& license) = 0;
  virtual std::optional<domain::License> Find(LicenseId id) = 0;

  // The time events are selected by the instants domain/lifecycle.hpp defines (DueBefore,
  // ReminderBefore, ExpiredBefore), so the SQL and the lifecycle table agree.
  // The renewal job's work list: auto-renewing, unsuspended licenses whose charge is due
  // (expires_at <= due_before, and any dunning retry due by `now`), leased until
  // `lease_until` so that no other process takes them (PostgreSQL: SKIP LOCKED as well).
  virtual std::vector<UserId> ClaimDueRenewals(Instant now, Instant due_before, Instant lease_until,
                                               int limit) = 0;
  virtual void ReleaseLease(LicenseId id) = 0;
  // Auto-renewing licenses expiring after `now` and by `remind_before` whose reminder for
  // this period is not sent.
  virtual std::vector<UserId> NeedingReminder(Instant now, Instant remind_before, int limit) = 0;
  // Licenses with expires_at <= expired_before (grace over) whose expiry notice for this
  // period is not sent.
  virtual std::vector<UserId> NeedingExpiryNotice(Instant expired_before, int limit) = 0;
  virtual std::vector<domain::License> All(int limit, int offset) = 0;  // by id
};

}  // namespace tenure::app
