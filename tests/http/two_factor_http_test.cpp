// Two-factor authentication over HTTP (issue 10): turning it on with a code computed here from
// the key the page shows (core/totp, itself checked against RFC 6238's vectors), the second
// sign-in step, replays, recovery codes, the program's "otp", and turning it off. The server
// runs on the shared test clock, so codes are computed at its time.
#include <gmock/gmock.h>

#include <regex>

#include "account_security_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TwoFactorHttpTest : public PerTestServer {
 protected:
  TwoFactorHttpTest() : PerTestServer({.test_clock = true}) {}

  int64_t Now() {
    std::string now;
    EXPECT_TRUE(server().RunCommand({"clock", "show"}, &now));
    return UnixFromRfc3339(now);
  }
  // The next 30-second step: each code works once, so a new sign-in needs a new step.
  void NextStep() { ASSERT_TRUE(server().AdvanceClock("30s")); }

  // Turns two-factor on for the signed-in `b`; the key shown and the recovery codes.
  std::pair<std::string, std::vector<std::string>> TurnOn(Browser& b) {
    const HttpResponse settings = b.Get("/settings");
    EXPECT_THAT(settings.body, HasSubstr("Turn on two-factor authentication"));
    const HttpResponse page = b.Get("/settings/two-factor");
    EXPECT_EQ(page.status, 200);
    EXPECT_THAT(page.body, HasSubstr("<svg"));
    std::smatch m;
    const std::regex secret(R"re(<code id="totp-secret">([A-Z2-7 ]+)</code>)re");
    EXPECT_TRUE(std::regex_search(page.body, m, secret)) << page.body;
    const std::string key = m[1].str();
    const HttpResponse done = b.Post("/settings/two-factor/enable", {{"csrf", CsrfField(page.body)},
                                                                     {"code", CodeAt(key, Now())}});
    EXPECT_EQ(done.status, 200) << done.body;
    std::vector<std::string> codes;
    const std::regex code(
        R"(<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>)");
    for (std::sregex_iterator it(done.body.begin(), done.body.end(), code), end; it != end; ++it)
      codes.push_back((*it)[1].str());
    return {key, codes};
  }

  // Signs in with the password; the browser then holds the pending second step.
  void PasswordStep(Browser& b) {
    const HttpResponse r = SignInForm(b, kDemoCustomer, kDemoPassword);
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.Header("location"), "/sign-in/code");
    EXPECT_FALSE(b.Cookie("tenure_session").has_value() && b.Get("/home").status == 200)
        << "the password alone opens nothing";
  }
  // The code form as the page sent it (its csrf is the tenure_csrf cookie's), even after
  // the step is over and the page would no longer show.
  HttpResponse CodeStep(Browser& b, std::string_view code) {
    return b.Post("/sign-in/code",
                  {{"csrf", b.Cookie("tenure_csrf").value_or("")}, {"code", std::string(code)}});
  }
};

TEST_F(TwoFactorHttpTest, TurnedOnSignInAsksForACodeAcceptsEachOnceAndRecoveryCodesOnce) {
  Browser owner = As(kDemoCustomer);
  const auto [key, codes] = TurnOn(owner);
  ASSERT_EQ(codes.size(), 10u);
  auto db = Db();
  EXPECT_EQ(EmailsTo(db, kDemoCustomer, "Two-factor authentication is on"), 1);
  EXPECT_EQ(
      db.Count("SELECT COUNT(*) FROM recovery_codes WHERE instr(?, code_hash) > 0", {codes[0]}), 0);
  EXPECT_THAT(owner.Get("/settings").body, HasSubstr("Manage two-factor authentication"));

  // A wrong code, then the code just used to turn it on (a replay): both refused.
  Browser b(Base());
  PasswordStep(b);
  const HttpResponse wrong = CodeStep(b, "000000");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(PlainText(wrong.body), HasSubstr("That code is not right"));
  const HttpResponse replay = CodeStep(b, CodeAt(key, Now()));
  EXPECT_EQ(replay.status, 401);
  EXPECT_THAT(PlainText(replay.body), HasSubstr("used already"));

  NextStep();
  const HttpResponse ok = CodeStep(b, CodeAt(key, Now()));
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(b.Get("/home").status, 200);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM sessions WHERE strength = 'two_factor'"), 1)
      << "the session records that a second factor proved it";

  // A recovery code, typed loosely (upper case, spaces): once.
  Browser c(Base());
  PasswordStep(c);
  std::string loose = codes[3];
  std::ranges::replace(loose, '-', ' ');
  std::ranges::transform(loose, loose.begin(), [](unsigned char ch) { return std::toupper(ch); });
  ASSERT_EQ(CodeStep(c, loose).status, 303);
  EXPECT_THAT(LastEmailText(db, kDemoCustomer, "A recovery code was used").value_or(""),
              HasSubstr("9 left"));
  Browser d(Base());
  PasswordStep(d);
  EXPECT_EQ(CodeStep(d, codes[3]).status, 401) << "a recovery code works once";
  EXPECT_THAT(owner.Get("/settings/two-factor").body, HasSubstr("9 unused recovery codes left"));
}

