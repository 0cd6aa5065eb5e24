// The offline provider's card form reads what people type (issue 14 item 8).
#include "domain/card_entry.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

using std::chrono::December;
using std::chrono::year;

constexpr std::chrono::year_month kToday = year(2026) / December;

std::vector<std::string> FieldsOf(const std::vector<Error>& errors) {
  std::vector<std::string> fields;
  fields.reserve(errors.size());
  for (const Error& e : errors) fields.push_back(e.field);
  return fields;
}

TEST(CardEntryTest, BrandsFromTheFirstDigits) {
  EXPECT_EQ(CardBrandOf("4242424242424242"), "visa");
  EXPECT_EQ(CardBrandOf("5555555555554444"), "mastercard");
  EXPECT_EQ(CardBrandOf("2223003122003222"), "mastercard");
  EXPECT_EQ(CardBrandOf("378282246310005"), "amex");
  EXPECT_EQ(CardBrandOf("6011111111111117"), "discover");
  EXPECT_EQ(CardBrandOf("3056930009020004"), "diners");
  EXPECT_EQ(CardBrandOf("3566002020360505"), "jcb");
  EXPECT_EQ(CardBrandOf("6200000000000005"), "unionpay");
  EXPECT_EQ(CardBrandOf("9999"), "unknown");
  EXPECT_EQ(CardBrandOf(""), "unknown");
  EXPECT_EQ(CardBrandName("amex"), "American Express");
  EXPECT_EQ(CardBrandName("visa"), "Visa");
  EXPECT_EQ(CardBrandName("cartes_bancaires"), "Cartes_bancaires");
}

TEST(CardEntryTest, LuhnCatchesOneWrongDigitAndASwap) {
  EXPECT_TRUE(LuhnValid("4242424242424242"));
  EXPECT_FALSE(LuhnValid("4242424242424243"));
  EXPECT_FALSE(LuhnValid("2424424242424242"));  // first two swapped
  EXPECT_FALSE(LuhnValid("4242 4242"));
}

TEST(CardEntryTest, ReadsTheWaysPeopleTypeACard) {
  for (const auto& [number, expiry] :
       std::vector<std::pair<std::string, std::string>>{{"4242 4242 4242 4242", "08 / 29"},
                                                        {"4242-4242-4242-4242", "08/29"},
                                                        {"4242424242424242", "0829"},
                                                        {"4242424242424242", "8/2029"}}) {
    auto card = ReadCardEntry(number, expiry, "123", kToday);
    ASSERT_TRUE(card) << number << " " << expiry << ": " << card.error().front().message;
    EXPECT_EQ(card->digits, "4242424242424242");
    EXPECT_EQ(card->brand, "visa");
    EXPECT_EQ(card->exp_month, 8);
    EXPECT_EQ(card->exp_year, 2029);
  }
}

TEST(CardEntryTest, ACardIsGoodToTheEndOfItsExpiryMonth) {
  EXPECT_TRUE(ReadCardEntry("4242424242424242", "12 / 26", "123", kToday));
  auto expired = ReadCardEntry("4242424242424242", "11 / 26", "123", kToday);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().front().message, "Check the expiry date: the card has expired.");
  EXPECT_FALSE(ReadCardEntry("4242424242424242", "01 / 60", "123", kToday));
}

TEST(CardEntryTest, EveryProblemAtOnceInTheFieldsOrder) {
  auto card = ReadCardEntry("4242 4242 4242 4241", "13 / 29", "12", kToday);
  ASSERT_FALSE(card);
  EXPECT_EQ(FieldsOf(card.error()), (std::vector<std::string>{"number", "exp", "cvc"}));
  EXPECT_EQ(card.error()[0].message, "Check the card number: it is not a valid card number.");
  EXPECT_EQ(card.error()[1].message,
            "Enter the expiry date as it is on the card: MM / YY, such as 08 / 29.");

  auto empty = ReadCardEntry("", " ", "", kToday);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error()[0].message, "Enter your card number.");
  EXPECT_EQ(empty.error()[1].message, "Enter the expiry date as MM / YY.");
  EXPECT_EQ(empty.error()[2].message, "Enter the card's security code (CVC).");

  auto letters = ReadCardEntry("4242 abcd", "ab / cd", "abc", kToday);
  ASSERT_FALSE(letters);
  EXPECT_EQ(letters.error()[0].message, "Enter the card number using digits only.");
  EXPECT_EQ(FieldsOf(letters.error()), (std::vector<std::string>{"number", "exp", "cvc"}));
}

TEST(CardEntryTest, TheSecurityCodeFollowsTheBrand) {
  EXPECT_TRUE(ReadCardEntry("378282246310005", "08/29", "1234", kToday));
  auto amex = ReadCardEntry("378282246310005", "08/29", "123", kToday);
  ASSERT_FALSE(amex);
  EXPECT_EQ(amex.error()[0].message,
            "The security code of an American Express card is the 4 digits on its front.");
  EXPECT_FALSE(ReadCardEntry("4242424242424242", "08/29", "1234", kToday));
  EXPECT_FALSE(ReadCardEntry("378282246310005", "08/29", "12345", kToday));
  auto wrong_length = ReadCardEntry("37828224631000", "08/29", "1234", kToday);  // 14 digits
  ASSERT_FALSE(wrong_length);
  EXPECT_EQ(FieldsOf(wrong_length.error()), (std::vector<std::string>{"number"}));
}

}  // namespace
}  // namespace tenure::domain
