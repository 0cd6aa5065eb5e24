// The seller's brand over real HTTP (issue 14 item 10): with seller.* configured every page,
// signed in or not, carries the product's name in its title and header, the logo and the
// seller in the footer; the accent colour arrives as brand.css under the CSP's style-src
// 'self'; the logo is served with its type, a year's cache and (an SVG) a sandboxing CSP; the
// terms name the seller; emails are signed with both names. Unconfigured, pages are as before.
#include <gmock/gmock.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

const std::string kLogoPath = std::string(TENURE_SOURCE_DIR) + "/scripts/demo-logo.svg";
// Amber: 1.8:1 on white, so links need the darker shade brand.css derives.
constexpr char kPoorContrastAccent[] = "#f5b800";

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Title(const std::string& html) {
  std::smatch m;
  static const std::regex title("<title>([^<]*)</title>");
  return std::regex_search(html, m, title) ? HtmlUnescape(m[1].str()) : "";
}

// The href of the stylesheet link whose URL starts with `prefix`, "" when none.
std::string Stylesheet(const std::string& html, std::string_view prefix) {
  for (const HtmlTag& link : FindTags(html, "link"))
    if (link.Get("rel") == "stylesheet" && link.Get("href").starts_with(prefix))
      return link.Get("href");
  return "";
}

// "--accent: #xxxxxx" inside the first (light) or the dark block of brand.css.
std::string Variable(std::string_view css, std::string_view name) {
  const std::string key = std::string(name) + ": ";
  const size_t at = css.find(key);
  return at == std::string_view::npos ? "" : std::string(css.substr(at + key.size(), 7));
}

struct BrandedServer {
  static ServerConfig Config() {
    return {.env = {{"TENURE_SELLER_NAME", "Example Software Ltd"},
                    {"TENURE_SELLER_ADDRESS", "1 Main Street\nSpringfield"},
                    {"TENURE_SELLER_PRODUCT_NAME", "Acme Render"},
                    {"TENURE_SELLER_LOGO_FILE", kLogoPath},
                    {"TENURE_SELLER_ACCENT_COLOR", kPoorContrastAccent}}};
  }
};
using BrandedHttpTest = ServerSuite<BrandedServer>;

TEST_F(BrandedHttpTest, PagesWithoutSignInCarryTheBrand) {
  Browser b = NewBrowser();
  for (const auto& [path, title] : std::vector<std::pair<std::string, std::string>>{
           {"/sign-in", "Sign in · Acme Render"},
           {"/sign-up", "Create your account · Acme Render"},
           {"/terms", "Terms & Conditions · Acme Render"},
           {"/no-such-page", "Page not found · Acme Render"}}) {
    const HttpResponse page = b.Get(path);
    ASSERT_EQ(page.status, path == "/no-such-page" ? 404 : 200) << path;
    EXPECT_EQ(Title(page.body), title) << path;
    const std::vector<HtmlTag> logos = FindTags(page.body, "img");
    ASSERT_THAT(logos, Not(IsEmpty())) << path;
    EXPECT_THAT(logos[0].Get("src"), StartsWith("/static/logo.svg?v=")) << path;
    EXPECT_THAT(
        PlainText(page.body),
        AllOf(HasSubstr("Acme Render is sold by Example Software Ltd."), Not(HasSubstr("Tenure"))))
        << path;
    EXPECT_THAT(Stylesheet(page.body, "/static/brand.css?v="), Not(IsEmpty())) << path;
  }
  // The help center's pages are the docs' own words; the frame around them is branded.
  const HttpResponse help = b.Get("/help/");
  ASSERT_EQ(help.status, 200);
  EXPECT_THAT(Title(help.body), EndsWith(" · Acme Render"));
  EXPECT_THAT(PlainText(help.body), HasSubstr("Acme Render is sold by Example Software Ltd."));
}

TEST_F(BrandedHttpTest, HeaderLinkIsNamedByTheProductAndTheLogoIsNotReadTwice) {
  const HttpResponse page = NewBrowser().Get("/sign-in");
  std::smatch brand;
  ASSERT_TRUE(std::regex_search(page.body, brand,
                                std::regex(R"re(<a class="brand" href="/">([\s\S]*?)</a>)re")));
  EXPECT_THAT(brand[1].str(), HasSubstr(R"(alt="")"));
  EXPECT_EQ(PlainText(brand[1].str()), "Acme Render");
}

TEST_F(BrandedHttpTest, SignedInPagesCarryTheBrand) {
  Browser b = SignedIn(server().BaseUrl(), kDemoCustomer, kDemoPassword);
  const HttpResponse home = b.Get("/home");
  ASSERT_EQ(home.status, 200);
  EXPECT_THAT(Title(home.body), EndsWith(" · Acme Render"));
  EXPECT_THAT(Stylesheet(home.body, "/static/brand.css?v="), Not(IsEmpty()));
  EXPECT_THAT(PlainText(home.body), HasSubstr("Acme Render is sold by Example Software Ltd."));
}

