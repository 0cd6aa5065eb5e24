// Passwords after sign-up (issue 10): Forgot your password? and its emailed link, Change
// password in Settings, the password `tenure user add` chose, email verification before the
// first purchase, and sign-up that tells an attacker nothing and cannot be flooded.
#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <regex>

#include "account_security_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNewPassword[] = "quartz lantern meadow 42";

std::string TokenOf(const HttpResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, false).value("token", "");
}

class PasswordHttpTest : public PerTestServer {
 protected:
  PasswordHttpTest() : PerTestServer({.env = {{"TENURE_SIGN_UPS_PER_ADDRESS_HOUR", "3"}}}) {}

  HttpResponse AskReset(Browser& b, std::string_view email) {
    return Submit(b, "/forgot-password", "/forgot-password", {{"email", std::string(email)}});
  }
};

TEST_F(PasswordHttpTest, ForgotPasswordAnswersAlikeForEveryEmailAndMailsOnlyAnAccount) {
  Browser b(Base());
  const HttpResponse sign_in = b.Get("/sign-in");
  EXPECT_THAT(sign_in.body, HasSubstr(R"(<a href="/forgot-password">Forgot your password?</a>)"));

  const HttpResponse known = AskReset(b, kDemoCustomer);
  const HttpResponse unknown = AskReset(b, "nobody-here@example.com");
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(unknown.status, 200);
  auto strip = [](std::string body, std::string_view email) {
    body = std::regex_replace(body, std::regex(R"(name="csrf" value="[^"]*")"), "");
    for (size_t at; (at = body.find(email)) != std::string::npos;) body.erase(at, email.size());
    return body;
  };
  EXPECT_EQ(strip(known.body, kDemoCustomer), strip(unknown.body, "nobody-here@example.com"))
      << "the answer must not tell whether the account exists";
  EXPECT_THAT(PlainText(known.body), HasSubstr("If an account exists for demo@example.com"));

  auto db = Db();
  EXPECT_EQ(EmailsTo(db, kDemoCustomer, "Reset your password"), 1);
  EXPECT_EQ(EmailsTo(db, "nobody-here@example.com"), 0);
  const std::string text = LastEmailText(db, kDemoCustomer, "Reset your password").value_or("");
  EXPECT_THAT(text, HasSubstr("/reset-password?token="));
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM account_tokens WHERE purpose = 'password_reset' AND "
                     "instr(?, token_hash) > 0",
                     {text}),
            0)
      << "only the token's hash is stored, never the token the email carries";
}

TEST_F(PasswordHttpTest, TheResetLinkSetsThePasswordOnceEndsEverySessionAndSendsANotice) {
  Browser dashboard = As(kDemoCustomer);
  const HttpResponse program = ProgramSignIn(Base(), kDemoCustomer, kDemoPassword, "reset-box");
  ASSERT_EQ(program.status, 201) << program.body;
  const std::string program_token = TokenOf(program);

  Browser b(Base());
  ASSERT_EQ(AskReset(b, kDemoCustomer).status, 200);
  auto db = Db();
  const std::string link = LinkInEmail(db, kDemoCustomer, "Reset your password", "/reset-password");
  ASSERT_FALSE(link.empty());
  const HttpResponse form = b.Get(link);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(form.Header("referrer-policy"), "no-referrer") << "the token stays out of Referer";
  EXPECT_THAT(form.body, HasSubstr(kDemoCustomer));
  const std::string token = link.substr(link.find('=') + 1);

  // A weak password: the form says why, and the link still works.
  HttpResponse weak =
      b.Post("/reset-password",
             {{"csrf", CsrfField(form.body)}, {"token", token}, {"password", "password123456"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_THAT(PlainText(weak.body), HasSubstr("guess"));

  const HttpResponse done =
      b.Post("/reset-password",
             {{"csrf", CsrfField(form.body)}, {"token", token}, {"password", kNewPassword}});
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.Header("location"), "/sign-in?done=password_reset");

  EXPECT_EQ(dashboard.Get("/home").status, 303) << "the dashboard session ended";
  EXPECT_EQ(ProgramLicense(Base(), program_token).status, 401) << "the program's session ended";
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM machines m JOIN users u ON u.id = m.user_id WHERE "
                     "u.email = ? AND m.ended_at IS NULL",
                     {std::string(kDemoCustomer)}),
            0)
      << "its machines freed their slots";

  // Once only.
  EXPECT_EQ(b.Get(link).status, 404);
  EXPECT_EQ(b.Post("/reset-password", {{"csrf", CsrfField(form.body)},
                                       {"token", token},
                                       {"password", "x" + std::string(kNewPassword)}})
                .status,
            404);

  Browser old_password(Base());
  EXPECT_EQ(SignInForm(old_password, kDemoCustomer, kDemoPassword).status, 401);
  Browser new_password(Base());
  EXPECT_EQ(SignInForm(new_password, kDemoCustomer, kNewPassword).status, 303);
  EXPECT_EQ(EmailsTo(db, kDemoCustomer, "Your password was changed"), 1);
  EXPECT_THAT(LastEmailText(db, kDemoCustomer, "Your password was changed").value_or(""),
              HasSubstr("reset through the emailed link"));
  EXPECT_EQ(AuditCount(db, "user.password_reset"), 1);
}

