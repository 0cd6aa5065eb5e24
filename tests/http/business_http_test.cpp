// The business page and the cancel funnel over real HTTP (issue 14 item 3): admins only; each
// step of the cancel journey is recorded apart from the license (a step seen changes no
// license state and writes no audit row); the page's figures come from what customers did.
// The figures' arithmetic is checked to the cent in tests/domain/business_metrics_test.cpp.
#include <gmock/gmock.h>

#include <map>
#include <regex>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A figures table by its caption: each row's name and its cells, oldest month first.
std::map<std::string, std::vector<std::string>> Figures(const std::string& html,
                                                        std::string_view caption) {
  std::map<std::string, std::vector<std::string>> out;
  std::string escaped;  // as the template writes it
  for (char c : caption) escaped += c == '\'' ? std::string("&#39;") : std::string(1, c);
  const size_t at = html.find("<caption class=\"sr-only\">" + escaped + ", by month");
  if (at == std::string::npos) return out;
  const size_t end = html.find("</table>", at);
  const std::string table = html.substr(at, end - at);
  static const std::regex kRow(
      R"re(<tr><th scope="row">([^<]*)</th>((?:<td class="num">[^<]*</td>)*)</tr>)re");
  static const std::regex kCell(R"re(<td class="num">([^<]*)</td>)re");
  for (auto it = std::sregex_iterator(table.begin(), table.end(), kRow);
       it != std::sregex_iterator(); ++it) {
    std::vector<std::string> cells;
    const std::string row = (*it)[2].str();
    for (auto c = std::sregex_iterator(row.begin(), row.end(), kCell); c != std::sregex_iterator();
         ++c)
      cells.push_back(HtmlUnescape((*c)[1].str()));
    out[HtmlUnescape((*it)[1].str())] = cells;
  }
  return out;
}

// This month's figure of a row: the table's last column.
std::string ThisMonth(const std::map<std::string, std::vector<std::string>>& table,
                      const std::string& row) {
  const auto it = table.find(row);
  return it == table.end() || it->second.empty() ? "(no row " + row + ")" : it->second.back();
}

class BusinessHttpTest : public PerTestServer {
 protected:
  // Customers expire 3.3 to 26.7 days out: the renewal job has nothing to do meanwhile.
  BusinessHttpTest() : PerTestServer({.demo_customers = 8}) {}

  std::vector<std::string> Steps(int64_t user) {
    auto db = Db();
    const std::string steps =
        db.Text(
              "SELECT group_concat(step, ',') FROM "
              "(SELECT step FROM cancel_funnel WHERE user_id = ? ORDER BY id)",
              {user})
            .value_or("");
    std::vector<std::string> out;
    for (size_t at = 0; at < steps.size();) {
      const size_t comma = std::min(steps.find(',', at), steps.size());
      out.push_back(steps.substr(at, comma - at));
      at = comma + 1;
    }
    return out;
  }
};

