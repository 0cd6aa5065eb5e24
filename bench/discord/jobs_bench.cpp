// Discord's background passes at scale (issue 11): how long one pass of the job that notices
// licenses crossing the end of grace takes with N bindings (nothing changed, and 10% changed),
// and how long the reconcile takes to queue a sync of everyone. SQLite in a temporary file, or
// PostgreSQL with --postgres URL (the database must be empty: run it in a schema of its own).
// Discord itself is not called: the passes only read the database and queue outbox rows.
//
//   ninja -C build -j2 discord_jobs_bench && build/tests/discord_jobs_bench [N] [--postgres URL]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "app/discord.hpp"
#include "app/store/discord_links.hpp"
#include "app/store/licenses.hpp"
#include "app/store/users.hpp"
#include "storage/sql_store.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace tenure;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::days;
using std::chrono::hours;

double Ms(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Never called: the passes measured here only read and queue.
class NoDiscord final : public app::DiscordApi {
 public:
  Result<app::DiscordTokens> ExchangeCode(std::string_view, std::string_view, std::string_view,
                                          Instant) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
  Result<app::DiscordTokens> Refresh(std::string_view, Instant) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
  Result<app::DiscordIdentity> Identify(std::string_view) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
  Result<std::optional<std::vector<std::string>>> MemberRoles(std::string_view) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
  Result<void> AddMember(std::string_view, std::string_view,
                         const std::vector<std::string>&) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
  Result<void> AddRole(std::string_view, std::string_view, std::string_view) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
  Result<void> RemoveRole(std::string_view, std::string_view, std::string_view) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
  Result<void> PostCheckout(const nlohmann::json&) override {
    return Fail(ErrorCode::kUnavailable, "bench");
  }
};

// N customers, each bound; one in ten has a license that ends in an hour (then crosses grace).
void Fill(app::Store& store, int n, Instant now) {
  constexpr int kBatch = 1000;
  for (int done = 0; done < n;) {
    auto uow = store.Begin(app::Actor::Cli());
    for (int i = 0; i < kBatch && done < n; ++i, ++done) {
      const std::string email = fmt::format("bench{}@example.com", done);
      const UserId user = *uow->users().Insert(domain::User{.email = email,
                                                            .password_hash = "x",
                                                            .terms_version = "2026-11-01",
                                                            .terms_accepted_at = now,
                                                            .created_at = now});
      const Instant ends = done % 10 == 0 ? now + hours(1) : now + days(20);
      uow->licenses().Insert(domain::License{
          .user_id = user, .expires_at = ends, .created_at = now, .updated_at = now});
      uow->discord_links().Insert(
          app::DiscordLink{.user_id = user,
                           .discord_user_id = std::to_string(100'000'000'000'000'000LL + done),
                           .username = email,
                           .tokens = {"a", "r", now + days(7)},
                           .bound_at = now,
                           .roles_wanted = true,
                           .sync_status = app::DiscordSyncStatus::kOk});
    }
    uow->Audit("bench.fill", "bench", nullptr, nullptr);
    uow->Commit();
  }
}

}  // namespace

int main(int argc, char** argv) {
  int n = 10'000;
  std::string url;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--postgres") == 0 && i + 1 < argc) {
      url = argv[++i];
    } else {
      n = std::stoi(argv[i]);
    }
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("tenure-discord-bench-{}", ::getpid());
  if (url.empty()) {
    std::filesystem::create_directories(dir);
    url = "sqlite://" + (dir / "bench.db").string();
  }
  const Instant start = std::chrono::sys_days(std::chrono::year(2026) / 12 / 2);
  FakeClock clock(start);
  auto store = storage::OpenStore(url, clock);
  store->Migrate();
  domain::LicensePolicy policy;
  NoDiscord api;
  app::DiscordService discord(*store, clock, api, {.client_id = "1", .paid_role_ids = {"2"}},
                              policy);

  auto t0 = SteadyClock::now();
  Fill(*store, n, start);
  std::printf("backend %s, %d bindings (filled in %.0f ms)\n",
              url.starts_with("sqlite") ? "sqlite" : "postgres", n, Ms(SteadyClock::now() - t0));

  t0 = SteadyClock::now();
  int queued = discord.NoticeLicenseChanges();
  std::printf("license-change pass, nothing changed: %.1f ms (%d queued, %.1f us per binding)\n",
              Ms(SteadyClock::now() - t0), queued, Ms(SteadyClock::now() - t0) * 1000 / n);

  clock.Advance(hours(1) + policy.grace);  // one in ten crosses the end of grace
  t0 = SteadyClock::now();
  queued = discord.NoticeLicenseChanges();
  std::printf("license-change pass, 10%% crossed grace: %.1f ms (%d queued)\n",
              Ms(SteadyClock::now() - t0), queued);

  t0 = SteadyClock::now();
  queued = discord.ResyncEveryone(app::Actor::System());
  std::printf("reconcile (queue a sync of everyone): %.1f ms (%d queued)\n",
              Ms(SteadyClock::now() - t0), queued);
  store.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
