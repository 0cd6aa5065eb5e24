// Home, over real HTTP (issue 14 item 6): a license whose renewal was canceled says when it
// ends beside its status rather than a plain ACTIVE; Home links to Billing; and the pages
// reached from Home (Billing, Add a card, Buy/Renew, Edit Instances, the cancel steps) keep
// Home highlighted in the navigation.
#include <gmock/gmock.h>

#include <regex>

#include "billing_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// The "Your license" card of Home, as plain text.
std::string LicenseCard(const std::string& html) {
  const size_t heading = html.find(">Your license<");
  const size_t end = html.find("</section>", heading);
  if (heading == std::string::npos || end == std::string::npos) return {};
  return PlainText(html.substr(heading + 1, end - heading - 1));
}

// The texts of the navigation's links marked as the current page.
std::vector<std::string> CurrentTabs(const std::string& html) {
  const size_t nav = html.find("<nav class=\"tabs\"");
  const std::string tabs = html.substr(nav, html.find("</nav>", nav) - nav);
  static const std::regex current(R"re(<a href="([^"]*)" aria-current="page">)re");
  std::vector<std::string> out;
  for (std::sregex_iterator it(tabs.begin(), tabs.end(), current), last; it != last; ++it)
    out.push_back((*it)[1].str());
  return out;
}

class HomeHttpTest : public JourneyTest {};

TEST_F(HomeHttpTest, ACanceledLicenseSaysWhenItEndsBesideItsStatus) {
  const std::string email = NextDemoCustomer();
  Browser b = As(email);
  auto db = Db();
  const int64_t expires =
      db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {UserId(db, email)}).value_or(0);
  EXPECT_THAT(LicenseCard(b.Get("/home").body), Not(HasSubstr("Ends on")))
      << "while it renews, it does not end";

  ASSERT_EQ(b.Post("/cancel/confirm", {{"csrf", SessionCsrf(b)}, {"reason", "unused"}}).status,
            303);
  EXPECT_THAT(LicenseCard(b.Get("/home").body),
              HasSubstr("Active Ends on " + LongDate(expires) + " The program works"));
}

TEST_F(HomeHttpTest, TheEndDateFollowsTheCustomersZone) {
  const std::string email = NextDemoCustomer();
  Browser b = As(email);
  ChooseTimeZone(b, "Pacific/Kiritimati");  // UTC+14: usually the next day already
  ASSERT_EQ(b.Post("/cancel/confirm", {{"csrf", SessionCsrf(b)}, {"reason", "unused"}}).status,
            303);
  auto db = Db();
  const int64_t expires =
      db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {UserId(db, email)}).value_or(0);
  EXPECT_THAT(LicenseCard(b.Get("/home").body),
              HasSubstr("Ends on " + ZonedDate(expires, "Pacific/Kiritimati")));
}

TEST_F(HomeHttpTest, HomeLinksToBilling) {
  Browser b = As(NextDemoCustomer());
  EXPECT_THAT(LinksStartingWith(b.Get("/home").body, "/billing"), ::testing::Contains("/billing"));
}

// Issue 14: Billing, Add card, Buy and Cancel are reached from Home, so Home stays
// highlighted there; each page marks exactly one tab.
TEST_F(HomeHttpTest, PagesReachedFromHomeHighlightHome) {
  Browser b = As(NextDemoCustomer());
  for (const char* path : {"/home", "/billing", "/billing/card", "/billing/renew",
                           "/billing/instances", "/cancel", "/cancel/reason"}) {
    const HttpResponse page = b.Get(path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_THAT(CurrentTabs(page.body), ElementsAre("/home")) << path;
  }
  EXPECT_THAT(CurrentTabs(b.Get("/settings").body), ElementsAre("/settings"));
}

}  // namespace
}  // namespace tenure::http_test
