#include "core/money.hpp"

#include <gtest/gtest.h>

namespace tenure {
namespace {

TEST(Money, FormatsCentsWithTwoDecimals) {
  EXPECT_EQ(Money::Cents(5000).Format(), "50.00 USD");
  EXPECT_EQ(Money::Cents(2505).Format(), "25.05 USD");
  EXPECT_EQ(Money::Cents(7).Format("EUR"), "0.07 EUR");
  EXPECT_EQ(Money::Cents(-150).Format(), "-1.50 USD");
  EXPECT_EQ(Money::Cents(0).Format(), "0.00 USD");
}

TEST(Money, ArithmeticStaysInCents) {
  EXPECT_EQ((Money::Cents(5000) * 3 + Money::Cents(1)).cents(), 15001);
  EXPECT_EQ((Money::Cents(5000) - Money::Cents(2500)).cents(), 2500);
  EXPECT_LT(Money::Cents(1), Money::Cents(2));
}

}  // namespace
}  // namespace tenure
