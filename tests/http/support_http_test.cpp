// Support tickets over real HTTP (PRODUCT.md: "Support tickets"; issue 3 item 6): customers
// open, read, reply, close and reopen their own tickets; staff work a queue (oldest waiting
// first, filters), see the customer's license beside the thread, reply, assign and set the
// status. E-mails both ways are outbox rows. Ticket text is untrusted: kept as typed, shown
// escaped, line breaks kept. Another customer's ticket does not exist (404, never 403).
#include <gmock/gmock.h>

#include <chrono>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// What a ticket action may change.
struct TicketRow {
  std::string status;
  std::optional<int64_t> assignee;
  std::optional<int64_t> waiting_since;
  int64_t updated_at = 0;
  int64_t messages = 0;
  bool operator==(const TicketRow&) const = default;
};

void PrintTo(const TicketRow& r, std::ostream* os) {
  *os << "{status=" << r.status << " assignee=" << (r.assignee ? std::to_string(*r.assignee) : "-")
      << " waiting_since=" << (r.waiting_since ? std::to_string(*r.waiting_since) : "-")
      << " updated_at=" << r.updated_at << " messages=" << r.messages << "}";
}

class SupportHttpTest : public JourneyTest {
 protected:
  struct Customer {
    std::string email;
    int64_t id = -1;
    Browser browser;
    std::string csrf;
  };

  // A brand-new customer (no license, no card).
  Customer NewSignUp(std::string_view prefix = "tickets") {
    std::string email = FreshEmail(prefix);
    Browser b = NewCustomer(email);
    const std::string csrf = SessionCsrf(b);
    auto db = Db();
    const int64_t id = UserId(db, email);
    return Customer{std::move(email), id, std::move(b), csrf};
  }

  // Opens a ticket from the Support tab; returns its id (-1 on failure, with a failure).
  static int64_t Open(Customer& c, std::string_view category, std::string_view subject,
                      std::string_view message) {
    const HttpResponse r = c.browser.Post("/support/tickets", {{"csrf", c.csrf},
                                                               {"category", std::string(category)},
                                                               {"subject", std::string(subject)},
                                                               {"message", std::string(message)}});
    EXPECT_EQ(r.status, 303) << ::testing::PrintToString(r);
    const std::string location = r.Header("location");
    constexpr std::string_view kPrefix = "/support/tickets/";
    if (!location.starts_with(kPrefix)) {
      ADD_FAILURE() << "unexpected redirect: " << location;
      return -1;
    }
    return std::stoll(location.substr(kPrefix.size()));
  }

  static std::string TicketUrl(int64_t id) { return "/support/tickets/" + std::to_string(id); }
  static std::string StaffTicketUrl(int64_t id) { return "/staff/tickets/" + std::to_string(id); }
  // Where a ticket's row sits in the staff queue page (npos when it is not listed).
  static size_t QueuePosition(const std::string& html, int64_t id) {
    return html.find("href=\"" + StaffTicketUrl(id) + "\"");
  }

  TicketRow Row(int64_t ticket) {
    auto db = Db();
    return TicketRow{
        db.Text("SELECT status FROM tickets WHERE id = ?", {ticket}).value_or("<none>"),
        db.Int("SELECT assignee_id FROM tickets WHERE id = ?", {ticket}),
        db.Int("SELECT waiting_since FROM tickets WHERE id = ?", {ticket}),
        db.Int("SELECT updated_at FROM tickets WHERE id = ?", {ticket}).value_or(-1),
        db.Count("SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = ?", {ticket})};
  }

  void SetUp() override {
    JourneyTest::SetUp();
    if (HasFatalFailure()) return;
    staff_ = std::make_unique<Browser>(As(kDemoSupport));
    staff_csrf_ = SessionCsrf(*staff_);
  }

  std::unique_ptr<Browser> staff_;
  std::string staff_csrf_;
};

// ---- Customers ----------------------------------------------------------------------------

