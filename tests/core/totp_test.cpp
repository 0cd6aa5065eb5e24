#include "core/totp.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace tenure {
namespace {

// RFC 4226 Appendix D and RFC 6238 Appendix B: the SHA-1 seed is this ASCII string; the
// SHA-256 and SHA-512 seeds repeat it to 32 and 64 bytes.
const std::string kSeed20 = "12345678901234567890";
const std::string kSeed32 = "12345678901234567890123456789012";
const std::string kSeed64 = "1234567890123456789012345678901234567890123456789012345678901234";

TEST(Base32, EncodesRfc4648Vectors) {
  // RFC 4648 section 10, padding dropped (the encoder writes none).
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
}

TEST(Base32, DecodesRfc4648VectorsWithOrWithoutPadding) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"MY======", "f"},
                                                                    {"MZXQ====", "fo"},
                                                                    {"MZXW6===", "foo"},
                                                                    {"MZXW6YQ=", "foob"},
                                                                    {"MZXW6YTB", "fooba"},
                                                                    {"MZXW6YTBOI======", "foobar"}};
  for (const auto& [text, bytes] : vectors) {
    EXPECT_EQ(Base32Decode(text), bytes) << text;
    const std::string unpadded = text.substr(0, text.find('='));
    EXPECT_EQ(Base32Decode(unpadded), bytes) << unpadded;
  }
}

TEST(Base32, DecodesAnyCaseAndIgnoresSpaces) {
  EXPECT_EQ(Base32Decode("mzxw6ytboi"), "foobar");
  EXPECT_EQ(Base32Decode("MzXw 6YtB oI"), "foobar");
  EXPECT_EQ(Base32Decode(" GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ "), kSeed20);
}

TEST(Base32, RoundTripsEveryByte) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  for (size_t n = 0; n <= bytes.size(); n += 7) {
    const std::string part = bytes.substr(0, n);
    EXPECT_EQ(Base32Decode(Base32Encode(part)), part) << n;
  }
}

TEST(Base32, RefusesCharactersOutsideTheAlphabet) {
  EXPECT_EQ(Base32Decode("MZXW6YT1"), std::nullopt);  // 0, 1, 8 and 9 are not Base32
  EXPECT_EQ(Base32Decode("MZXW6YT8"), std::nullopt);
  EXPECT_EQ(Base32Decode("MZXW-6YTB"), std::nullopt);
  EXPECT_EQ(Base32Decode("MZXW\t6YTB"), std::nullopt);
  EXPECT_EQ(Base32Decode("MZXW6YT\xC3\x89"), std::nullopt);
  EXPECT_EQ(Base32Decode(std::string("MZXW6YT\0B", 9)), std::nullopt);
}

TEST(Base32, RefusesLengthsNoEncoderWrites) {
  EXPECT_EQ(Base32Decode("M"), std::nullopt);
  EXPECT_EQ(Base32Decode("MZX"), std::nullopt);
  EXPECT_EQ(Base32Decode("MZXW6Y"), std::nullopt);
  EXPECT_EQ(Base32Decode("MZXW6YTBM"), std::nullopt);
}

TEST(Hotp, MatchesRfc4226AppendixD) {
  const std::vector<std::string> expected = {"755224", "287082", "359152", "969429", "338314",
                                             "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t counter = 0; counter < expected.size(); ++counter) {
    EXPECT_EQ(Hotp(kSeed20, counter), expected[counter]) << counter;
  }
}

TEST(Hotp, RefusesDigitCountsOutsideSixToEight) {
  EXPECT_THROW((void)Hotp(kSeed20, 0, 5), std::invalid_argument);
  EXPECT_THROW((void)Hotp(kSeed20, 0, 9), std::invalid_argument);
  EXPECT_EQ(Hotp(kSeed20, 0, 7), "4755224");  // RFC 4226 Appendix D: decimal 1284755224
}

TEST(Totp, MatchesEveryRowOfRfc6238AppendixB) {
  struct Row {
    int64_t unix;
    std::string code;
    OtpAlgorithm algorithm;
  };
  const std::vector<Row> rows = {
      {59, "94287082", OtpAlgorithm::kSha1},
      {59, "46119246", OtpAlgorithm::kSha256},
      {59, "90693936", OtpAlgorithm::kSha512},
      {1111111109, "07081804", OtpAlgorithm::kSha1},
      {1111111109, "68084774", OtpAlgorithm::kSha256},
      {1111111109, "25091201", OtpAlgorithm::kSha512},
      {1111111111, "14050471", OtpAlgorithm::kSha1},
      {1111111111, "67062674", OtpAlgorithm::kSha256},
      {1111111111, "99943326", OtpAlgorithm::kSha512},
      {1234567890, "89005924", OtpAlgorithm::kSha1},
      {1234567890, "91819424", OtpAlgorithm::kSha256},
      {1234567890, "93441116", OtpAlgorithm::kSha512},
      {2000000000, "69279037", OtpAlgorithm::kSha1},
      {2000000000, "90698825", OtpAlgorithm::kSha256},
      {2000000000, "38618901", OtpAlgorithm::kSha512},
      {20000000000, "65353130", OtpAlgorithm::kSha1},
      {20000000000, "77737706", OtpAlgorithm::kSha256},
      {20000000000, "47863826", OtpAlgorithm::kSha512},
  };
  for (const Row& row : rows) {
    const std::string& seed = row.algorithm == OtpAlgorithm::kSha1     ? kSeed20
                              : row.algorithm == OtpAlgorithm::kSha256 ? kSeed32
                                                                       : kSeed64;
    EXPECT_EQ(Totp(seed, FromUnix(row.unix), 8, row.algorithm), row.code)
        << row.unix << " algorithm " << static_cast<int>(row.algorithm);
  }
}

