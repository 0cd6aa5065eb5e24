#pragma once
// The license record and its derived status (PRODUCT.md: The license, "License rules in one
// table"). Status is never stored: it follows from the dates, except a dispute suspension.
#include <optional>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "domain/license_policy.hpp"

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
  // Edit Instances -> fewer from the next renewal: the count that renewal charges and starts
  // with (issue 9). Unset: the same as now.
  std::optional<int> instances_at_renewal;
  // The last use of Deactivate license, for its cooldown.
  std::optional<Instant> deactivated_at;
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

// When the next automatic charge is due, if auto-renew is on and the license has a date.
std::optional<Instant> AutoRenewalDueAt(const License& license, const LicensePolicy& policy);

LicenseStatus StatusAt(const License& license, Instant now, Seconds grace = kDefaultGrace);
// The end of the grace period: the program may run until then (nullopt: never bought).
std::optional<Instant> GraceEndsAt(const License& license, Seconds grace = kDefaultGrace);
// The instances the next renewal charges and starts with.
inline int InstancesAtRenewal(const License& license) {
  return license.instances_at_renewal.value_or(license.instances);
}
// Whether the program may run (PRODUCT.md table: "the program" column).
bool ProgramAllowed(LicenseStatus status);

std::string_view StatusName(LicenseStatus status);   // "grace"
std::string_view StatusLabel(LicenseStatus status);  // "Grace period", for people
std::string_view AutoRenewOffReasonName(AutoRenewOffReason reason);
std::optional<AutoRenewOffReason> ParseAutoRenewOffReason(std::string_view name);

}  // namespace tenure::domain
