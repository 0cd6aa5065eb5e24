#pragma once
// Licenses over SQL, with the renewal job's claim; the queries are in licenses.cpp.
#include "app/store/licenses.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

// A license from a row of TENURE_LICENSE_COLUMNS (also read in joins: machines.cpp). String
// concatenation keeps each query a constant (habit 5).
#define TENURE_LICENSE_COLUMNS                                                            \
  "id, user_id, expires_at, auto_renew, auto_renew_off_reason, instances, suspended_at, " \
  "created_at, updated_at, dunning_failures, dunning_first_failed_at, next_attempt_at, "  \
  "reminded_period, expired_notice_period, instances_at_renewal, deactivated_at"
inline constexpr size_t kLicenseColumns = 16;
domain::License ToLicense(const Row& r);

class SqlLicenses final : public app::LicenseRepository, Repository {
 public:
  using Repository::Repository;
  std::optional<domain::License> FindByUser(UserId user) override;
  LicenseId Insert(const domain::License& l) override;
  void Update(const domain::License& l) override;
  std::optional<domain::License> Find(LicenseId id) override;
  std::vector<UserId> ClaimDueRenewals(Instant now, Instant due_before, Instant lease_until,
                                       int limit) override;
  void ReleaseLease(LicenseId id) override;
  std::vector<UserId> NeedingReminder(Instant now, Instant remind_before, int limit) override;
  std::vector<UserId> NeedingExpiryNotice(Instant expired_before, int limit) override;
  std::vector<domain::License> All(int limit, int offset) override;
};

}  // namespace tenure::storage
