#pragma once
// A customer at the payment provider: their saved cards (references only; Tenure stores no
// card data) and their customer id there.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

struct PaymentMethod {
  int64_t id = 0;
  UserId user_id;
  std::string provider;      // "offline" or "stripe"
  std::string provider_ref;  // the provider's id (pm_...); Tenure stores no card data
  std::string brand;
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
  Instant created_at;
};

class PaymentMethodRepository {
 public:
  virtual ~PaymentMethodRepository() = default;
  virtual int64_t Insert(const PaymentMethod& method) = 0;
  virtual std::optional<PaymentMethod> FindDefault(UserId user) = 0;
  // The card a provider can charge: a card saved with another provider is not its to use.
  virtual std::optional<PaymentMethod> FindDefaultFor(UserId user, std::string_view provider) = 0;
  // The card a charge was made with (Charge::payment_method_ref), for its receipt.
  virtual std::optional<PaymentMethod> FindByRef(UserId user, std::string_view provider,
                                                 std::string_view provider_ref) = 0;
};

class PaymentCustomerRepository {
 public:
  virtual ~PaymentCustomerRepository() = default;
  virtual std::optional<std::string> Find(UserId user, std::string_view provider) = 0;
  virtual std::optional<UserId> FindUser(std::string_view provider, std::string_view ref) = 0;
  virtual void Insert(UserId user, std::string_view provider, std::string_view ref, Instant at) = 0;
};

}  // namespace tenure::app
