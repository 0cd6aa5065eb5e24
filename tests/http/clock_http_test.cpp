// The shared test clock over real HTTP (issue 8): `tenure serve` started with
// TENURE_TEST_CLOCK_FILE runs on the time `tenure clock` gives it, so a test walks a license
// through its states (PRODUCT.md: license states) without sleeping and without rewriting rows.
#include <gmock/gmock.h>

#include <cstdlib>
#include <regex>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Home's license badge: {"grace", "Grace period"}, or empty strings when there is none.
std::pair<std::string, std::string> StatusBadge(const std::string& html) {
  static const std::regex badge(R"re(<span class="badge badge-([a-z]+)">([^<]*)</span>)re");
  std::smatch m;
  if (!std::regex_search(html, m, badge)) return {};
  return {m[1].str(), PlainText(m[2].str())};
}

class TestClockHttpTest : public PerTestServer {
 protected:
  // One browser follows the license across weeks the clock jumps in one go: unused that long,
  // its session would end by the idle timeout (issue 10 item 5), which is not what these
  // tests are about, so the idle timeout here is the whole lifetime (30 days).
  TestClockHttpTest()
      : PerTestServer({.env = {{"TENURE_SESSION_IDLE_TIMEOUT_HOURS", "720"}}, .test_clock = true}) {
  }

  std::pair<std::string, std::string> HomeBadge(Browser& b) {
    const HttpResponse home = b.Get("/home");
    EXPECT_EQ(home.status, 200) << ::testing::PrintToString(home);
    return StatusBadge(home.body);
  }

  std::string ClockNow() {
    std::string now;
    EXPECT_TRUE(server().RunCommand({"clock", "show"}, &now));
    return now;
  }
};

TEST_F(TestClockHttpTest, ServeSaysLoudlyThatTheTestClockIsOn) {
  EXPECT_THAT(server().Stderr(), HasSubstr("WARNING: the test clock is on"));
  EXPECT_THAT(server().Stderr(), HasSubstr(server().ClockFilePath().string()));
  // The file did not exist: it was made holding the real time.
  const int64_t now = UnixFromRfc3339(ClockNow());
  EXPECT_NEAR(static_cast<double>(now), static_cast<double>(UnixNow()), 600.0);
}

TEST_F(TestClockHttpTest, HomeFollowsTheClockFromActiveThroughGraceToExpired) {
  Browser b = As(kDemoCustomer);
  // Renewal off first (the cancel journey's last step), so that the renewal job running in
  // `serve` lets the license lapse rather than charge the saved card.
  ASSERT_EQ(b.Post("/cancel/confirm", {{"csrf", SessionCsrf(b)}, {"reason", "unused"}}).status,
            303);
  auto db = Db();
  const int64_t user = UserId(db, kDemoCustomer);
  const auto expires = db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {user});
  ASSERT_TRUE(expires.has_value());
  ASSERT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {user}), 0);
  EXPECT_EQ(HomeBadge(b), std::make_pair(std::string("active"), std::string("Active")));

  // An hour before it expires: still active.
  std::string now;
  ASSERT_TRUE(server().RunCommand({"clock", "set", Rfc3339(*expires - 3600)}, &now));
  EXPECT_EQ(UnixFromRfc3339(now), *expires - 3600);
  EXPECT_EQ(HomeBadge(b), std::make_pair(std::string("active"), std::string("Active")));

  // Past expires_at, within the day of grace (the default license.grace_hours).
  ASSERT_TRUE(server().AdvanceClock("2h", &now));
  EXPECT_EQ(UnixFromRfc3339(now), *expires + 3600);
  EXPECT_EQ(HomeBadge(b), std::make_pair(std::string("grace"), std::string("Grace period")));

  // Past the grace period.
  ASSERT_TRUE(server().AdvanceClock("1d"));
  EXPECT_EQ(HomeBadge(b), std::make_pair(std::string("expired"), std::string("Expired")));
  // The commands run on the same clock: the license's JSON says so too.
  std::string json;
  ASSERT_TRUE(server().RunCommand({"license", "show", kDemoCustomer}, &json));
  EXPECT_THAT(json, HasSubstr(R"("status":"expired")"));
  // Nothing was rewritten: the license kept its date; only the time moved.
  EXPECT_EQ(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {user}), expires);
}

TEST_F(TestClockHttpTest, TheClockCommandRefusesBadInputAndLeavesTheTimeAlone) {
  const std::string before = ClockNow();
  for (const std::vector<std::string>& bad :
       std::initializer_list<std::vector<std::string>>{{"clock", "advance", "-1h"},
                                                       {"clock", "advance", "3x"},
                                                       {"clock", "advance", "25"},
                                                       {"clock", "set", "tomorrow"},
                                                       {"clock", "rewind"},
                                                       {"clock"}}) {
    const auto run = server().RunCommand(bad);
    EXPECT_FALSE(run) << ::testing::PrintToString(bad);
    EXPECT_THAT(std::string(run.message()), HasSubstr("exit status 2"));
  }
  EXPECT_EQ(ClockNow(), before);
}

// Without the setting the server runs on the system clock and `tenure clock` says why not.
class NoTestClockHttpTest : public PerTestServer {
 protected:
  NoTestClockHttpTest() : PerTestServer({}) {}
};

TEST_F(NoTestClockHttpTest, TheClockIsRealAndTheCommandExplainsTheSetting) {
  EXPECT_THAT(server().Stderr(), Not(HasSubstr("test clock")));
  const auto run = server().RunCommand({"clock", "advance", "1d"});
  ASSERT_FALSE(run);
  EXPECT_THAT(std::string(run.message()), HasSubstr("TENURE_TEST_CLOCK_FILE"));
  EXPECT_FALSE(std::filesystem::exists(server().ClockFilePath()));
}

}  // namespace
}  // namespace tenure::http_test
