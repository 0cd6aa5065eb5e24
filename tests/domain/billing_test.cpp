#include "domain/billing.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

using namespace std::chrono;

Instant At(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }
TimeZone Zone(std::string_view name) { return TimeZone::Find(name).value(); }

struct MonthCase {
  const char* zone;
  const char* from;
  const char* to;
};

// Calendar months on the customer's own calendar (PRODUCT.md: month arithmetic).
TEST(AddMonths, CalendarCorrectInEveryZone) {
  for (const MonthCase& c : {
           MonthCase{"Etc/UTC", "2027-01-31T10:00:00Z", "2027-02-28T10:00:00Z"},
           MonthCase{"Etc/UTC", "2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z"},  // leap year
           MonthCase{"Etc/UTC", "2028-02-29T10:00:00Z", "2028-03-29T10:00:00Z"},
           MonthCase{"Etc/UTC", "2027-03-31T00:00:00Z", "2027-04-30T00:00:00Z"},
           MonthCase{"Etc/UTC", "2026-12-15T23:59:59Z", "2027-01-15T23:59:59Z"},  // year end
           // New York: 10:00 local stays 10:00 local across the March DST change.
           MonthCase{"America/New_York", "2027-02-14T15:00:00Z", "2027-03-14T14:00:00Z"},
           MonthCase{"America/New_York", "2027-10-20T14:00:00Z", "2027-11-20T15:00:00Z"},
           // UTC-12: Jan 31 local is Feb 1 UTC; the local month-end clamps.
           MonthCase{"Etc/GMT+12", "2027-02-01T11:00:00Z", "2027-03-01T11:00:00Z"},
           MonthCase{"Etc/GMT+12", "2027-01-31T11:00:00Z", "2027-03-01T11:00:00Z"},
           // UTC+14: Jan 31 local (Jan 30 UTC) + 1 month = Feb 28 local.
           MonthCase{"Pacific/Kiritimati", "2027-01-30T11:00:00Z", "2027-02-27T11:00:00Z"},
       }) {
    EXPECT_EQ(FormatRfc3339(Zone(c.zone).AddMonths(At(c.from), 1)), c.to)
        << c.zone << " " << c.from;
  }
}

TEST(AddMonths, ALocalTimeInTheDstGapMovesForward) {
  // 02:30 on 2027-03-14 does not exist in New York: it becomes 03:00 EDT (07:00Z).
  const Instant feb = At("2027-02-14T07:30:00Z");  // 02:30 EST
  EXPECT_EQ(FormatRfc3339(Zone("America/New_York").AddMonths(feb, 1)), "2027-03-14T07:00:00Z");
}

TEST(AddMonths, UnknownZonesAreRefused) { EXPECT_FALSE(TimeZone::Find("Mars/Olympus")); }

License Active(Instant expires, int instances = 1) {
  License l;
  l.expires_at = expires;
  l.instances = instances;
  return l;
}

TEST(PlanRenewal, EarlyRenewalExtendsTheDate) {
  const LicensePolicy policy;
  const auto plan = PlanRenewal(Active(At("2027-01-31T10:00:00Z")), At("2027-01-20T00:00:00Z"),
                                policy, TimeZone::Utc());
  EXPECT_EQ(plan.period_key, ToUnix(At("2027-01-31T10:00:00Z")));
  EXPECT_EQ(FormatRfc3339(plan.new_expires_at), "2027-02-28T10:00:00Z");
  EXPECT_EQ(plan.amount().cents(), 5000);
}

TEST(PlanRenewal, InGraceExtendsFromExpiryAfterGraceFromNow) {
  const LicensePolicy policy;  // grace 1 day
  const Instant expires = At("2027-03-10T12:00:00Z");
  const auto in_grace = PlanRenewal(Active(expires), expires + hours(23), policy, TimeZone::Utc());
  EXPECT_EQ(in_grace.extends_from, expires) << "no day lost or gained";
  EXPECT_EQ(FormatRfc3339(in_grace.new_expires_at), "2027-04-10T12:00:00Z");
  const Instant later = expires + hours(25);
  const auto lapsed = PlanRenewal(Active(expires), later, policy, TimeZone::Utc());
  EXPECT_EQ(lapsed.extends_from, later);
  EXPECT_EQ(FormatRfc3339(lapsed.new_expires_at), "2027-04-11T13:00:00Z");
  EXPECT_EQ(lapsed.period_key, ToUnix(expires)) << "the period is the date it extends from";
}

TEST(PlanRenewal, FirstPurchaseStartsNow) {
  const LicensePolicy policy;
  const auto plan = PlanRenewal(License{}, At("2027-01-31T08:00:00Z"), policy, TimeZone::Utc());
  EXPECT_EQ(plan.period_key, 0);
  EXPECT_EQ(FormatRfc3339(plan.new_expires_at), "2027-02-28T08:00:00Z");
}

TEST(PlanRenewal, ReactivationFeeOnlyMoreThanFourteenDaysLate) {
  LicensePolicy policy;
  policy.reactivation_fee = Money::Cents(1500);
  const Instant expires = At("2027-05-01T00:00:00Z");
  EXPECT_EQ(PlanRenewal(Active(expires), expires + days(14), policy, TimeZone::Utc())
                .reactivation_fee.cents(),
            0);
  const auto late =
      PlanRenewal(Active(expires), expires + days(14) + seconds(1), policy, TimeZone::Utc());
  EXPECT_EQ(late.reactivation_fee.cents(), 1500);
  EXPECT_EQ(late.amount().cents(), 6500);
  policy.reactivation_fee = Money::Cents(0);  // the default
  EXPECT_EQ(
      PlanRenewal(Active(expires), expires + days(40), policy, TimeZone::Utc()).amount().cents(),
      5000);
}

