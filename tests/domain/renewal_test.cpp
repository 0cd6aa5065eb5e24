#include "domain/renewal.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

using enum LicenseStatus;
using enum RenewalEvent;
using enum RenewalOutcome;

constexpr LicenseStatus kStatuses[] = {kNone, kActive, kGrace, kExpired, kSuspended};
constexpr RenewalEvent kEvents[] = {kCancel, kResubscribe, kPaymentsFailed};

// Habit 10: every (state, event) pair, with the expected result written out.
TEST(RenewalTransitions, EveryStateAndEvent) {
  for (bool auto_renew : {false, true})
    for (bool card : {false, true})
      for (LicenseStatus status : kStatuses)
        for (RenewalEvent event : kEvents) {
          const auto r = DecideRenewal({auto_renew, status, card}, event);
          SCOPED_TRACE(::testing::Message()
                       << "auto_renew=" << auto_renew << " card=" << card
                       << " status=" << StatusName(status) << " event=" << static_cast<int>(event));
          if (event == kCancel || event == kPaymentsFailed) {
            ASSERT_TRUE(r);  // stopping future charges is never refused
            EXPECT_EQ(*r, auto_renew ? kTurnedOff : kAlreadyOff);
          } else if (auto_renew) {
            ASSERT_TRUE(r);
            EXPECT_EQ(*r, kAlreadyOn);
          } else if (status == kNone || status == kSuspended) {
            ASSERT_FALSE(r);
            EXPECT_EQ(r.error().code, ErrorCode::kConflict);
          } else if (!card) {
            ASSERT_FALSE(r);
            EXPECT_EQ(r.error().field, "payment_method");
          } else {
            ASSERT_TRUE(r);
            EXPECT_EQ(*r, kTurnedOn);
          }
        }
}

TEST(RenewalTransitions, ApplyNeverTouchesTheDate) {
  License l;
  l.expires_at = Instant(Seconds(1'800'000'000));
  l.auto_renew = true;
  ApplyRenewal(l, kTurnedOff, kCancel);
  EXPECT_FALSE(l.auto_renew);
  EXPECT_EQ(l.auto_renew_off_reason, AutoRenewOffReason::kCancellationRequested);
  EXPECT_EQ(l.expires_at, Instant(Seconds(1'800'000'000)));
  ApplyRenewal(l, kTurnedOn, kResubscribe);
  EXPECT_TRUE(l.auto_renew);
  EXPECT_EQ(l.auto_renew_off_reason, AutoRenewOffReason::kNone);
  ApplyRenewal(l, kTurnedOff, kPaymentsFailed);
  EXPECT_EQ(l.auto_renew_off_reason, AutoRenewOffReason::kPaymentFailed);
  ApplyRenewal(l, kAlreadyOff, kCancel);
  EXPECT_EQ(l.auto_renew_off_reason, AutoRenewOffReason::kPaymentFailed) << "no-ops change nothing";
}

TEST(CancelFeedback, EightReasonsInPlainWords) {
  ASSERT_EQ(AllCancelReasons().size(), 8u);
  for (const char* name : {"too_expensive", "missing_features", "switched_service", "unused",
                           "customer_service", "too_complex", "low_quality", "other"}) {
    auto reason = ParseCancelReason(name);
    ASSERT_TRUE(reason) << name;
    EXPECT_EQ(CancelReasonName(*reason), name);
    EXPECT_EQ(CancelReasonLabel(*reason).find('_'), std::string_view::npos);
  }
}

TEST(CancelFeedback, Validation) {
  EXPECT_EQ(ParseCancelFeedback("", "x").error().field, "reason");
  EXPECT_EQ(ParseCancelFeedback("bored", "x").error().field, "reason");
  EXPECT_EQ(ParseCancelFeedback("other", "   \n ").error().field, "comment");
  auto ok = ParseCancelFeedback("other", "  I moved away.  ");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->comment, "I moved away.");
  EXPECT_TRUE(ParseCancelFeedback("unused", ""));
  EXPECT_TRUE(ParseCancelFeedback("unused", std::string(5000, 'x')));
  EXPECT_EQ(ParseCancelFeedback("unused", std::string(5001, 'x')).error().field, "comment");
  // 5,000 characters, not bytes: "é" is two bytes.
  std::string accents;
  for (int i = 0; i < 5000; ++i) accents += "\xC3\xA9";
  EXPECT_TRUE(ParseCancelFeedback("unused", accents));
}

}  // namespace
}  // namespace tenure::domain
