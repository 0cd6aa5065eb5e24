// The composition root: config -> store -> services -> http. Nothing else builds objects
// that live for the whole process (habit 9).
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "app/accounts.hpp"
#include "app/demo.hpp"
#include "app/feedback.hpp"
#include "app/licenses.hpp"
#include "app/renewal.hpp"
#include "app/staff.hpp"
#include "app/support.hpp"
#include "config.hpp"
#include "core/secure_random.hpp"
#include "http/server.hpp"
#include "http/web_app.hpp"
#include "integrations/email/smtp_mailer.hpp"
#include "jobs/outbox_dispatcher.hpp"
#include "jobs/periodic_worker.hpp"
#include "search/help_center.hpp"
#include "storage/sql_store.hpp"

namespace tenure {
namespace {

constexpr char kUsage[] = R"(usage: tenure [--config FILE] COMMAND

commands:
  serve                         run the HTTP server (applies migrations first)
  migrate                       apply database migrations and exit
  demo [--customers N]          create demo accounts (idempotent)
  user add EMAIL --role ROLE    create a staff account (ROLE: support or admin)

Configuration: see README.md (TENURE_LISTEN, TENURE_DATABASE, ...).
)";

struct Args {
  std::string config_path;
  std::vector<std::string> positional;
  std::string role;
  int customers = 0;
};

Result<Args> ParseArgs(int argc, char** argv) {
  Args a;
  if (const char* env = std::getenv("TENURE_CONFIG")) a.config_path = env;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
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

int Serve(const Config& config, storage::SqlStore& store, const Clock& clock) {
  const app::PasswordHasher hasher(app::PasswordHasher::Interactive());
  app::AccountService accounts(store, clock, hasher);
  app::LicenseService licenses(store, clock, config.license);
  const app::EmailContext email{config.public_url};
  app::StaffService staff(store, clock, licenses, email);
  app::RenewalService renewal(store, clock, config.license, email);
  app::SupportService support(store, clock, licenses, email);
  app::FeedbackService feedback(store, clock);
  const http::Views views;
  // The help center reads config.docs_dir now and whenever it changes (issue 5).
  search::HelpCenter help({.docs_dir = config.docs_dir,
                           .library = {.public_url = config.public_url},
                           .log = [](const std::string& line) {
                             std::cout << "tenure: " << line << "\n" << std::flush;
                           }});
  http::Services services{.accounts = accounts,
                          .licenses = licenses,
                          .staff = staff,
                          .renewal = renewal,
                          .support = support,
                          .feedback = feedback,
                          .store = store,
                          .clock = clock,
                          .views = views,
                          .secure_cookies = config.SecureCookies(),
                          .help = help};
  http::WebApp web(services, config.access_log);

  // Mail leaves the outbox only when SMTP is configured; until then it waits there, safe.
  std::unique_ptr<integrations::SmtpMailer> mailer;
  std::unique_ptr<jobs::OutboxDispatcher> dispatcher;
  std::unique_ptr<jobs::PeriodicWorker> outbox_worker;
  if (!config.smtp.host.empty()) {
    mailer = std::make_unique<integrations::SmtpMailer>(config.smtp, clock);
    dispatcher = std::make_unique<jobs::OutboxDispatcher>(store, clock, *mailer);
    outbox_worker = std::make_unique<jobs::PeriodicWorker>(
        "outbox", [&] { return dispatcher->RunOnce(); },
        std::chrono::milliseconds(config.outbox_interval_ms));
  } else {
    std::cout << "tenure: no SMTP host configured: emails wait in the outbox\n";
  }
  http::ServerOptions options{
      .address = config.listen_address,
      .port = config.listen_port,
      .io_threads = config.http_threads,
      .slow_threads = config.hash_threads,
      .max_body_bytes = config.max_body_bytes,
      .max_connections = static_cast<size_t>(config.max_connections),
      .idle_timeout = std::chrono::seconds(config.idle_timeout_seconds),
      .request_timeout = std::chrono::seconds(config.request_timeout_seconds)};
  http::Serve(
      options, [&web](http::Request& r) { return web.Handle(r); },
      [&web](const http::Request& r) { return web.IsSlow(r); },
      [&] {
        std::cout << fmt::format("tenure: listening on http://{}:{} (public URL {})\n",
                                 config.listen_address, config.listen_port, config.public_url)
                  << std::flush;
      });
  if (outbox_worker) outbox_worker->Stop();
  std::cout << "tenure: stopped\n";
  return 0;
}

int Demo(storage::SqlStore& store, const Clock& clock, int customers) {
  const char* chosen = std::getenv("TENURE_DEMO_PASSWORD");
  const std::string password = chosen && *chosen ? chosen : RandomToken(12);
  if (auto ok = domain::CheckNewPassword(password, ""); !ok) {
    std::cerr << "tenure: TENURE_DEMO_PASSWORD: " << ok.error().message << "\n";
    return 2;
  }
  const app::PasswordHasher hasher(app::PasswordHasher::Interactive());
  app::DemoSeeder seeder(store, clock, hasher);
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

int Run(int argc, char** argv) {
  auto args = ParseArgs(argc, argv);
  if (!args) {
    std::cerr << "tenure: " << args.error().message << "\n" << kUsage;
    return 2;
  }
  const auto& pos = args->positional;
  if (pos.empty() || pos[0] == "help") {
    std::cout << kUsage;
    return pos.empty() ? 2 : 0;
  }
  auto config = LoadConfigFromProcess(args->config_path);
  if (!config) {
    std::cerr << "tenure: " << config.error().message << "\n";
    return 2;
  }
  const std::string& command = pos[0];
  if (command != "serve" && command != "migrate" && command != "demo" && command != "user") {
    std::cerr << "tenure: unknown command '" << command << "'\n" << kUsage;
    return 2;
  }
  SystemClock clock;
  auto store = storage::OpenStore(config->database, clock);
  const auto migrated = store->Migrate();
  if (command == "migrate") {
    std::cout << fmt::format("schema at version {} ({} migration{} applied)\n",
                             migrated.current_version, migrated.applied,
                             migrated.applied == 1 ? "" : "s");
    return 0;
  }
  if (command == "serve") return Serve(*config, *store, clock);
  if (command == "demo") return Demo(*store, clock, args->customers);
  // user add EMAIL --role ROLE
  if (pos.size() != 3 || pos[1] != "add") {
    std::cerr << "tenure: usage: tenure user add EMAIL --role support|admin\n";
    return 2;
  }
  const auto role = domain::ParseRole(args->role);
  if (!role) {
    std::cerr << "tenure: --role must be support or admin\n";
    return 2;
  }
  const app::PasswordHasher hasher(app::PasswordHasher::Interactive());
  app::AccountService accounts(*store, clock, hasher);
  auto staff = accounts.AddStaff(pos[2], *role);
  if (!staff) {
    std::cerr << "tenure: " << staff.error().message << "\n";
    return 1;
  }
  std::cout << fmt::format("created {} ({})\none-time password: {}\n", staff->user.email,
                           domain::RoleName(staff->user.role), staff->password);
  return 0;
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
