#include "domain/account.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

TEST(NormalizeEmail, TrimsAndLowercases) {
  EXPECT_EQ(NormalizeEmail("  Demo@Example.COM \n").value(), "demo@example.com");
}

TEST(NormalizeEmail, RejectsWhatCannotBeAnAddress) {
  for (const char* bad :
       {"", "   ", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a b@example.com",
        "a@example..com", "a@.example.com", "<a>@example.com", "a@example.com."}) {
    auto r = NormalizeEmail(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().field, "email");
  }
  EXPECT_FALSE(NormalizeEmail(std::string(250, 'a') + "@x.io").has_value());
}

TEST(CheckNewPassword, NeedsLengthAndDiffersFromEmail) {
  EXPECT_TRUE(CheckNewPassword("correct horse", "a@b.co").has_value());
  auto short_pw = CheckNewPassword("short", "a@b.co");
  ASSERT_FALSE(short_pw.has_value());
  EXPECT_NE(short_pw.error().message.find("at least 10"), std::string::npos);
  EXPECT_FALSE(CheckNewPassword("name@example.com", "name@example.com").has_value());
  EXPECT_FALSE(CheckNewPassword(std::string(kMaxPasswordLength + 1, 'x'), "").has_value());
}

TEST(CheckSignInAllowed, SlowsDownPastTheFreeFailuresWithADoublingWait) {
  const SignInLimits limits;
  const Instant now = Instant{} + std::chrono::hours(1000);
  using std::chrono::seconds;
  const auto pair = [&](int count, Seconds ago) {
    return SignInHistory{.pair = {.count = count, .last = now - ago}};
  };
  EXPECT_TRUE(CheckSignInAllowed(pair(4, seconds(0)), limits, now)) << "four are free";
  auto fifth = CheckSignInAllowed(pair(5, seconds(0)), limits, now);
  ASSERT_FALSE(fifth);
  EXPECT_EQ(fifth.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(fifth.error().retry_after_seconds, 30);
  EXPECT_NE(fifth.error().message.find("wait 30 seconds"), std::string::npos);
  EXPECT_TRUE(CheckSignInAllowed(pair(5, seconds(30)), limits, now)) << "the wait is over";
  EXPECT_EQ(CheckSignInAllowed(pair(6, seconds(10)), limits, now).error().retry_after_seconds, 50);
  auto long_wait = CheckSignInAllowed(pair(7, seconds(0)), limits, now);
  EXPECT_EQ(long_wait.error().retry_after_seconds, 120);
  EXPECT_NE(long_wait.error().message.find("wait 2 minutes"), std::string::npos);
  EXPECT_EQ(CheckSignInAllowed(pair(40, seconds(0)), limits, now).error().retry_after_seconds,
            15 * 60)
      << "never longer than max_delay: slowed, not locked";
}

TEST(CheckSignInAllowed, OthersFailuresNeverSlowTheOwnersKnownAddress) {
  const SignInLimits limits;
  const Instant now = Instant{} + std::chrono::hours(1000);
  const SignInHistory stormed{.account_elsewhere = {.count = 500, .last = now}};
  EXPECT_FALSE(CheckSignInAllowed(stormed, limits, now)) << "an unknown address waits";
  SignInHistory owner = stormed;
  owner.known_address = true;
  EXPECT_TRUE(CheckSignInAllowed(owner, limits, now)) << "the owner's address does not";
  const SignInHistory spray{.address = {.count = 20, .last = now}};
  EXPECT_FALSE(CheckSignInAllowed(spray, limits, now)) << "one address spraying accounts waits";
  EXPECT_TRUE(CheckSignInAllowed({.address = {.count = 19, .last = now}}, limits, now));
}

TEST(Role, NamesRoundTrip) {
  for (Role r : {Role::kCustomer, Role::kSupport, Role::kAdmin})
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_FALSE(IsStaff(Role::kCustomer));
  EXPECT_TRUE(IsStaff(Role::kSupport));
  EXPECT_TRUE(IsStaff(Role::kAdmin));
}

}  // namespace
}  // namespace tenure::domain
