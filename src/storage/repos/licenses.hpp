#pragma once
// Licenses over SQL, with the renewal job's claim; the queries are in licenses.cpp.
#include "app/store/licenses.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

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
