#include <cstdlib>

#include "cli/cli.hpp"

namespace tenure::cli {

const char kUsage[] = R"(usage: tenure [--config FILE] COMMAND

commands:
  serve                         run the HTTP server (applies migrations first)
  migrate                       apply database migrations and exit
  demo [--customers N]          create demo accounts (idempotent)
  user add EMAIL --role ROLE    create a staff account (ROLE: support or admin)
  renew-due [--now T]           run one renewal pass (at instant T, RFC 3339) and print a summary
  license show EMAIL            print one license as JSON
  license list                  print every license, one JSON object per line
  keys list                     print the public keys that verify the program's leases (JWKS)
  keys rotate                   sign leases with a new key from now on; the old one stays
                                published until its last lease ends
  release add VERSION --channel stable|beta --notes FILE --os windows|macos|linux PATH
                [--os OS PATH]... [--allow-older]
                                publish a release (a version older than the channel's latest
                                needs --allow-older)
  release list                  every release with its files, sizes, SHA-256 and downloads
  release unpublish|publish V   hide release V from customers (its files stay), or show it again
  backup PATH                   copy the SQLite database to PATH, consistent while serving
  restore PATH                  replace the SQLite database with the backup at PATH (the one
                                it replaces is kept beside it; stop `serve` first)
  clock show|set T|advance D    tests only: show or move the test clock (test_clock_file),
                                e.g. clock advance 25h

Configuration: see README.md (TENURE_LISTEN, TENURE_DATABASE, ...).
)";

Result<Args> ParseArgs(int argc, char** argv) {
  Args a;
  if (const char* env = std::getenv("TENURE_CONFIG")) a.config_path = env;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    // `release` parses its own options (--channel, --os OS PATH, ...).
    if (!a.positional.empty() && a.positional[0] == "release") {
      a.positional.push_back(arg);
      continue;
    }
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return Fail(ErrorCode::kInvalidInput, arg + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--config") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      a.config_path = *v;
    } else if (arg == "--role") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      a.role = *v;
    } else if (arg == "--customers") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      char* end = nullptr;
      const long n = std::strtol(v->c_str(), &end, 10);
      if (*end || n < 0 || n > 10'000'000)
        return Fail(ErrorCode::kInvalidInput, "--customers takes a number from 0 to 10000000");
      a.customers = static_cast<int>(n);
    } else if (arg == "--now") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      a.now = ParseRfc3339(*v);
      if (!a.now)
        return Fail(ErrorCode::kInvalidInput,
                    "--now takes an RFC 3339 instant, e.g. 2026-12-01T00:00:00Z");
    } else if (arg == "-h" || arg == "--help") {
      a.positional = {"help"};
      return a;
    } else if (arg.starts_with("--")) {
      return Fail(ErrorCode::kInvalidInput, "unknown option " + arg);
    } else {
      a.positional.push_back(arg);
    }
  }
  return a;
}

}  // namespace tenure::cli
