// VerifyLease against leases signed here with libsodium (issue 9): a genuine lease passes,
// and each thing a program must check refuses one that is wrong in just that way.
#include "lease.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_signing.hpp"

namespace tenure::agent {
namespace {

using test_keys::KeyPair;
using test_keys::Sign;

constexpr int64_t kNow = 1'800'000'000;
constexpr char kFingerprint[] = "machine-1";

nlohmann::json Claims() {
  return {{"iss", "https://licenses.example.com"},
          {"sub", "42"},
          {"aud", "tenure-program"},
          {"sid", "abc123"},
          {"fingerprint", kFingerprint},
          {"status", "active"},
          {"expires_at", "2027-01-02T10:00:00Z"},
          {"grace_ends_at", "2027-01-03T10:00:00Z"},
          {"instances", 3},
          {"iat", kNow - 60},
          {"exp", kNow + 86400},
          {"jti", "j1"}};
}

nlohmann::json Header(const std::string& kid = "k1") {
  return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", kid}};
}

class LeaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
  nlohmann::json Jwks() const { return {{"keys", {other_.Jwk("k0"), key_.Jwk("k1")}}}; }
  LeaseProblem Refusal(const std::string& lease, std::string_view fingerprint = kFingerprint,
                       int64_t now = kNow) const {
    auto verdict = VerifyLease(lease, Jwks(), fingerprint, now);
    EXPECT_FALSE(verdict.has_value()) << "accepted a lease it should refuse";
    return verdict ? LeaseProblem::kMalformed : verdict.error().problem;
  }

  KeyPair key_;
  KeyPair other_;
};

TEST_F(LeaseTest, AGenuineLeasePassesAndItsClaimsAreRead) {
  auto claims = VerifyLease(Sign(key_, Header(), Claims()), Jwks(), kFingerprint, kNow);
  ASSERT_TRUE(claims.has_value()) << claims.error().message;
  EXPECT_EQ(claims->sub, "42");
  EXPECT_EQ(claims->status, "active");
  EXPECT_EQ(claims->exp, kNow + 86400);
  EXPECT_EQ(claims->instances, 3);
}

TEST_F(LeaseTest, ATamperedClaimFailsTheSignature) {
  const std::string lease = Sign(key_, Header(), Claims());
  nlohmann::json changed = Claims();
  changed["exp"] = kNow + int64_t{365} * 86400;
  const std::string forged = lease.substr(0, lease.find('.')) + "." +
                             Base64UrlEncode(changed.dump()) + lease.substr(lease.rfind('.'));
  EXPECT_EQ(Refusal(forged), LeaseProblem::kBadSignature);
}

TEST_F(LeaseTest, ALeaseSignedByAnotherKeyUnderAKnownKidFails) {
  EXPECT_EQ(Refusal(Sign(other_, Header("k1"), Claims())), LeaseProblem::kBadSignature);
}

TEST_F(LeaseTest, AnUnknownKidIsRefused) {
  EXPECT_EQ(Refusal(Sign(key_, Header("k9"), Claims())), LeaseProblem::kUnknownKey);
}

TEST_F(LeaseTest, OnlyEdDsaIsAccepted) {
  nlohmann::json none = Header();
  none["alg"] = "none";
  EXPECT_EQ(Refusal(Sign(key_, none, Claims())), LeaseProblem::kBadAlgorithm);
  nlohmann::json hs = Header();
  hs["alg"] = "HS256";
  EXPECT_EQ(Refusal(Sign(key_, hs, Claims())), LeaseProblem::kBadAlgorithm);
}

TEST_F(LeaseTest, TheAudienceMustBeTenurePrograms) {
  nlohmann::json claims = Claims();
  claims["aud"] = "someone-else";
  EXPECT_EQ(Refusal(Sign(key_, Header(), claims)), LeaseProblem::kWrongAudience);
  claims["aud"] = nlohmann::json::array({"someone-else", "tenure-program"});
  EXPECT_TRUE(VerifyLease(Sign(key_, Header(), claims), Jwks(), kFingerprint, kNow));
}

TEST_F(LeaseTest, ALeaseOfAnotherMachineIsRefused) {
  EXPECT_EQ(Refusal(Sign(key_, Header(), Claims()), "machine-2"), LeaseProblem::kWrongMachine);
}

TEST_F(LeaseTest, ALeaseEndsAtExp) {
  const std::string lease = Sign(key_, Header(), Claims());
  EXPECT_TRUE(VerifyLease(lease, Jwks(), kFingerprint, kNow + 86399));
  auto ended = VerifyLease(lease, Jwks(), kFingerprint, kNow + 86400);
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().problem, LeaseProblem::kExpired);
  EXPECT_EQ(ended.error().exp, kNow + 86400);
}

