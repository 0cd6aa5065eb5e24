// The Account Renewal section and the cancel journey over real HTTP (PRODUCT.md: "The Account
// Renewal section and cancellation", "Refunds and terms"; issue 3 items 1-5): Home ->
// Cancel -> Continue to Cancel -> a reason -> Confirm Cancel -> Subscribe (cancel anytime).
// Labels and the order of the steps are exact. Every test has its own server and works on
// demo customers (`tenure demo --customers`) with an auto-renewing license and a saved card.
#include <gmock/gmock.h>

#include <chrono>
#include <latch>
#include <regex>
#include <set>
#include <thread>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// The eight reasons (issue 3) and the plain words the reason page shows for them.
const std::vector<std::pair<std::string, std::string>>& Reasons() {
  static const std::vector<std::pair<std::string, std::string>> reasons = {
      {"too_expensive", "It's too expensive"},
      {"missing_features", "It's missing features I need"},
      {"switched_service", "I'm switching to another service"},
      {"unused", "I don't use it enough"},
      {"customer_service", "I'm unhappy with customer service"},
      {"too_complex", "It's too complicated to use"},
      {"low_quality", "The quality wasn't what I expected"},
      {"other", "Something else"},
  };
  return reasons;
}

// The Account Renewal <section> of Home.
std::string RenewalSection(const std::string& html) {
  const size_t heading = html.find(">Account Renewal<");
  if (heading == std::string::npos) return {};
  const size_t start = html.rfind("<section", heading);
  const size_t end = html.find("</section>", heading);
  return html.substr(start, end == std::string::npos ? std::string::npos : end + 10 - start);
}

bool HasLink(const std::string& html, std::string_view href, std::string_view text) {
  for (const auto& l : Links(html))
    if (l.href == href && l.text == text) return true;
  return false;
}

std::vector<std::string> LinkTexts(const std::string& html) {
  std::vector<std::string> out;
  for (const auto& l : Links(html)) out.push_back(l.text);
  return out;
}

class RenewalHttpTest : public JourneyTest {
 protected:
  // One signed-in demo customer: auto-renew on, a date about a month away, a saved card.
  struct Customer {
    std::string email;
    int64_t id = -1;
    Browser browser;
    std::string csrf;
  };

  Customer DemoCustomer() {
    std::string email = NextDemoCustomer();
    Browser b = As(email);
    const std::string csrf = SessionCsrf(b);
    auto db = Db();
    const int64_t id = UserId(db, email);
    EXPECT_GT(id, 0) << email;
    EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {id}), 1) << email;
    return Customer{std::move(email), id, std::move(b), csrf};
  }

  static HttpResponse Confirm(Customer& c, std::string_view reason, std::string_view comment = "",
                              Fields extra = {}) {
    Fields form = {{"csrf", c.csrf}};
    if (!reason.empty()) form.emplace_back("reason", std::string(reason));
    form.emplace_back("comment", std::string(comment));
    form.insert(form.end(), extra.begin(), extra.end());
    return c.browser.Post("/cancel/confirm", form);
  }

  int64_t ExpiresAt(int64_t user_id) {
    auto db = Db();
    return db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {user_id}).value_or(-1);
  }
};

// ---- 1. The Account Renewal section on Home ---------------------------------------------

TEST_F(RenewalHttpTest, HomeShowsRenewalDatePriceNextChargeAndCancel) {
  Customer c = DemoCustomer();
  const int64_t expires = ExpiresAt(c.id);
  const HttpResponse home = c.browser.Get("/home");
  ASSERT_EQ(home.status, 200) << ::testing::PrintToString(home);
  const std::string section = RenewalSection(home.body);
  ASSERT_FALSE(section.empty()) << "Home has no Account Renewal section";
  EXPECT_THAT(PlainText(home.body), HasSubstr("Valid until " + LongDate(expires)));
  // Whether it renews, the next renewal's price and its date (due a day before expiry).
  EXPECT_THAT(PlainText(section),
              HasSubstr("Your license renews automatically on " + LongDate(expires - kDay) +
                        " for 50.00 USD, charged to your Visa ending in 4242."));
  EXPECT_TRUE(HasLink(section, "/cancel", "Cancel"))
      << "the section offers Cancel while auto-renew is on; links: "
      << ::testing::PrintToString(LinkTexts(section));
  EXPECT_THAT(Buttons(section), Not(Contains("Subscribe (cancel anytime)")));
  EXPECT_THAT(PlainText(section), Not(HasSubstr("will not renew")));
}

