#pragma once
// Saved cards and provider customers over SQL; the queries are in payments.cpp.
#include "app/store/payments.hpp"
#include "storage/repos/repository.hpp"

namespace tenure::storage {

class SqlPaymentMethods final : public app::PaymentMethodRepository, Repository {
 public:
  using Repository::Repository;
  int64_t Insert(const app::PaymentMethod& m) override;
  std::optional<app::PaymentMethod> FindDefault(UserId user) override;
  std::optional<app::PaymentMethod> FindDefaultFor(UserId user, std::string_view provider) override;
  std::optional<app::PaymentMethod> FindByRef(UserId user, std::string_view provider,
                                              std::string_view provider_ref) override;
};

class SqlPaymentCustomers final : public app::PaymentCustomerRepository, Repository {
 public:
  using Repository::Repository;
  std::optional<std::string> Find(UserId user, std::string_view provider) override;
  std::optional<UserId> FindUser(std::string_view provider, std::string_view ref) override;
  void Insert(UserId user, std::string_view provider, std::string_view ref, Instant at) override;
};

}  // namespace tenure::storage
