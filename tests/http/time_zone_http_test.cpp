// Dates in the customer's time zone, over real HTTP (issue 14 item 5): pages and emails are
// written in the zone, with its abbreviation where a time of day is shown; the zone is chosen
// from the list, and a name that is none comes back (422) with the list, what was sent and
// the closest names instead of a dead end; the browser's zone is adopted while the account
// has none, and never over a choice.
#include <gmock/gmock.h>

#include <algorithm>

#include "account_security_helpers.hpp"
#include "billing_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class TimeZoneHttpTest : public PerTestServer {
 protected:
  TimeZoneHttpTest() : PerTestServer({.demo_customers = 4, .test_clock = true}) {}

  std::string ZoneOf(std::string_view email) {
    auto db = Db();
    return db.Text("SELECT time_zone FROM users WHERE email = ?", {std::string(email)})
        .value_or("?");
  }
};

// The example, with the clock where it was: Europe/London moved to summer time at
// 01:00 UTC on March 29, 2026, so 00:30 UTC was still 00:30 GMT and 01:30 UTC was 02:30 BST;
// on the Pacific coast both were still the evening of March 28.
TEST_F(TimeZoneHttpTest, ChargesAcrossTheSpringChangeShowInTheCustomersZone) {
  ASSERT_TRUE(server().RunCommand({"clock", "set", "2026-03-29T00:30:00Z"}));
  const std::string london_email = DemoCustomerEmail(1);
  const std::string la_email = DemoCustomerEmail(2);
  Browser london = As(london_email);
  Browser la = As(la_email);
  ChooseTimeZone(london, "Europe/London");
  ChooseTimeZone(la, "America/Los_Angeles");
  ASSERT_EQ(RenewNow(london).status, 303);
  ASSERT_EQ(RenewNow(la).status, 303);
  ASSERT_TRUE(server().AdvanceClock("1h"));
  ASSERT_EQ(BuyInstances(london, 1).status, 303);

  const std::string london_history = PlainText(london.Get("/billing").body);
  EXPECT_THAT(london_history, AllOf(HasSubstr("March 29, 2026 00:30 GMT Renewal"),
                                    HasSubstr("March 29, 2026 02:30 BST")));
  EXPECT_THAT(PlainText(la.Get("/billing").body),
              AllOf(HasSubstr("March 28, 2026 17:30 PDT Renewal"), Not(HasSubstr("UTC"))));

  // The receipts' emails name the local day of the payment too.
  auto db = Db();
  EXPECT_THAT(LastEmailText(db, la_email, "Receipt").value_or(""),
              HasSubstr("for one month of your license on March 28, 2026."));
  EXPECT_THAT(LastEmailText(db, london_email, "Receipt").value_or(""),
              HasSubstr("for 1 extra instance on March 29, 2026."));
}

TEST_F(TimeZoneHttpTest, HomeSettingsAndEmailsUseTheZone) {
  const std::string email = DemoCustomerEmail(3);
  Browser b = As(email);
  ChooseTimeZone(b, "Pacific/Auckland");
  auto db = Db();
  const int64_t user = UserId(db, email);
  const int64_t expires =
      db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {user}).value_or(0);
  const int64_t created = db.Int("SELECT created_at FROM users WHERE id = ?", {user}).value_or(0);
  const std::string home = PlainText(b.Get("/home").body);
  EXPECT_THAT(home, HasSubstr("Valid until " + ZonedDate(expires, "Pacific/Auckland")));
  EXPECT_THAT(
      home, HasSubstr("renews automatically on " + ZonedDate(expires - kDay, "Pacific/Auckland")));
  EXPECT_THAT(PlainText(b.Get("/settings").body),
              HasSubstr("Member since " + ZonedDate(created, "Pacific/Auckland")));

  // Canceling's confirmation names the end in the zone, with its time and abbreviation.
  ASSERT_EQ(b.Post("/cancel/confirm", {{"csrf", SessionCsrf(b)}, {"reason", "unused"}}).status,
            303);
  EXPECT_THAT(
      LastEmailText(db, email, "will not renew").value_or(""),
      HasSubstr("Your license keeps working until " + ZonedDate(expires, "Pacific/Auckland") +
                " (" + ZonedTimeOfDay(expires, "Pacific/Auckland") + ")."));
  // Account notices too: a sign-in from a new address says when, in the zone.
  Browser away(Base());
  away.SetLocalAddress("127.0.0.45");
  ASSERT_EQ(SignInForm(away, email, kDemoPassword).status, 303);
  EXPECT_THAT(LastEmailText(db, email, "New sign-in").value_or(""),
              AllOf(HasSubstr("Your account was signed in to on "),
                    AnyOf(HasSubstr(" NZDT, from the address 127.0.0.45"),
                          HasSubstr(" NZST, from the address 127.0.0.45"))));
}

