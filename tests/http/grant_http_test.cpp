// Staff grant extra days, never money (PRODUCT.md: "Refunds and terms"; issue 3 item 8):
// POST /staff/customers/{id}/grant with a required reason, audited, e-mailed, and shown in
// the customer's License history. And there is no refund path anywhere.
#include <gmock/gmock.h>

#include <chrono>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class GrantDaysHttpTest : public JourneyTest {
 protected:
  void SetUp() override {
    JourneyTest::SetUp();
    if (HasFatalFailure()) return;
    staff_ = std::make_unique<Browser>(As(kDemoSupport));
    staff_csrf_ = SessionCsrf(*staff_);
  }

  HttpResponse Grant(int64_t user_id, std::string_view days, std::string_view reason) {
    return staff_->Post(
        "/staff/customers/" + std::to_string(user_id) + "/grant",
        {{"csrf", staff_csrf_}, {"days", std::string(days)}, {"reason", std::string(reason)}});
  }

  std::unique_ptr<Browser> staff_;
  std::string staff_csrf_;
};

TEST_F(GrantDaysHttpTest, GrantExtendsByExactlyThoseDaysAndIsRecordedAuditedEmailedAndShown) {
  const std::string email = NextDemoCustomer();
  Browser customer = As(email);
  auto db = Db();
  const int64_t id = UserId(db, email);
  const int64_t license = LicenseId(db, id);
  const AccountState before = StateOf(db, id);
  ASSERT_TRUE(before.expires_at.has_value());
  const int64_t staff_id = UserId(db, kDemoSupport);

  const HttpResponse r = Grant(id, "7", "Outage on the 3rd");
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/staff/customers/" + std::to_string(id) + "?done=granted");
  const int64_t after = *before.expires_at + 7 * kDay;
  EXPECT_EQ(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id}), after);
  EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {id}), before.auto_renew);

  ASSERT_EQ(db.Count("SELECT COUNT(*) FROM license_grants WHERE license_id = ?", {license}), 1);
  EXPECT_EQ(db.Int("SELECT days FROM license_grants WHERE license_id = ?", {license}), 7);
  EXPECT_EQ(db.Text("SELECT reason FROM license_grants WHERE license_id = ?", {license}),
            "Outage on the 3rd");
  EXPECT_EQ(db.Int("SELECT staff_id FROM license_grants WHERE license_id = ?", {license}),
            staff_id);
  EXPECT_EQ(db.Int("SELECT expires_before FROM license_grants WHERE license_id = ?", {license}),
            before.expires_at);
  EXPECT_EQ(db.Int("SELECT expires_after FROM license_grants WHERE license_id = ?", {license}),
            after);

  const std::string subject = "license:" + std::to_string(license);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'license.grant_days' AND "
                     "subject = ?",
                     {subject}),
            1);
  EXPECT_THAT(db.Text("SELECT after_json FROM audit_log WHERE action = 'license.grant_days' AND "
                      "subject = ?",
                      {subject})
                  .value_or(""),
              AllOf(HasSubstr("\"days\":7"), HasSubstr("Outage on the 3rd")));
  EXPECT_EQ(db.Text("SELECT actor FROM audit_log WHERE action = 'license.grant_days' AND "
                    "subject = ?",
                    {subject})
                .value_or(""),
            "user:" + std::to_string(staff_id))
      << "the audit row names who granted";

  EXPECT_EQ(EmailsTo(db, email, "We added 7 days to your license"), 1);
  EXPECT_THAT(LastEmailText(db, email, "We added").value_or(""), HasSubstr(LongDate(after)));

  // The customer sees it in License history; staff see it in the customer's file.
  const HttpResponse settings = customer.Get("/settings");
  ASSERT_EQ(settings.status, 200);
  const std::string text = PlainText(settings.body);
  const size_t history = text.find("License history");
  ASSERT_NE(history, std::string::npos);
  EXPECT_THAT(text.substr(history),
              AllOf(HasSubstr("7 days added by our staff (Outage on the 3rd)"),
                    HasSubstr(LongDate(after))));
  const HttpResponse file = staff_->Get("/staff/customers/" + std::to_string(id) + "?done=granted");
  ASSERT_EQ(file.status, 200);
  EXPECT_THAT(PlainText(file.body),
              AllOf(HasSubstr("Days granted; the customer was emailed."),
                    HasSubstr(std::string(kDemoSupport) + " granted 7 days (Outage on the 3rd)")));
  EXPECT_THAT(PlainText(customer.Get("/home").body), HasSubstr("Valid until " + LongDate(after)));
}

TEST_F(GrantDaysHttpTest, SecondGrantAddsToTheFirst) {
  const std::string email = NextDemoCustomer();
  auto db = Db();
  const int64_t id = UserId(db, email);
  const auto before = db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id});
  ASSERT_EQ(Grant(id, "1", "One").status, 303);
  ASSERT_EQ(Grant(id, "365", "A year").status, 303);
  EXPECT_EQ(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id}),
            *before + 366 * kDay);
  EXPECT_EQ(
      db.Count("SELECT COUNT(*) FROM license_grants WHERE license_id = ?", {LicenseId(db, id)}), 2);
}

TEST_F(GrantDaysHttpTest, GrantRequiresAReason) {
  const std::string email = NextDemoCustomer();
  auto db = Db();
  const int64_t id = UserId(db, email);
  const AccountState before = StateOf(db, id);
  for (const char* reason : {"", "   ", "two\nlines"}) {
    const HttpResponse r = Grant(id, "5", reason);
    EXPECT_EQ(r.status, 422) << "reason '" << reason << "': " << ::testing::PrintToString(r);
    EXPECT_THAT(r.Text(), HasSubstr("Say why, in one line.")) << reason;
    const auto days = FindInput(r.body, "days");
    ASSERT_TRUE(days.has_value());
    EXPECT_EQ(days->Get("value"), "5") << "what was typed is kept";
    EXPECT_EQ(StateOf(db, id), before) << "reason '" << reason << "'";
  }
  EXPECT_EQ(
      db.Count("SELECT COUNT(*) FROM license_grants WHERE license_id = ?", {LicenseId(db, id)}), 0);
}

