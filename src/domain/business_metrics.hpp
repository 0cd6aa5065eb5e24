#pragma once
// The seller's business figures (issue 14 item 3), computed from what was charged, granted and
// cancelled and from the cancel funnel's record, month by month (UTC months). Pure: storage
// hands the rows in, staff pages draw what comes out, and a fixture checks it to the cent
// (tests/domain/business_metrics_test.cpp). The definitions are the help page's
// (docs/operators/business-metrics.md); each field below says which one it is.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "domain/cancellation.hpp"
#include "domain/charge.hpp"

namespace tenure::domain {

using Month = std::chrono::year_month;

Month MonthOf(Instant t);         // its UTC month
Instant MonthStart(Month m);      // 00:00 UTC on the 1st
std::string MonthLabel(Month m);  // "March 2026"

// One attempt to take money, as charges hold it.
struct ChargeRecord {
  int64_t license_id = 0;
  ChargeKind kind = ChargeKind::kPurchase;
  ChargeStatus status = ChargeStatus::kPending;
  int64_t period_key = 0;
  int attempt = 1;
  int64_t amount_cents = 0;
  Instant at;                             // when it was attempted
  std::optional<Instant> new_expires_at;  // set by a succeeded renewal of any kind
};

// Days staff granted: the license ran until `expires_after` from `at`.
struct GrantRecord {
  int64_t license_id = 0;
  Instant at;
  Instant expires_after;
};

// A license as it stands. Only one with neither a charge nor granted days needs it (made by
// `tenure demo`, or brought in from elsewhere): it counts as active from its creation to its end.
struct LicenseRecord {
  int64_t license_id = 0;
  Instant created_at;
  std::optional<Instant> expires_at;
};

struct CancellationRecord {
  CancelReason reason = CancelReason::kOther;
  Instant at;
};

// The steps of the cancel journey (PRODUCT.md) a customer took, recorded apart from the
// license (storage's cancel_funnel table, append-only): opening Cancel on Home, opening a ticket
// on its support-first screen, Continue to Cancel, Confirm Cancel; and Subscribe, which turns
// auto-renew back on after a cancellation.
enum class FunnelStep { kOpened, kTicket, kContinued, kConfirmed, kResubscribed };
std::string_view FunnelStepName(FunnelStep step);  // opened | ticket | continued | ...
std::optional<FunnelStep> ParseFunnelStep(std::string_view name);

struct FunnelRecord {
  int64_t user_id = 0;
  FunnelStep step = FunnelStep::kOpened;
  Instant at;
};

struct BusinessInputs {
  std::vector<ChargeRecord> charges;  // every charge of every license, any status
  std::vector<GrantRecord> grants;
  std::vector<LicenseRecord> licenses;
  std::vector<CancellationRecord> cancellations;
  std::vector<FunnelRecord> funnel;
  Seconds grace{24 * 60 * 60};  // a license lapses this long after its end without a renewal
  Instant now;
  int months = 12;  // the months reported: this many, ending with now's
};

struct MonthFigures {
  Month month;
  // At the month's end (at `now` for the current month): licenses whose paid or granted time
  // runs past that instant, and the sum of what each paid for its latest month.
  int64_t active_licenses = 0;
  int64_t mrr_cents = 0;
  // Licenses counted once a month each: first paid month (new); paid again while still within
  // their time or grace (renewed); reached the end of grace with nothing more paid or granted
  // (lapsed, in the month grace ended); paid again after having lapsed (reactivated).
  int64_t new_licenses = 0;
  int64_t renewed = 0;
  int64_t lapsed = 0;
  int64_t reactivated = 0;
  // Every succeeded charge, by the month it was made.
  int64_t revenue_cents = 0;
  // Automatic renewals by the month of their first attempt: periods tried, periods paid in
  // the end, and those paid by a retry after a decline (recovered by dunning) with their sum.
  int64_t renewals_tried = 0;
  int64_t renewals_paid = 0;
  int64_t recovered = 0;
  int64_t recovered_cents = 0;
  std::map<CancelReason, int64_t> cancellations;  // Confirm Cancel, by reason
};

// The cancel funnel of one month: customers (each once) who took each step that month, and
// the save rate of those who opened Cancel that month: saved when, 30 days after they first
// opened it that month, auto-renew was on (no Confirm Cancel since, or Subscribe after it).
// Split by whether they opened a ticket within those 30 days; a customer whose 30 days have
// not passed yet is `undecided`, in neither split.
struct FunnelMonth {
  Month month;
  int64_t opened = 0;
  int64_t opened_ticket = 0;
  int64_t continued = 0;
  int64_t confirmed = 0;
  int64_t decided_with_ticket = 0;
  int64_t saved_with_ticket = 0;
  int64_t decided_without_ticket = 0;
  int64_t saved_without_ticket = 0;
  int64_t undecided = 0;
};

struct BusinessReport {
  std::vector<MonthFigures> months;  // oldest first
  std::vector<FunnelMonth> funnel;   // the same months
};

inline constexpr Seconds kSaveWindow{30 * 24 * 60 * 60};

BusinessReport ComputeBusinessReport(const BusinessInputs& in);

}  // namespace tenure::domain
