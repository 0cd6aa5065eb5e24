// Every form's errors in one style, over real HTTP (issue 14 item 8): the server is the one
// validator (no form leaves it to the browser's own popups), a refused form comes back with an
// error summary that takes the focus and links each message to its field, the message again
// beside the field, and what was typed kept unless it must not be (a refused password, a card
// number, a security code). The offline provider's card form reads a card as people type it.
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "account_security_helpers.hpp"
#include "billing_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

struct SummaryItem {
  std::string target;  // the href's fragment, "" for an item with no link
  std::string message;
};

// The error summary of a page, in order; fails the test when the summary is not one focusable
// alert that comes before the page's first form.
std::vector<SummaryItem> Summary(const std::string& html) {
  std::vector<SummaryItem> items;
  const size_t start = html.find("id=\"error-summary\"");
  EXPECT_NE(start, std::string::npos) << "no error summary";
  if (start == std::string::npos) return items;
  EXPECT_LT(start, html.find("<form method=\"post\"", html.find("<main")));
  for (const HtmlTag& div : FindTags(html, "div"))
    if (div.Get("id") == "error-summary") {
      EXPECT_TRUE(div.Has("autofocus"));
      EXPECT_EQ(div.Get("tabindex"), "-1");
      EXPECT_EQ(div.Get("role"), "alert");
    }
  const std::string block = html.substr(start, html.find("</div>", start) - start);
  static const std::regex item(R"re(<li>(?:<a href="#([^"]*)">)?([\s\S]*?)(?:</a>)?</li>)re");
  for (std::sregex_iterator it(block.begin(), block.end(), item), last; it != last; ++it)
    items.push_back({(*it)[1].str(), PlainText((*it)[2].str())});
  return items;
}

// The element with `id` is marked invalid and described by its own message, `message`.
void ExpectFieldError(const std::string& html, const std::string& id, const std::string& message) {
  bool found = false;
  for (const char* tag : {"input", "select", "textarea", "fieldset"})
    for (const HtmlTag& t : FindTags(html, tag))
      if (t.Get("id") == id) {
        found = true;
        if (std::string(tag) != "fieldset") {
          EXPECT_EQ(t.Get("aria-invalid"), "true") << id;
        }
        EXPECT_THAT(t.Get("aria-describedby"), HasSubstr(id + "-error")) << id;
      }
  EXPECT_TRUE(found) << "no element #" << id;
  const std::regex own("<p class=\"field-error\" id=\"" + id + "-error\">([^<]*)</p>");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, own)) << "no message beside #" << id;
  EXPECT_EQ(HtmlUnescape(m[1].str()), message);
}

bool Checked(const std::string& html, std::string_view name) {
  const auto input = FindInput(html, name);
  return input && input->Has("checked");
}

class FormsHttpTest : public PerTestServer {
 protected:
  FormsHttpTest() : PerTestServer({.demo_customers = 2, .test_clock = true}) {}
};

// The templates themselves: every form that has constraints the browser would enforce with its
// own popups says novalidate, and the only alert a form can raise is the shared summary.
TEST(FormTemplatesTest, NoFormLeavesItsCheckingToTheBrowser) {
  const std::regex form_re(R"re(<form\b([^>]*)>([\s\S]*?)</form>)re");
  const std::regex constrained(
      R"re(\brequired\b|\bmin=|\bmax=|\bpattern=|type="(email|number|url)")re");
  int forms = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(TENURE_SOURCE_DIR) + "/templates")) {
    if (entry.path().extension() != ".html") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string html = text.str();
    for (std::sregex_iterator it(html.begin(), html.end(), form_re), last; it != last; ++it) {
      if (!std::regex_search((*it)[2].str(), constrained)) continue;
      ++forms;
      EXPECT_THAT((*it)[1].str(), HasSubstr("novalidate")) << entry.path().filename();
    }
    if (entry.path().filename() != "error_summary.html") {
      EXPECT_THAT(html, Not(HasSubstr("{{#error}}<div class=\"alert error\"")))
          << entry.path().filename() << " has an error box of its own";
    }
  }
  EXPECT_GE(forms, 15) << "the templates were found";
}

TEST_F(FormsHttpTest, TheCardFormListsEveryProblemAtOnceAndNeverEchoesTheCard) {
  Browser b = As(DemoCustomerEmail(1));
  const int64_t cards_before = [&] {
    auto db = Db();
    return db.Count("SELECT COUNT(*) FROM payment_methods WHERE user_id = ?",
                    {UserId(db, DemoCustomerEmail(1))});
  }();
  const HttpResponse r =
      Submit(b, "/billing/card", "/billing/card",
             {{"number", "4242 4242 4242 4241"}, {"exp", "13 / 29"}, {"cvc", "12"}});
  ASSERT_EQ(r.status, 422) << ::testing::PrintToString(r);
  EXPECT_THAT(PlainText(r.body), HasSubstr("Your card was not saved."));
  const auto items = Summary(r.body);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].target, "number");
  EXPECT_EQ(items[0].message, "Check the card number: it is not a valid card number.");
  EXPECT_EQ(items[1].target, "exp");
  EXPECT_EQ(items[1].message,
            "Enter the expiry date as it is on the card: MM / YY, such as 08 / 29.");
  EXPECT_EQ(items[2].target, "cvc");
  ExpectFieldError(r.body, "number", items[0].message);
  ExpectFieldError(r.body, "exp", items[1].message);
  ExpectFieldError(r.body, "cvc", items[2].message);
  EXPECT_THAT(r.body, Not(HasSubstr("4241")));
  EXPECT_FALSE(FindInput(r.body, "number")->Has("value"));
  EXPECT_FALSE(FindInput(r.body, "cvc")->Has("value"));
  EXPECT_EQ(FindInput(r.body, "exp")->Get("value"), "13 / 29");
  auto db = Db();
  EXPECT_EQ(db.Count("SELECT COUNT(*) FROM payment_methods WHERE user_id = ?",
                     {UserId(db, DemoCustomerEmail(1))}),
            cards_before)
      << "nothing saved";
}