TEST_F(RenewalHttpTest, HomeAfterCancelingOffersSubscribeAndSaysItWillNotRenew) {
  Customer c = DemoCustomer();
  const int64_t expires = ExpiresAt(c.id);
  ASSERT_EQ(Confirm(c, "unused").status, 303);

  const HttpResponse home = c.browser.Get("/home?done=canceled");
  ASSERT_EQ(home.status, 200);
  const std::string section = RenewalSection(home.body);
  const std::string text = PlainText(section);
  EXPECT_THAT(text, HasSubstr("Your account will not renew. Your license works until " +
                              LongDate(expires)));
  EXPECT_FALSE(HasLink(section, "/cancel", "Cancel")) << "no Cancel once renewal is off";
  EXPECT_THAT(text, Not(HasSubstr("renews automatically")));
  const std::string form = FormWithAction(section, "/subscribe");
  ASSERT_FALSE(form.empty()) << "Subscribe is a POST form (it changes state)";
  EXPECT_THAT(form, HasSubstr("method=\"post\""));
  EXPECT_EQ(CsrfField(form), c.csrf);
  EXPECT_THAT(Buttons(form), Contains("Subscribe (cancel anytime)"));
  // The notice after the redirect names the date too; the license was not shortened.
  EXPECT_THAT(PlainText(home.body),
              AllOf(HasSubstr("Your license will not renew, and it keeps working until " +
                              LongDate(expires)),
                    HasSubstr("Valid until " + LongDate(expires))));
}

// ---- 2. Cancel: support first -------------------------------------------------------------

TEST_F(RenewalHttpTest, CancelScreenAsksForSupportFirstThenOffersContinueToCancel) {
  Customer c = DemoCustomer();
  const HttpResponse page = c.browser.Get("/cancel");
  ASSERT_EQ(page.status, 200) << ::testing::PrintToString(page);
  const std::string form = FormWithAction(page.body, "/support/tickets");
  ASSERT_FALSE(form.empty()) << "the Cancel screen offers a ticket right there";
  EXPECT_EQ(CsrfField(form), c.csrf);
  const auto from = FindInput(form, "from");
  ASSERT_TRUE(from.has_value());
  EXPECT_EQ(from->Get("value"), "cancel");
  EXPECT_TRUE(FindInput(form, "subject").has_value());
  EXPECT_TRUE(TextareaValue(form, "message").has_value());
  EXPECT_THAT(Buttons(form), Contains("Open a support ticket"));
  // Continue to Cancel comes after the support offer, and it is a plain link (a GET).
  EXPECT_TRUE(HasLink(page.body, "/cancel/reason", "Continue to Cancel"))
      << ::testing::PrintToString(LinkTexts(page.body));
  EXPECT_LT(Position(page.body, "action=\"/support/tickets\""),
            Position(page.body, ">Continue to Cancel<"));
  EXPECT_THAT(PlainText(page.body), HasSubstr("If you already opened a ticket, you can go on"));
}

TEST_F(RenewalHttpTest, TicketOpenedOnTheCancelScreenIsLinkedToTheCancellation) {
  Customer c = DemoCustomer();
  const HttpResponse opened = c.browser.Post(
      "/support/tickets", {{"csrf", c.csrf},
                           {"from", "cancel"},
                           {"category", "billing"},  // the Cancel screen's topic wins
                           {"subject", "Thinking about canceling"},
                           {"message", "The program crashes on start since Tuesday."}});
  ASSERT_EQ(opened.status, 303) << ::testing::PrintToString(opened);
  auto db = Db();
  const auto ticket = db.Int("SELECT MAX(id) FROM tickets WHERE user_id = ?", {c.id});
  ASSERT_TRUE(ticket.has_value()) << "no ticket was stored";
  const std::string n = std::to_string(*ticket);
  EXPECT_EQ(opened.Header("location"), "/cancel?ticket=" + n);
  EXPECT_EQ(db.Text("SELECT category FROM tickets WHERE id = ?", {*ticket}),
            "thinking_about_canceling");
  EXPECT_EQ(db.Int("SELECT opened_in_cancel_flow FROM tickets WHERE id = ?", {*ticket}), 1);
  EXPECT_EQ(db.Text("SELECT status FROM tickets WHERE id = ?", {*ticket}), "open");
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = ?", {*ticket}), 1);
  // Opening a ticket changes nothing about renewal.
  EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {c.id}), 1);

  // Back on the Cancel screen: the ticket (link and status) instead of a blank form, and
  // Continue carries it on.
  const HttpResponse back = c.browser.Get("/cancel?ticket=" + n);
  ASSERT_EQ(back.status, 200);
  EXPECT_THAT(PlainText(back.body),
              HasSubstr("Your ticket is open We got your message. Our support team will answer by "
                        "email, usually within a day. Ticket #" +
                        n + " Thinking about canceling Status Open"));
  EXPECT_TRUE(HasLink(back.body, "/support/tickets/" + n, "#" + n + " Thinking about canceling"));
  EXPECT_EQ(FormWithAction(back.body, "/support/tickets"), "") << "no blank form again";
  EXPECT_TRUE(HasLink(back.body, "/cancel/reason?ticket=" + n, "Continue to Cancel"))
      << ::testing::PrintToString(LinkTexts(back.body));

  const HttpResponse reason = c.browser.Get("/cancel/reason?ticket=" + n);
  ASSERT_EQ(reason.status, 200);
  const std::string form = FormWithAction(reason.body, "/cancel/confirm");
  const auto hidden = FindInput(form, "ticket");
  ASSERT_TRUE(hidden.has_value()) << "the reason form carries the ticket";
  EXPECT_EQ(hidden->Get("type"), "hidden");
  EXPECT_EQ(hidden->Get("value"), n);

  const HttpResponse confirmed =
      Confirm(c, "customer_service", "Waiting on the ticket", {{"ticket", n}});
  ASSERT_EQ(confirmed.status, 303) << ::testing::PrintToString(confirmed);
  EXPECT_EQ(confirmed.Header("location"), "/home?done=canceled");
  EXPECT_EQ(db.Int("SELECT ticket_id FROM cancellations WHERE user_id = ?", {c.id}), *ticket);
}