TEST_F(SupportHttpTest, CustomerOpensATicketSeesItListedAndStaffAreEmailed) {
  Customer c = NewSignUp();
  const int64_t t0 = UnixNow();
  const HttpResponse r =
      c.browser.Post("/support/tickets", {{"csrf", c.csrf},
                                          {"category", "technical"},
                                          {"subject", "It won't start"},
                                          {"message", "Since the update it closes at once."}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  auto db = Db();
  const auto id = db.Int("SELECT MAX(id) FROM tickets WHERE user_id = ?", {c.id});
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(r.Header("location"), TicketUrl(*id) + "?done=opened");
  EXPECT_EQ(db.Text("SELECT category FROM tickets WHERE id = ?", {*id}), "technical");
  EXPECT_EQ(db.Text("SELECT subject FROM tickets WHERE id = ?", {*id}), "It won't start");
  EXPECT_EQ(db.Text("SELECT status FROM tickets WHERE id = ?", {*id}), "open");
  EXPECT_EQ(db.Int("SELECT opened_in_cancel_flow FROM tickets WHERE id = ?", {*id}), 0);
  EXPECT_GE(db.Int("SELECT waiting_since FROM tickets WHERE id = ?", {*id}).value_or(0), t0 - 1);
  EXPECT_EQ(db.Text("SELECT body FROM ticket_messages WHERE ticket_id = ?", {*id}),
            "Since the update it closes at once.");
  EXPECT_EQ(db.Int("SELECT from_staff FROM ticket_messages WHERE ticket_id = ?", {*id}), 0);
  EXPECT_EQ(AuditCount(db, "ticket.open"),
            db.Count("SELECT COUNT(*) FROM tickets"));  // every ticket's opening is audited

  // An unassigned ticket is news for every staff member.
  const std::string tag = "[ticket #" + std::to_string(*id) + "]";
  for (const char* staff : {kDemoSupport, kDemoAdmin}) {
    EXPECT_EQ(EmailsTo(db, staff, "New ticket " + tag), 1) << staff;
    EXPECT_THAT(LastEmailText(db, staff, tag).value_or(""),
                AllOf(HasSubstr(c.email), HasSubstr("> Since the update it closes at once."),
                      HasSubstr(StaffTicketUrl(*id))));
  }
  EXPECT_EQ(EmailsNotAboutSignIn(db, c.email), 0) << "the customer is not e-mailed their own words";

  const HttpResponse thread = c.browser.Get(TicketUrl(*id) + "?done=opened");
  ASSERT_EQ(thread.status, 200);
  EXPECT_THAT(PlainText(thread.body), HasSubstr("Your ticket is open."));
  const HttpResponse list = c.browser.Get("/support");
  ASSERT_EQ(list.status, 200);
  bool listed = false;
  for (const auto& l : Links(list.body))
    if (l.href == TicketUrl(*id)) listed = l.text == "It won't start";
  EXPECT_TRUE(listed) << "the Support tab links the ticket by its subject";
  EXPECT_THAT(PlainText(list.body), HasSubstr("It won't start The program isn't working Open"));
}

TEST_F(SupportHttpTest, OpeningWithBadInputIs422AndKeepsWhatWasTyped) {
  Customer c = NewSignUp();
  auto db = Db();
  const AccountState before = StateOf(db, c.id);
  struct Case {
    Fields form;
    std::string message;
  };
  const std::string long_subject(201, 's');
  const std::vector<Case> cases = {
      {{{"category", ""}, {"subject", "Billing <q>"}, {"message", "Charged\ntwice & more"}},
       "Please choose a topic."},
      {{{"category", "refunds"}, {"subject", "Billing <q>"}, {"message", "Charged\ntwice & more"}},
       "Please choose a topic."},
      {{{"category", "billing"}, {"subject", "  "}, {"message", "Charged\ntwice & more"}},
       "Please add a subject."},
      {{{"category", "billing"}, {"subject", "Two\nlines"}, {"message", "Charged\ntwice & more"}},
       "The subject must be one line."},
      {{{"category", "billing"}, {"subject", long_subject}, {"message", "Charged\ntwice & more"}},
       "Please keep the subject under 200 characters."},
      {{{"category", "billing"}, {"subject", "Billing <q>"}, {"message", " \n "}},
       "Please write a message."},
      {{{"category", "billing"}, {"subject", "Billing <q>"}, {"message", std::string(20001, 'm')}},
       "Please keep the message under 20,000 characters."},
  };
  for (const auto& k : cases) {
    Fields form = k.form;
    form.emplace_back("csrf", c.csrf);
    const HttpResponse r = c.browser.Post("/support/tickets", form);
    EXPECT_EQ(r.status, 422) << k.message << ": " << ::testing::PrintToString(r);
    EXPECT_THAT(r.Text(), HasSubstr(k.message));
    const auto subject = FindInput(r.body, "subject");
    ASSERT_TRUE(subject.has_value());
    EXPECT_EQ(subject->Get("value"), k.form[1].second) << k.message;
    EXPECT_EQ(TextareaValue(r.body, "message"), k.form[2].second) << k.message;
    EXPECT_EQ(StateOf(db, c.id), before) << k.message;
  }
  // The chosen topic stays chosen.
  const HttpResponse r = c.browser.Post(
      "/support/tickets",
      {{"csrf", c.csrf}, {"category", "account"}, {"subject", ""}, {"message", "x"}});
  EXPECT_THAT(r.body, HasSubstr("<option value=\"account\" selected>"));
}

TEST_F(SupportHttpTest, ThreadKeepsLineBreaksAndShowsHtmlEscaped) {
  Customer c = NewSignUp();
  // A browser sends a textarea's line breaks as CRLF; they may be stored as LF.
  const std::string sent =
      "First line\r\nSecond line\r\n\r\n  indented <script>alert(1)</script> & \"quoted\" 'x'";
  const std::string message =
      "First line\nSecond line\n\n  indented <script>alert(1)</script> & \"quoted\" 'x'";
  const int64_t id = Open(c, "other", "<b>Bold</b> subject & more", sent);
  ASSERT_GT(id, 0);
  auto db = Db();
  const std::string stored =
      db.Text("SELECT body FROM ticket_messages WHERE ticket_id = ?", {id}).value_or("");
  EXPECT_TRUE(stored == sent || stored == message) << "line breaks are kept: " << stored;
  const HttpResponse thread = c.browser.Get(TicketUrl(id));
  ASSERT_EQ(thread.status, 200);
  const auto bodies = MessageBodies(thread.body);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0].find('<'), std::string::npos) << "markup in a message is escaped";
  EXPECT_EQ(bodies[0].find('>'), std::string::npos);
  EXPECT_EQ(HtmlUnescape(bodies[0]), stored) << "the text is kept as typed, line breaks too";
  EXPECT_THAT(thread.body, Not(HasSubstr("<script>alert(1)")));
  EXPECT_THAT(thread.body, Not(HasSubstr("<b>Bold</b>")));
  EXPECT_THAT(thread.Text(), HasSubstr("<b>Bold</b> subject & more"));
  // The message body is pre-wrap, so the kept line breaks show.
  Browser anyone(Base());
  const HttpResponse css = anyone.Get(FindTags(thread.body, "link")[0].Get("href"));
  ASSERT_EQ(css.status, 200);
  EXPECT_THAT(css.body, HasSubstr(".message-body { white-space: pre-wrap;"));

  // Staff see it escaped too, in the thread and in the queue.
  const HttpResponse staff_view = staff_->Get(StaffTicketUrl(id));
  ASSERT_EQ(staff_view.status, 200);
  const auto staff_bodies = MessageBodies(staff_view.body);
  ASSERT_EQ(staff_bodies.size(), 1u);
  EXPECT_EQ(HtmlUnescape(staff_bodies[0]), stored);
  EXPECT_THAT(staff_view.body, Not(HasSubstr("<script>alert(1)")));
  const HttpResponse queue = staff_->Get("/staff/tickets");
  EXPECT_THAT(queue.body, Not(HasSubstr("<b>Bold</b>")));
  EXPECT_THAT(queue.Text(), HasSubstr("<b>Bold</b> subject & more"));
}

