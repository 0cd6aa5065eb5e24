// tenure-agent: the reference client of Tenure's program API (issue 9) as a command line, for
// a seller's program to call or copy, and for the tests to drive against a real server.
#include <curl/curl.h>

#include <iostream>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "state.hpp"

namespace tenure::agent {
namespace {

constexpr char kUsage[] =
    R"(usage: tenure-agent [--state FILE] [--server URL] [--json] COMMAND [OPTIONS]

Commands:
  login --email E --fingerprint F --name N --os O --app-version V [--password-stdin]
        [--otp CODE]
        Sign this machine in and take an instance slot. The password comes from
        TENURE_AGENT_PASSWORD or, with --password-stdin, the first line of standard input;
        never from the command line. --otp: the code of the authenticator app (or a recovery
        code) when the account has two-factor authentication on; each works once.
        --server is needed the first time; it is remembered.
  status
        Check the license and verify its lease. When the server cannot be reached, the
        cached lease decides: "offline, licensed until <exp>" while it lasts.
  heartbeat [--loop]
        Keep the slot: once, or every heartbeat_interval_seconds until SIGINT or SIGTERM.
  report-checkout --id ID --store S --product P --price-cents C --currency USD
                  [--quantity 1] [--at RFC3339, default now]
  report-checkout --file batch.json
        Report checkouts (a JSON array of checkouts, or {"checkouts": [...]}, 1..100).
  logout
        Sign out and free the slot.
  update-check [--os windows|macos|linux] [--channel stable|beta] [--current-version V]
               [--download FILE]
        Ask for the latest release (default: this system, stable) and verify its Ed25519
        signature: "update available: ..." or, when --current-version is not older,
        "up to date". --download FILE writes FILE.part, keeps it as FILE only when its size
        and SHA-256 are the signed ones, and deletes it otherwise (exit 7).

Options:
  --state FILE   the state file (token, lease, keys; mode 0600), default
                 $XDG_STATE_HOME/tenure-agent/state.json (~/.local/state/...)
  --server URL   the seller's Tenure, e.g. https://licenses.example.com
  --json         print one JSON object (with "exit_code") instead of a line

Exit codes:
  0  ok (licensed, online or offline with a valid lease)
  1  the server refused the input, answered something unexpected, or a local file failed
  2  usage
  3  license refused: no_license, license_expired, license_suspended, no_free_instance
  4  not signed in: session revoked, wrong email or password, a code needed (--otp) or not
     right, too many failed sign-ins
  5  server unreachable and no valid cached lease
  6  the lease does not verify (signature, key, audience or machine): not licensed
  7  the update does not match its signature (a bad signature, a field that is not the
     signed one, or a downloaded file of another size or SHA-256): not installed
)";

constexpr std::string_view kValueFlags[] = {
    "state", "server", "email",   "fingerprint",     "name",     "os",       "app-version",
    "id",    "store",  "product", "price-cents",     "currency", "quantity", "at",
    "file",  "otp",    "channel", "current-version", "download"};
constexpr std::string_view kSwitches[] = {"json", "loop", "password-stdin"};
constexpr std::string_view kCommands[] = {"login",           "status", "heartbeat",
                                          "report-checkout", "logout", "update-check"};

template <typename List>
bool Contains(const List& list, std::string_view name) {
  for (std::string_view item : list) {
    if (item == name) return true;
  }
  return false;
}

// Flags go anywhere after the program name, as --name VALUE or --name=VALUE.
std::expected<Invocation, std::string> Parse(int argc, char** argv) {
  Invocation inv;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--")) {
      if (!inv.command.empty())
        return std::unexpected("unexpected argument '" + std::string(arg) + "'");
      if (!Contains(kCommands, arg))
        return std::unexpected("unknown command '" + std::string(arg) + "'");
      inv.command = arg;
      continue;
    }
    std::string name(arg.substr(2));
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "password")
      return std::unexpected(
          "the password never goes on the command line (other users can read "
          "it there): use TENURE_AGENT_PASSWORD or --password-stdin");
    if (Contains(kSwitches, name) && !value) {
      if (name == "json") {
        inv.json = true;
      } else {
        inv.switches.insert(name);
      }
      continue;
    }
    if (!Contains(kValueFlags, name)) return std::unexpected("unknown option --" + name);
    if (!value) {
      if (i + 1 >= argc) return std::unexpected("--" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "state") {
      inv.state_path = *value;
    } else if (name == "server") {
      inv.server = *value;
    } else if (!inv.values.emplace(name, *value).second) {
      return std::unexpected("--" + name + " given twice");
    }
  }
  if (inv.command.empty()) return std::unexpected("no command");
  if (inv.state_path.empty()) inv.state_path = DefaultStatePath();
  return inv;
}

int Run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      std::cout << kUsage;
      return kExitOk;
    }
  }
  auto inv = Parse(argc, argv);
  if (!inv) {
    std::cerr << "tenure-agent: " << inv.error() << " (tenure-agent --help says more)\n";
    return kExitUsage;
  }
  Outcome outcome;
  if (inv->command == "login") {
    outcome = Login(*inv);
  } else if (inv->command == "status") {
    outcome = Status(*inv);
  } else if (inv->command == "heartbeat") {
    outcome = HeartbeatCommand(*inv);
  } else if (inv->command == "report-checkout") {
    outcome = ReportCheckout(*inv);
  } else if (inv->command == "update-check") {
    outcome = UpdateCheck(*inv);
  } else {
    outcome = Logout(*inv);
  }
  if (!outcome.printed) Print(outcome, inv->json);
  return outcome.exit_code;
}

}  // namespace
}  // namespace tenure::agent

int main(int argc, char** argv) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::cerr << "tenure-agent: libcurl could not start\n";
    return tenure::agent::kExitError;
  }
  int code = tenure::agent::kExitError;
  try {
    code = tenure::agent::Run(argc, argv);
  } catch (const std::exception& e) {
    // A bug or a broken machine (out of memory, no entropy): say so, never a stack of noise.
    std::cerr << "tenure-agent: " << e.what() << "\n";
  }
  curl_global_cleanup();
  return code;
}
