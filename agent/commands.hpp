#pragma once
// The commands of the tenure-agent CLI over the client library: each one reads the state
// file, talks to the server, saves what changed and says how it went as an Outcome.
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

namespace tenure::agent {

// Exit codes, documented in `tenure-agent --help` and docs/program/agent.md: a program
// wrapping the CLI branches on them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // refused input, unexpected answer, local file
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLicenseRefused = 3;  // no_license, expired, suspended, no free slot
inline constexpr int kExitNotSignedIn = 4;     // revoked, wrong credentials, throttled, signed out
inline constexpr int kExitUnreachable = 5;     // no server and no valid cached lease
inline constexpr int kExitBadLease = 6;        // a lease that does not verify: not licensed
inline constexpr int kExitBadUpdate = 7;       // an update whose signature or file does not match

struct Invocation {
  std::string state_path;
  std::string server;  // --server, overrides the state file's
  bool json = false;
  std::string command;
  std::map<std::string, std::string> values;  // --email E, --price-cents 100, ...
  std::set<std::string> switches;             // --loop, --password-stdin
};

// One human line and the same as JSON; the printer picks one (--json) and adds exit_code.
struct Outcome {
  int exit_code = kExitOk;
  std::string line;
  nlohmann::json json = nlohmann::json::object();
  bool printed = false;  // already printed (the last beat of heartbeat --loop)
};

// Prints an outcome: the line to stdout (stderr when it failed), or the JSON to stdout.
void Print(const Outcome& outcome, bool json);

Outcome Login(const Invocation& inv);
Outcome Status(const Invocation& inv);
// Once, or with --loop every heartbeat_interval_seconds until SIGINT or SIGTERM; each beat
// is printed as it happens and the returned outcome is the last.
Outcome HeartbeatCommand(const Invocation& inv);
Outcome ReportCheckout(const Invocation& inv);
Outcome Logout(const Invocation& inv);
// Asks for the latest release of a channel for a system, verifies its signature and, with
// --download FILE, downloads it and keeps it only when it is the signed file.
Outcome UpdateCheck(const Invocation& inv);

}  // namespace tenure::agent
