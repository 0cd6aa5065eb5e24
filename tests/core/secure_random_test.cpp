#include "core/secure_random.hpp"

#include <gtest/gtest.h>

namespace tenure {
namespace {

TEST(Pkce, S256MatchesRfc7636AppendixB) {
  EXPECT_EQ(PkceChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(RandomToken, IsUrlSafeAndDiffersEachTime) {
  const std::string a = RandomToken(32);
  EXPECT_EQ(a.size(), 43U);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(a, RandomToken(32));
}

}  // namespace
}  // namespace tenure
