// The composition root: config -> store -> services -> http. Nothing else builds objects
// that live for the whole process (habit 9).
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "app/accounts.hpp"
#include "app/billing.hpp"
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
#include "integrations/offline/offline_gateway.hpp"
#include "integrations/stripe/stripe_gateway.hpp"
#include "integrations/stripe/stripe_webhooks.hpp"
#include "jobs/outbox_dispatcher.hpp"
#include "jobs/periodic_worker.hpp"
#include "jobs/renewal_job.hpp"
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
  renew-due [--now T]           run one renewal pass (at instant T, RFC 3339) and print a summary
  license show EMAIL            print one license as JSON
  license list                  print every license, one JSON object per line

Configuration: see README.md (TENURE_LISTEN, TENURE_DATABASE, ...).
)";

struct Args {
  std::string config_path;
  std::vector<std::string> positional;
  std::string role;
  int customers = 0;
  std::optional<Instant> now;  // renew-due --now
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

integrations::StripeClientOptions StripeApi(const Config& config) {
  return {.api_base = config.stripe.api_base, .secret_key = config.stripe.secret_key};
}

// The payment provider: the offline one (Stripe's test cards, no network) unless Stripe is
// configured (issue 4).
std::unique_ptr<app::PaymentGateway> MakeGateway(const Config& config, const Clock&) {
  if (config.billing_provider == "stripe")
    return std::make_unique<integrations::StripeGateway>(StripeApi(config));
  return std::make_unique<integrations::OfflineGateway>();
}

nlohmann::json LicenseJson(const domain::User& user, const domain::License& license,
                           const std::vector<app::Charge>& charges, Instant now,
                           const domain::LicensePolicy& policy) {
  nlohmann::json list = nlohmann::json::array();
  for (auto it = charges.rbegin(); it != charges.rend(); ++it)
    list.push_back(
        {{"amount_cents", it->amount.cents()},
         {"period_start", it->period_key ? nlohmann::json(FormatRfc3339(FromUnix(it->period_key)))
                                         : nlohmann::json(nullptr)},
         {"status", it->status},
         {"kind", it->kind},
         {"attempt", it->attempt},
         {"created_at", FormatRfc3339(it->created_at)}});
  return {{"email", user.email},
          {"expires_at", license.expires_at ? nlohmann::json(FormatRfc3339(*license.expires_at))
                                            : nlohmann::json(nullptr)},
          {"auto_renew", license.auto_renew},
          {"auto_renew_off_reason", domain::AutoRenewOffReasonName(license.auto_renew_off_reason)},
          {"status", domain::StatusName(domain::StatusAt(license, now, policy.grace))},
          {"instances", license.instances},
          {"charges", list}};
}

// `tenure license show EMAIL` / `tenure license list`: one JSON object per license.
int LicenseCommand(const std::vector<std::string>& pos, storage::SqlStore& store,
                   const Clock& clock, const domain::LicensePolicy& policy) {
  auto read = store.Read();
  if (pos.size() == 3 && pos[1] == "show") {
    auto email = domain::NormalizeEmail(pos[2]);
    auto user = email ? read->users().FindByEmail(*email) : std::nullopt;
    auto license = user ? read->licenses().FindByUser(user->id) : std::nullopt;
    if (!license) {
      std::cerr << "tenure: no license for " << pos[2] << "\n";
      return 1;
    }
    std::cout << LicenseJson(*user, *license, read->charges().ForUser(user->id, 1000), clock.Now(),
                             policy)
              << "\n";
    return 0;
  }
  if (pos.size() == 2 && pos[1] == "list") {
    constexpr int kPage = 1000;
    for (int offset = 0;; offset += kPage) {
      auto page = read->licenses().All(kPage, offset);
      for (const auto& license : page) {
        auto user = read->users().Find(license.user_id);
        if (user)
          std::cout << LicenseJson(*user, license, read->charges().ForUser(user->id, 1000),
                                   clock.Now(), policy)
                    << "\n";
      }
      if (static_cast<int>(page.size()) < kPage) break;
    }
    return 0;
  }
  std::cerr << "tenure: usage: tenure license show EMAIL | tenure license list\n";
  return 2;
}

// `tenure renew-due [--now T]`: one pass of the renewal job at that instant.
int RenewDue(const Config& config, storage::SqlStore& store, const Clock& clock) {
  auto gateway = MakeGateway(config, clock);
  app::BillingService billing(store, clock, config.license, *gateway,
                              app::EmailContext{config.public_url});
  jobs::RenewalJob job(store, billing, clock, config.license);
  std::cout << job.RunOnce().ToJson() << "\n";
  return 0;
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
  auto gateway = MakeGateway(config, clock);
  app::BillingService billing(store, clock, config.license, *gateway, email);
  // Stripe's webhooks (issue 4): the endpoint verifies and stores events; a worker below
  // applies them every 2 s by re-reading Stripe's state.
  std::unique_ptr<integrations::StripeWebhooks> stripe_webhooks;
  if (config.billing_provider == "stripe")
    stripe_webhooks = std::make_unique<integrations::StripeWebhooks>(
        store, billing, clock, StripeApi(config), config.stripe.webhook_secret);
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
                          .help = help,
                          .billing = billing,
                          .stripe_webhooks = stripe_webhooks.get()};
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
  // The renewal job on the Clock: charges due auto-renewals, dunning, reminders, notices.
  jobs::RenewalJob renewal_job(store, billing, clock, config.license);
  jobs::PeriodicWorker housekeeping(
      "housekeeping", [&] { return static_cast<int>(accounts.PruneExpiredSessions() > 0); },
      std::chrono::hours(1));
  jobs::PeriodicWorker renewal_worker(
      "renewal job", [&] { return renewal_job.RunOnce().claimed; },
      std::chrono::milliseconds(config.renewal_interval_seconds * 1000));
  std::unique_ptr<jobs::PeriodicWorker> stripe_worker;
  if (stripe_webhooks)
    stripe_worker = std::make_unique<jobs::PeriodicWorker>(
        "stripe events", [&] { return stripe_webhooks->ProcessPending(); },
        std::chrono::milliseconds(2000));
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
  renewal_worker.Stop();
  housekeeping.Stop();
  if (stripe_worker) stripe_worker->Stop();
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
  if (command != "serve" && command != "migrate" && command != "demo" && command != "user" &&
      command != "renew-due" && command != "license") {
    std::cerr << "tenure: unknown command '" << command << "'\n" << kUsage;
    return 2;
  }
  // --now is the test clock for operators and tests: renew-due runs as if it were then.
  if (args->now && command != "renew-due") {
    std::cerr << "tenure: --now goes with renew-due only\n";
    return 2;
  }
  SystemClock system_clock;
  std::optional<FakeClock> fixed_clock;
  if (args->now) fixed_clock.emplace(*args->now);
  const Clock& clock = fixed_clock ? static_cast<const Clock&>(*fixed_clock) : system_clock;
  auto store = storage::OpenStore(config->database, clock);
  const auto migrated = store->Migrate();
  if (command == "migrate") {
    std::cout << fmt::format("schema at version {} ({} migration{} applied)\n",
                             migrated.current_version, migrated.applied,
                             migrated.applied == 1 ? "" : "s");
    return 0;
  }
  if (command == "serve") return Serve(*config, *store, clock);
  if (command == "license") return LicenseCommand(pos, *store, clock, config->license);
  if (command == "renew-due") return RenewDue(*config, *store, clock);
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
