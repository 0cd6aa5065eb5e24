// The seller's business figures against a fixture worked out by hand (issue 14 item 3: "matching
// a test fixture to the cent"). Four licenses over January to June 2026, each figure's reason
// written next to it.
#include "domain/business_metrics.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

Instant At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

ChargeRecord Paid(int64_t license, ChargeKind kind, const char* at, int64_t cents,
                  const char* until, int64_t period = 0, int attempt = 1) {
  return {.license_id = license,
          .kind = kind,
          .status = ChargeStatus::kSucceeded,
          .period_key = period,
          .attempt = attempt,
          .amount_cents = cents,
          .at = At(at),
          .new_expires_at = until ? std::optional(At(until)) : std::nullopt};
}

ChargeRecord Declined(int64_t license, const char* at, int64_t cents, int64_t period, int attempt) {
  return {.license_id = license,
          .kind = ChargeKind::kAutoRenewal,
          .status = ChargeStatus::kFailed,
          .period_key = period,
          .attempt = attempt,
          .amount_cents = cents,
          .at = At(at)};
}

FunnelRecord Step(int64_t user, FunnelStep step, const char* at) {
  return {.user_id = user, .step = step, .at = At(at)};
}

BusinessInputs Fixture() {
  using enum ChargeKind;
  BusinessInputs in;
  in.now = At("2026-06-15T12:00:00Z");
  in.months = 6;  // January to June 2026
  in.grace = std::chrono::days(1);
  in.charges = {
      // License 1: bought in January, renewed automatically in February, declined then paid
      // by the retry in March (recovered), cancelled in March; its time ends April 10 and
      // grace April 11 (lapsed in April).
      Paid(1, kPurchase, "2026-01-10T08:00:00Z", 5000, "2026-02-10T08:00:00Z", 1),
      Paid(1, kAutoRenewal, "2026-02-09T08:00:00Z", 5000, "2026-03-10T08:00:00Z", 2),
      Declined(1, "2026-03-09T08:00:00Z", 5000, 3, 1),
      Paid(1, kAutoRenewal, "2026-03-10T08:00:00Z", 5000, "2026-04-10T08:00:00Z", 3, 2),
      // License 2: two instances bought February 1, a third instance mid-month (prorated,
      // no new end), three declines of its automatic renewal (the period first tried in
      // February, never paid), lapsed March 2; paid again April 20 (reactivated), 7 days
      // granted in May, lapsed May 28.
      Paid(2, kPurchase, "2026-02-01T10:00:00Z", 10000, "2026-03-01T10:00:00Z", 1),
      Paid(2, kInstances, "2026-02-15T10:00:00Z", 2500, nullptr),
      Declined(2, "2026-02-28T10:00:00Z", 10000, 2, 1),
      Declined(2, "2026-03-02T10:00:00Z", 10000, 2, 2),
      Declined(2, "2026-03-04T10:00:00Z", 10000, 2, 3),
      Paid(2, kRenewal, "2026-04-20T10:00:00Z", 10000, "2026-05-20T10:00:00Z", 3),
      // License 4: bought half an hour before June, renewed early in June.
      Paid(4, kPurchase, "2026-05-31T23:30:00Z", 5000, "2026-06-30T23:30:00Z", 1),
      Paid(4, kRenewal, "2026-06-10T09:00:00Z", 5000, "2026-07-30T23:30:00Z", 2),
      // A pending charge counts nowhere.
      {.license_id = 4, .kind = kRenewal, .amount_cents = 5000, .at = At("2026-06-12T09:00:00Z")},
  };
  in.grants = {
      {.license_id = 2,
       .at = At("2026-05-18T10:00:00Z"),
       .expires_after = At("2026-05-27T10:00:00Z")},
      // License 3: staff granted days, never paid: active, but no revenue and not new.
      {.license_id = 3,
       .at = At("2026-06-01T09:00:00Z"),
       .expires_after = At("2026-06-30T09:00:00Z")},
  };
  in.licenses = {
      // License 5: neither charged nor granted (made by `tenure demo`): active from its
      // creation to its end, never new, no price. Licenses 1 and 2 are here too, as storage
      // hands every license in: their charges decide, not their record.
      {.license_id = 5,
       .created_at = At("2026-04-01T08:00:00Z"),
       .expires_at = At("2026-07-01T00:00:00Z")},
      {.license_id = 1,
       .created_at = At("2026-01-10T08:00:00Z"),
       .expires_at = At("2026-12-10T08:00:00Z")},
      {.license_id = 2,
       .created_at = At("2026-02-01T10:00:00Z"),
       .expires_at = At("2026-05-27T10:00:00Z")},
  };
  in.cancellations = {
      {.reason = CancelReason::kTooExpensive, .at = At("2026-03-20T12:00:00Z")},
      {.reason = CancelReason::kUnused, .at = At("2026-06-02T12:00:00Z")},
      {.reason = CancelReason::kUnused, .at = At("2025-12-31T23:59:59Z")},  // before the report
  };
  using enum FunnelStep;
  in.funnel = {
      // 101 opened Cancel, opened a ticket there, kept auto-renew: saved, with a ticket.
      Step(101, kOpened, "2026-03-01T09:00:00Z"),
      Step(101, kTicket, "2026-03-01T09:05:00Z"),
      // 102 confirmed, then pressed Subscribe within 30 days: saved, without a ticket.
      Step(102, kOpened, "2026-03-05T09:00:00Z"),
      Step(102, kContinued, "2026-03-05T09:01:00Z"),
      Step(102, kConfirmed, "2026-03-05T09:02:00Z"),
      Step(102, kResubscribed, "2026-03-20T09:00:00Z"),
      // 103 confirmed (not saved, no ticket), and opened Cancel again the same month: once.
      Step(103, kOpened, "2026-03-10T09:00:00Z"),
      Step(103, kContinued, "2026-03-10T09:01:00Z"),
      Step(103, kConfirmed, "2026-03-10T09:02:00Z"),
      Step(103, kOpened, "2026-03-12T09:00:00Z"),
      // 105 opened a ticket and still cancelled: not saved, with a ticket.
      Step(105, kOpened, "2026-04-02T09:00:00Z"),
      Step(105, kTicket, "2026-04-03T09:00:00Z"),
      Step(105, kContinued, "2026-04-03T10:00:00Z"),
      Step(105, kConfirmed, "2026-04-03T10:01:00Z"),
      // 104 opened Cancel five days ago: undecided until July 10.
      Step(104, kOpened, "2026-06-10T09:00:00Z"),
  };
  return in;
}