TEST_F(RenewalHttpTest, CancelScreenTicketWithoutMessageIs422AndKeepsTheSubject) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  const HttpResponse r = c.browser.Post(
      "/support/tickets",
      {{"csrf", c.csrf}, {"from", "cancel"}, {"subject", "Keep me posted"}, {"message", "   "}});
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Please write a message."));
  const auto subject = FindInput(r.body, "subject");
  ASSERT_TRUE(subject.has_value());
  EXPECT_EQ(subject->Get("value"), "Keep me posted");
  EXPECT_TRUE(HasLink(r.body, "/cancel/reason", "Continue to Cancel"))
      << "the customer can still go on";
  EXPECT_EQ(StateOf(db, c.id), before);
}

// ---- 3. Continue to Cancel: the reason page ---------------------------------------------

TEST_F(RenewalHttpTest, ReasonPageShowsEightReasonsNoRefundStatementDateAndConfirm) {
  Customer c = DemoCustomer();
  const int64_t expires = ExpiresAt(c.id);
  const HttpResponse page = c.browser.Get("/cancel/reason");
  ASSERT_EQ(page.status, 200) << ::testing::PrintToString(page);
  const std::string form = FormWithAction(page.body, "/cancel/confirm");
  ASSERT_FALSE(form.empty());
  EXPECT_THAT(form, HasSubstr("method=\"post\""));
  EXPECT_EQ(CsrfField(form), c.csrf);

  std::vector<std::string> values;
  for (const auto& input : FindTags(form, "input"))
    if (input.Get("name") == "reason") {
      EXPECT_EQ(input.Get("type"), "radio");
      EXPECT_TRUE(input.Has("required")) << "one reason is required";
      EXPECT_FALSE(input.Has("checked")) << "nothing is chosen for the customer";
      values.push_back(input.Get("value"));
    }
  std::vector<std::string> expected;
  for (const auto& [value, label] : Reasons()) expected.push_back(value);
  EXPECT_EQ(values, expected);
  for (const auto& [value, label] : Reasons()) {
    // Each radio has a <label for> in plain words, not the code.
    const std::regex label_re("<label for=\"reason-" + value + "\">([^<]*)</label>");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(form, m, label_re)) << "no label for " << value;
    EXPECT_EQ(HtmlUnescape(m[1].str()), label);
    EXPECT_THAT(form, HasSubstr("id=\"reason-" + value + "\""));
  }
  const auto tags = FindTags(form, "textarea");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].Get("name"), "comment");
  EXPECT_EQ(tags[0].Get("maxlength"), "5000");
  EXPECT_FALSE(tags[0].Has("required")) << "the comment is optional (except for Something else)";

  const std::string text = PlainText(form);
  EXPECT_THAT(text, HasSubstr("nothing is refunded"));
  EXPECT_THAT(text, HasSubstr("It keeps working until " + LongDate(expires)));
  EXPECT_THAT(Buttons(form), Contains("Confirm Cancel"));
  // Going back stays possible without a form post.
  EXPECT_TRUE(HasLink(form, "/home", "Keep my subscription"));
}

// ---- 4. Confirm Cancel --------------------------------------------------------------------