TEST_F(TimeZoneHttpTest, AMistypedZoneComesBackWithTheListWhatWasSentAndSuggestions) {
  Browser b = As(kDemoCustomer);
  const HttpResponse r =
      b.Post("/settings/time-zone", {{"csrf", SessionCsrf(b)}, {"time_zone", "Europe/Londn"}});
  ASSERT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_EQ(ZoneOf(kDemoCustomer), "") << "nothing saved";
  // The error summary comes first and takes the focus; it links to the field.
  bool summary = false;
  for (const HtmlTag& div : FindTags(r.body, "div"))
    if (div.Get("id") == "error-summary") {
      summary = true;
      EXPECT_TRUE(div.Has("autofocus"));
      EXPECT_EQ(div.Get("tabindex"), "-1");
      EXPECT_EQ(div.Get("role"), "alert");
    }
  EXPECT_TRUE(summary) << "Settings shows an error summary";
  EXPECT_LT(Position(r.body, "id=\"error-summary\""), Position(r.body, "<section"));
  EXPECT_THAT(PlainText(r.body), HasSubstr("Your time zone was not saved."));
  // The field keeps what was sent, marked invalid, and the list is there to choose from.
  const auto input = FindInput(r.body, "time_zone");
  ASSERT_TRUE(input);
  EXPECT_EQ(input->Get("value"), "Europe/Londn");
  EXPECT_EQ(input->Get("aria-invalid"), "true");
  EXPECT_EQ(input->Get("list"), "zones");
  std::vector<std::string> options;
  for (const HtmlTag& o : FindTags(r.body, "option")) options.push_back(o.Get("value"));
  EXPECT_GT(options.size(), 300u);
  EXPECT_THAT(options, AllOf(Contains("Europe/London"), Contains("America/New_York"),
                             Contains("UTC"), Not(Contains("US/Eastern"))));
  // The closest names are buttons that save them.
  const size_t form = r.body.rfind("<form", Position(r.body, "class=\"suggestions\""));
  ASSERT_NE(form, std::string::npos);
  const std::string suggestions = FormWithAction(r.body.substr(form), "/settings/time-zone");
  ASSERT_FALSE(suggestions.empty()) << "a form of suggestions";
  EXPECT_EQ(Buttons(suggestions).at(0), "Europe/London");
  const HttpResponse chosen = b.Post(
      "/settings/time-zone", {{"csrf", CsrfField(suggestions)}, {"time_zone", "Europe/London"}});
  EXPECT_EQ(chosen.status, 303);
  EXPECT_EQ(ZoneOf(kDemoCustomer), "Europe/London");
  const HttpResponse settings = b.Get("/settings?done=time_zone");
  EXPECT_EQ(FindInput(settings.body, "time_zone")->Get("value"), "Europe/London");
  EXPECT_THAT(PlainText(settings.body), HasSubstr("Your time zone is saved."));
}

TEST_F(TimeZoneHttpTest, ChoosingNothingMeansUtcAndIsKept) {
  Browser b = As(kDemoCustomer);
  ChooseTimeZone(b, "");
  EXPECT_EQ(ZoneOf(kDemoCustomer), "UTC") << "a choice, which the browser's zone won't replace";
  EXPECT_THAT(b.Get("/home").body, Not(HasSubstr("data-detect-time-zone")));
}

TEST_F(TimeZoneHttpTest, TheBrowsersZoneIsAdoptedOnlyWhileTheAccountHasNone) {
  const std::string email = FreshEmail("zone");
  Browser b = SignedUp(Base(), email);
  const HttpResponse home = b.Get("/home");
  // The layout asks the script to report the zone, with the session's token.
  std::optional<HtmlTag> script;
  for (const HtmlTag& s : FindTags(home.body, "script"))
    if (s.Get("src").starts_with("/static/app.js?v=")) script = s;
  ASSERT_TRUE(script) << "signed-in pages load static/app.js";
  EXPECT_TRUE(script->Has("data-detect-time-zone"));
  EXPECT_TRUE(script->Has("defer"));
  const std::string csrf = script->Get("data-csrf");
  EXPECT_EQ(csrf, CsrfField(home.body));
  const HttpResponse js = b.Get(script->Get("src"));
  EXPECT_EQ(js.status, 200);
  EXPECT_THAT(js.Header("content-type"), HasSubstr("javascript"));
  EXPECT_THAT(js.body, HasSubstr("/settings/time-zone/detected"));

  // Validated like a choice; a name that is no zone changes nothing.
  const HttpResponse bad =
      b.Post("/settings/time-zone/detected", {{"csrf", csrf}, {"time_zone", "Mars/Olympus"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(ZoneOf(email), "");
  EXPECT_EQ(b.Post("/settings/time-zone/detected", {{"time_zone", "Asia/Tokyo"}}).status, 403)
      << "the CSRF token is required";
  EXPECT_EQ(ZoneOf(email), "");

  const HttpResponse adopted =
      b.Post("/settings/time-zone/detected", {{"csrf", csrf}, {"time_zone", "America/New_York"}});
  EXPECT_EQ(adopted.status, 204);
  EXPECT_EQ(ZoneOf(email), "America/New_York");
  auto db = Db();
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.time_zone' AND "
                     "subject = ? AND after_json LIKE '%browser%'",
                     {"user:" + std::to_string(UserId(db, email))}),
            1);
  EXPECT_THAT(b.Get("/home").body, Not(HasSubstr("data-detect-time-zone")))
      << "asked once: the account has a zone now";

  // Another tab's report never replaces it, nor a choice made in Settings.
  EXPECT_EQ(b.Post("/settings/time-zone/detected", {{"csrf", csrf}, {"time_zone", "Europe/Paris"}})
                .status,
            200);
  EXPECT_EQ(ZoneOf(email), "America/New_York");
}

TEST_F(TimeZoneHttpTest, AFormsAnswerDoesNotAskForTheZone) {
  Browser b = SignedUp(Base(), FreshEmail("zone-post"));
  const HttpResponse refused =
      b.Post("/settings/time-zone", {{"csrf", SessionCsrf(b)}, {"time_zone", "Nowhere"}});
  ASSERT_EQ(refused.status, 422);
  // Reloading the answer to a POST would send the form again.
  EXPECT_THAT(refused.body, Not(HasSubstr("data-detect-time-zone")));
  EXPECT_THAT(b.Get("/settings").body, HasSubstr("data-detect-time-zone"));
}

}  // namespace
}  // namespace tenure::http_test
