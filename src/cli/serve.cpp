// `tenure serve`: the app's services, then HTTP and the background jobs over them, until
// SIGINT or SIGTERM.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "cli/services.hpp"
#include "core/log.hpp"
#include "http/server.hpp"
#include "http/web_app.hpp"
#include "integrations/email/smtp_mailer.hpp"
#include "jobs/outbox_dispatcher.hpp"
#include "jobs/periodic_worker.hpp"
#include "jobs/renewal_job.hpp"
#include "search/help_center.hpp"

namespace tenure::cli {

int Serve(const Context& ctx) {
  const Config& config = ctx.config;
  storage::SqlStore& store = ctx.store;
  const Clock& clock = ctx.clock;
  if (!config.test_clock_file.empty())
    std::cerr << fmt::format(
                     "tenure: WARNING: the test clock is on: the time is {} as held in {} and "
                     "moves only with `tenure clock`. For tests only; never set "
                     "TENURE_TEST_CLOCK_FILE or test_clock_file in production.\n",
                     FormatRfc3339(clock.Now()), config.test_clock_file)
              << std::flush;
  AppServices app(config, store, clock);
  // The seller's brand on every page (issue 14 item 10), checked by LoadConfig.
  const http::Views views(http::Brand{.product_name = config.seller.product_name,
                                      .seller_name = config.seller.name,
                                      .seller_address = config.seller.address,
                                      .logo = config.seller.logo,
                                      .logo_content_type = config.seller.logo_content_type,
                                      .accent_color = config.seller.accent_color});
  // The help center reads config.docs_dir now and whenever it changes (issue 5).
  search::HelpCenter help(
      {.docs_dir = config.docs_dir,
       .library = {.public_url = config.public_url},
       .log = [](const std::string& line) { log::Say("info", "help_center", "tenure: " + line); }});
  http::Services services{
      .accounts = app.accounts,
      .licenses = app.licenses,
      .staff = app.staff,
      .renewal = app.renewal,
      .support = app.support,
      .feedback = app.feedback,
      .store = store,
      .clock = clock,
      .views = views,
      .secure_cookies = config.SecureCookies(),
      .help = help,
      .billing = app.billing,
      .stripe_webhooks = app.stripe_webhooks.get(),
      .program = app.program,
      .machines = app.machines,
      .sessions = app.sessions,
      .checkouts = app.checkouts,
      .leases = app.leases,
      .public_url = config.public_url,
      .security = app.security,
      .two_factor = app.two_factor,
      .staff_two_factor_required = config.staff_two_factor_required,
      .metrics_token = config.metrics_token,
      .discord = app.discord.get(),
      .releases = &app.releases,
      .max_upload_bytes = config.release_max_upload_bytes,
      .upload_dir = (std::filesystem::path(config.releases_dir) / ".uploads").string(),
      .max_form_bytes = config.limits.max_form_bytes,
      .write_limits = {.per_account = config.limits.writes_per_account,
                       .per_address = config.limits.writes_per_address,
                       .window = Seconds(config.limits.write_window_seconds)},
      .reports = &app.reports};
  // Uploads land beside the releases, so that publishing one is a rename.
  if (std::error_code ec; !std::filesystem::create_directories(services.upload_dir, ec) && ec)
    log::Say("error", "releases_dir",
             fmt::format("tenure: releases: cannot create {} ({}); uploads will fail",
                         services.upload_dir, ec.message()));
  // The lease signing key exists before the first program signs in (issue 9).
  app.leases.EnsureKey();
  http::WebApp web(services, config.access_log);
  jobs::PeriodicWorker::LogPasses(config.log_jobs);
  if (!config.metrics_token.empty()) CollectDatabaseMetrics(store, clock, config.license);

  // Each kind of outbox message leaves only when its service is configured; until then it
  // waits there, safe. Mail needs SMTP.
  std::vector<jobs::OutboxRoute> outbox_routes;
  std::unique_ptr<integrations::SmtpMailer> mailer;
  if (!config.smtp.host.empty()) {
    mailer = std::make_unique<integrations::SmtpMailer>(config.smtp, clock);
    outbox_routes.push_back(jobs::MailRoute(*mailer));
  } else {
    log::Say("warning", "smtp", "tenure: no SMTP host configured: emails wait in the outbox");
  }
  if (app.discord) {
    app::DiscordService& discord = *app.discord;
    outbox_routes.push_back({app::kDiscordRolesKind,
                             [&discord](const nlohmann::json& p) { return discord.SyncRoles(p); }});
    outbox_routes.push_back({app::kDiscordCheckoutKind, [&discord](const nlohmann::json& p) {
                               return discord.PostCheckout(p);
                             }});
  }
  std::unique_ptr<jobs::OutboxDispatcher> dispatcher;
  std::unique_ptr<jobs::PeriodicWorker> outbox_worker;
  if (!outbox_routes.empty()) {
    dispatcher = std::make_unique<jobs::OutboxDispatcher>(store, clock, std::move(outbox_routes));
    outbox_worker = std::make_unique<jobs::PeriodicWorker>(
        "outbox", [&] { return dispatcher->RunOnce(); },
        std::chrono::milliseconds(config.outbox_interval_ms));
  }
  // The renewal job on the Clock: charges due auto-renewals, dunning, reminders, notices.
  jobs::RenewalJob renewal_job(store, app.billing, clock, config.license);
  // Rate-limit counters are kept two days: a window is at most a day, and the one before it
  // is still read.
  jobs::PeriodicWorker housekeeping(
      "housekeeping",
      [&] {
        const int64_t removed = app.accounts.PruneExpiredSessions() +
                                app.security.PruneExpiredTokens() +
                                app::PruneRateLimits(store, clock.Now(), Seconds(2 * 24 * 3600));
        return static_cast<int>(removed > 0);
      },
      std::chrono::hours(1));
  // SQLite's write-ahead log, truncated whenever it holds more than 8 MiB, looked at five
  // times a second whatever the readers do (issue 13): under a sustained write load it stays
  // within a fraction of a second's writes. A pass that found another checkpoint running (a
  // writer's own) tries once more a moment later rather than a fifth of a second later.
  jobs::PeriodicWorker wal_checkpoint(
      "wal checkpoint",
      [&] {
        if (!store.CheckpointWal(8 << 20)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          (void)store.CheckpointWal(8 << 20);
        }
        return 0;  // nothing to log: a checkpoint is upkeep, not a job step
      },
      std::chrono::milliseconds(200));
  jobs::PeriodicWorker renewal_worker(
      "renewal job", [&] { return renewal_job.RunOnce().claimed; },
      std::chrono::milliseconds(config.renewal_interval_seconds * 1000));
  // Machines whose heartbeat lapsed lose their slot and session (issue 9); the API already
  // refuses them in between, this records it and frees the rows.
  jobs::PeriodicWorker machine_sweeper(
      "machine sweeper", [&] { return app.machines.EndLapsed(); }, std::chrono::seconds(30));
  // Discord (issue 11): licenses that crossed the end of grace (or came back) get their roles
  // synced; every member's roles are compared with Discord now and then, to undo drift.
  std::unique_ptr<jobs::PeriodicWorker> discord_changes;
  std::unique_ptr<jobs::PeriodicWorker> discord_reconcile;
  if (app.discord) {
    discord_changes = std::make_unique<jobs::PeriodicWorker>(
        "discord license changes", [&] { return app.discord->NoticeLicenseChanges(); },
        std::chrono::seconds(config.discord.sync_interval_seconds));
    discord_reconcile = std::make_unique<jobs::PeriodicWorker>(
        "discord reconcile",
        [&] {
          app.discord->ResyncEveryone(app::Actor::System());
          return 0;  // one pass per interval, however many it queued
        },
        std::chrono::seconds(config.discord.reconcile_interval_seconds));
  }
  std::unique_ptr<jobs::PeriodicWorker> stripe_worker;
  if (app.stripe_webhooks)
    stripe_worker = std::make_unique<jobs::PeriodicWorker>(
        "stripe events", [&] { return app.stripe_webhooks->ProcessPending(); },
        std::chrono::milliseconds(2000));
  http::ServerOptions options{
      .address = config.listen_address,
      .port = config.listen_port,
      .io_threads = config.http_threads,
      .slow_threads = config.hash_threads,
      .max_body_bytes = config.max_body_bytes,
      .max_target_bytes = static_cast<size_t>(config.max_target_bytes),
      .max_header_bytes = static_cast<size_t>(config.max_header_bytes),
      .max_connections = static_cast<size_t>(config.max_connections),
      .max_connections_per_address = static_cast<size_t>(config.limits.max_connections_per_address),
      .trusted_proxies = config.limits.trusted_proxies,
      .idle_timeout = std::chrono::seconds(config.idle_timeout_seconds),
      .header_timeout = std::chrono::seconds(config.header_timeout_seconds),
      .request_timeout = std::chrono::seconds(config.request_timeout_seconds),
      .min_body_bytes_per_second = config.limits.min_body_bytes_per_second,
      .body_policy = [&web](std::string_view method, std::string_view path,
                            const http::Headers& headers) {
        return web.PlanBody(method, path, headers);
      }};
  http::Serve(
      options, [&web](http::Request& r) { return web.Handle(r); },
      [&web](const http::Request& r) { return web.IsSlow(r); },
      [&web](http::Request& r, http::Overload why) { return web.Overloaded(r, why); },
      [&] {
        log::Say("info", "listening",
                 fmt::format("tenure: listening on http://{}:{} (public URL {})",
                             config.listen_address, config.listen_port, config.public_url));
      });
  renewal_worker.Stop();
  wal_checkpoint.Stop();
  housekeeping.Stop();
  machine_sweeper.Stop();
  if (stripe_worker) stripe_worker->Stop();
  if (discord_changes) discord_changes->Stop();
  if (discord_reconcile) discord_reconcile->Stop();
  if (outbox_worker) outbox_worker->Stop();
  log::Say("info", "stopped", "tenure: stopped");
  return 0;
}

}  // namespace tenure::cli