TEST_F(RenewalHttpTest, ConfirmCancelTurnsRenewalOffAndStoresReasonAuditAndEmail) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  const int64_t license = LicenseId(db, c.id);
  const std::string comment = "Moving to a new job, cat-8731 says bye.";
  const int64_t t0 = UnixNow();
  const HttpResponse r = Confirm(c, "switched_service", "  " + comment + "\n");
  const int64_t t1 = UnixNow();
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/home?done=canceled");

  // Auto-renew off, and the license keeps its date (PRODUCT.md: never shortened).
  EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {c.id}), 0);
  EXPECT_EQ(db.Text("SELECT auto_renew_off_reason FROM licenses WHERE user_id = ?", {c.id}),
            "cancellation_requested");
  EXPECT_EQ(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {c.id}), before.expires_at);

  // The reason and the comment (trimmed), with the customer, time and end date.
  ASSERT_EQ(db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {c.id}), 1);
  EXPECT_EQ(db.Text("SELECT reason FROM cancellations WHERE user_id = ?", {c.id}),
            "switched_service");
  EXPECT_EQ(db.Text("SELECT comment FROM cancellations WHERE user_id = ?", {c.id}), comment);
  EXPECT_EQ(db.Int("SELECT license_id FROM cancellations WHERE user_id = ?", {c.id}), license);
  EXPECT_EQ(db.Int("SELECT license_ends_at FROM cancellations WHERE user_id = ?", {c.id}),
            before.expires_at);
  EXPECT_FALSE(db.Int("SELECT ticket_id FROM cancellations WHERE user_id = ?", {c.id}));
  const auto at = db.Int("SELECT created_at FROM cancellations WHERE user_id = ?", {c.id});
  ASSERT_TRUE(at.has_value());
  EXPECT_GE(*at, t0 - 1);
  EXPECT_LE(*at, t1 + 1);

  // One audit row naming the reason, never the customer's words.
  const std::string subject = "license:" + std::to_string(license);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'license.cancel_renewal' "
                     "AND subject = ?",
                     {subject}),
            1);
  EXPECT_THAT(db.Text("SELECT after_json FROM audit_log WHERE action = "
                      "'license.cancel_renewal' AND subject = ?",
                      {subject})
                  .value_or(""),
              HasSubstr("switched_service"));
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE instr(before_json, 'cat-8731') > 0 "
                     "OR instr(after_json, 'cat-8731') > 0"),
            0)
      << "the comment is personal data and stays out of the audit log";

  // One confirmation e-mail, naming the date the license ends.
  EXPECT_EQ(EmailsNotAboutSignIn(db, c.email), 1);
  EXPECT_EQ(LastEmailSubject(db, c.email), "Your license will not renew");
  EXPECT_THAT(LastEmailText(db, c.email).value_or(""),
              AllOf(HasSubstr(LongDate(*before.expires_at)), HasSubstr("nothing is refunded")));
  EXPECT_EQ(StateOf(db, c.id).emails, before.emails + 1);
}

TEST_F(RenewalHttpTest, GoingBackAtEveryStepChangesNothing) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  for (const char* page : {"/home", "/cancel", "/cancel/reason", "/cancel", "/home",
                           "/cancel/reason?ticket=1", "/cancel?ticket=1", "/home"}) {
    const HttpResponse r = c.browser.Get(page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(StateOf(db, c.id), before) << "after GET " << page;
  }
  // Still on: Home offers Cancel, not Subscribe.
  const HttpResponse home = c.browser.Get("/home");
  EXPECT_TRUE(HasLink(RenewalSection(home.body), "/cancel", "Cancel"));

  // After canceling, going back to the earlier steps changes nothing either: they say that
  // renewal is already off instead of offering to cancel again.
  ASSERT_EQ(Confirm(c, "unused").status, 303);
  const AccountState canceled = StateOf(db, c.id);
  for (const char* page : {"/cancel/reason", "/cancel", "/home"}) {
    const HttpResponse r = c.browser.Get(page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(StateOf(db, c.id), canceled) << "after GET " << page;
    if (std::string_view(page) != "/home") {
      EXPECT_THAT(PlainText(r.body), HasSubstr("Automatic renewal is already off")) << page;
      EXPECT_THAT(Buttons(r.body), Not(Contains("Confirm Cancel"))) << page;
    }
  }
}

TEST_F(RenewalHttpTest, ConfirmingTwiceCancelsOnceAndSaysSo) {
  Customer c = DemoCustomer();
  auto db = Db();
  const HttpResponse first = Confirm(c, "too_expensive", "first");
  ASSERT_EQ(first.status, 303);
  EXPECT_EQ(first.Header("location"), "/home?done=canceled");
  const AccountState after_first = StateOf(db, c.id);

  const HttpResponse second = Confirm(c, "low_quality", "second");
  ASSERT_EQ(second.status, 303) << ::testing::PrintToString(second);
  EXPECT_EQ(second.Header("location"), "/home?done=already_canceled");
  EXPECT_EQ(StateOf(db, c.id), after_first) << "the second confirmation changed something";
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {c.id}), 1);
  EXPECT_EQ(db.Text("SELECT reason FROM cancellations WHERE user_id = ?", {c.id}), "too_expensive");
  EXPECT_EQ(EmailsTo(db, c.email, "Your license will not renew"), 1);

  const HttpResponse home = c.browser.Get("/home?done=already_canceled");
  EXPECT_THAT(PlainText(home.body),
              HasSubstr("Your license was already set not to renew, so nothing changed."));
}