TEST_F(TwoFactorHttpTest, TheSecondStepIsBoundToItsAddressAndEndsAfterFiveWrongCodes) {
  Browser owner = As(kDemoCustomer);
  const auto [key, codes] = TurnOn(owner);
  NextStep();

  Browser b(Base());
  PasswordStep(b);
  Browser thief(Base());
  thief.SetLocalAddress("127.0.0.7");
  thief.SetCookie("tenure_2fa", b.Cookie("tenure_2fa").value_or(""));
  EXPECT_EQ(thief.Get("/sign-in/code").status, 303) << "another address cannot finish it";

  for (int i = 0; i < 4; ++i) EXPECT_EQ(CodeStep(b, "12345" + std::to_string(i)).status, 401);
  const HttpResponse fifth = CodeStep(b, "999999");
  EXPECT_EQ(fifth.status, 401);
  EXPECT_THAT(PlainText(fifth.body), HasSubstr("Enter your email and password again"));
  EXPECT_EQ(CodeStep(b, CodeAt(key, Now())).status, 401) << "the step is over";
  auto db = Db();
  EXPECT_GE(db.Count("SELECT COUNT(*) FROM sign_in_attempts WHERE email = ? AND success = FALSE",
                     {std::string(kDemoCustomer)}),
            5)
      << "wrong codes count as failed sign-ins (the same slow-down)";
}

TEST_F(TwoFactorHttpTest, TheProgramsSignInAnswersMfaRequiredAndAcceptsOtp) {
  Browser owner = As(kDemoCustomer);
  const auto [key, codes] = TurnOn(owner);
  NextStep();

  const HttpResponse missing = ProgramSignIn(Base(), kDemoCustomer, kDemoPassword, "box-1");
  EXPECT_EQ(missing.status, 401);
  const auto problem = nlohmann::json::parse(missing.body, nullptr, false);
  EXPECT_EQ(problem.value("code", ""), "mfa_required") << missing.body;
  const HttpResponse wrong = ProgramSignIn(Base(), kDemoCustomer, kDemoPassword, "box-1", "123456");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(nlohmann::json::parse(wrong.body, nullptr, false).value("code", ""), "mfa_required");
  const HttpResponse ok =
      ProgramSignIn(Base(), kDemoCustomer, kDemoPassword, "box-1", CodeAt(key, Now()));
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ProgramSignIn(Base(), kDemoCustomer, kDemoPassword, "box-1", CodeAt(key, Now())).status,
            401)
      << "the same code twice";
  // The same machine again (its own slot), with a recovery code.
  EXPECT_EQ(ProgramSignIn(Base(), kDemoCustomer, kDemoPassword, "box-1", codes[0]).status, 201)
      << "a recovery code works for the program too";
}

