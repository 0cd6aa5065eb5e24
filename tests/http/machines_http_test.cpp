// Settings -> Machines and Deactivate license (issue 9's dashboard side): the demo customer's
// two machines holding two of three slots, Sign out per machine (another customer's machine is
// as absent as a missing one), and Deactivate license signing out every machine, refused with
// its date during the cooldown and available again after it (the test clock moves).
#include <gmock/gmock.h>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

int64_t MachineId(Database& db, std::string_view name) {
  return db.Int("SELECT id FROM machines WHERE name = ?", {std::string(name)}).value_or(-1);
}
int64_t LiveMachines(Database& db, int64_t user_id) {
  return db.Count("SELECT COUNT(*) FROM machines WHERE user_id = ? AND ended_at IS NULL",
                  {user_id});
}
std::string SignOutPath(int64_t machine_id) {
  return "/settings/machines/" + std::to_string(machine_id) + "/sign-out";
}
// The button of a form on the page: its HTML from <button to </button>, "" when absent.
std::string ButtonOf(std::string_view form) {
  const size_t at = form.find("<button");
  return at == std::string_view::npos ? std::string()
                                      : std::string(form.substr(at, form.find("</button>") - at));
}

class MachinesHttpTest : public PerTestServer {
 protected:
  // One more customer (customer1@example.com): a license, no machines, no checkouts.
  MachinesHttpTest() : PerTestServer({.demo_customers = 1}) {}
};

TEST_F(MachinesHttpTest, SettingsListsTheMachinesHoldingSlotsMostRecentlySeenFirst) {
  Browser demo = As(kDemoCustomer);
  const HttpResponse r = demo.Get("/settings");
  ASSERT_EQ(r.status, 200) << ::testing::PrintToString(r);
  const std::string text = PlainText(r.body);
  EXPECT_THAT(text, HasSubstr("Machines 2 of 3 instances in use."));
  // Name, OS, app version, signed in (3 days before the demo), last seen (a minute before it).
  const std::string signed_in = LongDate(UnixNow() - 3 * kDay);
  EXPECT_THAT(text, HasSubstr("Office desktop Windows 11 2.4.1 " + signed_in + " 1 minute ago"));
  EXPECT_THAT(text, HasSubstr("MacBook Air macOS 15.1 2.4.1 " + signed_in + " 1 minute ago"));
  EXPECT_LT(Position(r.body, "Office desktop"), Position(r.body, "MacBook Air"))
      << "the most recently seen first";
  auto db = Db();
  for (const char* name : {"Office desktop", "MacBook Air"}) {
    const std::string form = FormWithAction(r.body, SignOutPath(MachineId(db, name)));
    ASSERT_FALSE(form.empty()) << "a Sign out form for " << name;
    EXPECT_THAT(form, HasSubstr("name=\"csrf\""));
    EXPECT_EQ(PlainText(ButtonOf(form)), std::string("Sign out ") + name);
  }
  // Edit Instances beside the count, and the way to Deactivate license.
  const auto links = Links(r.body);
  EXPECT_TRUE(std::ranges::any_of(links, [](const Link& l) {
    return l.href == "/billing/instances" && l.text == "Edit Instances";
  }));
  EXPECT_TRUE(std::ranges::any_of(links, [](const Link& l) {
    return l.href == "/settings/deactivate" && l.text == "Deactivate license";
  }));
}

TEST_F(MachinesHttpTest, NoMachineSignedInSaysSo) {
  Browser customer = As(DemoCustomerEmail(1));
  const HttpResponse r = customer.Get("/settings");
  ASSERT_EQ(r.status, 200);
  const std::string text = PlainText(r.body);
  EXPECT_THAT(text, HasSubstr("Machines 0 of 1 instance in use."));
  EXPECT_THAT(text, HasSubstr("No machine is signed in to the program right now."));
  EXPECT_THAT(r.body, Not(HasSubstr("/settings/machines/")));
}

