// `tenure keys list|rotate` (issue 9): the Ed25519 keys that sign the program's leases.
// Rotation makes a new key sign from now on; the old one stays in the JWKS until the last
// lease it signed has ended, so no running program is cut off.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/leases.hpp"
#include "app/store/actor.hpp"
#include "cli/cli.hpp"

namespace tenure::cli {

int Keys(const Context& ctx, const std::vector<std::string>& positional) {
  const std::string sub = positional.size() == 2 ? positional[1] : "";
  app::LeaseSigner leases(ctx.store, ctx.clock, ctx.config.public_url,
                          ctx.config.program.lease_duration);
  if (sub == "list") {
    leases.EnsureKey();
    std::cout << leases.Jwks().dump(2) << "\n";  // public keys only
    return 0;
  }
  if (sub == "rotate") {
    const std::string kid = leases.Rotate(app::Actor::Cli());
    std::cout << fmt::format(
        "new signing key {}; the previous ones stay published for {} hours (the longest lease)\n",
        kid, ctx.config.program.lease_duration.count() / 3600);
    return 0;
  }
  std::cerr << "usage: tenure keys list|rotate\n";
  return 2;
}

}  // namespace tenure::cli
