// `tenure demo [--customers N]`: the demo accounts, idempotently, with the password from
// TENURE_DEMO_PASSWORD or a random one printed once.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "app/demo.hpp"
#include "app/passwords.hpp"
#include "cli/cli.hpp"
#include "core/secure_random.hpp"
#include "domain/account.hpp"

namespace tenure::cli {

int Demo(const Context& ctx, int customers) {
  const char* chosen = std::getenv("TENURE_DEMO_PASSWORD");
  const std::string password = chosen && *chosen ? chosen : RandomToken(12);
  if (auto ok = domain::CheckNewPassword(password, ""); !ok) {
    std::cerr << "tenure: TENURE_DEMO_PASSWORD: " << ok.error().message << "\n";
    return 2;
  }
  const app::PasswordHasher hasher(app::PasswordHasher::Interactive());
  app::DemoSeeder seeder(ctx.store, ctx.clock, hasher);
  const auto report = seeder.Seed(password, /*reset_passwords=*/chosen && *chosen, customers);
  for (const auto& email : report.created) std::cout << "created  " << email << "\n";
  for (const auto& email : report.updated) std::cout << "password " << email << " (set again)\n";
  if (customers > 0)
    std::cout << fmt::format("created  {} of {} extra customers (the others existed)\n",
                             report.customers_created, customers);
  if (report.created.empty() && report.updated.empty() && report.customers_created == 0) {
    std::cout << "demo data already present; passwords unchanged\n";
  } else if (!(chosen && *chosen)) {
    std::cout << "password for the accounts created now: " << password << "\n";
  } else {
    std::cout << "password: the value of TENURE_DEMO_PASSWORD\n";
  }
  return 0;
}

}  // namespace tenure::cli
