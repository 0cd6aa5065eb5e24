// Edit Instances (fewer from the next renewal, and back) and checkout statistics on Home and
// for staff (issue 9's dashboard side), against the demo customer: three instances, auto-renew
// on, 320 checkouts over the last 60 days in USD and EUR.
#include <gmock/gmock.h>

#include <regex>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// "1,234.00 USD", written here independently of the server's formatter.
std::string Amount(int64_t cents, const std::string& currency) {
  std::string units = std::to_string(cents / 100);
  for (int at = static_cast<int>(units.size()) - 3; at > 0; at -= 3)
    units.insert(static_cast<size_t>(at), ",");
  const int64_t rest = cents % 100;
  return units + "." + (rest < 10 ? "0" : "") + std::to_string(rest) + " " + currency;
}

int64_t Occurrences(std::string_view text, std::string_view needle) {
  int64_t n = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

class DashboardProgramHttpTest : public PerTestServer {
 protected:
  DashboardProgramHttpTest() : PerTestServer({.demo_customers = 1}) {}

  HttpResponse Schedule(Browser& b, std::string_view count) {
    return b.Post("/billing/instances/renewal",
                  {{"csrf", SessionCsrf(b)}, {"count", std::string(count)}});
  }
};

TEST_F(DashboardProgramHttpTest, EditInstancesAddsNowOrRemovesFromTheNextRenewal) {
  Browser demo = As(kDemoCustomer);
  auto db = Db();
  const int64_t id = UserId(db, kDemoCustomer);
  // Auto-renew is on: the next renewal is its charge, a day before the expiration date.
  const std::string renewal =
      LongDate(*db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id}) - kDay);

  const HttpResponse page = demo.Get("/billing/instances");
  ASSERT_EQ(page.status, 200) << ::testing::PrintToString(page);
  EXPECT_THAT(page.body, HasSubstr("<h1>Edit instances</h1>"));
  EXPECT_THAT(PlainText(page.body),
              AllOf(HasSubstr("Add instances now"), HasSubstr("You have 3 now."),
                    HasSubstr("Remove instances from your next renewal"),
                    HasSubstr("Nothing is refunded."), Not(HasSubstr("From your next renewal"))));
  EXPECT_THAT(Buttons(page.body), AllOf(::testing::Contains("Buy instances"),
                                        ::testing::Contains("Change at next renewal")));
  const std::string form = FormWithAction(page.body, "/billing/instances/renewal");
  EXPECT_THAT(form,
              AllOf(HasSubstr(R"(<option value="1">1 instance: 50.00 USD a month</option>)"),
                    HasSubstr(R"(<option value="2">2 instances: 100.00 USD a month</option>)"),
                    HasSubstr(R"(<option value="3" selected>3 instances: 150.00 USD a month)"),
                    Not(HasSubstr(R"(value="4")"))));

  // Fewer from the next renewal: the count and the price that renewal charges, everywhere.
  const HttpResponse r = Schedule(demo, "1");
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/billing/instances?done=scheduled");
  EXPECT_EQ(db.Int("SELECT instances_at_renewal FROM licenses WHERE user_id = ?", {id}), 1);
  EXPECT_EQ(db.Int("SELECT instances FROM licenses WHERE user_id = ?", {id}), 3)
      << "the instances stay until that renewal";
  EXPECT_EQ(AuditCount(db, "license.instances_at_renewal"), 1);
  const std::string pending =
      "From your next renewal on " + renewal + ": 1 instance, 50.00 USD a month.";
  const std::string after = PlainText(demo.Get(r.Header("location")).body);
  EXPECT_THAT(after, AllOf(HasSubstr("Saved. Your instances stay as they are until your next "
                                     "renewal, and nothing is refunded."),
                           HasSubstr(pending), HasSubstr("You have 3 now.")));
  EXPECT_THAT(Buttons(demo.Get("/billing/instances").body),
              ::testing::Contains("Keep 3 instances"));
  const std::string home = PlainText(demo.Get("/home").body);
  EXPECT_THAT(home, AllOf(HasSubstr("3 instances · Edit Instances"), HasSubstr(pending),
                          HasSubstr("renews automatically on " + renewal + " for 50.00 USD")));
  EXPECT_THAT(PlainText(demo.Get("/settings").body),
              HasSubstr("Instances 3 · Edit Instances " + pending));

  // Keep the current count: the change is cleared.
  const HttpResponse kept = Schedule(demo, "3");
  ASSERT_EQ(kept.status, 303) << ::testing::PrintToString(kept);
  EXPECT_EQ(kept.Header("location"), "/billing/instances?done=kept");
  EXPECT_FALSE(db.Int("SELECT instances_at_renewal FROM licenses WHERE user_id = ?", {id}));
  EXPECT_THAT(PlainText(demo.Get(kept.Header("location")).body),
              AllOf(HasSubstr("Saved. Your next renewal keeps all 3 instances."),
                    Not(HasSubstr("From your next renewal"))));
  EXPECT_THAT(PlainText(demo.Get("/home").body),
              AllOf(HasSubstr("3 instances · 150.00 USD a month · Edit Instances"),
                    Not(HasSubstr("From your next renewal"))));
}

