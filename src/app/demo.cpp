#include "app/demo.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/store/actor.hpp"
#include "app/store/checkouts.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/payments.hpp"
#include "app/store/sessions.hpp"
#include "app/store/users.hpp"
#include "core/secure_random.hpp"
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
                    .created_at = now,
                    .email_verified_at = now};  // demo addresses are not real inboxes
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

// The demo customer's program side (issue 9): three instances, two of them held by machines
// seen a minute ago, and a few hundred checkouts over the last 60 days, so that Machines and
// the chart are real on first start and one slot is free. Same numbers on every run (a fixed
// seed); the machines' sessions have tokens nobody knows: they hold their slots until their
// heartbeat lapses, like programs that were closed.
void SeedProgramSide(UnitOfWork& uow, UserId user, Instant now) {
  auto license = uow.licenses().FindByUser(user);
  if (!license) return;
  const nlohmann::json before = AuditView(*license);
  license->instances = 3;
  uow.licenses().Update(*license);
  uow.Audit("license.add_instances", fmt::format("license:{}", license->id.value), before,
            AuditView(*license));
  struct DemoMachine {
    const char* fingerprint;
    const char* name;
    const char* os;
    Seconds seen_ago;
  };
  for (const DemoMachine& m :
       {DemoMachine{"demo-desktop-7f3a", "Office desktop", "Windows 11", Seconds(60)},
        DemoMachine{"demo-laptop-19c2", "MacBook Air", "macOS 15.1", Seconds(90)}}) {
    const std::string hash = Sha256Hex(RandomToken());
    const Instant signed_in = now - 3 * kDay;
    uow.sessions().Insert(Session{.token_hash = hash,
                                  .user_id = user,
                                  .kind = SessionKind::kProgram,
                                  .created_at = signed_in,
                                  .last_seen_at = now - m.seen_ago,
                                  .expires_at = signed_in + 365 * kDay});
    const auto id = uow.machines().Insert(domain::Machine{
        .user_id = user,
        .session_hash = hash,
        .info = {.fingerprint = m.fingerprint, .name = m.name, .os = m.os, .app_version = "2.4.1"},
        .address = "192.0.2.44",
        .signed_in_at = signed_in,
        .last_seen_at = now - m.seen_ago});
    uow.Audit("machine.sign_in", fmt::format("machine:{}", id.value), nullptr,
              {{"fingerprint", m.fingerprint}, {"name", m.name}, {"by", "tenure demo"}});
  }
  struct Product {
    const char* store;
    const char* name;
    int64_t price_cents;
    const char* currency;
  };
  constexpr Product kProducts[] = {
      {"Nike", "Air Max 1 '86", 15000, "USD"},
      {"Nike", "Dunk Low Retro", 11500, "USD"},
      {"Adidas", "Samba OG", 10000, "USD"},
      {"Foot Locker", "New Balance 550", 11000, "USD"},
      {"Zalando", "Salomon XT-6", 18000, "EUR"},
      {"Supreme", "Box Logo Hooded Sweatshirt", 16800, "USD"},
  };
  uint64_t state = 0x9E3779B97F4A7C15u;  // a fixed seed: the same demo every time
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int stored = 0;
  for (int i = 0; i < 320; ++i) {
    const Product& p = kProducts[next() % std::size(kProducts)];
    const auto ago =
        Seconds(static_cast<int64_t>(next() % static_cast<uint64_t>((60 * kDay).count())));
    const domain::Checkout checkout{.client_id = fmt::format("demo-{}", i),
                                    .store = p.store,
                                    .product = p.name,
                                    .price_cents = p.price_cents,
                                    .currency = p.currency,
                                    .quantity = next() % 5 == 0 ? 2 : 1,
                                    .at = now - ago};
    stored += uow.checkouts().InsertIfNew(user, checkout, now, std::nullopt) ? 1 : 0;
  }
  uow.Audit("checkouts.report", fmt::format("user:{}", user.value), nullptr,
            {{"accepted", stored}, {"by", "tenure demo"}});
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
      if (Ensure(*uow, s.email, s.role, hash, s.expires_at, now, reset_passwords, report)) {
        report.created.push_back(s.email);
        if (s.role == Role::kCustomer)
          SeedProgramSide(*uow, uow->users().FindByEmail(s.email)->id, now);
      }
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