TEST(Totp, StepsAreThirtySecondsFromTheEpoch) {
  EXPECT_EQ(TotpStep(FromUnix(0)), 0);
  EXPECT_EQ(TotpStep(FromUnix(29)), 0);
  EXPECT_EQ(TotpStep(FromUnix(30)), 1);
  EXPECT_EQ(TotpStep(FromUnix(1111111109)), 0x023523EC);  // RFC 6238 Appendix B's T
  EXPECT_EQ(TotpStep(FromUnix(20000000000)), 0x27BC86AA);
  EXPECT_EQ(TotpStep(FromUnix(-1)), -1);
  EXPECT_THROW((void)Totp(kSeed20, FromUnix(-1)), std::invalid_argument);
}

TEST(Totp, NewSecretsAreTwentyRandomBytes) {
  const std::string a = NewTotpSecret();
  const std::string b = NewTotpSecret();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_EQ(b.size(), 20u);
  EXPECT_NE(a, b);
  EXPECT_EQ(Base32Encode(a).size(), 32u);  // 160 bits: 32 symbols, no padding
}

// 1111111111 is one second into its step: the window's edges are a step either side.
const Instant kNow = FromUnix(1111111111);
const int64_t kNowStep = 1111111111 / 30;

TEST(VerifyTotp, AcceptsTheCurrentPreviousAndNextStepAndSaysWhich) {
  EXPECT_EQ(VerifyTotp(kSeed20, Totp(kSeed20, kNow), kNow), kNowStep);
  EXPECT_EQ(VerifyTotp(kSeed20, Totp(kSeed20, kNow - Seconds(30)), kNow), kNowStep - 1);
  EXPECT_EQ(VerifyTotp(kSeed20, Totp(kSeed20, kNow + Seconds(30)), kNow), kNowStep + 1);
  // The first and last second of the current step are the same step.
  EXPECT_EQ(VerifyTotp(kSeed20, Totp(kSeed20, kNow), FromUnix(1111111110)), kNowStep);
  EXPECT_EQ(VerifyTotp(kSeed20, Totp(kSeed20, kNow), FromUnix(1111111139)), kNowStep);
}

TEST(VerifyTotp, RefusesCodesTwoStepsAway) {
  const std::string two_back = Totp(kSeed20, kNow - Seconds(60));
  const std::string two_ahead = Totp(kSeed20, kNow + Seconds(60));
  EXPECT_EQ(VerifyTotp(kSeed20, two_back, kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, two_ahead, kNow), std::nullopt);
  // The same codes are good at their own time: only the distance refuses them.
  EXPECT_EQ(VerifyTotp(kSeed20, two_back, kNow - Seconds(60)), kNowStep - 2);
  EXPECT_EQ(VerifyTotp(kSeed20, two_ahead, kNow + Seconds(60)), kNowStep + 2);
}

TEST(VerifyTotp, RefusesAnotherKeysCode) {
  EXPECT_EQ(VerifyTotp(kSeed32, Totp(kSeed20, kNow), kNow), std::nullopt);
}

TEST(VerifyTotp, DropsSpacesAndWantsExactlySixDigits) {
  const std::string code = Totp(kSeed20, kNow);  // 050471: a leading zero to keep
  ASSERT_EQ(code, "050471");
  EXPECT_EQ(VerifyTotp(kSeed20, " 050 471 ", kNow), kNowStep);
  EXPECT_EQ(VerifyTotp(kSeed20, "50471", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "0050471", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "14050471", kNow), std::nullopt);  // the 8-digit code
  EXPECT_EQ(VerifyTotp(kSeed20, "", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "      ", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "05047a", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "050-471", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "050\t471", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "+50471", kNow), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, "05047\xD9\xA1", kNow), std::nullopt);  // Arabic-Indic one
}

TEST(OtpAuthUri, MatchesGoogleKeyUriFormatExample) {
  // The full example in Google Authenticator's "Key Uri Format" wiki page.
  const auto key = Base32Decode("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(OtpAuthUri("ACME Co", "john.doe@email.com", *key),
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
            "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpAuthUri, PercentEncodesLabelAndIssuer) {
  EXPECT_EQ(OtpAuthUri("Tenure @ Acme & Co", "jane doe+2fa@example.com", kSeed20),
            "otpauth://totp/Tenure%20@%20Acme%20%26%20Co:jane%20doe%2B2fa@example.com"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Tenure%20@%20Acme%20%26%20Co"
            "&algorithm=SHA1&digits=6&period=30");
  // A colon would split the label early, '?', '#', '=' would end or break the parts;
  // UTF-8 goes byte by byte.
  EXPECT_EQ(OtpAuthUri("Café: a?b#c=d/e", "x@y.z", "k"),
            "otpauth://totp/Caf%C3%A9%3A%20a%3Fb%23c%3Dd%2Fe:x@y.z?secret=NM"
            "&issuer=Caf%C3%A9%3A%20a%3Fb%23c%3Dd%2Fe&algorithm=SHA1&digits=6&period=30");
}

TEST(TotpSecretForManualEntry, GroupsTheBase32InFours) {
  EXPECT_EQ(TotpSecretForManualEntry(kSeed20), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  EXPECT_EQ(TotpSecretForManualEntry("foobar"), "MZXW 6YTB OI");
  EXPECT_EQ(TotpSecretForManualEntry(""), "");
  // What a person types back from it decodes to the key.
  EXPECT_EQ(Base32Decode(TotpSecretForManualEntry(kSeed20)), kSeed20);
}

}  // namespace
}  // namespace tenure