TEST_F(BusinessHttpTest, TheCancelJourneyIsRecordedApartFromTheLicense) {
  const std::string email = DemoCustomerEmail(1);
  Browser b = As(email);
  auto db = Db();
  const int64_t user = UserId(db, email);
  const AccountState before = StateOf(db, user);

  // Opening Cancel and Continue to Cancel, back and forth: steps seen, nothing changed.
  ASSERT_EQ(b.Get("/cancel").status, 200);
  ASSERT_EQ(b.Get("/cancel/reason").status, 200);
  ASSERT_EQ(b.Get("/cancel").status, 200);
  EXPECT_EQ(StateOf(db, user), before) << "a step seen changes no license, writes no audit row";
  EXPECT_THAT(Steps(user), ElementsAre("opened", "continued", "opened"));

  // A ticket on the support-first screen, then the screen shows it instead of the form.
  const std::string csrf = SessionCsrf(b);
  const HttpResponse opened = b.Post(
      "/support/tickets",
      {{"csrf", csrf}, {"from", "cancel"}, {"subject", "Before I go"}, {"message", "It is slow."}});
  ASSERT_EQ(opened.status, 303);
  const std::string location = opened.Header("location");
  const HttpResponse screen = b.Get(location);
  const std::string ticket = location.substr(location.find('=') + 1);
  EXPECT_THAT(PlainText(screen.body), HasSubstr("Your ticket is open"));
  EXPECT_THAT(PlainText(screen.body), HasSubstr("#" + ticket + " Before I go"));
  EXPECT_EQ(FormWithAction(screen.body, "/support/tickets"), "") << "no blank form again";

  ASSERT_EQ(
      b.Post("/cancel/confirm", {{"csrf", csrf}, {"reason", "unused"}, {"ticket", ticket}}).status,
      303);
  ASSERT_EQ(b.Post("/subscribe", {{"csrf", csrf}}).status, 303);
  EXPECT_THAT(Steps(user), ElementsAre("opened", "continued", "opened", "ticket", "opened",
                                       "confirmed", "resubscribed"));

  // Another customer opens Cancel and leaves.
  Browser other = As(DemoCustomerEmail(2));
  ASSERT_EQ(other.Get("/cancel").status, 200);

  Browser admin = As(kDemoAdmin);
  const HttpResponse page = admin.Get("/staff/business");
  ASSERT_EQ(page.status, 200) << page.body;
  const auto funnel = Figures(page.body, "The cancel funnel");
  EXPECT_EQ(ThisMonth(funnel, "Opened Cancel"), "2");  // each customer once
  EXPECT_EQ(ThisMonth(funnel, "Opened a ticket"), "1");
  EXPECT_EQ(ThisMonth(funnel, "Continue to Cancel"), "1");
  EXPECT_EQ(ThisMonth(funnel, "Confirm Cancel"), "1");
  EXPECT_EQ(ThisMonth(funnel, "Within their 30 days"), "2") << "saved or not: 30 days from now";
  const auto churn = Figures(page.body, "Cancellations by reason");
  EXPECT_EQ(ThisMonth(churn, "I don't use it enough"), "1");
  EXPECT_EQ(ThisMonth(churn, "It's too expensive"), "0");
}

TEST_F(BusinessHttpTest, PaymentsShowAsRevenueAndMrrForAdminsOnly) {
  const std::string email = DemoCustomerEmail(3);
  Browser b = As(email);
  const HttpResponse form = b.Get("/billing/renew");
  const std::string period = FindInput(form.body, "period").value().Get("value");
  ASSERT_EQ(b.Post("/billing/renew",
                   {{"csrf", CsrfField(form.body)}, {"period", period}, {"terms", "yes"}})
                .status,
            303);
  auto db = Db();
  const auto paid =
      db.Int("SELECT amount_cents FROM charges WHERE user_id = ? AND status = 'succeeded'",
             {UserId(db, email)});
  ASSERT_EQ(paid, 5000);

  EXPECT_EQ(As(kDemoSupport).Get("/staff/business").status, 403);
  EXPECT_EQ(b.Get("/staff/business").status, 403);
  Browser admin = As(kDemoAdmin);
  const HttpResponse page = admin.Get("/staff/business?months=6");
  ASSERT_EQ(page.status, 200);
  const auto revenue = Figures(page.body, "Revenue");
  ASSERT_EQ(revenue.at("Revenue").size(), 6u);
  EXPECT_EQ(ThisMonth(revenue, "Revenue"), "50.00 USD");
  const auto mrr = Figures(page.body, "MRR and active licenses at each month's end");
  // Eight demo customers (never charged: active from their creation) and the one who paid.
  EXPECT_EQ(ThisMonth(mrr, "Active licenses"), "9");
  EXPECT_EQ(ThisMonth(mrr, "MRR at the month's end"), "50.00 USD");
  const auto movement = Figures(page.body, "Licenses new, renewed, lapsed and reactivated");
  EXPECT_EQ(ThisMonth(movement, "Renewed"), "0") << "a first paid month is new";
  EXPECT_EQ(ThisMonth(movement, "New"), "1");
  // The staff navigation shows the page to admins only.
  EXPECT_THAT(page.body, HasSubstr("href=\"/staff/business\""));
  EXPECT_THAT(As(kDemoSupport).Get("/staff").body, ::testing::Not(HasSubstr("/staff/business")));
  // An unknown month count falls back to twelve.
  EXPECT_EQ(Figures(admin.Get("/staff/business?months=7").body, "Revenue").at("Revenue").size(),
            12u);
}

}  // namespace
}  // namespace tenure::http_test