TEST_F(TwoFactorHttpTest, TurningItOffNeedsThePasswordAndACodeAndResetAsksForACode) {
  Browser owner = As(kDemoCustomer);
  const auto [key, codes] = TurnOn(owner);
  NextStep();

  const HttpResponse no_code = Submit(owner, "/settings/two-factor", "/settings/two-factor/disable",
                                      {{"password", kDemoPassword}, {"code", "000000"}});
  EXPECT_EQ(no_code.status, 422);
  const HttpResponse bad_password =
      Submit(owner, "/settings/two-factor", "/settings/two-factor/disable",
             {{"password", "not my password"}, {"code", CodeAt(key, Now())}});
  EXPECT_EQ(bad_password.status, 422);
  EXPECT_THAT(PlainText(bad_password.body), HasSubstr("not your password"));

  // New recovery codes replace the old ones (the password is asked).
  const HttpResponse regenerated =
      Submit(owner, "/settings/two-factor", "/settings/two-factor/recovery-codes",
             {{"password", kDemoPassword}});
  ASSERT_EQ(regenerated.status, 200);
  EXPECT_THAT(regenerated.body, HasSubstr("download=\"recovery-codes.txt\""));

  // Password reset with two-factor on asks for a code; an old recovery code no longer works.
  Browser b(Base());
  ASSERT_EQ(Submit(b, "/forgot-password", "/forgot-password", {{"email", kDemoCustomer}}).status,
            200);
  auto db = Db();
  const std::string link = LinkInEmail(db, kDemoCustomer, "Reset your password", "/reset-password");
  const HttpResponse form = b.Get(link);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(FindInput(form.body, "code").has_value());
  const std::string token = link.substr(link.find('=') + 1);
  const Fields reset = {
      {"csrf", CsrfField(form.body)}, {"token", token}, {"password", "quartz lantern meadow 42"}};
  const HttpResponse no_code_given = b.Post("/reset-password", reset);
  EXPECT_EQ(no_code_given.status, 422);
  EXPECT_THAT(PlainText(no_code_given.body), HasSubstr("Type the 6-digit code"));
  Fields with_old = reset;
  with_old.emplace_back("code", codes[1]);
  EXPECT_EQ(b.Post("/reset-password", with_old).status, 422);
  EXPECT_EQ(b.Get(link).status, 200) << "refused resets leave the link working";
  // Wrong codes count on the link: the fifth ends it, and each counts as a failed sign-in.
  for (int i = 0; i < 3; ++i) {
    Fields wrong = reset;
    wrong.emplace_back("code", "00000" + std::to_string(i));
    EXPECT_EQ(b.Post("/reset-password", wrong).status, 422) << i;
  }
  Fields fifth = reset;
  fifth.emplace_back("code", "999999");
  const HttpResponse ended = b.Post("/reset-password", fifth);
  EXPECT_EQ(ended.status, 404);
  EXPECT_THAT(PlainText(ended.body), HasSubstr("Too many wrong codes"));
  EXPECT_EQ(b.Get(link).status, 404);
  EXPECT_GE(db.Count("SELECT COUNT(*) FROM sign_in_attempts WHERE email = ? AND success = FALSE",
                     {std::string(kDemoCustomer)}),
            5);

  const HttpResponse off = Submit(owner, "/settings/two-factor", "/settings/two-factor/disable",
                                  {{"password", kDemoPassword}, {"code", CodeAt(key, Now())}});
  ASSERT_EQ(off.status, 303) << off.body;
  EXPECT_EQ(off.Header("location"), "/settings?done=two_factor_off");
  EXPECT_EQ(EmailsTo(db, kDemoCustomer, "Two-factor authentication is off"), 1);
  // Password only now. (From another network: this one's wrong codes above slow it down.)
  Browser after(Base());
  after.SetLocalAddress("127.0.0.30");
  EXPECT_EQ(SignInForm(after, kDemoCustomer, kDemoPassword).Header("location"), "/home");
  Browser here(Base());
  EXPECT_EQ(SignInForm(here, kDemoCustomer, kDemoPassword).status, 429);
}

class StaffTwoFactorHttpTest : public PerTestServer {
 protected:
  StaffTwoFactorHttpTest() : PerTestServer({.env = {{"TENURE_STAFF_TWO_FACTOR", "true"}}}) {}
};

TEST_F(StaffTwoFactorHttpTest, StaffPagesWaitUntilTwoFactorIsOn) {
  Browser staff = As(kDemoSupport);
  const HttpResponse queue = staff.Get("/staff/tickets");
  EXPECT_EQ(queue.status, 303);
  EXPECT_EQ(queue.Header("location"), "/settings/two-factor");
  EXPECT_THAT(PlainText(staff.Get("/settings/two-factor").body),
              HasSubstr("Staff accounts of this dashboard must use two-factor authentication"));
  EXPECT_EQ(As(kDemoCustomer).Get("/home").status, 200) << "customers are not asked";
}

}  // namespace
}  // namespace tenure::http_test
