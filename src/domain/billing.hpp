#pragma once
// The money and time of a license (PRODUCT.md: The license, Payments). Pure: callers pass
// `now` and the customer's time zone; nothing here reads a clock or a database.
#include <optional>

#include "core/money.hpp"
#include "core/time_zone.hpp"
#include "domain/charge.hpp"
#include "domain/license.hpp"

namespace tenure::domain {

// A renewal's period is identified by the expires_at it extends from (0 for a first purchase):
// one period is charged at most once.
int64_t PeriodKey(const License& license);

struct RenewalPlan {
  int64_t period_key;
  Instant extends_from;  // expires_at, or now when lapsed past grace (or never bought)
  Instant new_expires_at;
  Money price;  // the month, every instance included
  Money reactivation_fee;
  Money amount() const { return price + reactivation_fee; }
};

// The next month of the license, every instance it will have included (PRODUCT.md: price,
// instances; a removal chosen in Edit Instances counts from here).
Money MonthlyPrice(const License& license, const LicensePolicy& policy);

// Renew now: one calendar month on the expiration date while active or in grace, on `now`
// once lapsed past grace. The fee applies only more than `reactivation_after` past expiry.
RenewalPlan PlanRenewal(const License& license, Instant now, const LicensePolicy& policy,
                        const TimeZone& zone);

// Extra instances until the shared expiration date: price x count x days remaining / 30,
// in whole cents. Days remaining count started days (59 days and 1 hour is 60 days); the one
// rounding rule is half up to the cent. 100.00 at 60 days, 25.00 at 15 (for 50.00).
Money ProrateInstances(Money monthly_price, int count, Instant now, Instant expires_at);
int DaysRemaining(Instant now, Instant expires_at);

// The time a succeeded charge paid for (issue 14 item 7: receipts and the payment history).
struct PaidPeriod {
  Instant from;
  Instant to;
};
// A month starts where the lifecycle started it when the payment was recorded (RenewalBase):
// at the expiration date it extended (`period_key`) if paid before that date's grace ended,
// else at the payment (`paid_at`; a first purchase too); it ends at `new_expires_at`. Extra
// instances run from their payment to the shared expiration date they were bought until
// (their `period_key`). Nothing for a charge that did not succeed.
std::optional<PaidPeriod> PeriodPaid(ChargeKind kind, ChargeStatus status, int64_t period_key,
                                     std::optional<Instant> new_expires_at, Instant paid_at,
                                     Seconds grace);

// Dunning: after the first failure at `first_failed_at` and `failures` failed attempts so far,
// when to try again; nothing once the schedule is used up (auto-renew then turns off).
std::optional<Instant> NextDunningAttempt(Instant first_failed_at, int failures,
                                          const LicensePolicy& policy);

}  // namespace tenure::domain
