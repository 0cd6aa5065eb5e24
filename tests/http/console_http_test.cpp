// The seller's console over real HTTP (issue 14 items 1, 2 and 4): finding a customer by
// email, Discord name or Stripe id; a customer's file with their timeline and payments, a
// receipt sent again, the grant reason the customer sees; the audit log with names, a diff,
// filters and pages; roles (audited, the last admin kept); the outbox's dead letters retried.
#include <fmt/format.h>
#include <gmock/gmock.h>

#include <cctype>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::string UrlEncodeForTest(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

class ConsoleHttpTest : public PerTestServer {
 protected:
  // Customers expire 3.3 to 26.7 days out: the renewal job has nothing to do meanwhile.
  ConsoleHttpTest() : PerTestServer({.demo_customers = 8}) {}

  // The customer pays for a month with the saved test card; the charge's id.
  int64_t Renew(const std::string& email) {
    Browser b = As(email);
    const HttpResponse form = b.Get("/billing/renew");
    const std::string period = FindInput(form.body, "period").value().Get("value");
    EXPECT_EQ(b.Post("/billing/renew",
                     {{"csrf", CsrfField(form.body)}, {"period", period}, {"terms", "yes"}})
                  .status,
              303);
    auto db = Db();
    return db.Int("SELECT MAX(id) FROM charges WHERE user_id = ?", {UserId(db, email)})
        .value_or(-1);
  }
};

TEST_F(ConsoleHttpTest, StaffFindCustomersByEmailDiscordNameOrStripeId) {
  auto db = Db();
  const int64_t two = UserId(db, DemoCustomerEmail(2));
  const int64_t five = UserId(db, DemoCustomerEmail(5));
  {
    WritableDatabase w(server().DatabasePath());
    ASSERT_EQ(w.Exec("INSERT INTO discord_links (user_id, discord_user_id, username, access_token, "
                     "token_expires_at, bound_at) VALUES (?, '80351110224678912', 'Gamer_Two', "
                     "'t', 0, 0)",
                     {two}),
              1);
    ASSERT_EQ(w.Exec("INSERT INTO payment_customers (user_id, provider, customer_ref, created_at) "
                     "VALUES (?, 'stripe', 'cus_Q1w2E3r4', 0)",
                     {five}),
              1);
  }
  Browser staff = As(kDemoSupport);
  auto found = [&](const std::string& q) {
    const HttpResponse r = staff.Get("/staff?q=" + UrlEncodeForTest(q));
    EXPECT_EQ(r.status, 200) << q;
    std::vector<std::string> emails;
    for (const Link& l : Links(r.body))
      if (l.href.starts_with("/staff/customers/")) emails.push_back(l.text);
    return emails;
  };
  EXPECT_THAT(found("CUSTOMER3@"), ::testing::ElementsAre(DemoCustomerEmail(3)))
      << "any part of the email, any case";
  EXPECT_THAT(found("gamer_t"), ::testing::ElementsAre(DemoCustomerEmail(2)))
      << "the Discord username; '_' is a letter, not a wildcard";
  EXPECT_THAT(found("gamerXtwo"), ::testing::IsEmpty());
  EXPECT_THAT(found("cus_Q1w2E3r4"), ::testing::ElementsAre(DemoCustomerEmail(5)));
  EXPECT_THAT(found("cus_Q1w2"), ::testing::IsEmpty()) << "Stripe ids match whole";
  const HttpResponse none = staff.Get("/staff?q=nobody-here");
  EXPECT_THAT(PlainText(none.body), HasSubstr("No account matches"));
  EXPECT_EQ(staff.Get("/staff?q=" + std::string(201, 'a')).status, 422);
  EXPECT_EQ(As(DemoCustomerEmail(1)).Get("/staff?q=a").status, 403);
}