TEST_F(BrandedHttpTest, AccentArrivesAsACachedStylesheetWithAReadableTextShade) {
  Browser b = NewBrowser();
  const std::string url = Stylesheet(b.Get("/sign-in").body, "/static/brand.css?v=");
  const HttpResponse css = b.Get(url);
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(css.Header("cache-control"), "public, max-age=31536000, immutable");
  // The page's own policy: no inline style was needed.
  EXPECT_THAT(css.Header("content-security-policy"), HasSubstr("style-src 'self'"));
  const size_t dark = css.body.find("prefers-color-scheme: dark");
  ASSERT_NE(dark, std::string::npos);
  const std::string_view light_block = std::string_view(css.body).substr(0, dark);
  const std::string_view dark_block = std::string_view(css.body).substr(dark);
  EXPECT_EQ(Variable(light_block, "--accent-fill"), kPoorContrastAccent) << "fills keep it";
  EXPECT_EQ(Variable(dark_block, "--accent-fill"), kPoorContrastAccent);
  // On white amber fails 4.5:1: light mode's links take a darker shade; on the dark theme it
  // passes and is kept.
  EXPECT_THAT(Variable(light_block, "--accent"), AllOf(SizeIs(7), Not(kPoorContrastAccent)));
  EXPECT_EQ(Variable(dark_block, "--accent"), kPoorContrastAccent);
  EXPECT_EQ(Variable(light_block, "--accent-fg"), "#0f1420") << "dark text on amber";
}

TEST_F(BrandedHttpTest, LogoIsServedWithItsTypeAYearsCacheAndASandbox) {
  Browser b = NewBrowser();
  const std::string url = FindTags(b.Get("/sign-in").body, "img").at(0).Get("src");
  const HttpResponse logo = b.Get(url);
  ASSERT_EQ(logo.status, 200);
  EXPECT_EQ(logo.body, FileBytes(kLogoPath));
  EXPECT_EQ(logo.Header("content-type"), "image/svg+xml");
  EXPECT_EQ(logo.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(logo.Header("x-content-type-options"), "nosniff");
  // One policy, the SVG's: opened on its own it runs no script and loads nothing.
  const std::vector<std::string> policies = logo.Headers("content-security-policy");
  ASSERT_THAT(policies, SizeIs(1));
  EXPECT_THAT(policies[0], AllOf(HasSubstr("default-src 'none'"), HasSubstr("sandbox"),
                                 Not(HasSubstr("script-src"))));
  // A bare URL is revalidated rather than cached for a year.
  EXPECT_EQ(b.Get("/static/logo.svg").Header("cache-control"), "public, max-age=300");
}

TEST_F(BrandedHttpTest, TermsNameTheSellerAndTheProduct) {
  const HttpResponse terms = NewBrowser().Get("/terms");
  ASSERT_EQ(terms.status, 200);
  const std::string text = PlainText(terms.body);
  EXPECT_THAT(text, HasSubstr("These terms are an agreement between you and Example Software "
                              "Ltd, who sells Acme Render and this license."));
  EXPECT_THAT(terms.body, HasSubstr("1 Main Street\nSpringfield"));
}

TEST_F(BrandedHttpTest, EmailsAreSignedWithTheSellerAndTheProduct) {
  const std::string email = "branded-signup@example.com";
  SignedUp(server().BaseUrl(), email);
  auto db = Db();
  const auto text = LastEmailText(db, email, "Confirm your email address");
  ASSERT_TRUE(text);
  EXPECT_THAT(*text, EndsWith("\n-- \nExample Software Ltd, seller of Acme Render\n"));
}

// Without seller.*: the pages an install had before, and no brand assets.
using UnbrandedHttpTest = ServerSuite<DefaultServer>;

TEST_F(UnbrandedHttpTest, PagesKeepTenuresNameAndNoBrandAssets) {
  Browser b = NewBrowser();
  const HttpResponse page = b.Get("/sign-in");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(Title(page.body), "Sign in · Tenure");
  EXPECT_THAT(page.body, HasSubstr(R"(<a class="brand" href="/"><span>Tenure</span></a>)"));
  EXPECT_THAT(FindTags(page.body, "img"), IsEmpty());
  EXPECT_THAT(Stylesheet(page.body, "/static/brand.css"), IsEmpty());
  EXPECT_THAT(PlainText(page.body), Not(HasSubstr("sold by")));
  EXPECT_EQ(b.Get("/static/brand.css").status, 404);
  EXPECT_EQ(b.Get("/static/logo.svg").status, 404);
}

TEST_F(UnbrandedHttpTest, TermsFallBackToTheSellerOfTheProduct) {
  const std::string text = PlainText(NewBrowser().Get("/terms").body);
  EXPECT_THAT(text, HasSubstr("These terms are an agreement between you and the seller of "
                              "Tenure, called \"we\" and \"us\" below."));
}

}  // namespace
}  // namespace tenure::http_test
