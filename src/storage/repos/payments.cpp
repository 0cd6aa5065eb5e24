#include "storage/repos/payments.hpp"

namespace tenure::storage {
namespace {

app::PaymentMethod ToPaymentMethod(const Row& r) {
  return app::PaymentMethod{.id = r.Int(0),
                            .user_id = UserId{r.Int(1)},
                            .provider = r.Text(2),
                            .provider_ref = r.Text(3),
                            .brand = r.Text(4),
                            .last4 = r.Text(5),
                            .exp_month = static_cast<int>(r.Int(6)),
                            .exp_year = static_cast<int>(r.Int(7)),
                            .created_at = FromUnix(r.Int(8))};
}

}  // namespace

int64_t SqlPaymentMethods::Insert(const app::PaymentMethod& m) {
  static constexpr Query q{
      "payment_methods.insert",
      "INSERT INTO payment_methods (user_id, provider, provider_ref, brand, last4, "
      "exp_month, exp_year, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "RETURNING id"};
  return Run(writer(), q,
             {m.user_id.value, m.provider, m.provider_ref, m.brand, m.last4, int64_t{m.exp_month},
              int64_t{m.exp_year}, ToUnix(m.created_at)})
      .rows.at(0)
      .Int(0);
}

std::optional<app::PaymentMethod> SqlPaymentMethods::FindDefault(UserId user) {
  // The most recently saved method is the one charged.
  static constexpr Query q{"payment_methods.default",
                           "SELECT id, user_id, provider, provider_ref, brand, last4, "
                           "exp_month, exp_year, created_at FROM payment_methods "
                           "WHERE user_id = $1 ORDER BY id DESC LIMIT 1"};
  return ReadFirst(Run(conn(), q, {user.value}), ToPaymentMethod);
}

std::optional<app::PaymentMethod> SqlPaymentMethods::FindDefaultFor(UserId user,
                                                                    std::string_view provider) {
  static constexpr Query q{"payment_methods.default_for",
                           "SELECT id, user_id, provider, provider_ref, brand, last4, "
                           "exp_month, exp_year, created_at FROM payment_methods "
                           "WHERE user_id = $1 AND provider = $2 ORDER BY id DESC LIMIT 1"};
  return ReadFirst(Run(conn(), q, {user.value, std::string(provider)}), ToPaymentMethod);
}

std::optional<app::PaymentMethod> SqlPaymentMethods::FindByRef(UserId user,
                                                               std::string_view provider,
                                                               std::string_view provider_ref) {
  // One row at most: UNIQUE (user_id, provider, provider_ref).
  static constexpr Query q{"payment_methods.by_ref",
                           "SELECT id, user_id, provider, provider_ref, brand, last4, "
                           "exp_month, exp_year, created_at FROM payment_methods "
                           "WHERE user_id = $1 AND provider = $2 AND provider_ref = $3"};
  return ReadFirst(Run(conn(), q, {user.value, std::string(provider), std::string(provider_ref)}),
                   ToPaymentMethod);
}

std::optional<std::string> SqlPaymentCustomers::Find(UserId user, std::string_view provider) {
  static constexpr Query q{"payment_customers.find",
                           "SELECT customer_ref FROM payment_customers WHERE user_id = $1 AND "
                           "provider = $2"};
  return ReadFirst(Run(conn(), q, {user.value, std::string(provider)}),
                   [](const Row& r) { return r.Text(0); });
}

std::optional<UserId> SqlPaymentCustomers::FindUser(std::string_view provider,
                                                    std::string_view ref) {
  static constexpr Query q{"payment_customers.find_user",
                           "SELECT user_id FROM payment_customers WHERE provider = $1 AND "
                           "customer_ref = $2"};
  return ReadFirst(Run(conn(), q, {std::string(provider), std::string(ref)}),
                   [](const Row& r) { return UserId{r.Int(0)}; });
}

void SqlPaymentCustomers::Insert(UserId user, std::string_view provider, std::string_view ref,
                                 Instant at) {
  static constexpr Query q{"payment_customers.insert",
                           "INSERT INTO payment_customers (user_id, provider, customer_ref, "
                           "created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"};
  Run(writer(), q, {user.value, std::string(provider), std::string(ref), ToUnix(at)});
}

}  // namespace tenure::storage
