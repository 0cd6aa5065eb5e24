#include "domain/license.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

using namespace std::chrono;

const Instant kExpires = sys_days(2026y / December / 1);
const Seconds kGrace = hours(24);

License WithExpiry(std::optional<Instant> expires) {
  License l;
  l.expires_at = expires;
  return l;
}

// PRODUCT.md "License rules in one table", row by row, at each boundary.
TEST(LicenseStatus, FollowsTheRulesTable) {
  const License l = WithExpiry(kExpires);
  EXPECT_EQ(StatusAt(l, kExpires - seconds(1), kGrace), LicenseStatus::kActive);
  EXPECT_EQ(StatusAt(l, kExpires, kGrace), LicenseStatus::kGrace);
  EXPECT_EQ(StatusAt(l, kExpires + kGrace - seconds(1), kGrace), LicenseStatus::kGrace);
  EXPECT_EQ(StatusAt(l, kExpires + kGrace, kGrace), LicenseStatus::kExpired);
}

TEST(LicenseStatus, SuspensionOverridesEveryDate) {
  for (Instant now : {kExpires - hours(48), kExpires, kExpires + hours(48)}) {
    License l = WithExpiry(kExpires);
    l.suspended_at = kExpires - hours(100);
    EXPECT_EQ(StatusAt(l, now, kGrace), LicenseStatus::kSuspended);
  }
}

TEST(LicenseStatus, NeverPurchasedIsNone) {
  EXPECT_EQ(StatusAt(WithExpiry(std::nullopt), kExpires, kGrace), LicenseStatus::kNone);
}

TEST(LicenseStatus, ProgramRunsOnlyWhenActiveOrInGrace) {
  EXPECT_TRUE(ProgramAllowed(LicenseStatus::kActive));
  EXPECT_TRUE(ProgramAllowed(LicenseStatus::kGrace));
  EXPECT_FALSE(ProgramAllowed(LicenseStatus::kExpired));
  EXPECT_FALSE(ProgramAllowed(LicenseStatus::kSuspended));
  EXPECT_FALSE(ProgramAllowed(LicenseStatus::kNone));
}

TEST(AutoRenewal, DueOneLeadBeforeExpiryOnlyWhenOn) {
  LicensePolicy policy;
  License l = WithExpiry(kExpires);
  EXPECT_FALSE(AutoRenewalDueAt(l, policy).has_value());
  l.auto_renew = true;
  EXPECT_EQ(AutoRenewalDueAt(l, policy), kExpires - hours(24));
  policy.renewal_lead = hours(72);
  EXPECT_EQ(AutoRenewalDueAt(l, policy), kExpires - hours(72));
  EXPECT_FALSE(AutoRenewalDueAt(WithExpiry(std::nullopt), policy).has_value());
}

TEST(AutoRenewOffReason, NamesRoundTrip) {
  for (auto r : {AutoRenewOffReason::kNone, AutoRenewOffReason::kCancellationRequested,
                 AutoRenewOffReason::kPaymentFailed, AutoRenewOffReason::kPaymentDisputed})
    EXPECT_EQ(ParseAutoRenewOffReason(AutoRenewOffReasonName(r)), r);
  EXPECT_FALSE(ParseAutoRenewOffReason("bored").has_value());
}

}  // namespace
}  // namespace tenure::domain
