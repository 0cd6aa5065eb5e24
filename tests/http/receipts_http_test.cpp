// Receipts and the payment history over real HTTP (issue 14 item 7): every succeeded charge
// has a receipt page naming the seller (config seller.*), what was paid for, the period it
// covers, the amount, the card, the terms version and the payment's reference; only its owner
// sees it, and a failed charge has none; the emailed receipt links to it; the history shows
// each charge's own period, amounts in a column of their own, and a receipt link.
#include <gmock/gmock.h>

#include <map>
#include <regex>

#include "account_security_helpers.hpp"
#include "billing_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kPublicUrl[] = "http://licenses.example.test";

// The <dt>/<dd> pairs of a page's first <dl class="facts">, as plain text.
std::map<std::string, std::string> Facts(const std::string& html) {
  std::map<std::string, std::string> out;
  const size_t start = html.find("<dl class=\"facts\">");
  const size_t end = html.find("</dl>", start);
  if (start == std::string::npos || end == std::string::npos) return out;
  const std::string dl = html.substr(start, end - start);
  static const std::regex pair(R"re(<dt>([\s\S]*?)</dt><dd[^>]*>([\s\S]*?)</dd>)re");
  for (std::sregex_iterator it(dl.begin(), dl.end(), pair), last; it != last; ++it)
    out[PlainText((*it)[1].str())] = PlainText((*it)[2].str());
  return out;
}

std::string Usd(int64_t cents) {
  return std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
         std::to_string(cents % 100) + " USD";
}

class ReceiptsHttpTest : public PerTestServer {
 protected:
  // The renewal job in `serve` runs once at start (nothing is due then) and not again, so the
  // only automatic renewal is the one a test asks for with `tenure renew-due`.
  ReceiptsHttpTest()
      : PerTestServer({.env = {{"TENURE_SELLER_NAME", "Example Software Ltd"},
                               {"TENURE_SELLER_ADDRESS", "1 Main Street\nSpringfield"},
                               {"TENURE_SELLER_TAX_ID", "GB123456789"},
                               {"TENURE_PUBLIC_URL", kPublicUrl},
                               {"TENURE_RENEWAL_INTERVAL_SECONDS", "86400"}},
                       .demo_customers = 4,
                       .test_clock = true}) {}

  struct ChargeRow {
    int64_t id = 0;
    int64_t period_key = 0;
    int64_t new_expires_at = 0;
    int64_t amount_cents = 0;
    int64_t created_at = 0;
    int64_t updated_at = 0;
    std::string reference;
  };
  // The newest charge of `email` of `kind`.
  ChargeRow LastCharge(std::string_view email, std::string_view kind) {
    auto db = Db();
    const std::vector<SqlValue> where = {UserId(db, email), std::string(kind)};
    const auto value = [&](const char* column) {
      return db
          .Int(std::string("SELECT ") + column +
                   " FROM charges WHERE user_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
               where)
          .value_or(0);
    };
    return ChargeRow{
        .id = value("id"),
        .period_key = value("period_key"),
        .new_expires_at = value("new_expires_at"),
        .amount_cents = value("amount_cents"),
        .created_at = value("created_at"),
        .updated_at = value("updated_at"),
        .reference = db.Text("SELECT provider_payment_id FROM charges WHERE user_id = ? AND "
                             "kind = ? ORDER BY id DESC LIMIT 1",
                             where)
                         .value_or("")};
  }