TEST_F(DashboardProgramHttpTest, EditInstancesRefusesACountOutsideOneToToday) {
  Browser demo = As(kDemoCustomer);
  auto db = Db();
  for (const char* bad : {"0", "4", "-1", "many"}) {
    const HttpResponse r = Schedule(demo, bad);
    EXPECT_EQ(r.status, 422) << bad << ": " << ::testing::PrintToString(r);
    EXPECT_THAT(PlainText(r.body),
                HasSubstr("Choose from 1 to 3 instances. To have more, add instances."));
    EXPECT_THAT(r.body, HasSubstr(R"(aria-describedby="renewal-count-error")"));
  }
  EXPECT_FALSE(db.Int("SELECT instances_at_renewal FROM licenses WHERE user_id = ?",
                      {UserId(db, kDemoCustomer)}));
  // One instance, the included one: nothing to remove.
  Browser one = As(DemoCustomerEmail(1));
  const std::string text = PlainText(one.Get("/billing/instances").body);
  EXPECT_THAT(text, HasSubstr("You have 1 instance, the one included with your license, so "
                              "there is none to remove."));
}

TEST_F(DashboardProgramHttpTest, ALapsedLicenseCanStillRemoveInstancesButNotAddThem) {
  Browser demo = As(kDemoCustomer);
  {
    // Expired 40 days ago (past grace): adding instances needs a renewal first.
    WritableDatabase db(server().DatabasePath());
    ASSERT_EQ(db.Exec("UPDATE licenses SET expires_at = ?, auto_renew = 0 WHERE instances = 3",
                      {UnixNow() - 40 * kDay}),
              1);
  }
  const HttpResponse page = demo.Get("/billing/instances");
  ASSERT_EQ(page.status, 200) << ::testing::PrintToString(page);
  EXPECT_THAT(PlainText(page.body),
              AllOf(HasSubstr("You have 3 instances. Renew your license first; instances share its "
                              "date."),
                    HasSubstr("Fewer instances take effect at your next renewal, which then"),
                    Not(HasSubstr("renewal on "))));
  EXPECT_THAT(Buttons(page.body), Not(::testing::Contains("Buy instances")));
  const HttpResponse r = Schedule(demo, "2");
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_THAT(PlainText(demo.Get(r.Header("location")).body),
              HasSubstr("From your next renewal: 2 instances, 100.00 USD a month."));
}