TEST_F(PasswordHttpTest, ResetRequestsAreThrottledPerAddressAndPerAccountWithoutTellingWhich) {
  Browser one(Base());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(AskReset(one, "someone" + std::to_string(i) + "@example.com").status, 200) << i;
  const HttpResponse limited = AskReset(one, kDemoCustomer);
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.Header("retry-after").empty());
  EXPECT_THAT(PlainText(limited.body), HasSubstr("Too many password reset requests"));

  // Another address is not slowed by that one; the account's own limit (3 an hour) is
  // silent: the same answer, no fourth email.
  for (int i = 0; i < 4; ++i) {
    Browser other(Base());
    other.SetLocalAddress("127.0.0." + std::to_string(10 + i));
    EXPECT_EQ(AskReset(other, kDemoCustomer).status, 200) << i;
  }
  auto db = Db();
  EXPECT_EQ(EmailsTo(db, kDemoCustomer, "Reset your password"), 3);
  EXPECT_THAT(server().Stdout(), HasSubstr("method=POST path=/forgot-password status=429"));
}

TEST_F(PasswordHttpTest, ChangePasswordNeedsTheCurrentOneAndEndsEveryOtherSession) {
  Browser here = As(kDemoCustomer);
  Browser elsewhere = As(kDemoCustomer);
  const HttpResponse program = ProgramSignIn(Base(), kDemoCustomer, kDemoPassword, "change-box");
  ASSERT_EQ(program.status, 201) << program.body;

  const HttpResponse settings = here.Get("/settings");
  EXPECT_THAT(settings.body, HasSubstr(R"(<a href="/settings/password">Change password</a>)"));
  const HttpResponse wrong =
      Submit(here, "/settings/password", "/settings/password",
             {{"current_password", "not it at all"}, {"new_password", kNewPassword}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_THAT(PlainText(wrong.body), HasSubstr("not your current password"));

  const HttpResponse changed =
      Submit(here, "/settings/password", "/settings/password",
             {{"current_password", kDemoPassword}, {"new_password", kNewPassword}});
  ASSERT_EQ(changed.status, 303) << changed.body;
  EXPECT_EQ(changed.Header("location"), "/settings?done=password");
  EXPECT_EQ(here.Get("/home").status, 200) << "this session stays";
  EXPECT_EQ(elsewhere.Get("/home").status, 303) << "every other session ends";
  EXPECT_EQ(ProgramLicense(Base(), TokenOf(program)).status, 401);
  EXPECT_THAT(PlainText(here.Get("/settings?done=password").body),
              HasSubstr("Your password is changed"));
  auto db = Db();
  EXPECT_THAT(LastEmailText(db, kDemoCustomer, "Your password was changed").value_or(""),
              HasSubstr("changed in Settings"));
}

TEST_F(PasswordHttpTest, AStaffAccountFromUserAddMustChooseItsOwnPasswordFirst) {
  std::string out;
  ASSERT_TRUE(
      server().RunCommand({"user", "add", "new-agent@example.com", "--role", "support"}, &out));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("one-time password: (\\S+)"))) << out;
  const std::string chosen_by_operator = m[1].str();

  Browser agent(Base());
  ASSERT_EQ(SignInForm(agent, "new-agent@example.com", chosen_by_operator).status, 303);
  const HttpResponse staff = agent.Get("/staff");
  EXPECT_EQ(staff.status, 303);
  EXPECT_EQ(staff.Header("location"), "/settings/password");
  const HttpResponse page = agent.Get("/settings/password");
  EXPECT_THAT(PlainText(page.body), HasSubstr("Choose your own to go on"));
  const HttpResponse post =
      agent.Post("/staff/tickets/1/reply", {{"csrf", CsrfField(page.body)}, {"message", "hello"}});
  EXPECT_EQ(post.status, 403) << "no form elsewhere either";
  EXPECT_THAT(PlainText(post.body), HasSubstr("Choose your own password"));
  EXPECT_EQ(agent.Post("/sign-out", {{"csrf", CsrfField(page.body)}}).status, 303)
      << "signing out always works";

  ASSERT_EQ(SignInForm(agent, "new-agent@example.com", chosen_by_operator).status, 303);
  ASSERT_EQ(Submit(agent, "/settings/password", "/settings/password",
                   {{"current_password", chosen_by_operator}, {"new_password", kNewPassword}})
                .status,
            303);
  EXPECT_EQ(agent.Get("/staff").status, 200);
}

