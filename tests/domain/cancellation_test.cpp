#include "domain/cancellation.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

// What Confirm Cancel does to the license is in the lifecycle table (lifecycle_test.cpp).

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