TEST_F(RenewalHttpTest, TwoTabsOfTwoSessionsCancelOnce) {
  Customer c = DemoCustomer();
  // A second signed-in session of the same customer (another tab or device).
  Browser tab2 = As(c.email);
  const HttpResponse page1 = c.browser.Get("/cancel/reason");
  const HttpResponse page2 = tab2.Get("/cancel/reason");
  ASSERT_EQ(page1.status, 200);
  ASSERT_EQ(page2.status, 200);
  const std::string csrf2 = CsrfField(FormWithAction(page2.body, "/cancel/confirm"));
  ASSERT_FALSE(csrf2.empty());
  EXPECT_NE(csrf2, c.csrf) << "each session has its own token";
  auto db = Db();
  const int64_t audit_before = AuditCount(db, "license.cancel_renewal");

  const HttpResponse r1 = Confirm(c, "too_complex", "tab one");
  const HttpResponse r2 =
      tab2.Post("/cancel/confirm", {{"csrf", csrf2}, {"reason", "unused"}, {"comment", "tab two"}});
  ASSERT_EQ(r1.status, 303);
  ASSERT_EQ(r2.status, 303) << ::testing::PrintToString(r2);
  EXPECT_EQ(r1.Header("location"), "/home?done=canceled");
  EXPECT_EQ(r2.Header("location"), "/home?done=already_canceled");
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {c.id}), 1);
  EXPECT_EQ(EmailsTo(db, c.email, "Your license will not renew"), 1);
  EXPECT_EQ(AuditCount(db, "license.cancel_renewal"), audit_before + 1);
}

TEST_F(RenewalHttpTest, ConcurrentConfirmationsCancelOnce) {
  Customer c = DemoCustomer();
  constexpr int kTabs = 4;
  std::vector<Browser> tabs;
  std::vector<std::string> tokens;
  for (int i = 0; i < kTabs; ++i) {
    tabs.push_back(As(c.email));
    tokens.push_back(SessionCsrf(tabs.back()));
  }
  auto db = Db();
  const int64_t audit_before = AuditCount(db, "license.cancel_renewal");
  std::vector<HttpResponse> results(kTabs);
  std::latch start(kTabs);
  std::vector<std::thread> threads;
  for (int i = 0; i < kTabs; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = tabs[i].Post("/cancel/confirm", {{"csrf", tokens[i]},
                                                    {"reason", "too_expensive"},
                                                    {"comment", "tab " + std::to_string(i)}});
    });
  for (auto& t : threads) t.join();

  std::multiset<std::string> outcomes;
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 303) << ::testing::PrintToString(r);
    outcomes.insert(r.Header("location"));
  }
  EXPECT_EQ(outcomes.count("/home?done=canceled"), 1u);
  EXPECT_EQ(outcomes.count("/home?done=already_canceled"), static_cast<size_t>(kTabs - 1));
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {c.id}), 1);
  EXPECT_EQ(EmailsTo(db, c.email, "Your license will not renew"), 1);
  EXPECT_EQ(AuditCount(db, "license.cancel_renewal"), audit_before + 1);
  EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {c.id}), 0);
}

// ---- Bad input: a clear error and nothing changed -----------------------------------------

TEST_F(RenewalHttpTest, MissingReasonIs422AndKeepsTheComment) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  const std::string comment = "Line one\nand <two> & \"three\"";
  const HttpResponse r = Confirm(c, "", comment);
  EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("Please choose the reason that fits best."));
  EXPECT_EQ(TextareaValue(r.body, "comment"), comment) << "what was typed is kept";
  EXPECT_THAT(Buttons(r.body), Contains("Confirm Cancel")) << "the form is shown again";
  EXPECT_EQ(StateOf(db, c.id), before);
}

TEST_F(RenewalHttpTest, ForgedReasonValueIs422AndChangesNothing) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  for (const char* forged : {"free_money", "TOO_EXPENSIVE", "too_expensive ", "1", "other\n"}) {
    const HttpResponse r = Confirm(c, forged, "a comment");
    EXPECT_EQ(r.status, 422) << "reason '" << forged << "': " << ::testing::PrintToString(r);
    EXPECT_THAT(r.Text(), HasSubstr("Please choose one of the reasons listed.")) << forged;
    EXPECT_EQ(StateOf(db, c.id), before) << "reason '" << forged << "'";
  }
}

TEST_F(RenewalHttpTest, OtherNeedsAComment) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  for (const char* comment : {"", "   \n\t "}) {
    const HttpResponse r = Confirm(c, "other", comment);
    EXPECT_EQ(r.status, 422) << ::testing::PrintToString(r);
    EXPECT_THAT(r.Text(), HasSubstr("Please tell us a little more in the comment"));
    // The chosen reason stays chosen.
    const auto other = FindTags(r.body, "input");
    bool checked = false;
    for (const auto& t : other)
      if (t.Get("name") == "reason" && t.Get("value") == "other") checked = t.Has("checked");
    EXPECT_TRUE(checked) << "\"Something else\" is still selected";
    EXPECT_EQ(StateOf(db, c.id), before);
  }
  const HttpResponse ok = Confirm(c, "other", "The program is fine, my shop closed.");
  ASSERT_EQ(ok.status, 303) << ::testing::PrintToString(ok);
  EXPECT_EQ(db.Text("SELECT reason FROM cancellations WHERE user_id = ?", {c.id}), "other");
}