TEST(BusinessMetricsTest, MonthByMonthToTheCent) {
  const BusinessReport report = ComputeBusinessReport(Fixture());
  ASSERT_EQ(report.months.size(), 6u);
  const auto& jan = report.months[0];
  const auto& feb = report.months[1];
  const auto& mar = report.months[2];
  const auto& apr = report.months[3];
  const auto& may = report.months[4];
  const auto& jun = report.months[5];
  EXPECT_EQ(MonthLabel(jan.month), "January 2026");
  EXPECT_EQ(MonthLabel(jun.month), "June 2026");

  // Active and MRR at each month's end (June: now).
  EXPECT_EQ(jan.active_licenses, 1);  // 1
  EXPECT_EQ(jan.mrr_cents, 5000);
  EXPECT_EQ(feb.active_licenses, 2);  // 1 and 2 (its instance charge is no month's price)
  EXPECT_EQ(feb.mrr_cents, 15000);
  EXPECT_EQ(mar.active_licenses, 1);  // 1, until April 10; 2 lapsed
  EXPECT_EQ(mar.mrr_cents, 5000);
  EXPECT_EQ(apr.active_licenses, 2);  // 2, paid again; 5
  EXPECT_EQ(apr.mrr_cents, 10000);
  EXPECT_EQ(may.active_licenses, 2);  // 4, bought at 23:30; 5; 2's granted days ended May 27
  EXPECT_EQ(may.mrr_cents, 5000);
  EXPECT_EQ(jun.active_licenses, 3);  // 3 (granted, no price), 4 and 5
  EXPECT_EQ(jun.mrr_cents, 5000);

  EXPECT_EQ(jan.new_licenses, 1);
  EXPECT_EQ(feb.new_licenses, 1);
  EXPECT_EQ(may.new_licenses, 1);
  EXPECT_EQ(jun.new_licenses, 0);  // 3 never paid
  EXPECT_EQ(apr.new_licenses, 0);  // nor did 5
  EXPECT_EQ(feb.renewed, 1);
  EXPECT_EQ(mar.renewed, 1);
  EXPECT_EQ(jun.renewed, 1);
  EXPECT_EQ(apr.renewed, 0);  // 2's April payment came after its grace: reactivated
  EXPECT_EQ(mar.lapsed, 1);   // 2, March 2
  EXPECT_EQ(apr.lapsed, 1);   // 1, April 11
  EXPECT_EQ(may.lapsed, 1);   // 2 again, May 28
  EXPECT_EQ(jun.lapsed, 0);   // 5 ends July 1
  EXPECT_EQ(apr.reactivated, 1);

  EXPECT_EQ(jan.revenue_cents, 5000);
  EXPECT_EQ(feb.revenue_cents, 17500);  // 5,000 + 10,000 + 2,500
  EXPECT_EQ(mar.revenue_cents, 5000);
  EXPECT_EQ(apr.revenue_cents, 10000);
  EXPECT_EQ(may.revenue_cents, 5000);
  EXPECT_EQ(jun.revenue_cents, 5000);  // the pending charge is no revenue

  // Automatic renewals by their first attempt's month.
  EXPECT_EQ(feb.renewals_tried, 2);  // 1's period 2 (paid), 2's period 2 (declined thrice)
  EXPECT_EQ(feb.renewals_paid, 1);
  EXPECT_EQ(feb.recovered, 0);
  EXPECT_EQ(mar.renewals_tried, 1);
  EXPECT_EQ(mar.renewals_paid, 1);
  EXPECT_EQ(mar.recovered, 1);
  EXPECT_EQ(mar.recovered_cents, 5000);

  EXPECT_EQ(mar.cancellations.at(CancelReason::kTooExpensive), 1);
  EXPECT_EQ(jun.cancellations.at(CancelReason::kUnused), 1);
  EXPECT_TRUE(jan.cancellations.empty());
}