TEST_F(MachinesHttpTest, SignOutEndsOneMachineAndFreesItsSlot) {
  Browser demo = As(kDemoCustomer);
  const std::string csrf = SessionCsrf(demo);
  auto db = Db();
  const int64_t demo_id = UserId(db, kDemoCustomer);
  const int64_t laptop = MachineId(db, "MacBook Air");
  const std::string session =
      db.Text("SELECT session_hash FROM machines WHERE id = ?", {laptop}).value_or("");

  const HttpResponse r = demo.Post(SignOutPath(laptop), {{"csrf", csrf}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/settings?done=signed_out");
  EXPECT_EQ(db.Text("SELECT end_reason FROM machines WHERE id = ?", {laptop}),
            "signed_out_from_dashboard");
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM sessions WHERE token_hash = ?", {session}), 0)
      << "its program session is gone";
  EXPECT_EQ(LiveMachines(db, demo_id), 1);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'machine.end' AND subject = ?",
                     {"machine:" + std::to_string(laptop)}),
            1);

  const std::string text = PlainText(demo.Get(r.Header("location")).body);
  EXPECT_THAT(text, AllOf(HasSubstr("The machine was signed out of the program, and its "
                                    "instance slot is free."),
                          HasSubstr("Machines 1 of 3 instances in use."),
                          HasSubstr("Office desktop"), Not(HasSubstr("MacBook Air"))));
  // Twice: the machine is not signed in any more.
  EXPECT_EQ(demo.Post(SignOutPath(laptop), {{"csrf", csrf}}).status, 404);
}

TEST_F(MachinesHttpTest, AnotherCustomersMachineOrNoMachineIsNotFound) {
  Browser other = As(DemoCustomerEmail(1));
  const std::string csrf = SessionCsrf(other);
  auto db = Db();
  const int64_t desktop = MachineId(db, "Office desktop");
  const HttpResponse r = other.Post(SignOutPath(desktop), {{"csrf", csrf}});
  EXPECT_EQ(r.status, 404) << ::testing::PrintToString(r);
  EXPECT_THAT(PlainText(r.body), HasSubstr("This machine is not signed in any more."));
  EXPECT_EQ(LiveMachines(db, UserId(db, kDemoCustomer)), 2) << "nothing changed";
  EXPECT_EQ(other.Post(SignOutPath(999999), {{"csrf", csrf}}).status, 404);
  EXPECT_EQ(other.Post("/settings/machines/abc/sign-out", {{"csrf", csrf}}).status, 404);
  // And without the form's token nothing happens either.
  Browser demo = As(kDemoCustomer);
  EXPECT_EQ(demo.Post(SignOutPath(desktop), {}).status, 403);
  EXPECT_EQ(LiveMachines(db, UserId(db, kDemoCustomer)), 2);
}

TEST_F(MachinesHttpTest, ACustomerWithoutALicenseIsToldThereIsNothingToDeactivate) {
  Browser staff = As(kDemoSupport);  // staff accounts hold no license
  const HttpResponse page = staff.Get("/settings/deactivate");
  ASSERT_EQ(page.status, 200) << ::testing::PrintToString(page);
  EXPECT_THAT(PlainText(page.body), HasSubstr("There is nothing to deactivate"));
  EXPECT_THAT(Buttons(page.body), Not(::testing::Contains("Deactivate license")));
  const HttpResponse post = staff.Post("/settings/deactivate", {{"csrf", SessionCsrf(staff)}});
  EXPECT_EQ(post.status, 404) << ::testing::PrintToString(post);
  EXPECT_THAT(PlainText(post.body), HasSubstr("This account has no license."));
}

class DeactivateHttpTest : public PerTestServer {
 protected:
  DeactivateHttpTest() : PerTestServer({.test_clock = true}) {}
};

