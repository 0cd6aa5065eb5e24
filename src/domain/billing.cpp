#include "domain/billing.hpp"

#include "domain/lifecycle.hpp"

namespace tenure::domain {

int64_t PeriodKey(const License& license) {
  return license.expires_at ? ToUnix(*license.expires_at) : 0;
}

Money MonthlyPrice(const License& license, const LicensePolicy& policy) {
  return policy.monthly_price + policy.instance_price * (InstancesAtRenewal(license) - 1);
}

RenewalPlan PlanRenewal(const License& license, Instant now, const LicensePolicy& policy,
                        const TimeZone& zone) {
  const Instant from = RenewalBase(license, now, policy.grace);
  const bool fee = license.expires_at && now > *license.expires_at + policy.reactivation_after;
  return RenewalPlan{.period_key = PeriodKey(license),
                     .extends_from = from,
                     .new_expires_at = zone.AddMonths(from, 1),
                     .price = MonthlyPrice(license, policy),
                     .reactivation_fee = fee ? policy.reactivation_fee : Money::Cents(0)};
}

int DaysRemaining(Instant now, Instant expires_at) {
  if (expires_at <= now) return 0;
  constexpr int64_t kDay = int64_t{24} * 3600;
  return static_cast<int>(((expires_at - now).count() + kDay - 1) / kDay);
}

Money ProrateInstances(Money monthly_price, int count, Instant now, Instant expires_at) {
  const int64_t numerator = monthly_price.cents() * count * DaysRemaining(now, expires_at);
  return Money::Cents((numerator * 2 + 30) / 60);  // numerator / 30, half up
}

std::optional<PaidPeriod> PeriodPaid(ChargeKind kind, ChargeStatus status, int64_t period_key,
                                     std::optional<Instant> new_expires_at, Instant paid_at,
                                     Seconds grace) {
  if (status != ChargeStatus::kSucceeded) return std::nullopt;
  if (!MovesExpiry(kind)) {
    if (period_key == 0) return std::nullopt;
    return PaidPeriod{.from = paid_at, .to = FromUnix(period_key)};
  }
  if (!new_expires_at) return std::nullopt;
  License before;
  if (period_key != 0) before.expires_at = FromUnix(period_key);
  return PaidPeriod{.from = RenewalBase(before, paid_at, grace), .to = *new_expires_at};
}

std::optional<Instant> NextDunningAttempt(Instant first_failed_at, int failures,
                                          const LicensePolicy& policy) {
  if (failures < 1 || failures > static_cast<int>(policy.dunning_retries.size()))
    return std::nullopt;
  return first_failed_at + policy.dunning_retries[failures - 1];
}

}  // namespace tenure::domain