TEST(BusinessMetricsTest, CancelFunnelAndSaveRate) {
  const BusinessReport report = ComputeBusinessReport(Fixture());
  ASSERT_EQ(report.funnel.size(), 6u);
  const FunnelMonth& mar = report.funnel[2];
  EXPECT_EQ(mar.opened, 3);  // 101, 102, 103 (twice, counted once)
  EXPECT_EQ(mar.opened_ticket, 1);
  EXPECT_EQ(mar.continued, 2);
  EXPECT_EQ(mar.confirmed, 2);
  EXPECT_EQ(mar.decided_with_ticket, 1);
  EXPECT_EQ(mar.saved_with_ticket, 1);  // 101
  EXPECT_EQ(mar.decided_without_ticket, 2);
  EXPECT_EQ(mar.saved_without_ticket, 1);  // 102 subscribed again; 103 did not
  EXPECT_EQ(mar.undecided, 0);

  const FunnelMonth& apr = report.funnel[3];
  EXPECT_EQ(apr.opened, 1);
  EXPECT_EQ(apr.decided_with_ticket, 1);
  EXPECT_EQ(apr.saved_with_ticket, 0);

  const FunnelMonth& jun = report.funnel[5];
  EXPECT_EQ(jun.opened, 1);
  EXPECT_EQ(jun.undecided, 1);  // 104's 30 days end July 10
  EXPECT_EQ(jun.decided_with_ticket + jun.decided_without_ticket, 0);
}

TEST(BusinessMetricsTest, MonthsAndSteps) {
  EXPECT_EQ(MonthOf(At("2026-02-28T23:59:59Z")), std::chrono::year(2026) / 2);
  EXPECT_EQ(MonthStart(std::chrono::year(2026) / 3), At("2026-03-01T00:00:00Z"));
  for (FunnelStep step : {FunnelStep::kOpened, FunnelStep::kTicket, FunnelStep::kContinued,
                          FunnelStep::kConfirmed, FunnelStep::kResubscribed})
    EXPECT_EQ(ParseFunnelStep(FunnelStepName(step)), step);
  EXPECT_EQ(ParseFunnelStep("viewed"), std::nullopt);
  // A report of one month has just now's.
  BusinessInputs in;
  in.now = At("2026-06-15T12:00:00Z");
  in.months = 1;
  EXPECT_EQ(ComputeBusinessReport(in).months.size(), 1u);
}

}  // namespace
}  // namespace tenure::domain