TEST_F(PasswordHttpTest, ASignInFromANewNetworkIsEmailedAndOneFromAKnownNetworkIsNot) {
  const std::string email = FreshEmail("notice");
  SignedUp(Base(), email);  // from 127.0.0.1: the account's own network from the start
  Browser same(Base());
  ASSERT_EQ(SignInForm(same, email, kCustomerPassword).status, 303);
  auto db = Db();
  EXPECT_EQ(EmailsTo(db, email, "New sign-in to your account"), 0);
  Browser away(Base());
  away.SetLocalAddress("127.0.0.44");
  ASSERT_EQ(SignInForm(away, email, kCustomerPassword).status, 303);
  EXPECT_EQ(EmailsTo(db, email, "New sign-in to your account"), 1);
  EXPECT_THAT(LastEmailText(db, email, "New sign-in").value_or(""), HasSubstr("127.0.0.44"));
  Browser again(Base());
  again.SetLocalAddress("127.0.0.44");
  ASSERT_EQ(SignInForm(again, email, kCustomerPassword).status, 303);
  EXPECT_EQ(EmailsTo(db, email, "New sign-in to your account"), 1) << "known now";
}

TEST_F(PasswordHttpTest, AFirstPurchaseWaitsForTheEmailLinkAndTheLinkWorksOnce) {
  const std::string email = FreshEmail("verify");
  Browser b = SignedUp(Base(), email);
  auto db = Db();
  const std::string link = LinkInEmail(db, email, "Confirm your email address", "/verify-email");
  ASSERT_FALSE(link.empty());
  EXPECT_THAT(PlainText(b.Get("/home").body), HasSubstr("Please confirm your email address"));

  ASSERT_EQ(Submit(b, "/billing/card", "/billing/card",
                   {{"number", "4242424242424242"}, {"exp", "12/40"}, {"cvc", "123"}})
                .status,
            303);
  const HttpResponse renew_form = b.Get("/billing/renew");
  const std::string period = FindInput(renew_form.body, "period").value().Get("value");
  const HttpResponse refused =
      b.Post("/billing/renew",
             {{"csrf", CsrfField(renew_form.body)}, {"period", period}, {"terms", "yes"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(PlainText(refused.body), HasSubstr("Confirm your email address before your first"));
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM charges WHERE user_id = ?", {UserId(db, email)}), 0);

  // The link's page asks before it acts (mail scanners open links too).
  Browser mail_client(Base());
  const HttpResponse page = mail_client.Get(link);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(Buttons(page.body), ::testing::Contains("Confirm my email"));
  const std::string token = link.substr(link.find('=') + 1);
  const HttpResponse confirmed =
      mail_client.Post("/verify-email", {{"csrf", CsrfField(page.body)}, {"token", token}});
  EXPECT_EQ(confirmed.status, 200);
  EXPECT_THAT(PlainText(confirmed.body), HasSubstr(email + " is confirmed"));
  EXPECT_EQ(
      mail_client.Post("/verify-email", {{"csrf", CsrfField(page.body)}, {"token", token}}).status,
      404);

  EXPECT_THAT(PlainText(b.Get("/home").body), Not(HasSubstr("Please confirm your email")));
  const HttpResponse again = b.Get("/billing/renew");
  const HttpResponse bought = b.Post(
      "/billing/renew", {{"csrf", CsrfField(again.body)}, {"period", period}, {"terms", "yes"}});
  EXPECT_EQ(bought.status, 303) << bought.body;
}

TEST_F(PasswordHttpTest, SignUpIsThrottledPerAddressAndEndsTheSessionItFinds) {
  Browser signed_in = As(kDemoCustomer);
  const std::string before = signed_in.Cookie("tenure_session").value_or("");
  // Another tab still showing the sign-up form posts it (with the session's csrf).
  const HttpResponse r =
      Submit(signed_in, "/home", "/sign-up",
             {{"email", FreshEmail("second")}, {"password", kCustomerPassword}, {"terms", "yes"}});
  ASSERT_EQ(r.status, 303) << r.body;
  Browser old_cookie(Base());
  old_cookie.SetCookie("tenure_session", before);
  EXPECT_EQ(old_cookie.Get("/home").status, 303) << "the session signed in before is gone";

  // Three sign-ups an hour from one address (TENURE_SIGN_UPS_PER_ADDRESS_HOUR in this test).
  for (int i = 0; i < 2; ++i) SignedUp(Base(), FreshEmail("more"));
  Browser fourth(Base());
  const HttpResponse limited =
      Submit(fourth, "/sign-up", "/sign-up",
             {{"email", FreshEmail("fourth")}, {"password", kCustomerPassword}, {"terms", "yes"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.Header("retry-after").empty());
  Browser elsewhere(Base());
  elsewhere.SetLocalAddress("127.0.0.9");
  EXPECT_EQ(
      Submit(
          elsewhere, "/sign-up", "/sign-up",
          {{"email", FreshEmail("elsewhere")}, {"password", kCustomerPassword}, {"terms", "yes"}})
          .status,
      303);
}

TEST_F(PasswordHttpTest, ATakenEmailAnswersAsSlowlyAsANewAccount) {
  // The hash is paid either way: a duplicate must not answer in a millisecond (enumeration).
  auto timed = [&](const std::string& email, const std::string& address) {
    Browser b(Base());
    b.SetLocalAddress(address);
    const std::string csrf = CsrfOf(b, "/sign-up");
    const auto start = std::chrono::steady_clock::now();
    const HttpResponse r = b.Post(
        "/sign-up",
        {{"csrf", csrf}, {"email", email}, {"password", kCustomerPassword}, {"terms", "yes"}});
    const auto took = std::chrono::steady_clock::now() - start;
    return std::pair{r.status, std::chrono::duration<double, std::milli>(took).count()};
  };
  const auto [created, new_ms] = timed(FreshEmail("timing"), "127.0.0.21");
  const auto [taken, taken_ms] = timed(kDemoCustomer, "127.0.0.22");
  EXPECT_EQ(created, 303);
  EXPECT_EQ(taken, 409);
  EXPECT_GT(taken_ms, new_ms / 3) << "new " << new_ms << " ms, taken " << taken_ms << " ms";
}

}  // namespace
}  // namespace tenure::http_test