TEST_F(RenewalHttpTest, CommentOf5001CharactersIs422And5000Pass) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  const HttpResponse too_long = Confirm(c, "unused", std::string(5001, 'x'));
  EXPECT_EQ(too_long.status, 422) << ::testing::PrintToString(too_long);
  EXPECT_THAT(too_long.Text(), HasSubstr("5,000 characters"));
  EXPECT_EQ(StateOf(db, c.id), before);

  // Characters, not bytes: 5,000 two-byte letters are 5,000 characters.
  const HttpResponse ok = Confirm(c, "unused", [] {
    std::string s;
    for (int i = 0; i < 4999; ++i) s += "\xC3\xA9";  // é
    return s + "!";
  }());
  ASSERT_EQ(ok.status, 303) << ::testing::PrintToString(ok);
  EXPECT_EQ(db.Int("SELECT length(comment) FROM cancellations WHERE user_id = ?", {c.id}), 5000);
}

TEST_F(RenewalHttpTest, CommentOfExactly5000AsciiCharactersIsStored) {
  Customer c = DemoCustomer();
  auto db = Db();
  const HttpResponse ok = Confirm(c, "unused", std::string(5000, 'y'));
  ASSERT_EQ(ok.status, 303) << ::testing::PrintToString(ok);
  EXPECT_EQ(db.Text("SELECT comment FROM cancellations WHERE user_id = ?", {c.id}),
            std::string(5000, 'y'));
}

TEST_F(RenewalHttpTest, MissingOrWrongCsrfIs403AndChangesNothing) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  const Fields body = {{"reason", "too_expensive"}, {"comment", "no token"}};
  const HttpResponse missing = c.browser.Post("/cancel/confirm", body);
  EXPECT_EQ(missing.status, 403) << ::testing::PrintToString(missing);
  EXPECT_THAT(missing.Text(), HasSubstr("This form has expired"));
  Fields wrong = body;
  wrong.emplace_back("csrf", std::string(c.csrf.size(), 'A'));
  const HttpResponse bad = c.browser.Post("/cancel/confirm", wrong);
  EXPECT_EQ(bad.status, 403) << ::testing::PrintToString(bad);
  Fields empty = body;
  empty.emplace_back("csrf", "");
  EXPECT_EQ(c.browser.Post("/cancel/confirm", empty).status, 403);
  EXPECT_EQ(StateOf(db, c.id), before);
  // Subscribe is guarded the same way.
  EXPECT_EQ(c.browser.Post("/subscribe", {}).status, 403);
  EXPECT_EQ(StateOf(db, c.id), before);
}

TEST_F(RenewalHttpTest, SignedOutConfirmIs401AndChangesNothing) {
  Customer c = DemoCustomer();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  Browser stranger(Base());
  const HttpResponse r =
      stranger.Post("/cancel/confirm", {{"csrf", c.csrf}, {"reason", "unused"}, {"comment", ""}});
  EXPECT_EQ(r.status, 401) << ::testing::PrintToString(r);
  EXPECT_EQ(StateOf(db, c.id), before);
  for (const char* page : {"/cancel", "/cancel/reason"}) {
    const HttpResponse get = stranger.Get(page);
    EXPECT_EQ(get.status, 303) << page;
    EXPECT_EQ(get.Header("location"), "/sign-in?next=" + std::string(page));
  }
}

TEST_F(RenewalHttpTest, AnotherCustomersSessionActsOnlyOnItsOwnAccount) {
  Customer victim = DemoCustomer();
  const std::string other_email = FreshEmail("other");
  Browser other = NewCustomer(other_email);
  const std::string other_csrf = SessionCsrf(other);
  auto db = Db();
  const int64_t other_id = UserId(db, other_email);
  const AccountState victim_before = StateOf(db, victim.id);

  // The victim's token with the other session: refused.
  const HttpResponse stolen =
      other.Post("/cancel/confirm", {{"csrf", victim.csrf}, {"reason", "unused"}, {"comment", ""}});
  EXPECT_EQ(stolen.status, 403) << ::testing::PrintToString(stolen);
  EXPECT_EQ(StateOf(db, victim.id), victim_before);

  // Its own token, with ids of the victim's account planted in the form: the request acts on
  // the signed-in account only (a new sign-up renews nothing, so there is nothing to cancel).
  const HttpResponse own =
      other.Post("/cancel/confirm", {{"csrf", other_csrf},
                                     {"reason", "too_expensive"},
                                     {"comment", "planted ids"},
                                     {"user_id", std::to_string(victim.id)},
                                     {"license_id", std::to_string(LicenseId(db, victim.id))}});
  ASSERT_EQ(own.status, 303) << ::testing::PrintToString(own);
  EXPECT_EQ(own.Header("location"), "/home?done=already_canceled");
  AccountState victim_after = StateOf(db, victim.id);
  EXPECT_EQ(victim_after.auto_renew, 1);
  EXPECT_EQ(victim_after.expires_at, victim_before.expires_at);
  EXPECT_EQ(victim_after.cancellations, 0);
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {other_id}), 0);
  EXPECT_EQ(EmailsNotAboutSignIn(db, victim.email), 0);
}