TEST_F(SupportHttpTest, CustomerRepliesClosesAndReopens) {
  Customer c = NewSignUp();
  const int64_t id = Open(c, "account", "Change my email", "Please change it.");
  ASSERT_GT(id, 0);
  auto db = Db();
  const std::string tag = "[ticket #" + std::to_string(id) + "]";

  const HttpResponse reply = c.browser.Post(
      TicketUrl(id) + "/reply", {{"csrf", c.csrf}, {"message", "To new@x.test\nThanks"}});
  ASSERT_EQ(reply.status, 303) << ::testing::PrintToString(reply);
  EXPECT_EQ(reply.Header("location"), TicketUrl(id) + "?done=replied");
  EXPECT_EQ(Row(id).messages, 2);
  EXPECT_EQ(db.Text("SELECT body FROM ticket_messages WHERE ticket_id = ? ORDER BY id DESC", {id}),
            "To new@x.test\nThanks");
  EXPECT_EQ(EmailsTo(db, kDemoSupport, "Customer replied " + tag), 1);
  EXPECT_THAT(LastEmailText(db, kDemoSupport, "Customer replied " + tag).value_or(""),
              HasSubstr("> To new@x.test\n> Thanks"));
  const HttpResponse thread = c.browser.Get(TicketUrl(id) + "?done=replied");
  EXPECT_EQ(MessageBodies(thread.body).size(), 2u);
  EXPECT_THAT(PlainText(thread.body), HasSubstr("Your reply was sent."));
  EXPECT_THAT(Buttons(thread.body), Contains("Close ticket"));

  const HttpResponse close = c.browser.Post(TicketUrl(id) + "/close", {{"csrf", c.csrf}});
  ASSERT_EQ(close.status, 303) << ::testing::PrintToString(close);
  EXPECT_EQ(close.Header("location"), TicketUrl(id) + "?done=closed");
  EXPECT_EQ(Row(id).status, "closed");
  EXPECT_FALSE(Row(id).waiting_since.has_value()) << "a closed ticket waits for nobody";
  const HttpResponse closed = c.browser.Get(TicketUrl(id));
  EXPECT_THAT(Buttons(closed.body), Contains("Reopen ticket"));
  EXPECT_THAT(PlainText(closed.body), HasSubstr("Closed"));
  EXPECT_THAT(PlainText(c.browser.Get("/support").body),
              HasSubstr("Change my email My account Closed"));

  // Closing twice says so and changes nothing.
  const TicketRow was_closed = Row(id);
  const HttpResponse again = c.browser.Post(TicketUrl(id) + "/close", {{"csrf", c.csrf}});
  EXPECT_EQ(again.status, 409) << ::testing::PrintToString(again);
  EXPECT_THAT(again.Text(), HasSubstr("This ticket is already closed."));
  EXPECT_EQ(Row(id), was_closed);

  const HttpResponse reopen = c.browser.Post(TicketUrl(id) + "/reopen", {{"csrf", c.csrf}});
  ASSERT_EQ(reopen.status, 303) << ::testing::PrintToString(reopen);
  EXPECT_EQ(reopen.Header("location"), TicketUrl(id) + "?done=reopened");
  EXPECT_EQ(Row(id).status, "open");
  EXPECT_TRUE(Row(id).waiting_since.has_value());
  const HttpResponse reopen_again = c.browser.Post(TicketUrl(id) + "/reopen", {{"csrf", c.csrf}});
  EXPECT_EQ(reopen_again.status, 409);
  EXPECT_THAT(reopen_again.Text(), HasSubstr("This ticket is already open."));
  EXPECT_EQ(AuditCount(db, "ticket.close"), 1);
  EXPECT_EQ(AuditCount(db, "ticket.reopen"), 1);

  // An empty reply is refused, the ticket untouched.
  const TicketRow open = Row(id);
  const HttpResponse empty =
      c.browser.Post(TicketUrl(id) + "/reply", {{"csrf", c.csrf}, {"message", "  "}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_THAT(empty.Text(), HasSubstr("Please write a message."));
  EXPECT_EQ(Row(id), open);
  // Without the token nothing happens.
  EXPECT_EQ(c.browser.Post(TicketUrl(id) + "/close", {}).status, 403);
  EXPECT_EQ(c.browser.Post(TicketUrl(id) + "/reply", {{"message", "x"}}).status, 403);
  EXPECT_EQ(Row(id), open);
}

TEST_F(SupportHttpTest, AnotherCustomersTicketIsNotFoundForEveryAction) {
  Customer owner = NewSignUp("owner");
  Customer other = NewSignUp("snoop");
  const int64_t id = Open(owner, "billing", "Secret invoice question", "My card ends 4242.");
  ASSERT_GT(id, 0);
  ASSERT_EQ(owner.browser.Post(TicketUrl(id) + "/close", {{"csrf", owner.csrf}}).status, 303);
  auto db = Db();
  const TicketRow before = Row(id);
  const std::string tag = "[ticket #" + std::to_string(id) + "]";
  const int64_t emails = db.Count(
      "SELECT COUNT(*) FROM outbox WHERE instr(json_extract(payload, '$.subject'), ?) > 0", {tag});

  const HttpResponse get = other.browser.Get(TicketUrl(id));
  EXPECT_EQ(get.status, 404) << "another customer's ticket does not exist (404, not 403)";
  EXPECT_THAT(get.body, Not(HasSubstr("Secret invoice question")));
  EXPECT_THAT(get.body, Not(HasSubstr("4242")));
  for (const char* action : {"/reply", "/close", "/reopen"}) {
    const HttpResponse r =
        other.browser.Post(TicketUrl(id) + action, {{"csrf", other.csrf}, {"message", "Mine now"}});
    EXPECT_EQ(r.status, 404) << action << ": " << ::testing::PrintToString(r);
    EXPECT_THAT(r.body, Not(HasSubstr("Secret invoice question"))) << action;
    EXPECT_EQ(Row(id), before) << action;
  }
  EXPECT_EQ(
      db.Count("SELECT COUNT(*) FROM outbox WHERE instr(json_extract(payload, '$.subject'), ?) > 0",
               {tag}),
      emails);
  EXPECT_THAT(other.browser.Get("/support").body, Not(HasSubstr("Secret invoice question")));
  // Nor does a ticket that does not exist, or a malformed id.
  EXPECT_EQ(other.browser.Get("/support/tickets/999999").status, 404);
  EXPECT_EQ(other.browser.Get("/support/tickets/abc").status, 404);
  EXPECT_EQ(
      other.browser.Post("/support/tickets/999999/reply", {{"csrf", other.csrf}, {"message", "x"}})
          .status,
      404);
}

// ---- Staff --------------------------------------------------------------------------------

TEST_F(SupportHttpTest, StaffQueueListsOldestWaitingFirst) {
  Customer a = NewSignUp("qa");
  Customer b = NewSignUp("qb");
  Customer c = NewSignUp("qc");
  const int64_t ta = Open(a, "technical", "Queue A", "a");
  const int64_t tb = Open(b, "technical", "Queue B", "b");
  const int64_t tc = Open(c, "technical", "Queue C", "c");
  ASSERT_GT(ta, 0);
  ASSERT_GT(tb, 0);
  ASSERT_GT(tc, 0);
  // The server runs on the real clock: put the three openings hours apart, not in id order.
  const int64_t now = UnixNow();
  {
    WritableDatabase w(server().DatabasePath());
    for (const auto& [ticket, hours_ago] : {std::pair{ta, 1}, std::pair{tb, 3}, std::pair{tc, 2}})
      ASSERT_EQ(
          w.Exec("UPDATE tickets SET waiting_since = ?, created_at = ?, updated_at = ? "
                 "WHERE id = ?",
                 {now - hours_ago * 3600, now - hours_ago * 3600, now - hours_ago * 3600, ticket}),
          1);
  }
  HttpResponse queue = staff_->Get("/staff/tickets");
  ASSERT_EQ(queue.status, 200) << ::testing::PrintToString(queue);
  ASSERT_NE(QueuePosition(queue.body, ta), std::string::npos);
  EXPECT_LT(QueuePosition(queue.body, tb), QueuePosition(queue.body, tc));
  EXPECT_LT(QueuePosition(queue.body, tc), QueuePosition(queue.body, ta));

  // Answered: B now waits on the customer and drops behind the tickets waiting for staff.
  ASSERT_EQ(staff_->Post(StaffTicketUrl(tb) + "/reply", {{"csrf", staff_csrf_}, {"message", "Hi"}})
                .status,
            303);
  queue = staff_->Get("/staff/tickets");
  EXPECT_LT(QueuePosition(queue.body, tc), QueuePosition(queue.body, ta));
  EXPECT_LT(QueuePosition(queue.body, ta), QueuePosition(queue.body, tb));

  // A customer writing again keeps their place: C still waits the longest.
  ASSERT_EQ(
      c.browser.Post(TicketUrl(tc) + "/reply", {{"csrf", c.csrf}, {"message", "Any news?"}}).status,
      303);
  EXPECT_EQ(Row(tc).waiting_since, now - 2 * 3600);
  // B's customer answers: B waits again, since now, so it comes last among the waiting.
  ASSERT_EQ(
      b.browser.Post(TicketUrl(tb) + "/reply", {{"csrf", b.csrf}, {"message", "Thanks"}}).status,
      303);
  queue = staff_->Get("/staff/tickets?status=open");
  EXPECT_LT(QueuePosition(queue.body, tc), QueuePosition(queue.body, ta));
  EXPECT_LT(QueuePosition(queue.body, ta), QueuePosition(queue.body, tb));
  EXPECT_NE(QueuePosition(queue.body, tb), std::string::npos);
}

TEST_F(SupportHttpTest, StaffQueueFiltersByStatusAndCategory) {
  Customer c = NewSignUp("filters");
  const int64_t billing_open = Open(c, "billing", "Filter billing open", "1");
  const int64_t technical_open = Open(c, "technical", "Filter technical open", "2");
  const int64_t billing_closed = Open(c, "billing", "Filter billing closed", "3");
  const int64_t account_waiting = Open(c, "account", "Filter account waiting", "4");
  ASSERT_EQ(c.browser.Post(TicketUrl(billing_closed) + "/close", {{"csrf", c.csrf}}).status, 303);
  ASSERT_EQ(staff_
                ->Post(StaffTicketUrl(account_waiting) + "/reply",
                       {{"csrf", staff_csrf_}, {"message", "Which email?"}})
                .status,
            303);
  const std::vector<int64_t> all = {billing_open, technical_open, billing_closed, account_waiting};
  auto listed = [&](std::string_view query) {
    const HttpResponse page = staff_->Get("/staff/tickets" + std::string(query));
    EXPECT_EQ(page.status, 200) << query;
    std::vector<int64_t> out;
    for (int64_t id : all)
      if (QueuePosition(page.body, id) != std::string::npos) out.push_back(id);
    return out;
  };
  EXPECT_THAT(listed(""),
              UnorderedElementsAre(billing_open, technical_open, billing_closed, account_waiting));
  EXPECT_THAT(listed("?category=billing"), UnorderedElementsAre(billing_open, billing_closed));
  EXPECT_THAT(listed("?status=closed"), ElementsAre(billing_closed));
  EXPECT_THAT(listed("?status=waiting_on_customer"), ElementsAre(account_waiting));
  EXPECT_THAT(listed("?status=open"), UnorderedElementsAre(billing_open, technical_open));
  EXPECT_THAT(listed("?status=open&category=billing"), ElementsAre(billing_open));
  EXPECT_THAT(listed("?status=closed&category=technical"), ElementsAre());
  EXPECT_THAT(listed("?category=thinking_about_canceling"), ElementsAre());
  // An unknown value filters nothing rather than failing.
  EXPECT_THAT(listed("?status=bogus&category=bogus"),
              UnorderedElementsAre(billing_open, technical_open, billing_closed, account_waiting));
  // The form shows the filter in use.
  const HttpResponse page = staff_->Get("/staff/tickets?status=closed&category=billing");
  EXPECT_THAT(page.body, AllOf(HasSubstr("<option value=\"closed\" selected>"),
                               HasSubstr("<option value=\"billing\" selected>")));
}

TEST_F(SupportHttpTest, StaffTicketShowsTheCustomersLicenseSummary) {
  const std::string email = NextDemoCustomer();
  Customer c{email, -1, As(email), ""};
  c.csrf = SessionCsrf(c.browser);
  auto db = Db();
  c.id = UserId(db, email);
  const int64_t expires =
      db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {c.id}).value_or(0);
  const int64_t id = Open(c, "billing", "Charged when?", "When is the next charge?");
  ASSERT_GT(id, 0);
  const HttpResponse page = staff_->Get(StaffTicketUrl(id));
  ASSERT_EQ(page.status, 200) << ::testing::PrintToString(page);
  const std::string text = PlainText(page.body);
  EXPECT_THAT(text, AllOf(HasSubstr("Status Active"), HasSubstr("Expires " + LongDate(expires)),
                          HasSubstr("Auto-renew on"), HasSubstr("Instances 1"),
                          HasSubstr("Visa •••• 4242")));
  bool customer_link = false;
  for (const auto& l : Links(page.body))
    if (l.href == "/staff/customers/" + std::to_string(c.id)) customer_link = l.text == email;
  EXPECT_TRUE(customer_link) << "the customer's file is one click away";
  EXPECT_EQ(MessageBodies(page.body).size(), 1u);

  // A customer without a license gets a summary that says so.
  Customer fresh = NewSignUp("nolicense");
  const int64_t other = Open(fresh, "account", "Hello", "Hi");
  const HttpResponse plain = staff_->Get(StaffTicketUrl(other));
  ASSERT_EQ(plain.status, 200);
  EXPECT_THAT(PlainText(plain.body), AllOf(HasSubstr("Status No license"), HasSubstr("Card none")));
}

TEST_F(SupportHttpTest, StaffReplyWaitsOnTheCustomerAssignsTheReplierAndEmailsTheCustomer) {
  Customer c = NewSignUp("reply");
  const int64_t id = Open(c, "technical", "Crash on start", "It crashes.");
  ASSERT_GT(id, 0);
  auto db = Db();
  const int64_t staff_id = UserId(db, kDemoSupport);
  const std::string reply = "Please try this:\n1. Restart\n2. Tell us <what> happens & when";
  const HttpResponse r =
      staff_->Post(StaffTicketUrl(id) + "/reply", {{"csrf", staff_csrf_}, {"message", reply}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), StaffTicketUrl(id) + "?done=replied");
  const TicketRow row = Row(id);
  EXPECT_EQ(row.status, "waiting_on_customer");
  EXPECT_EQ(row.assignee, staff_id) << "who answers, owns it";
  EXPECT_FALSE(row.waiting_since.has_value());
  EXPECT_EQ(row.messages, 2);
  EXPECT_EQ(
      db.Int("SELECT from_staff FROM ticket_messages WHERE ticket_id = ? ORDER BY id DESC", {id}),
      1);
  EXPECT_EQ(AuditCount(db, "ticket.staff_reply"),
            db.Count("SELECT COUNT(*) FROM ticket_messages WHERE from_staff = 1"));

  // The customer is e-mailed the reply, quoted, with the way back to the thread.
  EXPECT_EQ(EmailsNotAboutSignIn(db, c.email), 1);
  EXPECT_EQ(LastEmailSubject(db, c.email),
            "Re: Crash on start [ticket #" + std::to_string(id) + "]");
  EXPECT_THAT(
      LastEmailText(db, c.email).value_or(""),
      AllOf(HasSubstr("> Please try this:\n> 1. Restart\n> 2. Tell us <what> happens & when"),
            HasSubstr(TicketUrl(id))));

  // The customer reads it in the thread, from Support, escaped.
  const HttpResponse thread = c.browser.Get(TicketUrl(id));
  ASSERT_EQ(thread.status, 200);
  const auto bodies = MessageBodies(thread.body);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(HtmlUnescape(bodies[1]), reply);
  EXPECT_THAT(PlainText(thread.body),
              AllOf(HasSubstr("Waiting on customer"), HasSubstr("Support ·")));
  EXPECT_THAT(PlainText(staff_->Get(StaffTicketUrl(id) + "?done=replied").body),
              HasSubstr("Reply sent; the customer was emailed."));

  // Assigned now: the customer's answer goes to the assignee only.
  ASSERT_EQ(
      c.browser.Post(TicketUrl(id) + "/reply", {{"csrf", c.csrf}, {"message", "Still crashes"}})
          .status,
      303);
  const std::string tag = "Customer replied [ticket #" + std::to_string(id) + "]";
  EXPECT_EQ(EmailsTo(db, kDemoSupport, tag), 1);
  EXPECT_EQ(EmailsTo(db, kDemoAdmin, tag), 0);
  EXPECT_EQ(Row(id).status, "open");
}

TEST_F(SupportHttpTest, StaffAssignAndSetStatus) {
  Customer c = NewSignUp("assign");
  const int64_t id = Open(c, "account", "Assign me", "Please.");
  ASSERT_GT(id, 0);
  auto db = Db();
  const int64_t admin = UserId(db, kDemoAdmin);

  HttpResponse r = staff_->Post(StaffTicketUrl(id) + "/assign",
                                {{"csrf", staff_csrf_}, {"assignee", std::to_string(admin)}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), StaffTicketUrl(id) + "?done=assigned");
  EXPECT_EQ(Row(id).assignee, admin);
  EXPECT_EQ(Row(id).status, "open") << "assigning is not answering";
  EXPECT_THAT(staff_->Get(StaffTicketUrl(id)).body,
              HasSubstr("<option value=\"" + std::to_string(admin) + "\" selected>"));
  EXPECT_GE(AuditCount(db, "ticket.assign"), 1);

  // Only staff can be assignees; a malformed id is refused too.
  const TicketRow assigned = Row(id);
  for (const std::string& who : {std::to_string(c.id), std::string("999999"), std::string("x")}) {
    r = staff_->Post(StaffTicketUrl(id) + "/assign", {{"csrf", staff_csrf_}, {"assignee", who}});
    EXPECT_EQ(r.status, 422) << "assignee " << who << ": " << ::testing::PrintToString(r);
    EXPECT_EQ(Row(id), assigned) << "assignee " << who;
  }
  r = staff_->Post(StaffTicketUrl(id) + "/assign", {{"csrf", staff_csrf_}, {"assignee", ""}});
  ASSERT_EQ(r.status, 303);
  EXPECT_FALSE(Row(id).assignee.has_value()) << "Nobody unassigns";

  r = staff_->Post(StaffTicketUrl(id) + "/status", {{"csrf", staff_csrf_}, {"status", "closed"}});
  ASSERT_EQ(r.status, 303) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("location"), StaffTicketUrl(id) + "?done=status");
  EXPECT_EQ(Row(id).status, "closed");
  EXPECT_FALSE(Row(id).waiting_since.has_value());
  EXPECT_THAT(PlainText(c.browser.Get(TicketUrl(id)).body), HasSubstr("Closed"));

  r = staff_->Post(StaffTicketUrl(id) + "/status",
                   {{"csrf", staff_csrf_}, {"status", "waiting_on_customer"}});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(Row(id).status, "waiting_on_customer");

  const int64_t t0 = UnixNow();
  r = staff_->Post(StaffTicketUrl(id) + "/status", {{"csrf", staff_csrf_}, {"status", "open"}});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(Row(id).status, "open");
  EXPECT_GE(Row(id).waiting_since.value_or(0), t0 - 1) << "open again: waiting for staff";

  const TicketRow open = Row(id);
  r = staff_->Post(StaffTicketUrl(id) + "/status", {{"csrf", staff_csrf_}, {"status", "solved"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(r.Text(), HasSubstr("Choose a status from the list."));
  EXPECT_EQ(Row(id), open);

  for (const char* action : {"/reply", "/assign", "/status"})
    EXPECT_EQ(staff_
                  ->Post("/staff/tickets/999999" + std::string(action),
                         {{"csrf", staff_csrf_}, {"message", "x"}, {"status", "open"}})
                  .status,
              404)
        << action;
  EXPECT_EQ(staff_->Get("/staff/tickets/999999").status, 404);
  // Without the token nothing happens.
  EXPECT_EQ(staff_->Post(StaffTicketUrl(id) + "/status", {{"status", "closed"}}).status, 403);
  EXPECT_EQ(Row(id), open);
}

TEST_F(SupportHttpTest, CustomerCannotUseTheStaffSide) {
  Customer c = NewSignUp("notstaff");
  const int64_t id = Open(c, "billing", "Mine", "My own ticket.");
  ASSERT_GT(id, 0);
  auto db = Db();
  const TicketRow before = Row(id);
  const AccountState state = StateOf(db, c.id);
  for (const std::string& path :
       {std::string("/staff/tickets"), StaffTicketUrl(id), std::string("/staff/feedback"),
        std::string("/staff/feedback.csv")}) {
    const HttpResponse r = c.browser.Get(path);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_THAT(r.body, Not(HasSubstr("My own ticket."))) << path;
  }
  for (const char* action : {"/reply", "/assign", "/status"}) {
    const HttpResponse r =
        c.browser.Post(StaffTicketUrl(id) + action, {{"csrf", c.csrf},
                                                     {"message", "Answered!"},
                                                     {"status", "closed"},
                                                     {"assignee", std::to_string(c.id)}});
    EXPECT_EQ(r.status, 403) << action;
  }
  EXPECT_EQ(Row(id), before);
  EXPECT_EQ(StateOf(db, c.id), state);
}

}  // namespace
}  // namespace tenure::http_test
