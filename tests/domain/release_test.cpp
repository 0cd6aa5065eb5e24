#include "domain/release.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tenure::domain {
namespace {

TEST(SemVer, ParsesTheSpecsExamplesAndRefusesTheRest) {
  for (const char* ok : {"0.0.0", "1.9.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1",
                         "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0-x-y-z.--", "1.0.0+20130313144700",
                         "1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD"}) {
    auto v = ParseSemVer(ok);
    ASSERT_TRUE(v) << ok;
    EXPECT_EQ(v->ToString(), ok);
  }
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.03",
                          "1.2.3-", "1.2.3-01", "1.2.3-a..b", "1.2.3+", "1.2.3-a_b", " 1.2.3",
                          "1.2.3 ", "-1.2.3", "99999999999999999999.0.0"}) {
    EXPECT_FALSE(ParseSemVer(bad)) << bad;
  }
  EXPECT_FALSE(ParseSemVer(std::string(65, '1')));
}

TEST(SemVer, OrdersAsSection11Says) {
  // semver.org item 11.4's example, in ascending order.
  const std::vector<const char*> ascending = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                              "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                              "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                                              "1.1.0",       "1.10.0",        "2.0.0"};
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    const auto a = *ParseSemVer(ascending[i]);
    const auto b = *ParseSemVer(ascending[i + 1]);
    EXPECT_EQ(CompareSemVer(a, b), -1) << ascending[i] << " < " << ascending[i + 1];
    EXPECT_EQ(CompareSemVer(b, a), 1);
  }
  EXPECT_EQ(CompareSemVer(*ParseSemVer("1.0.0+a"), *ParseSemVer("1.0.0+b")), 0)
      << "build metadata does not count";
}

TEST(Release, TheLatestIsTheHighestPublishedVersionOfItsChannel) {
  const Instant t{};
  std::vector<Release> releases = {
      {.id = {1}, .version = "1.9.0", .channel = ReleaseChannel::kStable, .published_at = t},
      {.id = {2}, .version = "1.10.0", .channel = ReleaseChannel::kStable, .published_at = t},
      {.id = {3}, .version = "2.0.0-beta.1", .channel = ReleaseChannel::kBeta, .published_at = t},
      {.id = {4},
       .version = "1.11.0",
       .channel = ReleaseChannel::kStable,
       .published_at = t,
       .unpublished_at = t},
  };
  EXPECT_EQ(LatestIndex(releases, ReleaseChannel::kStable), 1U) << "1.10.0 > 1.9.0; 1.11.0 hidden";
  EXPECT_EQ(LatestIndex(releases, ReleaseChannel::kBeta), 2U);
  releases.erase(releases.begin() + 2);
  EXPECT_FALSE(LatestIndex(releases, ReleaseChannel::kBeta));
}

TEST(Release, TheVisitorsSystemComesFromTheClientHintThenTheUserAgent) {
  constexpr char kWindowsChrome[] =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.0.0 Safari/537.36";
  constexpr char kMacSafari[] =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/18.1 Safari/605.1.15";
  constexpr char kLinuxFirefox[] =
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  constexpr char kAndroid[] =
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.0.0 Mobile Safari/537.36";
  EXPECT_EQ(DetectReleaseOs("", kWindowsChrome), ReleaseOs::kWindows);
  EXPECT_EQ(DetectReleaseOs("", kMacSafari), ReleaseOs::kMacos);
  EXPECT_EQ(DetectReleaseOs("", kLinuxFirefox), ReleaseOs::kLinux);
  EXPECT_FALSE(DetectReleaseOs("", kAndroid)) << "Android is not Linux for downloads";
  EXPECT_FALSE(DetectReleaseOs("", ""));
  // Chromium's reduced User-Agent can lie about the system; the hint is what it says.
  EXPECT_EQ(DetectReleaseOs("\"macOS\"", kWindowsChrome), ReleaseOs::kMacos);
  EXPECT_EQ(DetectReleaseOs("\"Linux\"", kWindowsChrome), ReleaseOs::kLinux);
  EXPECT_FALSE(DetectReleaseOs("\"Chrome OS\"", kLinuxFirefox));
}

TEST(Release, NamesRoundTrip) {
  for (const ReleaseOs os : kAllOs) EXPECT_EQ(ParseOs(OsName(os)), os);
  EXPECT_EQ(OsLabel(ReleaseOs::kMacos), "macOS");
  EXPECT_FALSE(ParseOs("Windows"));
  EXPECT_EQ(ParseChannel("beta"), ReleaseChannel::kBeta);
  EXPECT_FALSE(ParseChannel("nightly"));
}

}  // namespace
}  // namespace tenure::domain