TEST_F(FormsHttpTest, AnAmexIsToldByItsDigitsAndNamedAsItsOwnerWritesIt) {
  Browser b = As(DemoCustomerEmail(1));
  const HttpResponse refused =
      Submit(b, "/billing/card", "/billing/card",
             {{"number", "3782 822463 10005"}, {"exp", "08/40"}, {"cvc", "123"}});
  ASSERT_EQ(refused.status, 422);
  EXPECT_THAT(Summary(refused.body),
              ElementsAre(::testing::Field(
                  &SummaryItem::message,
                  "The security code of an American Express card is the 4 digits on its front.")));
  const HttpResponse saved =
      Submit(b, "/billing/card", "/billing/card",
             {{"number", "3782 822463 10005"}, {"exp", "0840"}, {"cvc", "1234"}});
  ASSERT_EQ(saved.status, 303) << ::testing::PrintToString(saved);
  EXPECT_THAT(PlainText(b.Get("/billing").body),
              HasSubstr("American Express ending in 0005 (expires 08/2040)"));
  // A real card that is not one of the demo's test cards is refused by the demo, not saved.
  const HttpResponse real =
      Submit(b, "/billing/card", "/billing/card",
             {{"number", "4012 8888 8888 1881"}, {"exp", "08/40"}, {"cvc", "123"}});
  ASSERT_EQ(real.status, 422);
  EXPECT_THAT(PlainText(real.body), HasSubstr("This demo takes test cards only"));
}

TEST_F(FormsHttpTest, ARefusedFormKeepsWhatWasTypedButARefusedPassword) {
  Browser b(Base());
  const std::string email = FreshEmail("forms");
  // The terms not ticked: the email and the password (fine both) stay typed.
  HttpResponse r = Submit(b, "/sign-up", "/sign-up",
                          {{"email", email}, {"password", "correct horse battery staple"}});
  ASSERT_EQ(r.status, 422) << ::testing::PrintToString(r);
  auto items = Summary(r.body);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].target, "terms");
  ExpectFieldError(r.body, "terms", items[0].message);
  EXPECT_EQ(FindInput(r.body, "email")->Get("value"), email);
  EXPECT_EQ(FindInput(r.body, "password")->Get("value"), "correct horse battery staple");
  // A refused password is typed again; the tick stays.
  r = Submit(b, "/sign-up", "/sign-up",
             {{"email", email}, {"password", "short"}, {"terms", "yes"}});
  ASSERT_EQ(r.status, 422);
  items = Summary(r.body);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].target, "password");
  EXPECT_FALSE(FindInput(r.body, "password")->Has("value"));
  EXPECT_TRUE(Checked(r.body, "terms"));
}

TEST_F(FormsHttpTest, ADeclinedPaymentKeepsTheTermsTicked) {
  Browser b = As(DemoCustomerEmail(1));
  SaveCard(b, "4000000000000002");
  const HttpResponse form = b.Get("/billing/renew");
  const std::string period = FindInput(form.body, "period").value().Get("value");
  const HttpResponse r = b.Post(
      "/billing/renew", {{"csrf", CsrfField(form.body)}, {"period", period}, {"terms", "yes"}});
  ASSERT_EQ(r.status, 402) << ::testing::PrintToString(r);
  const auto items = Summary(r.body);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].target, "") << "a decline is about no field";
  EXPECT_THAT(items[0].message, HasSubstr("Your card was declined. Nothing was charged."));
  EXPECT_TRUE(Checked(r.body, "terms"));
}

TEST_F(FormsHttpTest, PagesWithTwoFormsLinkToTheFieldOfTheFormThatFailed) {
  Browser b = As(DemoCustomerEmail(1));
  SaveCard(b, "4242424242424242");
  ASSERT_EQ(BuyInstances(b, 2).status, 303);  // three: the renewal form is there
  const HttpResponse r =
      Submit(b, "/billing/instances", "/billing/instances/renewal", {{"count", "99"}});
  ASSERT_EQ(r.status, 422) << ::testing::PrintToString(r);
  const auto items = Summary(r.body);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].target, "renewal-count");
  ExpectFieldError(r.body, "renewal-count", items[0].message);
  EXPECT_THAT(FindInput(r.body, "count")->Get("aria-invalid"), IsEmpty())
      << "the other form's count is not marked";
}

}  // namespace
}  // namespace tenure::http_test
