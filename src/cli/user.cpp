// `tenure user add EMAIL --role support|admin`: a staff account and its one-time password.
#include <fmt/format.h>

#include <iostream>

#include "app/accounts.hpp"
#include "cli/cli.hpp"

namespace tenure::cli {

int UserAdd(const Context& ctx, const std::vector<std::string>& positional,
            const std::string& role_name) {
  if (positional.size() != 3 || positional[1] != "add") {
    std::cerr << "tenure: usage: tenure user add EMAIL --role support|admin\n";
    return 2;
  }
  const auto role = domain::ParseRole(role_name);
  if (!role) {
    std::cerr << "tenure: --role must be support or admin\n";
    return 2;
  }
  const app::PasswordHasher hasher(app::PasswordHasher::Interactive());
  app::AccountService accounts(ctx.store, ctx.clock, hasher, app::EmailContext{});
  auto staff = accounts.AddStaff(positional[2], *role);
  if (!staff) {
    std::cerr << "tenure: " << staff.error().message << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "created {} ({})\none-time password: {}\n(they choose their own password at first "
      "sign-in)\n",
      staff->user.email, domain::RoleName(staff->user.role), staff->password);
  return 0;
}

}  // namespace tenure::cli
