#include "app/renewal.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "app/demo.hpp"
#include "app/staff.hpp"
#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/cancellations.hpp"
#include "app/store/licenses.hpp"
#include "app/store/outbox.hpp"
#include "app/store/users.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;

class RenewalTest : public ::testing::Test {
 protected:
  RenewalTest()
      : clock_(sys_days(2027y / January / 31) + hours(10)),
        store_(storage::OpenStore("sqlite://" + dir_.File("r.db"), clock_)),
        hasher_(PasswordHasher::Minimum()),
        licenses_(*store_, clock_, policy_),
        renewal_(*store_, clock_, policy_, EmailContext{"https://licenses.example.com"}),
        staff_(*store_, clock_, licenses_, EmailContext{"https://licenses.example.com"}) {
    store_->Migrate();
    DemoSeeder(*store_, clock_, hasher_).Seed("demo password 1", false, 0);
    demo_ = *store_->Read()->users().FindByEmail("demo@example.com");
    admin_ = *store_->Read()->users().FindByEmail("admin@example.com");
  }

  domain::License License() { return *store_->Read()->licenses().FindByUser(demo_.id); }
  std::vector<OutboxMessage> Mail() { return store_->Read()->outbox().List("", 100); }

  testing::TempDir dir_;
  FakeClock clock_;
  domain::LicensePolicy policy_;
  std::unique_ptr<storage::SqlStore> store_;
  PasswordHasher hasher_;
  LicenseService licenses_;
  RenewalService renewal_;
  StaffService staff_;
  domain::User demo_;
  domain::User admin_;
};

TEST_F(RenewalTest, ConfirmCancelIsOneAuditedUnitWithItsEmail) {
  const auto before = License();
  auto r = renewal_.ConfirmCancel(Actor::User(demo_.id, "req-9"), demo_,
                                  {.reason = "missing_features", .comment = "Needs dark mode"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->changed);
  const auto after = License();
  EXPECT_FALSE(after.auto_renew);
  EXPECT_EQ(after.auto_renew_off_reason, domain::AutoRenewOffReason::kCancellationRequested);
  EXPECT_EQ(after.expires_at, before.expires_at) << "canceling never shortens the license";

  auto audit = store_->Read()->audit_log().Recent(1);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "license.cancel_renewal");
  EXPECT_EQ(audit[0].request_id, "req-9");
  EXPECT_NE(audit[0].after.find("missing_features"), std::string::npos);
  EXPECT_EQ(audit[0].after.find("dark mode"), std::string::npos) << "comments stay out of audit";

  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].payload["to"][0], "demo@example.com");
  const std::string text = mail[0].payload["text"];
  EXPECT_NE(text.find(FormatLongDate(*after.expires_at)), std::string::npos) << text;
  EXPECT_NE(text.find("https://licenses.example.com/home"), std::string::npos);
}

TEST_F(RenewalTest, ConfirmingTwiceCancelsOnce) {
  ASSERT_TRUE(renewal_.ConfirmCancel(Actor::User(demo_.id), demo_, {.reason = "unused"}));
  auto again = renewal_.ConfirmCancel(Actor::User(demo_.id), demo_, {.reason = "too_expensive"});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(Mail().size(), 1u);
  const app::FeedbackFilter all{.from = Instant{}, .to = clock_.Now() + seconds(1)};
  auto rows = store_->Read()->cancellations().List(all, admin_.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cancellation.reason, domain::CancelReason::kUnused);
}

TEST_F(RenewalTest, ConcurrentConfirmsCancelOnce) {
  std::vector<std::thread> tabs;
  for (int i = 0; i < 4; ++i)
    tabs.emplace_back([&] {
      auto r = renewal_.ConfirmCancel(Actor::User(demo_.id), demo_, {.reason = "unused"});
      EXPECT_TRUE(r);
    });
  for (auto& t : tabs) t.join();
  EXPECT_EQ(Mail().size(), 1u);
}

TEST_F(RenewalTest, BadInputChangesNothing) {
  for (const CancelRequest& bad :
       {CancelRequest{.reason = ""}, CancelRequest{.reason = "refund_please"},
        CancelRequest{.reason = "other", .comment = " "},
        CancelRequest{.reason = "unused", .comment = std::string(5001, 'x')},
        CancelRequest{.reason = "unused", .ticket = TicketId{999}}}) {
    EXPECT_FALSE(renewal_.ConfirmCancel(Actor::User(demo_.id), demo_, bad));
  }
  EXPECT_TRUE(License().auto_renew);
  EXPECT_TRUE(Mail().empty());
}

TEST_F(RenewalTest, ResubscribeNeedsACardAndEmailsTheNextCharge) {
  ASSERT_TRUE(renewal_.ConfirmCancel(Actor::User(demo_.id), demo_, {.reason = "unused"}));
  auto on = renewal_.Resubscribe(Actor::User(demo_.id), demo_);
  ASSERT_TRUE(on);
  EXPECT_TRUE(on->changed);
  EXPECT_TRUE(License().auto_renew);
  EXPECT_EQ(License().auto_renew_off_reason, domain::AutoRenewOffReason::kNone);
  const std::string text = Mail()[0].payload["text"];
  EXPECT_NE(text.find("50.00 USD"), std::string::npos);
  EXPECT_NE(text.find(FormatLongDate(*License().expires_at - hours(24))), std::string::npos);
  EXPECT_FALSE(renewal_.Resubscribe(Actor::User(demo_.id), demo_)->changed);
}

TEST_F(RenewalTest, StaffGrantDaysNeverMoney) {
  const Instant before = *License().expires_at;
  EXPECT_FALSE(staff_.GrantDays(Actor::User(admin_.id), admin_, demo_.id, "0", "x"));
  EXPECT_FALSE(staff_.GrantDays(Actor::User(admin_.id), admin_, demo_.id, "366", "x"));
  EXPECT_FALSE(staff_.GrantDays(Actor::User(admin_.id), admin_, demo_.id, "5", ""));
  EXPECT_FALSE(staff_.GrantDays(Actor::User(demo_.id), demo_, demo_.id, "5", "self-service"));
  auto after = staff_.GrantDays(Actor::User(admin_.id), admin_, demo_.id, "5", "Outage on Jan 30");
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(*after, before + days(5));
  auto grants = licenses_.Grants(demo_.id);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].reason, "Outage on Jan 30");
  EXPECT_EQ(grants[0].staff_email, "admin@example.com");

  // A lapsed license gets the days from now, not from its old date.
  clock_.Advance(days(60));
  auto lapsed = staff_.GrantDays(Actor::User(admin_.id), admin_, demo_.id, "3", "Goodwill");
  ASSERT_TRUE(lapsed);
  EXPECT_EQ(*lapsed, clock_.Now() + days(3));
}

}  // namespace
}  // namespace tenure::app