TEST_F(DeactivateHttpTest, SignsOutEveryMachineOnceThenWaitsForTheCooldown) {
  Browser demo = As(kDemoCustomer);
  auto db = Db();
  const int64_t demo_id = UserId(db, kDemoCustomer);
  const auto expires_before =
      db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {demo_id});

  // The page says what it does before anything happens.
  const HttpResponse page = demo.Get("/settings/deactivate");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(PlainText(page.body),
              AllOf(HasSubstr("signs the program out on every machine at once and frees every "
                              "instance slot"),
                    HasSubstr("signed out on the 2 machines signed in now"),
                    HasSubstr("Your license itself keeps its dates"),
                    HasSubstr("It can be used once every 24 hours")));
  const std::string form = FormWithAction(page.body, "/settings/deactivate");
  ASSERT_FALSE(form.empty());
  EXPECT_EQ(PlainText(ButtonOf(form)), "Deactivate license");
  EXPECT_THAT(ButtonOf(form), Not(HasSubstr("disabled")));

  const HttpResponse r = demo.Post("/settings/deactivate", {{"csrf", CsrfField(page.body)}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/settings?done=deactivated&machines=2");
  EXPECT_EQ(LiveMachines(db, demo_id), 0);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM machines WHERE user_id = ? AND end_reason = "
                     "'deactivated'",
                     {demo_id}),
            2);
  EXPECT_EQ(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {demo_id}), expires_before)
      << "the license keeps its dates";
  const auto deactivated_at =
      db.Int("SELECT deactivated_at FROM licenses WHERE user_id = ?", {demo_id});
  ASSERT_TRUE(deactivated_at.has_value());
  EXPECT_EQ(AuditCount(db, "license.deactivate"), 1);
  EXPECT_EQ(EmailsTo(db, kDemoCustomer, "deactivated"), 1);

  const std::string settings = PlainText(demo.Get(r.Header("location")).body);
  EXPECT_THAT(settings, AllOf(HasSubstr("the program was signed out on 2 machines, and every "
                                        "instance slot is free"),
                              HasSubstr("0 of 3 instances in use"),
                              HasSubstr("No machine is signed in to the program right now.")));

  // Again within the cooldown: refused with the date and time, nothing changes, never a 500.
  const std::string available = LongDate(*deactivated_at + kDay);
  const HttpResponse again = demo.Post("/settings/deactivate", {{"csrf", CsrfField(page.body)}});
  EXPECT_EQ(again.status, 409) << ::testing::PrintToString(again);
  EXPECT_THAT(PlainText(again.body),
              HasSubstr("Deactivate license was used recently. It is available again on " +
                        available + " at "));
  EXPECT_EQ(AuditCount(db, "license.deactivate"), 1);
  EXPECT_EQ(db.Int("SELECT deactivated_at FROM licenses WHERE user_id = ?", {demo_id}),
            deactivated_at);
  // The page says when, and its button is disabled.
  const HttpResponse waiting = demo.Get("/settings/deactivate");
  EXPECT_THAT(PlainText(waiting.body), HasSubstr("It is available again on " + available + " "));
  EXPECT_THAT(ButtonOf(FormWithAction(waiting.body, "/settings/deactivate")),
              HasSubstr("disabled"));

  // After the cooldown it can be used again.
  ASSERT_TRUE(server().AdvanceClock("25h"));
  const HttpResponse later = demo.Get("/settings/deactivate");
  EXPECT_THAT(ButtonOf(FormWithAction(later.body, "/settings/deactivate")),
              Not(HasSubstr("disabled")));
  EXPECT_THAT(PlainText(later.body), Not(HasSubstr("available again")));
  const HttpResponse second = demo.Post("/settings/deactivate", {{"csrf", CsrfField(later.body)}});
  EXPECT_EQ(second.status, 303) << ::testing::PrintToString(second);
  EXPECT_EQ(second.Header("location"), "/settings?done=deactivated&machines=0");
  EXPECT_THAT(PlainText(demo.Get(second.Header("location")).body),
              HasSubstr("signed out on 0 machines"));
}

}  // namespace
}  // namespace tenure::http_test
