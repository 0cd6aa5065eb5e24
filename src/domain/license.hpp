#pragma once
// The license record and its derived status (PRODUCT.md: The license, "License rules in one
// table"). Status is never stored: it follows from the dates, except a dispute suspension.
#include <optional>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/time.hpp"

namespace tenure::domain {

enum class LicenseStatus {
  kNone,       // never purchased: no expiration date yet
  kActive,     // now < expires_at
  kGrace,      // expires_at <= now < expires_at + grace
  kExpired,    // now >= expires_at + grace
  kSuspended,  // a payment dispute is open; overrides the rest
};

// Why auto-renew was turned off (Stripe's cancellation_details.reason vocabulary).
enum class AutoRenewOffReason { kNone, kCancellationRequested, kPaymentFailed, kPaymentDisputed };

struct License {
  LicenseId id;
  UserId user_id;
  std::optional<Instant> expires_at;
  bool auto_renew = false;
  AutoRenewOffReason auto_renew_off_reason = AutoRenewOffReason::kNone;
  int instances = 1;  // 1 included
  std::optional<Instant> suspended_at;
  // Dunning for the current period (PRODUCT.md: a failed charge retries on a schedule).
  int dunning_failures = 0;
  std::optional<Instant> dunning_first_failed_at;
  std::optional<Instant> next_attempt_at;  // an automatic charge waits until then
  // Emails already sent for a period (its expires_at), so each goes once.
  std::optional<int64_t> reminded_period;
  std::optional<int64_t> expired_notice_period;
  Instant created_at;
  Instant updated_at;
};

inline constexpr Seconds kDefaultGrace{24 * 60 * 60};

// The seller's terms (PRODUCT.md: price, grace, auto-renew lead); configurable.
struct LicensePolicy {
  Money monthly_price = Money::Cents(5000);
  Money instance_price = Money::Cents(5000);
  Seconds grace = kDefaultGrace;
  Seconds renewal_lead{24 * 60 * 60};  // an auto-renewal is due at expires_at - lead
  Money reactivation_fee = Money::Cents(0);
  Seconds reactivation_after{14 * 24 * 60 * 60};  // the fee applies past expires_at + this
  // Failed automatic charges are retried this long after the first failure; after the last
  // one fails, auto-renew turns off (PRODUCT.md: dunning).
  std::vector<Seconds> dunning_retries{std::chrono::days(1), std::chrono::days(3),
                                       std::chrono::days(5)};
  Seconds reminder_before{3 * 24 * 60 * 60};  // the renewal reminder email
};

// When the next automatic charge is due, if auto-renew is on and the license has a date.
std::optional<Instant> AutoRenewalDueAt(const License& license, const LicensePolicy& policy);

LicenseStatus StatusAt(const License& license, Instant now, Seconds grace = kDefaultGrace);
// Whether the program may run (PRODUCT.md table: "the program" column).
bool ProgramAllowed(LicenseStatus status);

std::string_view StatusName(LicenseStatus status);   // "grace"
std::string_view StatusLabel(LicenseStatus status);  // "Grace period", for people
std::string_view AutoRenewOffReasonName(AutoRenewOffReason reason);
std::optional<AutoRenewOffReason> ParseAutoRenewOffReason(std::string_view name);

}  // namespace tenure::domain
