#include "domain/password_strength.hpp"

#include <gtest/gtest.h>

#include "domain/account.hpp"

namespace tenure::domain {
namespace {

// A handful of fixed examples both ways; the lists and the threshold's figures are
// bench/password_strength.sh's (BENCHMARKS.md: "Password strength (issue 10)").
TEST(PasswordStrength, RefusesTheWeakestSayingWhy) {
  struct Case {
    const char* password;
    const char* email;
    PasswordWeakness why;
  };
  for (const Case& c : {
           Case{"basketball", "pat@example.com", PasswordWeakness::kCommonPassword},
           Case{"password123456", "pat@example.com", PasswordWeakness::kCommonWord},
           Case{"alice2026!!", "alice@example.com", PasswordWeakness::kEmail},
           Case{"examplealice", "alice@example.com", PasswordWeakness::kEmail},
           Case{"asdfghjkl;", "pat@example.com", PasswordWeakness::kKeyboardPattern},
           Case{"aaaaaaaaaaaa", "pat@example.com", PasswordWeakness::kRepeats},
           Case{"monkeymonkey", "pat@example.com", PasswordWeakness::kRepeats},
           Case{"abcdefghijklmnop", "pat@example.com", PasswordWeakness::kSequence},
           Case{"1984-12-31", "pat@example.com", PasswordWeakness::kDate},
       }) {
    const PasswordStrength strength = EstimatePasswordStrength(c.password, c.email);
    EXPECT_LT(strength.entropy_bits, kMinPasswordEntropyBits) << c.password;
    EXPECT_EQ(strength.weakness, c.why) << c.password;

    auto refused = CheckNewPassword(c.password, c.email);
    ASSERT_FALSE(refused.has_value()) << c.password;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(refused.error().field, "password");
    EXPECT_EQ(refused.error().message, PasswordWeaknessMessage(c.why));
  }
}

TEST(PasswordStrength, AcceptsPassphrasesAndRandomStrings) {
  for (const char* strong : {"correct horse battery", "plaza-unmasked-eligible-crust",
                             "r7Kq2mXv9LpA", "a-good-long-password"})
    EXPECT_TRUE(CheckNewPassword(strong, "alice@example.com").has_value()) << strong;
  // The same words are weak when they are the customer's own address.
  EXPECT_TRUE(CheckNewPassword("dunmore kestrel", "pat@example.com").has_value());
  EXPECT_FALSE(CheckNewPassword("dunmore kestrel", "dunmore.kestrel@example.com").has_value());
}

TEST(PasswordStrength, MessagesSayWhyAndWhatToDo) {
  EXPECT_EQ(PasswordWeaknessMessage(PasswordWeakness::kCommonPassword),
            "This is one of the most common passwords. Add a few more unrelated words.");
  EXPECT_EQ(PasswordWeaknessMessage(PasswordWeakness::kKeyboardPattern),
            "Keyboard patterns like qwerty are easy to guess. Add a few more unrelated words.");
}

TEST(EmailWords, AddressLocalPartAndDomainWithoutTheTopLevel) {
  EXPECT_EQ(EmailWords("alice.smith@mail.example.co.uk"),
            (std::vector<std::string>{"alice.smith@mail.example.co.uk", "alice.smith", "alice",
                                      "smith", "mail", "example"}));
  EXPECT_EQ(EmailWords(""), std::vector<std::string>{});
}

}  // namespace
}  // namespace tenure::domain
