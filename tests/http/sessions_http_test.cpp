// Settings -> Sessions over real HTTP (issue 10 item 5): every session of the account, the
// dashboard's and the program's, with the current one marked; Sign out per session (another
// account's answers 404); Sign out everywhere else (a program token then gets 401); CSRF on
// both; and the idle timeout, with last_seen_at written at most once per 5 minutes (the test
// clock moves).
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "core/secure_random.hpp"
#include "core/time.hpp"
#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kFirefoxWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
constexpr char kChromeAndroid[] =
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36";

// A browser signed in as `email` from `address`, sending `user_agent` as browsers do.
Browser SignInWith(const std::string& base, std::string_view email, const char* user_agent,
                   const std::string& address = "127.0.0.1") {
  Browser b(base);
  b.SetLocalAddress(address);
  const Fields headers = {{"User-Agent", user_agent}};
  const std::string csrf = CsrfField(b.Get("/sign-in", headers).body);
  const HttpResponse r =
      b.Post("/sign-in",
             {{"csrf", csrf}, {"email", std::string(email)}, {"password", kDemoPassword}}, headers);
  EXPECT_EQ(r.status, 303) << ::testing::PrintToString(r);
  return b;
}

// A program signed in on a machine of its own through the API, as the program does; its
// bearer token.
std::string ProgramToken(const std::string& base, std::string_view email,
                         std::string_view machine) {
  const nlohmann::json body = {{"email", email},
                               {"password", kDemoPassword},
                               {"machine",
                                {{"fingerprint", "fp-" + Sha256Hex(machine).substr(0, 12)},
                                 {"name", machine},
                                 {"os", "Windows 11"},
                                 {"app_version", "2.4.1"}}}};
  Browser program(base);
  const HttpResponse r =
      program.Send("POST", "/api/v1/sessions", body.dump(), {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 201) << ::testing::PrintToString(r);
  const auto answer = nlohmann::json::parse(r.body, nullptr, false);
  return answer.is_object() ? answer.value("token", "") : "";
}

long LicenseStatus(const std::string& base, const std::string& token) {
  return Browser(base).Get("/api/v1/license", {{"Authorization", "Bearer " + token}}).status;
}

// The handle Settings names a session by: the first 16 hex digits of its token's hash.
std::string Handle(std::string_view token) { return Sha256Hex(token).substr(0, 16); }
std::string SignOutPath(std::string_view token) {
  return "/settings/sessions/" + Handle(token) + "/sign-out";
}

// The Sessions section of Settings, "" when absent.
std::string SessionsSection(std::string_view html) {
  const size_t at = html.find("<section class=\"card\" aria-labelledby=\"sessions-heading\">");
  if (at == std::string_view::npos) return {};
  return std::string(html.substr(at, html.find("</section>", at) - at));
}

// The table row of the section holding `text`, "" when none does.
std::string RowWith(std::string_view section, std::string_view text) {
  const size_t at = section.find(text);
  if (at == std::string_view::npos) return {};
  const size_t from = section.rfind("<tr>", at);
  return std::string(section.substr(from, section.find("</tr>", at) - from));
}

bool SignedInToDashboard(Browser& b) { return b.Get("/home").status == 200; }

class SessionsHttpTest : public PerTestServer {
 protected:
  // customer1@example.com: another account, with no machine.
  SessionsHttpTest() : PerTestServer({.demo_customers = 1}) {}
};

TEST_F(SessionsHttpTest, SettingsListsEverySessionOfBothKindsWithTheCurrentOneMarked) {
  Browser phone = SignInWith(Base(), kDemoCustomer, kChromeAndroid, "127.0.0.2");
  Browser desk = SignInWith(Base(), kDemoCustomer, kFirefoxWindows);
  Browser other = SignInWith(Base(), DemoCustomerEmail(1), kFirefoxWindows);
  const HttpResponse page = desk.Get("/settings");
  ASSERT_EQ(page.status, 200) << ::testing::PrintToString(page);
  const std::string section = SessionsSection(page.body);
  ASSERT_FALSE(section.empty()) << "a Sessions section";
  EXPECT_THAT(PlainText(section),
              HasSubstr("Where your account is signed in: browsers on this dashboard, and the "
                        "program on your machines. A browser session ends after 14 days without "
                        "use, and 30 days after it signed in."));

  // This browser first, marked, with no Sign out of its own.
  const std::string here = RowWith(section, "Firefox on Windows");
  EXPECT_THAT(PlainText(here), HasSubstr("Firefox on Windows This session Browser 127.0.0.1 " +
                                         LongDate(UnixNow()) + " just now"));
  EXPECT_THAT(here, Not(HasSubstr("<form")));
  EXPECT_LT(Position(section, "Firefox on Windows"), Position(section, "Chrome on Android"));
  // The phone, with its own address and a Sign out naming it for screen readers.
  const std::string phone_row = RowWith(section, "Chrome on Android");
  EXPECT_THAT(PlainText(phone_row),
              HasSubstr("Chrome on Android Browser 127.0.0.2 " + LongDate(UnixNow()) +
                        " just now Sign out session: Chrome on Android, 127.0.0.2"));
  EXPECT_THAT(phone_row, Not(HasSubstr("This session")));
  const std::string form = FormWithAction(section, SignOutPath(*phone.Cookie("tenure_session")));
  ASSERT_FALSE(form.empty()) << "a Sign out form named by the session's handle";
  EXPECT_THAT(form, HasSubstr("name=\"csrf\""));
  // The demo's two machines, each a program session last seen at its heartbeat.
  for (const char* machine : {"Office desktop", "MacBook Air"}) {
    const std::string row = PlainText(RowWith(section, machine));
    EXPECT_THAT(row, AllOf(HasSubstr(" Program 192.0.2.44 "), HasSubstr(" ago Sign out session: ")))
        << machine;
  }
  EXPECT_THAT(PlainText(RowWith(section, "Office desktop")), HasSubstr("(Windows 11)"));
  // Exactly these four: not the other account's, and never a token's whole hash.
  EXPECT_EQ(FindTags(section, "tr").size(), 5u) << "a header and four sessions";
  auto db = Db();
  for (const std::string& hash :
       {Sha256Hex(*phone.Cookie("tenure_session")), Sha256Hex(*desk.Cookie("tenure_session")),
        Sha256Hex(*other.Cookie("tenure_session"))})
    EXPECT_THAT(page.body, Not(HasSubstr(hash)));
  EXPECT_THAT(page.body, Not(HasSubstr(Handle(*other.Cookie("tenure_session")))));
  const std::string button = "Sign out everywhere else";
  EXPECT_THAT(Buttons(section), ::testing::Contains(button));
}

TEST_F(SessionsHttpTest, SignOutEndsExactlyThatSession) {
  Browser phone = SignInWith(Base(), kDemoCustomer, kChromeAndroid, "127.0.0.2");
  Browser desk = SignInWith(Base(), kDemoCustomer, kFirefoxWindows);
  const std::string csrf = SessionCsrf(desk);

  const HttpResponse r = desk.Post(SignOutPath(*phone.Cookie("tenure_session")), {{"csrf", csrf}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/settings?done=session_signed_out");
  EXPECT_FALSE(SignedInToDashboard(phone)) << "its cookie no longer works";
  EXPECT_TRUE(SignedInToDashboard(desk));
  auto db = Db();
  EXPECT_EQ(AuditCount(db, "session.delete"), 1);
  const std::string settings = desk.Get(r.Header("location")).body;
  EXPECT_THAT(PlainText(settings),
              HasSubstr("That session was signed out. The browser has to sign in again to use "
                        "your account."));
  EXPECT_THAT(SessionsSection(settings), Not(HasSubstr("Chrome on Android")));

  // A program session: its machine is signed out (the slot is free), its token refused.
  const std::string token = ProgramToken(Base(), kDemoCustomer, "Workshop PC");
  ASSERT_EQ(LicenseStatus(Base(), token), 200);
  const HttpResponse program = desk.Post(SignOutPath(token), {{"csrf", csrf}});
  ASSERT_EQ(program.status, 303) << ::testing::PrintToString(program);
  EXPECT_EQ(program.Header("location"), "/settings?done=program_signed_out");
  EXPECT_EQ(LicenseStatus(Base(), token), 401);
  EXPECT_EQ(db.Text("SELECT end_reason FROM machines WHERE name = 'Workshop PC'"),
            "signed_out_from_dashboard");
  const std::string after = PlainText(desk.Get(program.Header("location")).body);
  EXPECT_THAT(after, AllOf(HasSubstr("The program was signed out on that machine, and its "
                                     "instance slot is free."),
                           HasSubstr("Machines 2 of 3 instances in use.")));
  // Twice: gone.
  EXPECT_EQ(desk.Post(SignOutPath(token), {{"csrf", csrf}}).status, 404);
}

TEST_F(SessionsHttpTest, AnotherAccountsSessionIsNotFoundAndTheCurrentOneIsTheHeaders) {
  Browser demo = SignInWith(Base(), kDemoCustomer, kFirefoxWindows);
  Browser other = SignInWith(Base(), DemoCustomerEmail(1), kChromeAndroid);
  const std::string csrf = SessionCsrf(other);
  const HttpResponse theirs =
      other.Post(SignOutPath(*demo.Cookie("tenure_session")), {{"csrf", csrf}});
  EXPECT_EQ(theirs.status, 404) << ::testing::PrintToString(theirs);
  EXPECT_THAT(PlainText(theirs.body), HasSubstr("This session is not signed in any more."));
  EXPECT_TRUE(SignedInToDashboard(demo));
  for (const char* handle : {"0123456789abcdef", "not-a-handle", "0123456789ABCDEF"})
    EXPECT_EQ(
        other.Post(std::string("/settings/sessions/") + handle + "/sign-out", {{"csrf", csrf}})
            .status,
        404)
        << handle;

  const HttpResponse own =
      other.Post(SignOutPath(*other.Cookie("tenure_session")), {{"csrf", csrf}});
  EXPECT_EQ(own.status, 409) << ::testing::PrintToString(own);
  EXPECT_THAT(PlainText(own.body), HasSubstr("choose Sign out at the top of the page"));
  EXPECT_TRUE(SignedInToDashboard(other));
  auto db = Db();
  EXPECT_EQ(AuditCount(db, "session.delete"), 0);
}

TEST_F(SessionsHttpTest, SignOutEverywhereElseKeepsOnlyTheCurrentSession) {
  Browser phone = SignInWith(Base(), kDemoCustomer, kChromeAndroid, "127.0.0.2");
  Browser desk = SignInWith(Base(), kDemoCustomer, kFirefoxWindows);
  Browser other = SignInWith(Base(), DemoCustomerEmail(1), kFirefoxWindows);
  const std::string token = ProgramToken(Base(), kDemoCustomer, "Workshop PC");
  ASSERT_EQ(LicenseStatus(Base(), token), 200);

  const HttpResponse r =
      desk.Post("/settings/sessions/sign-out-others", {{"csrf", SessionCsrf(desk)}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/settings?done=signed_out_others&browsers=1&machines=3");
  EXPECT_TRUE(SignedInToDashboard(desk)) << "this session stays";
  EXPECT_FALSE(SignedInToDashboard(phone));
  EXPECT_EQ(LicenseStatus(Base(), token), 401) << "the program's token stops working";
  EXPECT_TRUE(SignedInToDashboard(other)) << "another account's session";
  auto db = Db();
  const int64_t demo_id = UserId(db, kDemoCustomer);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM sessions WHERE user_id = ?", {demo_id}), 1);
  EXPECT_EQ(
      db.Count("SELECT COUNT(*) FROM machines WHERE user_id = ? AND ended_at IS NULL", {demo_id}),
      0);
  EXPECT_EQ(AuditCount(db, "session.delete_others"), 1);

  const std::string settings = desk.Get(r.Header("location")).body;
  EXPECT_THAT(PlainText(settings),
              AllOf(HasSubstr("Done. You are signed out everywhere else: 1 other browser and the "
                              "program on 3 machines, whose instance slots are free. This "
                              "browser stays signed in."),
                    HasSubstr("Machines 0 of 3 instances in use.")));
  const std::string section = SessionsSection(settings);
  EXPECT_EQ(FindTags(section, "tr").size(), 2u) << "a header and this session";
  EXPECT_THAT(PlainText(section), HasSubstr("You are signed in only in this browser."));
  EXPECT_THAT(Buttons(section), Not(::testing::Contains("Sign out everywhere else")));

  // Nothing left to end: said so, nothing recorded.
  const HttpResponse again =
      desk.Post("/settings/sessions/sign-out-others", {{"csrf", SessionCsrf(desk)}});
  EXPECT_EQ(again.Header("location"), "/settings?done=signed_out_others&browsers=0&machines=0");
  EXPECT_THAT(PlainText(desk.Get(again.Header("location")).body),
              HasSubstr("There was no other session to sign out."));
  EXPECT_EQ(AuditCount(db, "session.delete_others"), 1);
}

TEST_F(SessionsHttpTest, BothFormsNeedTheCsrfToken) {
  Browser phone = SignInWith(Base(), kDemoCustomer, kChromeAndroid, "127.0.0.2");
  Browser desk = SignInWith(Base(), kDemoCustomer, kFirefoxWindows);
  for (const Fields& form : {Fields{}, Fields{{"csrf", "forged-token-of-the-right-length"}}}) {
    EXPECT_EQ(desk.Post("/settings/sessions/sign-out-others", form).status, 403);
    EXPECT_EQ(desk.Post(SignOutPath(*phone.Cookie("tenure_session")), form).status, 403);
  }
  EXPECT_TRUE(SignedInToDashboard(phone));
  auto db = Db();
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM machines WHERE ended_at IS NOT NULL"), 0);
  EXPECT_EQ(AuditCount(db, "session.delete") + AuditCount(db, "session.delete_others"), 0);
  // Signed out, the forms answer 401 and change nothing either.
  Browser stranger(Base());
  EXPECT_EQ(stranger.Post("/settings/sessions/sign-out-others", {}).status, 401);
}

class SessionIdleHttpTest : public PerTestServer {
 protected:
  SessionIdleHttpTest() : PerTestServer({.test_clock = true}) {}
  int64_t LastSeen(Browser& b) {
    auto db = Db();
    return db
        .Int("SELECT last_seen_at FROM sessions WHERE token_hash = ?",
             {Sha256Hex(*b.Cookie("tenure_session"))})
        .value_or(-1);
  }
  int64_t ClockNow() {
    std::string now;
    EXPECT_TRUE(server().RunCommand({"clock", "show"}, &now));
    const auto parsed = ParseRfc3339(now.substr(0, now.find('\n')));
    EXPECT_TRUE(parsed) << now;
    return parsed ? ToUnix(*parsed) : -1;
  }
};

TEST_F(SessionIdleHttpTest, AnUnusedSessionEndsAfterTheIdleTimeoutAndUseKeepsOneAlive) {
  Browser used = SignInWith(Base(), kDemoCustomer, kFirefoxWindows);
  Browser unused = SignInWith(Base(), kDemoCustomer, kChromeAndroid);
  const int64_t signed_in = LastSeen(used);
  ASSERT_GT(signed_in, 0);

  // Coalesced: requests within 5 minutes of the stored last_seen_at write nothing.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(SignedInToDashboard(used));
  ASSERT_TRUE(server().AdvanceClock("4m"));
  ASSERT_TRUE(SignedInToDashboard(used));
  EXPECT_EQ(LastSeen(used), signed_in) << "4 minutes later: not written";
  ASSERT_TRUE(server().AdvanceClock("1m"));
  ASSERT_TRUE(SignedInToDashboard(used));
  EXPECT_EQ(LastSeen(used), ClockNow()) << "5 minutes later: written once";
  EXPECT_EQ(LastSeen(unused), signed_in);

  // 14 days unused: the session has ended; the one used within them has not.
  ASSERT_TRUE(server().AdvanceClock("13d"));
  ASSERT_TRUE(SignedInToDashboard(used));
  ASSERT_TRUE(server().AdvanceClock("1d"));
  const HttpResponse idle = unused.Get("/home");
  EXPECT_EQ(idle.status, 303);
  EXPECT_EQ(idle.Header("location"), "/sign-in?next=/home");
  EXPECT_TRUE(SignedInToDashboard(used));
  // Used every 13 days, it still ends 30 days after signing in.
  ASSERT_TRUE(server().AdvanceClock("13d"));
  EXPECT_TRUE(SignedInToDashboard(used));
  ASSERT_TRUE(server().AdvanceClock("3d"));
  EXPECT_FALSE(SignedInToDashboard(used)) << "the lifetime";
}

}  // namespace
}  // namespace tenure::http_test
