// The business page's cost at scale (issue 14 item 3): N licenses with two years of history
// (a purchase, monthly automatic renewals with 5% declined once and paid by the retry, 2%
// declined for good, 3% a month cancelled with a reason, a few granted days, the cancel funnel
// steps of those who opened Cancel). Times ComputeBusinessReport alone (12 and 36 months), and
// the whole ReportService::Business on SQLite (reading every row, then computing), which is
// what one admin's page view costs. Fixed seed: the same data on every run.
//
//   ninja -C build -j2 business_report_bench && build/tests/business_report_bench [N]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "app/reports.hpp"
#include "core/clock.hpp"
#include "domain/business_metrics.hpp"
#include "storage/connection.hpp"
#include "storage/sql_store.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

#include <unistd.h>

namespace {

using namespace tenure;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::days;

const Instant kNow =
    Instant(std::chrono::sys_days(std::chrono::year(2026) / 12 / 3).time_since_epoch());

domain::BusinessInputs MakeHistory(int licenses) {
  std::mt19937_64 rng(20261203);
  std::uniform_real_distribution<double> u(0, 1);
  domain::BusinessInputs in{.now = kNow};
  for (int l = 1; l <= licenses; ++l) {
    Instant at = kNow - days(730) + days(static_cast<int>(u(rng) * 700));
    Instant until = at + days(30);
    in.charges.push_back({.license_id = l,
                          .kind = domain::ChargeKind::kPurchase,
                          .status = domain::ChargeStatus::kSucceeded,
                          .amount_cents = 5000,
                          .at = at,
                          .new_expires_at = until});
    for (int64_t period = 1; until < kNow; ++period) {
      const Instant due = until - days(1);
      const double roll = u(rng);
      if (roll < 0.02) break;  // declined for good: lapses
      int attempt = 1;
      if (roll < 0.07) {
        in.charges.push_back({.license_id = l,
                              .kind = domain::ChargeKind::kAutoRenewal,
                              .status = domain::ChargeStatus::kFailed,
                              .period_key = period,
                              .attempt = attempt++,
                              .amount_cents = 5000,
                              .at = due});
      }
      until += days(30);
      in.charges.push_back({.license_id = l,
                            .kind = domain::ChargeKind::kAutoRenewal,
                            .status = domain::ChargeStatus::kSucceeded,
                            .period_key = period,
                            .attempt = attempt,
                            .amount_cents = 5000,
                            .at = due + days(attempt - 1),
                            .new_expires_at = until});
      if (u(rng) < 0.03) {
        in.cancellations.push_back(
            {.reason = domain::AllCancelReasons()[l % 8], .at = due + days(3)});
        in.funnel.push_back(
            {.user_id = l, .step = domain::FunnelStep::kOpened, .at = due + days(3)});
        in.funnel.push_back(
            {.user_id = l, .step = domain::FunnelStep::kConfirmed, .at = due + days(3)});
        break;
      }
      if (u(rng) < 0.01)
        in.grants.push_back({.license_id = l, .at = due, .expires_after = until + days(7)});
    }
  }
  return in;
}

template <typename F>
double MedianMs(int rounds, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < rounds; ++i) {
    const auto start = SteadyClock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
  }
  std::ranges::sort(ms);
  return ms[ms.size() / 2];
}

// The history as rows of a SQLite database, through plain INSERTs in one transaction.
void StoreHistory(storage::Connection& conn, const domain::BusinessInputs& in, int licenses) {
  std::string sql = "BEGIN;";
  for (int l = 1; l <= licenses; ++l)
    sql += fmt::format(
        "INSERT INTO users (id, email, password_hash, role, terms_version, terms_accepted_at, "
        "created_at) VALUES ({0}, 'c{0}@example.com', 'x', 'customer', 't', 0, 0);"
        "INSERT INTO licenses (id, user_id, expires_at, created_at, updated_at) "
        "VALUES ({0}, {0}, {1}, 0, 0);",
        l, ToUnix(kNow));
  int key = 0;
  for (const auto& c : in.charges)
    sql += fmt::format(
        "INSERT INTO charges (user_id, license_id, kind, period_key, attempt, idempotency_key, "
        "amount_cents, currency, status, provider, payment_method_ref, terms_version, "
        "new_expires_at, created_at, updated_at) VALUES ({0}, {0}, '{1}', {2}, {3}, 'k{4}', {5}, "
        "'usd', '{6}', 'offline', 'pm', 't', {7}, {8}, {8});",
        c.license_id, domain::ChargeKindName(c.kind), c.period_key, c.attempt, ++key,
        c.amount_cents, domain::ChargeStatusName(c.status),
        c.new_expires_at ? std::to_string(ToUnix(*c.new_expires_at)) : "NULL", ToUnix(c.at));
  for (const auto& f : in.funnel)
    sql += fmt::format("INSERT INTO cancel_funnel (user_id, step, at) VALUES ({}, '{}', {});",
                       f.user_id, domain::FunnelStepName(f.step), ToUnix(f.at));
  sql += "COMMIT;";
  conn.ExecScript(sql);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 10000;
  const auto built = SteadyClock::now();
  domain::BusinessInputs in = MakeHistory(n);
  std::printf(
      "%d licenses: %zu charges, %zu grants, %zu cancellations, %zu funnel steps (%.0f ms to "
      "make)\n",
      n, in.charges.size(), in.grants.size(), in.cancellations.size(), in.funnel.size(),
      std::chrono::duration<double, std::milli>(SteadyClock::now() - built).count());
  for (int months : {12, 36}) {
    in.months = months;
    const double ms = MedianMs(5, [&] { (void)domain::ComputeBusinessReport(in); });
    std::printf("ComputeBusinessReport, %2d months: median %.1f ms (5 rounds)\n", months, ms);
  }

  // What one page view costs: every row read from SQLite, then the figures.
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("tenure-business-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "bench.db").string();
  FakeClock clock(kNow);
  {
    auto store = storage::OpenStore("sqlite://" + path, clock);
    store->Migrate();
    const auto stored = SteadyClock::now();
    StoreHistory(*storage::OpenSqlite(path), in, n);
    std::printf("stored in SQLite in %.0f ms\n",
                std::chrono::duration<double, std::milli>(SteadyClock::now() - stored).count());
    const domain::LicensePolicy policy;
    app::ReportService reports(*store, clock, policy);
    const domain::User admin{.role = domain::Role::kAdmin};
    for (int months : {12, 36}) {
      const double ms = MedianMs(3, [&] { (void)reports.Business(admin, months); });
      std::printf("ReportService::Business on SQLite, %2d months: median %.1f ms (3 rounds)\n",
                  months, ms);
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