TEST_F(RenewalHttpTest, ForgedTicketIdIsRefusedAndChangesNothing) {
  Customer c = DemoCustomer();
  Customer someone = DemoCustomer();
  const HttpResponse theirs =
      someone.browser.Post("/support/tickets", {{"csrf", someone.csrf},
                                                {"from", "cancel"},
                                                {"subject", "Mine"},
                                                {"message", "My own ticket."}});
  ASSERT_EQ(theirs.status, 303);
  auto db = Db();
  const int64_t their_ticket =
      db.Int("SELECT MAX(id) FROM tickets WHERE user_id = ?", {someone.id}).value_or(-1);
  const AccountState before = StateOf(db, c.id);
  for (const std::string& forged :
       {std::to_string(their_ticket), std::string("999999"), std::string("abc"), std::string("-1"),
        std::string("1 OR 1=1")}) {
    const HttpResponse r = Confirm(c, "unused", "forged ticket", {{"ticket", forged}});
    EXPECT_EQ(r.status, 422) << "ticket=" << forged << ": " << ::testing::PrintToString(r);
    EXPECT_THAT(r.Text(), HasSubstr("We couldn't find that ticket on your account."))
        << "ticket=" << forged;
    EXPECT_EQ(StateOf(db, c.id), before) << "ticket=" << forged;
  }
  // The Cancel screen and the reason page never take another customer's ticket as this
  // one's: no "Ticket #N is open", no hidden field carrying it on.
  const std::string theirs_n = std::to_string(their_ticket);
  const HttpResponse screen = c.browser.Get("/cancel?ticket=" + theirs_n);
  ASSERT_EQ(screen.status, 200);
  EXPECT_THAT(PlainText(screen.body), Not(HasSubstr("Ticket #" + theirs_n)));
  EXPECT_TRUE(HasLink(screen.body, "/cancel/reason", "Continue to Cancel"))
      << ::testing::PrintToString(LinkTexts(screen.body));
  const HttpResponse page = c.browser.Get("/cancel/reason?ticket=" + theirs_n);
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(FindInput(FormWithAction(page.body, "/cancel/confirm"), "ticket").has_value());
  EXPECT_EQ(StateOf(db, c.id), before);
  const HttpResponse r = c.browser.Post(
      "/cancel/confirm",
      {{"csrf", c.csrf}, {"reason", "unused"}, {"ticket", std::to_string(their_ticket)}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(StateOf(db, c.id), before);
}

// ---- 5. Subscribe (cancel anytime) -------------------------------------------------------

TEST_F(RenewalHttpTest, SubscribeTurnsRenewalBackOnOnceWithAuditAndEmail) {
  Customer c = DemoCustomer();
  ASSERT_EQ(Confirm(c, "unused").status, 303);
  auto db = Db();
  const AccountState canceled = StateOf(db, c.id);
  const int64_t license = LicenseId(db, c.id);
  const std::string subject = "license:" + std::to_string(license);

  const HttpResponse r = c.browser.Post("/subscribe", {{"csrf", c.csrf}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/home?done=subscribed");
  EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {c.id}), 1);
  EXPECT_EQ(db.Text("SELECT auto_renew_off_reason FROM licenses WHERE user_id = ?", {c.id}), "");
  EXPECT_EQ(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {c.id}),
            canceled.expires_at)
      << "subscribing charges nothing now; the date stays";
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'license.resubscribe' AND "
                     "subject = ?",
                     {subject}),
            1);
  EXPECT_EQ(EmailsTo(db, c.email, "Your license will renew automatically"), 1);
  EXPECT_THAT(LastEmailText(db, c.email, "renew automatically").value_or(""),
              AllOf(HasSubstr("50.00 USD"), HasSubstr(LongDate(*canceled.expires_at - kDay))));
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {c.id}), 1)
      << "the cancellation stays on record for staff";

  const HttpResponse home = c.browser.Get("/home?done=subscribed");
  EXPECT_THAT(PlainText(home.body), HasSubstr("Automatic renewal is on again."));
  EXPECT_TRUE(HasLink(RenewalSection(home.body), "/cancel", "Cancel"));

  // Again: harmless, and it says so.
  const AccountState on = StateOf(db, c.id);
  const HttpResponse again = c.browser.Post("/subscribe", {{"csrf", c.csrf}});
  ASSERT_EQ(again.status, 303);
  EXPECT_EQ(again.Header("location"), "/home?done=already_subscribed");
  EXPECT_EQ(StateOf(db, c.id), on);
  EXPECT_THAT(PlainText(c.browser.Get("/home?done=already_subscribed").body),
              HasSubstr("Automatic renewal was already on, so nothing changed."));

  // And the journey runs again: a second cancellation is a second row.
  ASSERT_EQ(Confirm(c, "too_expensive").Header("location"), "/home?done=canceled");
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {c.id}), 2);
}

