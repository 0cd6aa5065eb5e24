// The browser and system of a session (Settings -> Sessions; issue 10 item 5), from real
// User-Agent strings of each browser on each system.
#include "domain/user_agent.hpp"

#include <gtest/gtest.h>

namespace tenure::domain {
namespace {

struct Case {
  const char* user_agent;
  const char* described;
};

TEST(UserAgent, NamesTheBrowserAndTheSystem) {
  const Case cases[] = {
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
       "Firefox on Windows"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
       "Firefox on macOS"},
      {"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
       "Firefox on Linux"},
      {"Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
       "Firefox on Android"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
       "like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
       "Firefox on iOS"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/131.0.0.0 Safari/537.36",
       "Chrome on Windows"},
      {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "HeadlessChrome/131.0.0.0 Safari/537.36",
       "Chrome on Linux"},
      {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/131.0.0.0 Mobile Safari/537.36",
       "Chrome on Android"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
       "like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
       "Chrome on iOS"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
       "Edge on Windows"},
      {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
       "Edge on Android"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
       "Gecko) Version/18.1 Safari/605.1.15",
       "Safari on macOS"},
      {"Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/18.1 Mobile/15E148 Safari/604.1",
       "Safari on iOS"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
       "Opera on Windows"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
       "Opera on macOS"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(DescribeDevice(ParseUserAgent(c.user_agent)), c.described) << c.user_agent;
}

TEST(UserAgent, WhatItCannotTellIsUnknownNeverAGuess) {
  EXPECT_EQ(DescribeDevice(ParseUserAgent("")), "Unknown browser");
  EXPECT_EQ(DescribeDevice(ParseUserAgent("curl/8.5.0")), "Unknown browser");
  EXPECT_EQ(DescribeDevice(ParseUserAgent("tenure-agent/1.0 (Linux x86_64)")),
            "Unknown browser on Linux");
  // Android's old built-in browser also says Safari; Safari runs only on Apple's systems.
  EXPECT_EQ(DescribeDevice(ParseUserAgent("Mozilla/5.0 (Linux; U; Android 4.0.3; en-us) "
                                          "AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 "
                                          "Mobile Safari/534.30")),
            "Unknown browser on Android");
  // A browser on a system not in the list names the browser alone.
  EXPECT_EQ(DescribeDevice(ParseUserAgent("Mozilla/5.0 (X11; FreeBSD amd64; rv:128.0) "
                                          "Gecko/20100101 Firefox/128.0")),
            "Firefox");
  const Device parsed = ParseUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0");
  EXPECT_EQ(parsed.browser, "Firefox");
  EXPECT_EQ(parsed.os, "Linux");
}

}  // namespace
}  // namespace tenure::domain