TEST_F(DashboardProgramHttpTest, HomeShowsCheckoutStatisticsWithAChartAndTheLatestTen) {
  Browser demo = As(kDemoCustomer);
  const HttpResponse r = demo.Get("/home");
  ASSERT_EQ(r.status, 200) << ::testing::PrintToString(r);
  const int64_t now = UnixNow();
  auto db = Db();
  const int64_t id = UserId(db, kDemoCustomer);
  ASSERT_EQ(db.Count("SELECT COUNT(*) FROM checkouts WHERE user_id = ?", {id}), 320);
  const auto count_since = [&](int64_t since) {
    return db.Count("SELECT COUNT(*) FROM checkouts WHERE user_id = ? AND at >= ?", {id, since});
  };
  const auto spent_since = [&](int64_t since, const std::string& currency) {
    return Amount(db.Int("SELECT SUM(price_cents * quantity) FROM checkouts WHERE user_id = ? "
                         "AND at >= ? AND currency = ?",
                         {id, since, currency})
                      .value_or(0),
                  currency);
  };
  const std::string text = PlainText(r.body);
  EXPECT_THAT(text, HasSubstr("Checkout statistics"));
  // Per period (whole days in UTC, the demo's zone, ending today; 30 days are the chart's):
  // checkouts, then money per currency, in code order.
  const int64_t first_day = (now / kDay - 29) * kDay;
  for (const auto& [label, since] :
       {std::pair<std::string, int64_t>{"Last 7 days", (now / kDay - 6) * kDay},
        {"Last 30 days", first_day},
        {"All time", 0}}) {
    EXPECT_THAT(text, HasSubstr(label + " " + std::to_string(count_since(since)) + " " +
                                spent_since(since, "EUR") + ", " + spent_since(since, "USD")))
        << label;
  }
  EXPECT_THAT(spent_since(0, "USD"),
              ::testing::MatchesRegex(R"([0-9]{1,3}(,[0-9]{3})+\.[0-9]{2} USD)"))
      << "thousands are separated";
  // By store, all time, most checkouts first.
  const int64_t nike =
      db.Count("SELECT COUNT(*) FROM checkouts WHERE user_id = ? AND store = 'Nike'", {id});
  EXPECT_THAT(text, HasSubstr("Nike " + std::to_string(nike) + " "));
  for (const char* store : {"Adidas", "Foot Locker", "Zalando", "Supreme"})
    EXPECT_THAT(text, HasSubstr(store));

  // The chart: 30 days, an accessible name that sums it up, and the numbers as a table.
  EXPECT_EQ(Occurrences(r.body, R"(class="chart-bar")"), 30);
  const std::smatch svg = [&] {
    std::smatch m;
    static const std::regex kSvg(R"re(<svg[^>]*role="img" aria-labelledby="([^"]+)")re");
    std::regex_search(r.body, m, kSvg);
    return m;
  }();
  ASSERT_FALSE(svg.empty()) << "an SVG chart with role img";
  const std::string title = "<title id=\"" + svg[1].str() + "\">Checkouts per day from " +
                            LongDate(first_day) + " to " + LongDate(now) + ": " +
                            std::to_string(count_since(first_day)) +
                            " in all; the busiest day was ";
  EXPECT_THAT(HtmlUnescape(r.body), HasSubstr(title));
  EXPECT_THAT(r.body, HasSubstr("<caption>Checkouts per day, last 30 days</caption>"));
  EXPECT_THAT(text, HasSubstr("Days run from midnight to midnight in UTC."));

  // The latest ten, newest first: time, store, product, quantity, price each.
  const size_t latest = Position(r.body, "Latest checkouts");
  ASSERT_NE(latest, std::string::npos);
  EXPECT_EQ(Occurrences(std::string_view(r.body).substr(latest), "<tr><td><time"), 10);
  const auto newest = db.Text(
      "SELECT product FROM checkouts WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT 1", {id});
  ASSERT_TRUE(newest.has_value());
  EXPECT_LT(Position(HtmlUnescape(r.body.substr(latest)), *newest), 600u) << "the newest first";
}

TEST_F(DashboardProgramHttpTest, NoCheckoutsYetSaysSo) {
  Browser customer = As(DemoCustomerEmail(1));
  const std::string text = PlainText(customer.Get("/home").body);
  EXPECT_THAT(text, HasSubstr("Checkout statistics What the program reported it bought for you. "
                              "No checkouts yet."));
}

TEST_F(DashboardProgramHttpTest, DaysFollowTheCustomersTimeZone) {
  Browser demo = As(kDemoCustomer);
  ASSERT_EQ(demo.Post("/settings/time-zone",
                      {{"csrf", SessionCsrf(demo)}, {"time_zone", "Pacific/Auckland"}})
                .status,
            303);
  const HttpResponse r = demo.Get("/home");
  EXPECT_THAT(PlainText(r.body),
              HasSubstr("Days run from midnight to midnight in Pacific/Auckland."));
  EXPECT_EQ(Occurrences(r.body, R"(class="chart-bar")"), 30);
}

TEST_F(DashboardProgramHttpTest, StaffSeeACustomersMachinesAndStatisticsAndEveryonesTogether) {
  Browser staff = As(kDemoSupport);
  auto db = Db();
  const HttpResponse file =
      staff.Get("/staff/customers/" + std::to_string(UserId(db, kDemoCustomer)));
  ASSERT_EQ(file.status, 200) << ::testing::PrintToString(file);
  const std::string text = PlainText(file.body);
  EXPECT_THAT(text,
              AllOf(HasSubstr("Machines 2 of 3 instances in use."),
                    HasSubstr("Office desktop Windows 11"), HasSubstr("MacBook Air macOS 15.1"),
                    HasSubstr("Checkout statistics"), HasSubstr("All time 320 ")));
  EXPECT_THAT(file.body, Not(HasSubstr("/settings/machines/"))) << "staff read; customers sign out";

  const HttpResponse all = staff.Get("/staff/checkouts");
  ASSERT_EQ(all.status, 200) << ::testing::PrintToString(all);
  EXPECT_THAT(PlainText(all.body), AllOf(HasSubstr("Checkout statistics, all customers"),
                                         HasSubstr("All time 320 "), HasSubstr("Customer")));
  EXPECT_TRUE(std::ranges::any_of(Links(all.body), [](const Link& l) {
    return l.href == "/staff/checkouts" && l.text == "Checkouts";
  })) << "in the staff navigation";
  EXPECT_EQ(Occurrences(all.body,
                        "\"/staff/customers/" + std::to_string(UserId(db, kDemoCustomer)) + "\""),
            10)
      << "each of the latest links to its customer";
  // Customers may not.
  Browser demo = As(kDemoCustomer);
  EXPECT_EQ(demo.Get("/staff/checkouts").status, 403);
}

}  // namespace
}  // namespace tenure::http_test