TEST_F(RenewalHttpTest, SubscribeWithoutALicenseIsRefusedClearly) {
  const std::string email = FreshEmail("nolicense");
  Browser b = NewCustomer(email);
  const std::string csrf = SessionCsrf(b);
  auto db = Db();
  const int64_t id = UserId(db, email);
  const AccountState before = StateOf(db, id);
  const HttpResponse r = b.Post("/subscribe", {{"csrf", csrf}});
  EXPECT_EQ(r.status, 409) << ::testing::PrintToString(r);
  EXPECT_THAT(r.Text(), HasSubstr("You don't have a license yet."));
  EXPECT_EQ(StateOf(db, id), before);
  // Home offers neither Cancel nor Subscribe to someone with nothing to renew.
  const HttpResponse home = b.Get("/home");
  EXPECT_FALSE(HasLink(home.body, "/cancel", "Cancel"));
  EXPECT_THAT(Buttons(home.body), Not(Contains("Subscribe (cancel anytime)")));
}

TEST_F(RenewalHttpTest, SubscribeWithoutASavedCardAsksForACardFirst) {
  // A customer with a license date (granted by staff) but no card.
  const std::string email = FreshEmail("nocard");
  Browser b = NewCustomer(email);
  const std::string csrf = SessionCsrf(b);
  auto db = Db();
  const int64_t id = UserId(db, email);
  Browser staff = As(kDemoSupport);
  const HttpResponse granted =
      staff.Post("/staff/customers/" + std::to_string(id) + "/grant",
                 {{"csrf", SessionCsrf(staff)}, {"days", "30"}, {"reason", "Trial month"}});
  ASSERT_EQ(granted.status, 303) << ::testing::PrintToString(granted);

  const HttpResponse home = b.Get("/home");
  EXPECT_THAT(Buttons(RenewalSection(home.body)), Contains("Subscribe (cancel anytime)"));

  const AccountState before = StateOf(db, id);
  const HttpResponse r = b.Post("/subscribe", {{"csrf", csrf}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), "/billing/card?next=/home");
  EXPECT_EQ(StateOf(db, id), before);
  EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {id}), 0);
  EXPECT_EQ(EmailsTo(db, email, "renew automatically"), 0);

  // The card form brings the customer back Home, where Subscribe then works in one step.
  const HttpResponse card = b.Get("/billing/card?next=/home");
  ASSERT_EQ(card.status, 200);
  EXPECT_THAT(card.body, HasSubstr("name=\"next\" value=\"&#x2F;home\""));
  EXPECT_THAT(PlainText(card.body), HasSubstr("Card number"));
}

// ---- The demo customer walks the whole journey (issue 3: Done when) ----------------------

class DemoJourneyHttpTest : public JourneyTest {};

TEST_F(DemoJourneyHttpTest, DemoCustomerCancelsStepByStepAndSubscribesAgain) {
  Browser b = As(kDemoCustomer);
  auto db = Db();
  const int64_t id = UserId(db, kDemoCustomer);
  const auto expires = db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id});
  ASSERT_TRUE(expires.has_value());

  const HttpResponse home = b.Get("/home");
  ASSERT_EQ(home.status, 200);
  ASSERT_TRUE(HasLink(RenewalSection(home.body), "/cancel", "Cancel"));
  const HttpResponse cancel = b.Get("/cancel");
  ASSERT_EQ(cancel.status, 200);
  ASSERT_TRUE(HasLink(cancel.body, "/cancel/reason", "Continue to Cancel"));
  const HttpResponse reason = b.Get("/cancel/reason");
  ASSERT_EQ(reason.status, 200);
  const std::string form = FormWithAction(reason.body, "/cancel/confirm");
  ASSERT_THAT(Buttons(form), Contains("Confirm Cancel"));
  const HttpResponse confirmed = b.Post(
      "/cancel/confirm",
      {{"csrf", CsrfField(form)}, {"reason", "missing_features"}, {"comment", "Needs dark mode"}});
  ASSERT_EQ(confirmed.status, 303) << ::testing::PrintToString(confirmed);
  ASSERT_EQ(confirmed.Header("location"), "/home?done=canceled");

  EXPECT_EQ(EmailsTo(db, kDemoCustomer, "Your license will not renew"), 1);
  EXPECT_THAT(LastEmailText(db, kDemoCustomer, "will not renew").value_or(""),
              HasSubstr(LongDate(*expires)));
  EXPECT_EQ(db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {id}), expires);

  const HttpResponse after = b.Get("/home?done=canceled");
  const std::string section = RenewalSection(after.body);
  const std::string subscribe = FormWithAction(section, "/subscribe");
  ASSERT_THAT(Buttons(subscribe), Contains("Subscribe (cancel anytime)"));
  EXPECT_THAT(PlainText(section), HasSubstr("will not renew"));
  const HttpResponse subscribed = b.Post("/subscribe", {{"csrf", CsrfField(subscribe)}});
  ASSERT_EQ(subscribed.status, 303);
  EXPECT_EQ(subscribed.Header("location"), "/home?done=subscribed");
  EXPECT_EQ(db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {id}), 1);
  EXPECT_TRUE(HasLink(RenewalSection(b.Get("/home").body), "/cancel", "Cancel"));
}

}  // namespace
}  // namespace tenure::http_test