TEST_F(ConsoleHttpTest, ACustomersFileHasTheirTimelinePaymentsAndAReceiptAgain) {
  const std::string email = DemoCustomerEmail(1);
  const int64_t charge = Renew(email);
  auto db = Db();
  const int64_t user = UserId(db, email);
  Browser staff = As(kDemoSupport);
  // Granting days: staff are told the customer sees the reason, and the email carries it.
  const std::string page = "/staff/customers/" + std::to_string(user);
  const HttpResponse file = staff.Get(page);
  ASSERT_EQ(file.status, 200);
  EXPECT_THAT(PlainText(file.body), HasSubstr("The customer sees this reason"));
  ASSERT_EQ(
      staff
          .Post(page + "/grant",
                {{"csrf", CsrfField(file.body)}, {"days", "3"}, {"reason", "Outage on May 2"}})
          .status,
      303);
  EXPECT_THAT(LastEmailText(db, email, "We added 3 days").value_or(""),
              HasSubstr("Why: Outage on May 2"));

  const HttpResponse again = staff.Post(page + "/receipts/" + std::to_string(charge) + "/resend",
                                        {{"csrf", CsrfField(file.body)}});
  ASSERT_EQ(again.status, 303);
  EXPECT_EQ(EmailsTo(db, email, "Receipt: 50.00 USD paid"), 2) << "the first and the one again";
  EXPECT_EQ(AuditCount(db, "charge.receipt_resent"), 1);
  EXPECT_EQ(staff.Post(page + "/receipts/999999/resend", {{"csrf", CsrfField(file.body)}}).status,
            404);

  const std::string text = PlainText(staff.Get(page).body);
  // Payments: the charge, and a button to send its receipt again.
  EXPECT_THAT(text, HasSubstr("renewal 50.00 USD succeeded"));
  // The timeline, newest first: the receipt again, the grant with who and why, the payment.
  const size_t resent = text.find("Receipt sent again by staff");
  const size_t granted = text.find("3 days granted by staff@example.com · Reason: Outage on May 2");
  const size_t paid = text.find("Paid 50.00 USD for a month (Renew)");
  ASSERT_NE(resent, std::string::npos) << text;
  ASSERT_NE(granted, std::string::npos) << text;
  ASSERT_NE(paid, std::string::npos) << text;
  EXPECT_LT(resent, granted);
  EXPECT_LT(granted, paid);
  EXPECT_THAT(text, HasSubstr("Email: We added 3 days to your license"));
}

TEST_F(ConsoleHttpTest, TheAuditLogNamesActorsShowsADiffFiltersAndPages) {
  Browser admin = As(kDemoAdmin);
  auto db = Db();
  const int64_t user = UserId(db, DemoCustomerEmail(4));
  const std::string page = "/staff/customers/" + std::to_string(user);
  const HttpResponse file = admin.Get(page);
  ASSERT_EQ(admin
                .Post(page + "/grant",
                      {{"csrf", CsrfField(file.body)}, {"days", "5"}, {"reason", "Goodwill"}})
                .status,
            303);
  const HttpResponse grants = admin.Get("/staff/audit?action=license.grant_days");
  ASSERT_EQ(grants.status, 200);
  const std::string text = PlainText(grants.body);
  EXPECT_THAT(text, AllOf(HasSubstr("admin@example.com · license.grant_days · license of " +
                                    DemoCustomerEmail(4)),
                          HasSubstr("days (new) 5"), HasSubstr("reason (new) Goodwill")));
  EXPECT_THAT(grants.body, AllOf(HasSubstr("<th scope=\"row\">license.expires_at</th><td><del>"),
                                 Not(HasSubstr("\"expires_at\":"))))
      << "a field by field diff, not raw JSON";
  EXPECT_THAT(text, Not(HasSubstr("· user.sign_up ·"))) << "filtered by action";

  // Pages of 50, newest first; "Older changes" goes on from the last row shown. Sign-ins
  // (each one audited) make more than a page.
  for (int k = 0; k < 16; ++k) As(DemoCustomerEmail(1 + k % 8));
  const HttpResponse first = admin.Get("/staff/audit");
  ASSERT_GE(db.Count("SELECT COUNT(*) FROM audit_log"), 51);
  const std::vector<Link> links = Links(first.body);
  const auto next =
      std::ranges::find_if(links, [](const Link& l) { return l.text == "Older changes"; });
  ASSERT_NE(next, links.end());
  const HttpResponse second = admin.Get(HtmlUnescape(next->href));
  EXPECT_EQ(second.status, 200);
  EXPECT_THAT(PlainText(second.body), HasSubstr("· user.sign_up ·")) << "the oldest rows";
  EXPECT_THAT(PlainText(second.body), Not(HasSubstr("Older changes"))) << "two pages in all";
  // A period filter: nothing is older than a day in a fresh server, nothing newer than never.
  EXPECT_THAT(PlainText(admin.Get("/staff/audit?period=day&action=license.grant_days").body),
              HasSubstr("Goodwill"));
}