  // The receipt's page, checked for what every receipt shows; its facts.
  std::map<std::string, std::string> OpenReceipt(Browser& b, std::string_view email,
                                                 const ChargeRow& charge) {
    const HttpResponse page = b.Get("/billing/receipts/" + std::to_string(charge.id));
    EXPECT_EQ(page.status, 200) << ::testing::PrintToString(page);
    EXPECT_THAT(page.body, HasSubstr(R"(<a href="/home" aria-current="page">Home</a>)"))
        << "a receipt is reached from Home: its tab stays highlighted";
    const std::string text = PlainText(page.body);
    EXPECT_THAT(text, AllOf(HasSubstr("Receipt Number " + std::to_string(charge.id) +
                                      " · Paid on " + ZonedDateTime(charge.updated_at, "UTC")),
                            HasSubstr("Example Software Ltd 1 Main Street Springfield"),
                            HasSubstr("Tax ID: GB123456789")));
    auto facts = Facts(page.body);
    EXPECT_EQ(facts["Billed to"], email);
    EXPECT_EQ(facts["Amount paid"], Usd(charge.amount_cents));
    EXPECT_EQ(facts["Card"], "Visa ending in 4242");
    EXPECT_EQ(facts["Terms accepted"], "Version 2026-11-01 of the Terms & Conditions");
    EXPECT_EQ(facts["Payment reference"], charge.reference);
    EXPECT_FALSE(charge.reference.empty());
    return facts;
  }
};

TEST_F(ReceiptsHttpTest, ARenewalsReceipt) {
  const std::string email = DemoCustomerEmail(1);
  Browser b = As(email);
  ASSERT_EQ(RenewNow(b).status, 303);
  const ChargeRow charge = LastCharge(email, "renewal");
  auto facts = OpenReceipt(b, email, charge);
  EXPECT_EQ(facts["Paid for"], "Renewal of your license: one month");
  EXPECT_EQ(facts["Period"], LongDate(charge.period_key) + " to " + LongDate(charge.new_expires_at))
      << "a month on from the old expiration date";
}

TEST_F(ReceiptsHttpTest, InstancesReceiptRunsFromThePaymentToTheSharedDate) {
  const std::string email = DemoCustomerEmail(2);
  Browser b = As(email);
  ASSERT_EQ(BuyInstances(b, 2).status, 303);
  const ChargeRow charge = LastCharge(email, "instances");
  auto facts = OpenReceipt(b, email, charge);
  EXPECT_EQ(facts["Paid for"], "2 extra instances, until your license's next renewal");
  EXPECT_EQ(facts["Period"], LongDate(charge.updated_at) + " to " + LongDate(charge.period_key));
}

TEST_F(ReceiptsHttpTest, AnAutomaticRenewalsReceipt) {
  const std::string email = DemoCustomerEmail(1);
  auto db = Db();
  const int64_t expires =
      db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {UserId(db, email)}).value_or(0);
  ASSERT_TRUE(server().RunCommand({"clock", "set", Rfc3339(expires - 12 * 3600)}));
  ASSERT_TRUE(server().RunCommand({"renew-due"}));
  const ChargeRow charge = LastCharge(email, "auto_renewal");
  ASSERT_GT(charge.id, 0) << "the renewal job charged the license due";
  Browser b = As(email);
  auto facts = OpenReceipt(b, email, charge);
  EXPECT_EQ(facts["Paid for"], "Automatic renewal of your license: one month");
  EXPECT_EQ(facts["Period"], LongDate(expires) + " to " + LongDate(charge.new_expires_at));
}

// The first month's history row used to show "—" for its period.
TEST_F(ReceiptsHttpTest, TheFirstMonthsReceiptAndHistoryRow) {
  const std::string email = FreshEmail("first");
  Browser b = SignedUp(Base(), email);
  auto db = Db();
  const std::string link = LinkInEmail(db, email, "Confirm your email address", "/verify-email");
  ASSERT_FALSE(link.empty());
  const HttpResponse confirm = b.Get(link);
  ASSERT_EQ(b.Post("/verify-email",
                   {{"csrf", CsrfField(confirm.body)}, {"token", link.substr(link.find('=') + 1)}})
                .status,
            200);
  SaveCard(b, "4242424242424242");
  ASSERT_EQ(RenewNow(b).status, 303);
  const ChargeRow charge = LastCharge(email, "purchase");
  auto facts = OpenReceipt(b, email, charge);
  EXPECT_EQ(facts["Paid for"], "Your license: its first month");
  const std::string period = LongDate(charge.updated_at) + " to " + LongDate(charge.new_expires_at);
  EXPECT_EQ(facts["Period"], period);
  EXPECT_THAT(PlainText(b.Get("/billing").body), HasSubstr("First month " + period));
}

