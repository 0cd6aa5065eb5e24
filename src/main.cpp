// The composition root: config -> clock -> store -> one command (src/cli/). The commands
// build services, HTTP and jobs on these through cli/services.hpp (habit 9).
#include <fmt/format.h>

#include <iostream>
#include <string>

#include "cli/cli.hpp"
#include "config.hpp"
#include "core/log.hpp"
#include "storage/sql_store.hpp"

namespace tenure {
namespace {

int Run(int argc, char** argv) {
  auto args = cli::ParseArgs(argc, argv);
  if (!args) {
    std::cerr << "tenure: " << args.error().message << "\n" << cli::kUsage;
    return 2;
  }
  const auto& pos = args->positional;
  if (pos.empty() || pos[0] == "help") {
    std::cout << cli::kUsage;
    return pos.empty() ? 2 : 0;
  }
  auto config = LoadConfigFromProcess(args->config_path);
  if (!config) {
    std::cerr << "tenure: " << config.error().message << "\n";
    return 2;
  }
  log::SetFormat(config->log_format == "json" ? log::Format::kJson : log::Format::kText);
  const std::string& command = pos[0];
  if (command != "serve" && command != "migrate" && command != "demo" && command != "user" &&
      command != "renew-due" && command != "license" && command != "clock" && command != "keys" &&
      command != "release" && command != "backup" && command != "restore") {
    std::cerr << "tenure: unknown command '" << command << "'\n" << cli::kUsage;
    return 2;
  }
  // --now is the test clock for operators and tests: renew-due runs as if it were then.
  if (args->now && command != "renew-due") {
    std::cerr << "tenure: --now goes with renew-due only\n";
    return 2;
  }
  if (command == "clock") return cli::ClockCommand(*config, pos);
  auto made_clock = cli::MakeClock(*config, args->now);
  if (!made_clock) {
    std::cerr << "tenure: " << made_clock.error().message << "\n";
    return 2;
  }
  const Clock& clock = **made_clock;
  if (command == "backup") return cli::Backup(*config, pos);
  if (command == "restore") return cli::Restore(*config, clock, pos);
  auto store = storage::OpenStore(config->database, clock);
  const auto migrated = store->Migrate();
  if (command == "migrate") {
    std::cout << fmt::format("schema at version {} ({} migration{} applied)\n",
                             migrated.current_version, migrated.applied,
                             migrated.applied == 1 ? "" : "s");
    return 0;
  }
  const cli::Context ctx{.config = *config, .store = *store, .clock = clock};
  if (command == "serve") return cli::Serve(ctx);
  if (command == "license") return cli::License(ctx, pos);
  if (command == "keys") return cli::Keys(ctx, pos);
  if (command == "release") return cli::Release(ctx, pos);
  if (command == "renew-due") return cli::RenewDue(ctx);
  if (command == "demo") return cli::Demo(ctx, args->customers);
  return cli::UserAdd(ctx, pos, args->role);
}

}  // namespace
}  // namespace tenure

int main(int argc, char** argv) {
  try {
    return tenure::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tenure: " << e.what() << "\n";
    return 1;
  }
}