TEST_F(GrantDaysHttpTest, DaysMustBeAWholeNumberFrom1To365) {
  const std::string email = NextDemoCustomer();
  auto db = Db();
  const int64_t id = UserId(db, email);
  const AccountState before = StateOf(db, id);
  for (const char* days : {"0", "366", "-1", "", "abc", "1.5", "7 ", "1e2", "99999999999"}) {
    const HttpResponse r = Grant(id, days, "Goodwill");
    EXPECT_EQ(r.status, 422) << "days '" << days << "': " << ::testing::PrintToString(r);
    EXPECT_THAT(r.Text(), HasSubstr("Grant from 1 to 365 days.")) << days;
    EXPECT_EQ(StateOf(db, id), before) << "days '" << days << "'";
  }
}

TEST_F(GrantDaysHttpTest, GrantToALicenseWithoutADateStartsFromNow) {
  const std::string email = FreshEmail("granted");
  Browser customer = NewCustomer(email);
  auto db = Db();
  const int64_t id = UserId(db, email);
  ASSERT_FALSE(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id}).has_value());
  const int64_t t0 = UnixNow();
  ASSERT_EQ(Grant(id, "30", "Welcome month").status, 303);
  const int64_t t1 = UnixNow();
  const auto expires = db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id});
  ASSERT_TRUE(expires.has_value());
  EXPECT_GE(*expires, t0 + 30 * kDay - 1);
  EXPECT_LE(*expires, t1 + 30 * kDay + 1);
  EXPECT_FALSE(
      db.Int("SELECT expires_before FROM license_grants WHERE license_id = ?", {LicenseId(db, id)})
          .has_value());
  EXPECT_THAT(PlainText(customer.Get("/home").body),
              HasSubstr("Valid until " + LongDate(*expires)));
}

TEST_F(GrantDaysHttpTest, OnlyStaffGrantAndOnlyToAccountsWithALicense) {
  const std::string email = NextDemoCustomer();
  Browser customer = As(email);
  const std::string csrf = SessionCsrf(customer);
  auto db = Db();
  const int64_t id = UserId(db, email);
  const AccountState before = StateOf(db, id);
  const HttpResponse self = customer.Post("/staff/customers/" + std::to_string(id) + "/grant",
                                          {{"csrf", csrf}, {"days", "30"}, {"reason", "Me"}});
  EXPECT_EQ(self.status, 403) << ::testing::PrintToString(self);
  EXPECT_EQ(StateOf(db, id), before);

  const int64_t grants = db.Count("SELECT COUNT(*) FROM license_grants");
  EXPECT_EQ(Grant(999999, "5", "Nobody").status, 404);
  const HttpResponse to_staff = Grant(UserId(db, kDemoAdmin), "5", "Staff have no license");
  EXPECT_EQ(to_staff.status, 404) << ::testing::PrintToString(to_staff);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM license_grants"), grants);
}

// ---- No refunds ---------------------------------------------------------------------------

TEST_F(GrantDaysHttpTest, NoRefundRouteExistsForAnyone) {
  Browser admin = As(kDemoAdmin);
  const std::string csrf = SessionCsrf(admin);
  auto db = Db();
  const int64_t customer = UserId(db, NextDemoCustomer());
  const AccountState before = StateOf(db, customer);
  for (const std::string& path :
       {std::string("/refund"), std::string("/refunds"), std::string("/staff/refund"),
        std::string("/staff/refunds"), std::string("/api/refund"), std::string("/support/refund"),
        "/staff/customers/" + std::to_string(customer) + "/refund",
        std::string("/cancel/refund")}) {
    const HttpResponse get = admin.Get(path);
    EXPECT_EQ(get.status, 404) << "GET " << path;
    const HttpResponse post = admin.Post(
        path, {{"csrf", csrf}, {"user_id", std::to_string(customer)}, {"amount", "5000"}});
    EXPECT_EQ(post.status, 404) << "POST " << path;
  }
  EXPECT_EQ(StateOf(db, customer), before);
  // The staff customer page offers days, never money.
  const HttpResponse file = admin.Get("/staff/customers/" + std::to_string(customer));
  ASSERT_EQ(file.status, 200);
  for (const auto& tag : FindTags(file.body, "form"))
    EXPECT_THAT(tag.Get("action"), Not(HasSubstr("refund")));
  EXPECT_THAT(PlainText(file.body), HasSubstr("Tenure never refunds money."));
}

TEST_F(GrantDaysHttpTest, TermsAndTheReasonPageSayNothingIsRefunded) {
  Browser visitor(Base());
  const HttpResponse terms = visitor.Get("/terms");
  ASSERT_EQ(terms.status, 200);
  EXPECT_THAT(PlainText(terms.body),
              AllOf(HasSubstr("All payments are final."),
                    HasSubstr("We do not issue refunds, in whole or in part, under any "
                              "circumstances, including when you cancel renewal")));
  Browser customer = As(NextDemoCustomer());
  const HttpResponse reason = customer.Get("/cancel/reason");
  ASSERT_EQ(reason.status, 200);
  EXPECT_THAT(PlainText(reason.body), HasSubstr("Payments are final: nothing is refunded"));
}

}  // namespace
}  // namespace tenure::http_test
