// The license lifecycle table (issue 8; domain/lifecycle.hpp): every (state, event) pair
// against the expected outcome, written out here by hand rather than computed by the rules.
//
// A cell reads "!refusal effect+effect...", or "-" when nothing happens:
//   refusals  !nolicense !licensed !suspended !lapsed !notsuspended !notnow
//   effects   month (one month from RenewalBase) days (granted days) on off:canceled
//             off:failed suspend lift fail (dunning records a failure) reset (dunning)
//             charge notice add remove signout (the actions)
// Paid events (purchase, renew, auto_renew_charged, instances_added) keep their effects when
// refused: the refusal stops a request before money moves, a payment made is applied.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "domain/billing.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::domain {
namespace {

using namespace std::chrono;

std::string Code(const Transition& t) {
  std::string refusal;
  switch (t.refusal) {
    case Refusal::kNone: break;
    case Refusal::kNoLicense: refusal = "!nolicense"; break;
    case Refusal::kAlreadyLicensed: refusal = "!licensed"; break;
    case Refusal::kSuspended: refusal = "!suspended"; break;
    case Refusal::kLapsed: refusal = "!lapsed"; break;
    case Refusal::kNotSuspended: refusal = "!notsuspended"; break;
    case Refusal::kNotNow: refusal = "!notnow"; break;
  }
  std::string effects;
  auto add = [&](std::string_view part) {
    effects += (effects.empty() ? "" : "+") + std::string(part);
  };
  if (t.date == DateChange::kOneMonth) add("month");
  if (t.date == DateChange::kDays) add("days");
  if (t.auto_renew == AutoRenewChange::kOn) add("on");
  if (t.auto_renew == AutoRenewChange::kOffCanceled) add("off:canceled");
  if (t.auto_renew == AutoRenewChange::kOffPaymentFailed) add("off:failed");
  if (t.suspension == SuspensionChange::kSuspend) add("suspend");
  if (t.suspension == SuspensionChange::kLift) add("lift");
  if (t.dunning == DunningChange::kRecordFailure) add("fail");
  if (t.dunning == DunningChange::kReset) add("reset");
  switch (t.action) {
    case Action::kNone: break;
    case Action::kChargeAutoRenewal: add("charge"); break;
    case Action::kSendExpiryNotice: add("notice"); break;
    case Action::kAddInstances: add("add"); break;
    case Action::kRemoveInstancesAtRenewal: add("remove"); break;
    case Action::kSignOutMachines: add("signout"); break;
  }
  if (refusal.empty()) return effects.empty() ? "-" : effects;
  return effects.empty() ? refusal : refusal + " " + effects;
}

struct Row {
  LicenseEvent event;
  // none, active+on, active+off, grace+on, grace+off, expired+on, expired+off,
  // suspended+on, suspended+off (the order of AllLicenseStates()).
  std::array<const char*, 9> cells;
};

using enum LicenseEvent;
// clang-format off
const Row kTable[] = {
  //                   none                 active+on            active+off           grace+on             grace+off            expired+on           expired+off          suspended+on           suspended+off
  {kPurchase,         {"month+on+reset",   "!licensed month+on+reset", "!licensed month+on+reset", "!licensed month+on+reset", "!licensed month+on+reset", "!licensed month+on+reset", "!licensed month+on+reset", "!licensed month+on+reset", "!licensed month+on+reset"}},
  {kRenew,            {"!nolicense month+reset", "month+reset", "month+reset", "month+reset", "month+reset", "month+reset", "month+reset", "!suspended month+reset", "!suspended month+reset"}},
  {kAutoRenewCharged, {"month+reset",      "month+reset",       "month+reset",       "month+reset",       "month+reset",       "month+reset",       "month+reset",       "month+reset",         "month+reset"}},
  {kPaymentFailed,    {"fail",             "fail",              "fail",              "fail",              "fail",              "fail",              "fail",              "fail",                "fail"}},
  {kDunningExhausted, {"reset",            "off:failed+reset",  "reset",             "off:failed+reset",  "reset",             "off:failed+reset",  "reset",             "off:failed+reset",    "reset"}},
  {kCancel,           {"-",                "off:canceled",      "-",                 "off:canceled",      "-",                 "off:canceled",      "-",                 "off:canceled",        "-"}},
  {kResubscribe,      {"!nolicense",       "-",                 "on",                "-",                 "on",                "-",                 "on",                "!suspended",          "!suspended"}},
  {kGrantDays,        {"days",             "days",              "days",              "days",              "days",              "days",              "days",              "days",                "days"}},
  {kDisputeOpened,    {"suspend",          "suspend",           "suspend",           "suspend",           "suspend",           "suspend",           "suspend",           "-",                   "-"}},
  {kDisputeClosed,    {"-",                "-",                 "-",                 "-",                 "-",                 "-",                 "-",                 "lift",                "lift"}},
  {kSuspensionLifted, {"!notsuspended",    "!notsuspended",     "!notsuspended",     "!notsuspended",     "!notsuspended",     "!notsuspended",     "!notsuspended",     "lift",                "lift"}},
  {kInstancesAdded,   {"!lapsed add",      "add",               "add",               "!lapsed add",       "!lapsed add",       "!lapsed add",       "!lapsed add",       "!suspended add",      "!suspended add"}},
  {kInstancesRemoved, {"!nolicense",       "remove",            "remove",            "remove",            "remove",            "remove",            "remove",            "remove",              "remove"}},
  {kDeactivated,      {"!nolicense",       "signout",           "signout",           "signout",           "signout",           "signout",           "signout",           "signout",             "signout"}},
  {kDue,              {"!notnow",          "charge",            "!notnow",           "charge",            "!notnow",           "charge",            "!notnow",           "!notnow",             "!notnow"}},
  {kGraceBegan,       {"!notnow",          "!notnow",           "!notnow",           "-",                 "-",                 "!notnow",           "!notnow",           "!notnow",             "!notnow"}},
  {kExpired,          {"!notnow",          "!notnow",           "!notnow",           "!notnow",           "!notnow",           "notice",            "notice",            "!notnow",             "!notnow"}},
};
// clang-format on

TEST(Lifecycle, EveryStateAndEventMatchesTheWrittenTable) {
  ASSERT_EQ(std::size(kTable), AllLicenseEvents().size()) << "one row per event";
  ASSERT_EQ(AllLicenseStates().size(), 9u);
  for (size_t row = 0; row < std::size(kTable); ++row) {
    const Row& r = kTable[row];
    EXPECT_EQ(r.event, AllLicenseEvents()[row]) << "rows follow AllLicenseEvents()";
    for (size_t col = 0; col < AllLicenseStates().size(); ++col) {
      const LicenseState state = AllLicenseStates()[col];
      EXPECT_EQ(Code(Decide(state, r.event)), r.cells[col])
          << LicenseEventName(r.event) << " in " << LicenseStateName(state);
    }
  }
}

// ---- StateOf and Apply: the table's words made into dates and flags -------------------------

const Instant kExpiry = sys_days(2027y / January / 31) + hours(10);

License Licensed(bool auto_renew) {
  return License{
      .id = LicenseId{1}, .user_id = UserId{1}, .expires_at = kExpiry, .auto_renew = auto_renew};
}

TEST(Lifecycle, StateOfFollowsTheStatusAndTheFlag) {
  const LicensePolicy policy;
  EXPECT_EQ(StateOf(License{}, kExpiry, policy.grace), LicenseState::kNone);
  EXPECT_EQ(StateOf(Licensed(true), kExpiry - hours(1), policy.grace),
            LicenseState::kActiveRenewing);
  EXPECT_EQ(StateOf(Licensed(false), kExpiry, policy.grace), LicenseState::kGraceEnding);
  EXPECT_EQ(StateOf(Licensed(true), kExpiry + hours(24), policy.grace),
            LicenseState::kExpiredRenewing);
  License disputed = Licensed(false);
  disputed.suspended_at = kExpiry - days(3);
  EXPECT_EQ(StateOf(disputed, kExpiry - days(1), policy.grace), LicenseState::kSuspendedEnding);
}

TEST(Lifecycle, AMonthExtendsFromTheDateUntilGraceEndsThenFromNow) {
  const LicensePolicy policy;
  const TimeZone utc = TimeZone::Utc();
  auto renewed_at = [&](Instant now) {
    License l = Licensed(true);
    Apply(l, Decide(StateOf(l, now, policy.grace), kRenew), {now, policy, utc});
    return *l.expires_at;
  };
  const Instant feb28 = sys_days(2027y / February / 28) + hours(10);
  EXPECT_EQ(renewed_at(kExpiry - days(5)), feb28);    // active: Jan 31 -> Feb 28
  EXPECT_EQ(renewed_at(kExpiry + hours(23)), feb28);  // grace: no day lost or gained
  const Instant late = kExpiry + hours(24);           // grace over: from now
  EXPECT_EQ(renewed_at(late), sys_days(2027y / March / 1) + hours(10));
}

TEST(Lifecycle, GrantedDaysFollowTheSameBaseAsPayments) {
  const LicensePolicy policy;
  const TimeZone utc = TimeZone::Utc();
  License l = Licensed(false);
  const Instant in_grace = kExpiry + hours(2);
  Apply(l, Decide(StateOf(l, in_grace, policy.grace), kGrantDays),
        {.now = in_grace, .policy = policy, .zone = utc, .days = 7});
  EXPECT_EQ(*l.expires_at, kExpiry + days(7));
  License never;
  Apply(never, Decide(StateOf(never, kExpiry, policy.grace), kGrantDays),
        {.now = kExpiry, .policy = policy, .zone = utc, .days = 3});
  EXPECT_EQ(*never.expires_at, kExpiry + days(3));
}

TEST(Lifecycle, DunningRetriesOnTheScheduleThenTurnsAutoRenewOff) {
  const LicensePolicy policy;  // retries 1, 3 and 5 days after the first failure
  const TimeZone utc = TimeZone::Utc();
  License l = Licensed(true);
  const Instant first = kExpiry - days(1);
  for (int failure = 1; failure <= 3; ++failure) {
    const Instant now = first + days(failure == 1 ? 0 : failure == 2 ? 1 : 3);
    ASSERT_EQ(DeclinedAutoRenewal(l, now, policy), kPaymentFailed) << failure;
    Apply(l, Decide(StateOf(l, now, policy.grace), kPaymentFailed), {now, policy, utc});
    EXPECT_EQ(l.dunning_failures, failure);
    EXPECT_EQ(*l.dunning_first_failed_at, first);
  }
  EXPECT_EQ(*l.next_attempt_at, first + days(5));
  const Instant last = first + days(5);
  ASSERT_EQ(DeclinedAutoRenewal(l, last, policy), kDunningExhausted);
  Apply(l, Decide(StateOf(l, last, policy.grace), kDunningExhausted), {last, policy, utc});
  EXPECT_FALSE(l.auto_renew);
  EXPECT_EQ(l.auto_renew_off_reason, AutoRenewOffReason::kPaymentFailed);
  EXPECT_EQ(l.dunning_failures, 0);
  EXPECT_FALSE(l.next_attempt_at);
  EXPECT_EQ(*l.expires_at, kExpiry) << "turning auto-renew off never shortens the license";
}

TEST(Lifecycle, ADisputeSuspendsAndItsCloseLiftsWithTheDateKept) {
  const LicensePolicy policy;
  const TimeZone utc = TimeZone::Utc();
  License l = Licensed(true);
  const Instant now = kExpiry - days(10);
  Apply(l, Decide(StateOf(l, now, policy.grace), kDisputeOpened), {now, policy, utc});
  EXPECT_EQ(StatusAt(l, now, policy.grace), LicenseStatus::kSuspended);
  Apply(l, Decide(StateOf(l, now, policy.grace), kDisputeClosed), {now, policy, utc});
  EXPECT_EQ(StatusAt(l, now, policy.grace), LicenseStatus::kActive);
  EXPECT_TRUE(l.auto_renew);
  EXPECT_EQ(*l.expires_at, kExpiry);
}

TEST(Lifecycle, TheSqlBoundariesAreTheDomainsInstants) {
  const LicensePolicy policy;
  const Instant now = kExpiry - policy.renewal_lead;
  EXPECT_EQ(DueBefore(now, policy), kExpiry) << "due exactly at expires_at - lead";
  EXPECT_EQ(ExpiredBefore(kExpiry + policy.grace, policy), kExpiry);
  License l = Licensed(false);
  EXPECT_EQ(StatusAt(l, kExpiry + policy.grace, policy.grace), LicenseStatus::kExpired);
  EXPECT_EQ(StatusAt(l, kExpiry + policy.grace - seconds(1), policy.grace), LicenseStatus::kGrace);
}

}  // namespace
}  // namespace tenure::domain
