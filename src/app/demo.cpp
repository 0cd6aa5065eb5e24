#include "app/demo.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/store/actor.hpp"
#include "app/store/licenses.hpp"
#include "app/store/payments.hpp"
#include "app/store/users.hpp"
#include "domain/terms.hpp"

namespace tenure::app {
namespace {

using domain::Role;

constexpr Seconds kDay{24 * 3600};

// One account with its license; returns false when it already existed.
bool Ensure(UnitOfWork& uow, const std::string& email, Role role, const std::string& hash,
            std::optional<Instant> expires_at, Instant now, bool reset_password,
            DemoReport& report) {
  if (auto existing = uow.users().FindByEmail(email)) {
    if (reset_password) {
      uow.users().UpdatePasswordHash(existing->id, hash);
      uow.Audit("user.password_reset", fmt::format("user:{}", existing->id.value), nullptr,
                {{"by", "tenure demo"}});
      report.updated.push_back(email);
    }
    return false;
  }
  domain::User user{.email = email,
                    .password_hash = hash,
                    .role = role,
                    .terms_version = domain::kTermsVersion,
                    .terms_accepted_at = now,
                    .created_at = now};
  user.id = uow.users().Insert(user).value();
  uow.Audit("user.sign_up", fmt::format("user:{}", user.id.value), nullptr, AuditView(user));
  if (role != Role::kCustomer) return true;

  domain::License license{.user_id = user.id,
                          .expires_at = expires_at,
                          .auto_renew = true,
                          .created_at = now,
                          .updated_at = now};
  license.id = uow.licenses().Insert(license);
  uow.Audit("license.create", fmt::format("license:{}", license.id.value), nullptr,
            AuditView(license));
  // The offline provider's success card (Stripe's 4242 test card).
  const auto year =
      int(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year());
  uow.payment_methods().Insert(PaymentMethod{.user_id = user.id,
                                             .provider = "offline",
                                             .provider_ref = "pm_card_visa",
                                             .brand = "visa",
                                             .last4 = "4242",
                                             .exp_month = 12,
                                             .exp_year = year + 3,
                                             .created_at = now});
  uow.Audit("payment_method.add", fmt::format("user:{}", user.id.value), nullptr,
            {{"provider", "offline"}, {"last4", "4242"}});
  return true;
}

}  // namespace

DemoReport DemoSeeder::Seed(const std::string& password, bool reset_passwords,
                            int extra_customers) {
  // One hash for every demo account: hashing 100,000 customers one by one would take hours.
  const std::string hash = hasher_.Hash(password);
  const Instant now = clock_.Now();
  DemoReport report;
  {
    auto uow = store_.Begin(Actor::Cli());
    struct Seed {
      const char* email;
      Role role;
      std::optional<Instant> expires_at;
    };
    for (const Seed& s : {Seed{"demo@example.com", Role::kCustomer, now + 20 * kDay},
                          Seed{"staff@example.com", Role::kSupport, std::nullopt},
                          Seed{"admin@example.com", Role::kAdmin, std::nullopt}}) {
      if (Ensure(*uow, s.email, s.role, hash, s.expires_at, now, reset_passwords, report))
        report.created.push_back(s.email);
    }
    uow->Commit();
  }
  // Batches keep each transaction short on a large --customers.
  constexpr int kBatch = 2000;
  for (int first = 1; first <= extra_customers; first += kBatch) {
    auto uow = store_.Begin(Actor::Cli());
    for (int k = first; k < first + kBatch && k <= extra_customers; ++k) {
      // Spread evenly over the next 30 days.
      const auto offset = Seconds((30 * kDay).count() * k / (extra_customers + 1));
      if (Ensure(*uow, fmt::format("customer{}@example.com", k), Role::kCustomer, hash,
                 now + offset, now, /*reset_password=*/false, report))
        ++report.customers_created;
    }
    uow->Commit();
  }
  return report;
}

}  // namespace tenure::app
