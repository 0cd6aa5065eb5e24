#pragma once
// Charges over SQL; the queries are in charges.cpp.
#include "app/store/charges.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlCharges final : public app::ChargeRepository, Repository {
 public:
  using Repository::Repository;
  int64_t Insert(const app::Charge& c) override;
  void Update(const app::Charge& c) override;
  std::optional<app::Charge> Find(int64_t id) override;
  std::optional<app::Charge> LockPending(int64_t id) override;
  std::optional<app::Charge> FindByProviderPayment(std::string_view provider,
                                                   std::string_view payment_id) override;
  std::vector<app::Charge> ForUser(UserId user, int limit) override;
  std::vector<app::Charge> ForPeriod(LicenseId license, int64_t period_key) override;
  std::vector<app::Charge> PendingSince(Instant before, int limit) override;
};

}  // namespace tenure::storage
