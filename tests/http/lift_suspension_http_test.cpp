// Staff lift a dispute's suspension by hand (issue 8): "Lift suspension" on the customer's
// file, shown only while the license is suspended, with a required reason that goes to the
// audit log; customers cannot reach it.
#include <gmock/gmock.h>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class LiftSuspensionHttpTest : public JourneyTest {
 protected:
  void SetUp() override {
    JourneyTest::SetUp();
    if (HasFatalFailure()) return;
    staff_ = std::make_unique<Browser>(As(kDemoSupport));
    staff_csrf_ = SessionCsrf(*staff_);
  }

  // A dispute opened: what the Stripe worker writes (integration tests drive the real one).
  void Suspend(int64_t user_id) {
    WritableDatabase w(server().DatabasePath());
    ASSERT_EQ(
        w.Exec("UPDATE licenses SET suspended_at = ? WHERE user_id = ?", {UnixNow(), user_id}), 1);
  }

  HttpResponse Lift(int64_t user_id, std::string_view reason) {
    return staff_->Post("/staff/customers/" + std::to_string(user_id) + "/lift-suspension",
                        {{"csrf", staff_csrf_}, {"reason", std::string(reason)}});
  }

  std::string CustomerFile(int64_t user_id) {
    return staff_->Get("/staff/customers/" + std::to_string(user_id)).body;
  }

  std::unique_ptr<Browser> staff_;
  std::string staff_csrf_;
};

TEST_F(LiftSuspensionHttpTest, StaffLiftASuspensionWithAReasonAndTheLicenseWorksAgain) {
  const std::string email = NextDemoCustomer();
  Browser customer = As(email);
  auto db = Db();
  const int64_t id = UserId(db, email);
  const int64_t staff_id = UserId(db, kDemoSupport);
  EXPECT_THAT(Buttons(CustomerFile(id)), Not(Contains("Lift suspension")))
      << "only a suspended license offers it";
  Suspend(id);
  EXPECT_THAT(customer.Get("/home").Text(), HasSubstr("suspended"));
  const std::string file = CustomerFile(id);
  EXPECT_THAT(Buttons(file), Contains("Lift suspension"));
  EXPECT_THAT(FormWithAction(file, "/staff/customers/" + std::to_string(id) + "/lift-suspension"),
              HasSubstr("name=\"reason\""));

  // No reason: refused, nothing changes, the error sits in the lift form.
  const HttpResponse bare = Lift(id, "  ");
  EXPECT_EQ(bare.status, 422) << ::testing::PrintToString(bare);
  EXPECT_THAT(bare.Text(), HasSubstr("Say why, in one line."));
  EXPECT_THAT(bare.body, HasSubstr("id=\"lift-reason-error\""));
  EXPECT_NE(db.Int("SELECT suspended_at FROM licenses WHERE user_id = ?", {id}), std::nullopt);

  const HttpResponse r = Lift(id, "Bank confirmed the charge");
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/staff/customers/" + std::to_string(id) + "?done=lifted");
  EXPECT_EQ(db.Int("SELECT suspended_at FROM licenses WHERE user_id = ?", {id}), std::nullopt);
  EXPECT_EQ(AuditCount(db, "license.unsuspend"), 1);
  EXPECT_THAT(
      db.Text("SELECT after_json FROM audit_log WHERE action = 'license.unsuspend'").value_or(""),
      HasSubstr("Bank confirmed the charge"));
  EXPECT_EQ(db.Text("SELECT actor FROM audit_log WHERE action = 'license.unsuspend'").value_or(""),
            "user:" + std::to_string(staff_id));
  const std::string after = staff_->Get(r.Header("location")).Text();
  EXPECT_THAT(after, HasSubstr("Suspension lifted; the license works again."));
  EXPECT_THAT(customer.Get("/home").Text(), Not(HasSubstr("suspended")));

  // Twice: not suspended any more.
  const HttpResponse again = Lift(id, "Again");
  EXPECT_EQ(again.status, 409) << ::testing::PrintToString(again);
  EXPECT_THAT(again.Text(), HasSubstr("This license is not suspended."));
  EXPECT_EQ(AuditCount(db, "license.unsuspend"), 1);
}

TEST_F(LiftSuspensionHttpTest, CustomersCannotLiftTheirOwnSuspension) {
  const std::string email = NextDemoCustomer();
  Browser customer = As(email);
  auto db = Db();
  const int64_t id = UserId(db, email);
  Suspend(id);
  const HttpResponse self =
      customer.Post("/staff/customers/" + std::to_string(id) + "/lift-suspension",
                    {{"csrf", SessionCsrf(customer)}, {"reason", "Please"}});
  EXPECT_EQ(self.status, 403) << ::testing::PrintToString(self);
  EXPECT_NE(db.Int("SELECT suspended_at FROM licenses WHERE user_id = ?", {id}), std::nullopt);
  EXPECT_EQ(Lift(999999, "Nobody").status, 404);
}

}  // namespace
}  // namespace tenure::http_test
