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

TEST(CheckSignInAllowed, LimitsPerAccountAndPerAddress) {
  const SignInLimits limits;
  EXPECT_TRUE(CheckSignInAllowed({.account_failures = 4, .address_failures = 19}, limits));
  auto account = CheckSignInAllowed({.account_failures = 5, .address_failures = 0}, limits);
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error().code, ErrorCode::kRateLimited);
  EXPECT_NE(account.error().message.find("this account"), std::string::npos);
  EXPECT_NE(account.error().message.find("15 minutes"), std::string::npos);
  auto address = CheckSignInAllowed({.account_failures = 0, .address_failures = 20}, limits);
  ASSERT_FALSE(address);
  EXPECT_NE(address.error().message.find("your network"), std::string::npos);
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