TEST_F(LeaseTest, MalformedLeasesAreRefused) {
  const std::string lease = Sign(key_, Header(), Claims());
  EXPECT_EQ(Refusal(""), LeaseProblem::kMalformed);
  EXPECT_EQ(Refusal("a.b"), LeaseProblem::kMalformed);
  EXPECT_EQ(Refusal(lease + ".x"), LeaseProblem::kMalformed);
  // Padding is not base64url as RFC 7515 writes it.
  EXPECT_EQ(Refusal("=" + lease), LeaseProblem::kMalformed);
}

TEST_F(LeaseTest, VerifyJwsChecksTheTypeOnlyWhenAskedAndAfterTheSignature) {
  const std::string lease = Sign(key_, Header(), Claims());
  auto any = VerifyJws(lease, Jwks(), "lease");
  ASSERT_TRUE(any.has_value()) << any.error().message;
  EXPECT_EQ(any->claims.value("sub", ""), "42");
  EXPECT_EQ(any->header.value("typ", ""), "JWT");
  auto typed = VerifyJws(lease, Jwks(), "release signature", "tenure-release+jwt");
  ASSERT_FALSE(typed.has_value());
  EXPECT_EQ(typed.error().problem, JwsProblem::kWrongType);
  EXPECT_EQ(typed.error().message, "the release signature is not a tenure-release+jwt");
  // A forged header claiming the type still has to carry a signature that verifies.
  nlohmann::json header = Header();
  header["typ"] = "tenure-release+jwt";
  const std::string forged = Base64UrlEncode(header.dump()) + lease.substr(lease.find('.'));
  EXPECT_EQ(VerifyJws(forged, Jwks(), "release signature", "tenure-release+jwt").error().problem,
            JwsProblem::kBadSignature);
}

TEST(Base64UrlTest, RoundTripsWithoutPadding) {
  ASSERT_GE(sodium_init(), 0);
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::optional<std::string>("\xfb\xff"));
  EXPECT_EQ(Base64UrlDecode("-_8="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("a+b/"), std::nullopt);
}

// Regression (fuzz/lease_jws_fuzz.cpp, issue 13): libsodium 1.0.18 decodes every byte from
// 0x80 up as '_', so a lease with such a byte in place of a '_' of its signature verified.
TEST(Base64UrlTest, BytesAbove0x7FAreNotUnderscores) {
  ASSERT_GE(sodium_init(), 0);
  EXPECT_EQ(Base64UrlDecode("A_AA"), std::optional<std::string>(std::string("\x03\xf0\x00", 3)));
  EXPECT_EQ(Base64UrlDecode("A\xdf"
                            "AA"),
            std::nullopt);
  EXPECT_EQ(Base64UrlDecode("A\x80"
                            "AA"),
            std::nullopt);
}

TEST_F(LeaseTest, ASignatureWithAHighByteForAnUnderscoreIsRefused) {
  // Signed until a signature holds a '_' (about three in four do).
  for (int i = 0; i < 100; ++i) {
    nlohmann::json claims = Claims();
    claims["jti"] = "j" + std::to_string(i);
    const std::string lease = Sign(key_, Header(), claims);
    const size_t underscore = lease.find('_', lease.rfind('.'));
    if (underscore == std::string::npos) continue;
    ASSERT_TRUE(VerifyLease(lease, Jwks(), kFingerprint, kNow).has_value());
    std::string tampered = lease;
    tampered[underscore] = '\xdf';
    EXPECT_EQ(Refusal(tampered), LeaseProblem::kBadSignature);
    return;
  }
  FAIL() << "no signature with a '_' in 100 leases";
}

}  // namespace
}  // namespace tenure::agent
