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

  // The renewal job's work list: auto-renewing, unsuspended licenses whose charge is due
  // (expires_at <= now + lead, and any dunning retry due), leased until `lease_until` so that
  // no other process takes them (PostgreSQL: FOR UPDATE SKIP LOCKED as well).
  virtual std::vector<UserId> ClaimDueRenewals(Instant now, Seconds lead, Instant lease_until,
                                               int limit) = 0;
  virtual void ReleaseLease(LicenseId id) = 0;
  // Auto-renewing licenses due within `before` whose reminder for this period is not sent.
  virtual std::vector<UserId> NeedingReminder(Instant now, Seconds before, int limit) = 0;
  // Licenses past expires_at + grace whose expiry notice for this period is not sent.
  virtual std::vector<UserId> NeedingExpiryNotice(Instant now, Seconds grace, int limit) = 0;
  virtual std::vector<domain::License> All(int limit, int offset) = 0;  // by id
};

}  // namespace tenure::app
