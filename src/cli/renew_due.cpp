// `tenure renew-due [--now T]`: one pass of the renewal job at the context's clock (a fixed
// one with --now) and its summary as JSON.
#include <iostream>

#include "cli/cli.hpp"
#include "cli/services.hpp"
#include "jobs/renewal_job.hpp"

namespace tenure::cli {

int RenewDue(const Context& ctx) {
  AppServices app(ctx.config, ctx.store, ctx.clock);
  jobs::RenewalJob job(ctx.store, app.billing, ctx.clock, ctx.config.license);
  std::cout << job.RunOnce().ToJson() << "\n";
  return 0;
}

}  // namespace tenure::cli
