#pragma once
// Reported checkouts over SQL; the queries are in checkouts.cpp.
#include "app/store/checkouts.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlCheckouts final : public app::CheckoutRepository, Repository {
 public:
  using Repository::Repository;
  bool InsertIfNew(UserId user, const domain::Checkout& checkout, Instant received_at,
                   std::optional<domain::MachineId> machine) override;
  std::vector<app::StoreSum> Sums(std::optional<UserId> user, Instant last_30_days,
                                  Instant last_7_days) override;
  std::vector<app::DaySum> PerDay(std::optional<UserId> user, Instant since) override;
  std::vector<app::StoredCheckout> Latest(std::optional<UserId> user, int limit) override;
};

}  // namespace tenure::storage
