// VerifyRelease against release signatures made here with fresh libsodium keys (issue 12): a
// genuine answer passes; a swapped field, a lease or foreign key in place of the signature,
// or a release for another system is refused. And SemVer precedence for --current-version.
#include "release.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_signing.hpp"

namespace tenure::agent {
namespace {

using test_keys::KeyPair;
using test_keys::Sign;

constexpr char kSha256[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

nlohmann::json Facts() {
  return {{"version", "2.4.1"},        {"channel", "stable"}, {"os", "linux"},
          {"file_name", "app.tar.gz"}, {"size", 48'300'000},  {"sha256", kSha256}};
}

nlohmann::json ReleaseHeader(const std::string& kid = "k1") {
  return {{"alg", "EdDSA"}, {"typ", "tenure-release+jwt"}, {"kid", kid}};
}

// The server's answer for `facts`, signed by `signature`.
Release Answer(const nlohmann::json& facts, std::string signature) {
  return Release{.version = facts["version"],
                 .channel = facts["channel"],
                 .published_at = "2026-12-01T10:00:00Z",
                 .notes = "Fixes.",
                 .os = facts["os"],
                 .file_name = facts["file_name"],
                 .size = facts["size"],
                 .sha256 = facts["sha256"],
                 .signature = std::move(signature),
                 .download_url = "https://licenses.example.com/downloads/1/linux?token=t",
                 .download_url_expires_at = "2026-12-01T10:10:00Z",
                 .raw = facts};
}

class ReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
  nlohmann::json Jwks() const { return {{"keys", {other_.Jwk("k0"), key_.Jwk("k1")}}}; }
  Release Genuine() const { return Answer(Facts(), Sign(key_, ReleaseHeader(), Facts())); }
  ReleaseError Refusal(const Release& answer, std::string_view os = "linux",
                       std::string_view channel = "stable") const {
    auto verdict = VerifyRelease(answer, Jwks(), os, channel);
    EXPECT_FALSE(verdict.has_value()) << "accepted a release it should refuse";
    return verdict ? ReleaseError{ReleaseProblem::kBadSignature, ""} : verdict.error();
  }

  KeyPair key_;
  KeyPair other_;
};

TEST_F(ReleaseTest, AGenuineAnswerPassesWithItsSignedFacts) {
  auto verified = VerifyRelease(Genuine(), Jwks(), "linux", "stable");
  ASSERT_TRUE(verified.has_value()) << verified.error().message;
  EXPECT_EQ(verified->version, "2.4.1");
  EXPECT_EQ(verified->file_name, "app.tar.gz");
  EXPECT_EQ(verified->size, 48'300'000);
  EXPECT_EQ(verified->sha256, kSha256);
}

TEST_F(ReleaseTest, EachFieldSwappedInTheAnswerIsCaught) {
  const std::string signature = Sign(key_, ReleaseHeader(), Facts());
  const std::pair<const char*, nlohmann::json> swaps[] = {
      {"version", "9.9.9"},         {"channel", "beta"},  {"os", "windows"},
      {"file_name", "evil.tar.gz"}, {"size", 48'300'001}, {"sha256", std::string(64, 'a')}};
  for (const auto& [name, value] : swaps) {
    nlohmann::json facts = Facts();
    facts[name] = value;
    const ReleaseError error = Refusal(Answer(facts, signature));
    EXPECT_EQ(error.problem, ReleaseProblem::kClaimsDiffer) << name;
    EXPECT_EQ(error.message, std::string("the answer's ") + name + " is not the signed one");
  }
}

TEST_F(ReleaseTest, ASignatureOverOtherFactsOrByAnotherKeyFails) {
  nlohmann::json other = Facts();
  other["sha256"] = std::string(64, 'b');
  Release answer = Genuine();
  const std::string forged = Sign(key_, ReleaseHeader(), other);
  const std::string original = answer.signature;
  // The claims of one signature with the signature of another.
  answer.signature = forged.substr(0, forged.rfind('.')) + original.substr(original.rfind('.'));
  EXPECT_EQ(Refusal(answer).problem, ReleaseProblem::kBadSignature);
  EXPECT_EQ(Refusal(Answer(Facts(), Sign(other_, ReleaseHeader("k1"), Facts()))).problem,
            ReleaseProblem::kBadSignature);
  EXPECT_EQ(Refusal(Answer(Facts(), Sign(key_, ReleaseHeader("k9"), Facts()))).message,
            "no key in the JWKS has the release's kid");
  EXPECT_EQ(Refusal(Answer(Facts(), "")).problem, ReleaseProblem::kBadSignature);
}

TEST_F(ReleaseTest, AnotherKindOfTokenBySameKeyIsNotAReleaseSignature) {
  nlohmann::json lease_header = ReleaseHeader();
  lease_header["typ"] = "JWT";
  const ReleaseError error = Refusal(Answer(Facts(), Sign(key_, lease_header, Facts())));
  EXPECT_EQ(error.problem, ReleaseProblem::kBadSignature);
  EXPECT_EQ(error.message, "the release is not a tenure-release+jwt");
  nlohmann::json none = ReleaseHeader();
  none["alg"] = "none";
  EXPECT_EQ(Refusal(Answer(Facts(), Sign(key_, none, Facts()))).problem,
            ReleaseProblem::kBadSignature);
}

TEST_F(ReleaseTest, SignedClaimsThatAreNotAReleasesFactsAreRefused) {
  nlohmann::json missing = Facts();
  missing.erase("size");
  EXPECT_EQ(Refusal(Answer(Facts(), Sign(key_, ReleaseHeader(), missing))).problem,
            ReleaseProblem::kBadSignature);
  nlohmann::json upper = Facts();
  upper["sha256"] = std::string(64, 'A');
  EXPECT_EQ(Refusal(Answer(upper, Sign(key_, ReleaseHeader(), upper))).problem,
            ReleaseProblem::kBadSignature);
}

TEST_F(ReleaseTest, AGenuineReleaseForAnotherSystemOrChannelIsNotTaken) {
  EXPECT_EQ(Refusal(Genuine(), "windows").problem, ReleaseProblem::kNotAsked);
  const ReleaseError beta = Refusal(Genuine(), "linux", "beta");
  EXPECT_EQ(beta.problem, ReleaseProblem::kNotAsked);
  EXPECT_EQ(beta.message, "the server sent the stable release for linux, not beta for linux");
}

std::strong_ordering Compare(std::string_view a, std::string_view b) {
  auto x = ParseSemVer(a);
  auto y = ParseSemVer(b);
  EXPECT_TRUE(x && y) << a << " " << b;
  return x && y ? CompareSemVer(*x, *y) : std::strong_ordering::equal;
}

TEST(SemVerTest, PrecedenceFollowsTheSpecificationsExample) {
  // semver.org 2.0.0, item 11.
  const char* ascending[] = {"1.0.0-alpha",
                             "1.0.0-alpha.1",
                             "1.0.0-alpha.beta",
                             "1.0.0-beta",
                             "1.0.0-beta.2",
                             "1.0.0-beta.11",
                             "1.0.0-rc.1",
                             "1.0.0",
                             "1.0.1",
                             "1.1.0-0",
                             "1.1.0",
                             "2.0.0",
                             "2.1.0",
                             "2.1.1",
                             "10.0.0",
                             "18446744073709551615.0.0"};
  for (size_t i = 0; i + 1 < std::size(ascending); ++i) {
    EXPECT_EQ(Compare(ascending[i], ascending[i + 1]), std::strong_ordering::less)
        << ascending[i] << " < " << ascending[i + 1];
    EXPECT_EQ(Compare(ascending[i + 1], ascending[i]), std::strong_ordering::greater);
    EXPECT_EQ(Compare(ascending[i], ascending[i]), std::strong_ordering::equal);
  }
}

TEST(SemVerTest, BuildMetadataDoesNotCountAndNumbersCompareByValue) {
  EXPECT_EQ(Compare("1.0.0+build.1", "1.0.0+build.2"), std::strong_ordering::equal);
  EXPECT_EQ(Compare("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta"), std::strong_ordering::equal);
  EXPECT_EQ(Compare("1.0.0-rc.99999999999999999999999", "1.0.0-rc.100000000000000000000000"),
            std::strong_ordering::less);
  EXPECT_EQ(Compare("1.0.0-1", "1.0.0-a"), std::strong_ordering::less)
      << "numeric identifiers come before alphanumeric ones";
  EXPECT_EQ(Compare("1.0.0-a-b", "1.0.0-a"), std::strong_ordering::greater);
}

TEST(SemVerTest, OnlyExactVersionsParse) {
  const auto v = ParseSemVer("3.0.0-beta.1+build.7");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 3u);
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"beta", "1"}));
  for (const char* bad : {"",
                          "1",
                          "1.2",
                          "1.2.3.4",
                          "v1.2.3",
                          "01.2.3",
                          "1.02.3",
                          "1.2.03",
                          "1.2.3-",
                          "1.2.3-01",
                          "1.2.3-a..b",
                          "1.2.3+",
                          "1.2.3+a..b",
                          "1.2.3-a_b",
                          " 1.2.3",
                          "1.2.3 ",
                          "-1.2.3",
                          "1.2.3-beta!",
                          "18446744073709551616.0.0",
                          "1.2.x"}) {
    EXPECT_FALSE(ParseSemVer(bad).has_value()) << '"' << bad << '"';
  }
  EXPECT_TRUE(ParseSemVer("1.2.3-0A.is.legal+001").has_value()) << "build ids may lead with 0";
}

}  // namespace
}  // namespace tenure::agent
