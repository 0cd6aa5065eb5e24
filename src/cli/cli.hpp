#pragma once
// The `tenure` commands (README: The binary). main.cpp parses the command line, loads the
// config, picks the clock and opens the store; each command builds the rest of what it needs
// from those three, through services.hpp when it needs the app's services.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/sql_store.hpp"

namespace tenure::cli {

extern const char kUsage[];

struct Args {
  std::string config_path;
  std::vector<std::string> positional;
  std::string role;
  int customers = 0;
  std::optional<Instant> now;  // renew-due --now
};

// TENURE_CONFIG, then the options and positional words of `argv`.
Result<Args> ParseArgs(int argc, char** argv);

// What every command that touches the database runs on.
struct Context {
  const Config& config;
  storage::SqlStore& store;
  const Clock& clock;
};

// Each returns the process's exit status.
int Serve(const Context& ctx);
// `backup PATH` and `restore PATH` (SQLite; cli/backup.cpp): run before the store is opened.
int Backup(const Config& config, const std::vector<std::string>& positional);
int Restore(const Config& config, const Clock& clock, const std::vector<std::string>& positional);
// /metrics' gauges read from the database at each scrape (cli/metrics.cpp; `serve` only).
void CollectDatabaseMetrics(storage::SqlStore& store, const Clock& clock,
                            const domain::LicensePolicy& policy);
int Demo(const Context& ctx, int customers);
int UserAdd(const Context& ctx, const std::vector<std::string>& positional,
            const std::string& role);
int RenewDue(const Context& ctx);
int License(const Context& ctx, const std::vector<std::string>& positional);
int Keys(const Context& ctx, const std::vector<std::string>& positional);
// `release add|list|unpublish|publish` (issue 12); parses its own options.
int Release(const Context& ctx, const std::vector<std::string>& positional);
// Needs no store: it moves the test clock only.
int ClockCommand(const Config& config, const std::vector<std::string>& positional);

// The clock a command runs on: fixed at `fixed_now` (renew-due --now), else the shared test
// clock when config.test_clock_file is set (tests only), else the system clock.
Result<std::unique_ptr<Clock>> MakeClock(const Config& config, std::optional<Instant> fixed_now);

}  // namespace tenure::cli