TEST(PlanRenewal, EveryInstanceRenews) {
  const LicensePolicy policy;
  const auto plan = PlanRenewal(Active(At("2027-05-01T00:00:00Z"), 3), At("2027-04-01T00:00:00Z"),
                                policy, TimeZone::Utc());
  EXPECT_EQ(plan.amount().cents(), 15000);
}

TEST(Prorate, TheProductExamplesAndTheRoundingRule) {
  const Instant now = At("2027-01-01T00:00:00Z");
  const Money price = Money::Cents(5000);
  EXPECT_EQ(ProrateInstances(price, 1, now, now + days(60)).cents(), 10000);
  EXPECT_EQ(ProrateInstances(price, 1, now, now + days(15)).cents(), 2500);
  EXPECT_EQ(ProrateInstances(price, 2, now, now + days(15)).cents(), 5000);
  EXPECT_EQ(ProrateInstances(price, 1, now, now + days(59) + hours(1)).cents(), 10000)
      << "a started day counts";
  EXPECT_EQ(ProrateInstances(price, 1, now, now + days(1)).cents(), 167) << "166.67 rounds up";
  EXPECT_EQ(ProrateInstances(Money::Cents(1000), 1, now, now + days(1)).cents(), 33);   // 33.33
  EXPECT_EQ(ProrateInstances(Money::Cents(4500), 1, now, now + days(1)).cents(), 150);  // 150.0
  EXPECT_EQ(ProrateInstances(Money::Cents(3), 1, now, now + days(5)).cents(), 1);       // 0.5 -> 1
  EXPECT_EQ(ProrateInstances(price, 1, now, now).cents(), 0);
  EXPECT_EQ(ProrateInstances(price, 1, now, now - days(3)).cents(), 0);
}

TEST(Dunning, RetriesAtOneThreeAndFiveDaysThenStops) {
  const LicensePolicy policy;
  const Instant first = At("2027-06-01T00:00:00Z");
  EXPECT_EQ(NextDunningAttempt(first, 1, policy), first + days(1));
  EXPECT_EQ(NextDunningAttempt(first, 2, policy), first + days(3));
  EXPECT_EQ(NextDunningAttempt(first, 3, policy), first + days(5));
  EXPECT_FALSE(NextDunningAttempt(first, 4, policy));
  EXPECT_FALSE(NextDunningAttempt(first, 0, policy));
}

// Issue 14 item 7: the period each row of the payment history and each receipt names. The
// instance row used to show its end date as "Period from", and a first month "—".
TEST(PeriodPaid, AMonthStartsWhereTheLifecycleStartedIt) {
  const Seconds grace = hours(24);
  const Instant expires = At("2027-01-31T10:00:00Z");
  const Instant next = At("2027-02-28T10:00:00Z");
  const int64_t key = ToUnix(expires);
  using enum ChargeKind;
  const auto paid = [&](ChargeKind kind, int64_t period, std::optional<Instant> to, Instant at) {
    return PeriodPaid(kind, ChargeStatus::kSucceeded, period, to, at, grace);
  };
  // Charged a day early (auto-renewal) or renewed early: from the old expiration date.
  const auto early = paid(kAutoRenewal, key, next, expires - days(1));
  ASSERT_TRUE(early);
  EXPECT_EQ(early->from, expires);
  EXPECT_EQ(early->to, next);
  EXPECT_EQ(paid(kRenewal, key, next, expires - days(20))->from, expires);
  // In grace, still from the old date: no day lost or gained.
  EXPECT_EQ(paid(kRenewal, key, next, expires + hours(23))->from, expires);
  // Past grace, and a first purchase (no old date): from the payment.
  const Instant late = expires + hours(25);
  EXPECT_EQ(paid(kRenewal, key, late + days(28), late)->from, late);
  const Instant bought = At("2027-03-05T08:00:00Z");
  const auto first = paid(kPurchase, 0, At("2027-04-05T08:00:00Z"), bought);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->from, bought);
  EXPECT_EQ(first->to, At("2027-04-05T08:00:00Z"));
}

TEST(PeriodPaid, InstancesRunFromTheirPaymentToTheSharedDate) {
  const Instant bought = At("2027-01-01T12:00:00Z");
  const Instant expires = At("2027-01-31T10:00:00Z");
  const auto period = PeriodPaid(ChargeKind::kInstances, ChargeStatus::kSucceeded, ToUnix(expires),
                                 std::nullopt, bought, hours(24));
  ASSERT_TRUE(period);
  EXPECT_EQ(period->from, bought);
  EXPECT_EQ(period->to, expires);
}

TEST(PeriodPaid, AChargeThatDidNotSucceedPaidForNothing) {
  const Instant at = At("2027-01-01T12:00:00Z");
  for (const auto status : {ChargeStatus::kFailed, ChargeStatus::kPending}) {
    EXPECT_FALSE(PeriodPaid(ChargeKind::kRenewal, status, ToUnix(at), std::nullopt, at, hours(24)));
    EXPECT_FALSE(
        PeriodPaid(ChargeKind::kInstances, status, ToUnix(at), std::nullopt, at, hours(24)));
  }
}

}  // namespace
}  // namespace tenure::domain