TEST_F(ConsoleHttpTest, AdminsChangeRolesButNeverLoseTheLastAdmin) {
  Browser admin = As(kDemoAdmin);
  auto db = Db();
  const int64_t customer = UserId(db, DemoCustomerEmail(6));
  const std::string page = "/staff/customers/" + std::to_string(customer);
  const std::string csrf = CsrfField(admin.Get(page).body);
  EXPECT_EQ(As(DemoCustomerEmail(6)).Get("/staff").status, 403);
  ASSERT_EQ(admin.Post(page + "/role", {{"csrf", csrf}, {"role", "support"}}).status, 303);
  EXPECT_EQ(db.Text("SELECT role FROM users WHERE id = ?", {customer}), "support");
  EXPECT_EQ(AuditCount(db, "user.role"), 1);
  EXPECT_EQ(As(DemoCustomerEmail(6)).Get("/staff").status, 200) << "now support";
  EXPECT_EQ(admin.Post(page + "/role", {{"csrf", csrf}, {"role", "owner"}}).status, 422);

  const int64_t self = UserId(db, kDemoAdmin);
  const HttpResponse refused = admin.Post("/staff/customers/" + std::to_string(self) + "/role",
                                          {{"csrf", csrf}, {"role", "support"}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_THAT(PlainText(refused.body), HasSubstr("only admin account"));
  EXPECT_EQ(db.Text("SELECT role FROM users WHERE id = ?", {self}), "admin");
  // Support staff cannot change roles.
  Browser support = As(kDemoSupport);
  EXPECT_EQ(
      support.Post(page + "/role", {{"csrf", CsrfField(support.Get(page).body)}, {"role", "admin"}})
          .status,
      403);
}

TEST_F(ConsoleHttpTest, DeadLettersAreListedAndRetried) {
  {
    WritableDatabase w(server().DatabasePath());
    ASSERT_EQ(w.Exec("INSERT INTO outbox (kind, payload, status, attempts, next_attempt_at, "
                     "last_error, created_at) VALUES ('email', '{\"to\":[\"lost@example.com\"],"
                     "\"subject\":\"Your receipt\",\"text\":\"x\"}', 'dead', 8, 0, "
                     "'550 mailbox unavailable', 0)"),
              1);
  }
  auto db = Db();
  const int64_t id = db.Int("SELECT MAX(id) FROM outbox WHERE status = 'dead'").value_or(-1);
  Browser admin = As(kDemoAdmin);
  const HttpResponse list = admin.Get("/staff/outbox");
  ASSERT_EQ(list.status, 200);
  EXPECT_THAT(PlainText(list.body),
              AllOf(HasSubstr("lost@example.com Your receipt 8 550 mailbox unavailable")));
  EXPECT_EQ(As(kDemoSupport).Get("/staff/outbox").status, 403);
  const HttpResponse retried = admin.Post("/staff/outbox/" + std::to_string(id) + "/retry",
                                          {{"csrf", CsrfField(list.body)}});
  ASSERT_EQ(retried.status, 303);
  EXPECT_NE(db.Text("SELECT status FROM outbox WHERE id = ?", {id}), "dead");
  EXPECT_EQ(AuditCount(db, "outbox.retry"), 1);
  // Retrying what is not dead is refused.
  EXPECT_EQ(
      admin.Post("/staff/outbox/" + std::to_string(id) + "/retry", {{"csrf", CsrfField(list.body)}})
          .status,
      409);
}

}  // namespace
}  // namespace tenure::http_test
