// Text that is not UTF-8 (issue 10, item 8): every form, query string and API body is checked
// once at the edge, so a stray byte answers 422 with a message instead of reaching a
// template, a JSON dump, an email or the database (it used to answer 500 on tickets, replies,
// emails and grant reasons).
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;

constexpr char kBad[] = "Caf\xC3\xA9 \xFF\xFE broken";     // valid é, then two stray bytes
constexpr char kGood[] = "Caf\xC3\xA9 \xE2\x9C\x93 fine";  // é and a check mark: real UTF-8

void ExpectNotText(const HttpResponse& r, const std::string& what) {
  EXPECT_EQ(r.status, 422) << what << ": " << ::testing::PrintToString(r);
  EXPECT_THAT(PlainText(r.body), HasSubstr("Part of what was sent is not valid UTF-8 text."))
      << what;
}

class TextInputHttpTest : public JourneyTest {};

TEST_F(TextInputHttpTest, EveryFormRefusesBytesThatAreNotUtf8AndStoresNothing) {
  const std::string email = NextDemoCustomer();
  Browser customer = As(email);
  const std::string csrf = SessionCsrf(customer);
  auto db = Db();
  const int64_t id = UserId(db, email);
  const int64_t tickets = db.Count("SELECT COUNT(*) FROM tickets", {});

  ExpectNotText(customer.Post("/support/tickets", {{"csrf", csrf},
                                                   {"category", "billing"},
                                                   {"subject", kBad},
                                                   {"message", "Charged twice"}}),
                "ticket subject");
  ExpectNotText(customer.Post("/support/tickets", {{"csrf", csrf},
                                                   {"category", "billing"},
                                                   {"subject", "Charged twice"},
                                                   {"message", kBad}}),
                "ticket message");
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM tickets", {}), tickets) << "no ticket was stored";

  // Valid text in other scripts goes through, and a reply to it is checked the same way.
  const HttpResponse opened = customer.Post(
      "/support/tickets",
      {{"csrf", csrf}, {"category", "billing"}, {"subject", kGood}, {"message", kGood}});
  ASSERT_EQ(opened.status, 303) << ::testing::PrintToString(opened);
  EXPECT_EQ(db.Text("SELECT subject FROM tickets WHERE user_id = ? ORDER BY id DESC LIMIT 1", {id}),
            kGood);
  const std::string ticket =
      "/support/tickets/" +
      std::to_string(db.Int("SELECT MAX(id) FROM tickets WHERE user_id = ?", {id}).value_or(0));
  const int64_t messages = db.Count("SELECT COUNT(*) FROM ticket_messages", {});
  ExpectNotText(customer.Post(ticket + "/reply", {{"csrf", csrf}, {"message", kBad}}), "reply");
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM ticket_messages", {}), messages);
  // The name of a field counts too.
  ExpectNotText(customer.Post(ticket + "/reply", {{"csrf", csrf}, {kBad, "x"}}), "field name");

  // Signing up and in: the email field.
  Browser visitor(Base());
  ASSERT_EQ(visitor.Get("/sign-up").status, 200);
  ExpectNotText(visitor.Post("/sign-up", {{"csrf", visitor.Cookie("tenure_csrf").value_or("")},
                                          {"email", std::string("new\xFF@example.com")},
                                          {"password", kCustomerPassword},
                                          {"terms", "on"}}),
                "sign-up email");
  ExpectNotText(visitor.Post("/sign-in", {{"csrf", visitor.Cookie("tenure_csrf").value_or("")},
                                          {"email", std::string("demo\xFF@example.com")},
                                          {"password", kDemoPassword}}),
                "sign-in email");

  // Staff: a grant's reason.
  Browser staff = As(kDemoSupport);
  const int64_t grants = db.Count("SELECT COUNT(*) FROM license_grants", {});
  ExpectNotText(staff.Post("/staff/customers/" + std::to_string(id) + "/grant",
                           {{"csrf", SessionCsrf(staff)}, {"days", "7"}, {"reason", kBad}}),
                "grant reason");
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM license_grants", {}), grants);

  // A query string, percent-encoded.
  ExpectNotText(customer.Get("/help/?q=%FF%FE"), "query");
}

TEST_F(TextInputHttpTest, TheApiAnswers422NamingTheBody) {
  Browser program(Base());
  const std::string body =
      std::string(R"({"email":"demo@example.com","password":"x)") + "\xFF" +
      R"(","machine":{"fingerprint":"f","name":"n","os":"linux","app_version":"1"}})";
  const HttpResponse r =
      program.Send("POST", "/api/v1/sessions", body, {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  const auto problem = nlohmann::json::parse(r.body);
  EXPECT_EQ(problem.value("code", ""), "invalid_input");
  EXPECT_EQ(problem.value("field", ""), "body");
  // A query parameter is named.
  const HttpResponse q = program.Get("/api/v1/openapi.json?lang=%C3");
  ASSERT_EQ(q.status, 422) << ::testing::PrintToString(q);
  EXPECT_EQ(nlohmann::json::parse(q.body).value("field", ""), "lang");
}

}  // namespace
}  // namespace tenure::http_test