TEST_F(ReceiptsHttpTest, OnlyTheOwnerSeesAReceiptAndAFailedChargeHasNone) {
  const std::string owner = DemoCustomerEmail(3);
  Browser b = As(owner);
  ASSERT_EQ(RenewNow(b).status, 303);
  const ChargeRow paid = LastCharge(owner, "renewal");
  const std::string url = "/billing/receipts/" + std::to_string(paid.id);
  ASSERT_EQ(b.Get(url).status, 200);

  Browser other = As(DemoCustomerEmail(4));
  const HttpResponse theirs = other.Get(url);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_THAT(theirs.body, Not(HasSubstr(owner)));
  EXPECT_THAT(theirs.body, Not(HasSubstr(paid.reference)));
  EXPECT_EQ(other.Get("/billing/receipts/999999").status, 404);
  EXPECT_EQ(other.Get("/billing/receipts/abc").status, 404);
  EXPECT_EQ(Browser(Base()).Get(url).status, 303) << "signed out: to the sign-in page";

  // A declined renewal is in the history, without a period or a receipt.
  SaveCard(other, "4000000000000002");
  ASSERT_EQ(RenewNow(other).status, 402);
  const ChargeRow declined = LastCharge(DemoCustomerEmail(4), "renewal");
  ASSERT_GT(declined.id, 0);
  EXPECT_EQ(other.Get("/billing/receipts/" + std::to_string(declined.id)).status, 404);
  const HttpResponse history = other.Get("/billing");
  EXPECT_THAT(PlainText(history.body), HasSubstr("Renewal — Nothing paid"));
  EXPECT_THAT(LinksStartingWith(history.body, "/billing/receipts/"), IsEmpty());
}

TEST_F(ReceiptsHttpTest, TheEmailedReceiptLinksToItsPageAtThePublicUrl) {
  const std::string email = DemoCustomerEmail(1);
  Browser b = As(email);
  ASSERT_EQ(RenewNow(b).status, 303);
  const ChargeRow charge = LastCharge(email, "renewal");
  auto db = Db();
  const std::string text = LastEmailText(db, email, "Receipt").value_or("");
  const std::string link =
      std::string(kPublicUrl) + "/billing/receipts/" + std::to_string(charge.id);
  EXPECT_THAT(text, HasSubstr("Your receipt, to view or print: " + link + "\n"));
  EXPECT_EQ(b.Get(link.substr(std::string(kPublicUrl).size())).status, 200);
}

// The instance row used to show the shared end date as "Period from".
TEST_F(ReceiptsHttpTest, TheHistoryShowsEachChargesPeriodAmountAndReceipt) {
  const std::string email = DemoCustomerEmail(2);
  Browser b = As(email);
  ASSERT_EQ(RenewNow(b).status, 303);
  ASSERT_EQ(BuyInstances(b, 1).status, 303);
  const ChargeRow renewal = LastCharge(email, "renewal");
  const ChargeRow instance = LastCharge(email, "instances");
  const HttpResponse page = b.Get("/billing");
  const std::string text = PlainText(page.body);
  EXPECT_THAT(
      text,
      AllOf(HasSubstr("Date For Period Amount Status Receipt"),
            HasSubstr("Renewal " + LongDate(renewal.period_key) + " to " +
                      LongDate(renewal.new_expires_at) + " " + Usd(renewal.amount_cents) + " Paid"),
            HasSubstr("1 extra instance " + LongDate(instance.updated_at) + " to " +
                      LongDate(instance.period_key) + " " + Usd(instance.amount_cents) + " Paid")));
  // Newest first, each with its receipt.
  EXPECT_THAT(LinksStartingWith(page.body, "/billing/receipts/"),
              ElementsAre("/billing/receipts/" + std::to_string(instance.id),
                          "/billing/receipts/" + std::to_string(renewal.id)));
  // Amounts sit in a column of their own, right-aligned by the stylesheet (.num).
  int amounts = 0;
  for (const HtmlTag& td : FindTags(page.body, "td"))
    if (td.Get("class") == "num") ++amounts;
  EXPECT_EQ(amounts, 2);
}

}  // namespace
}  // namespace tenure::http_test
