// The help center's library: order and sections, URLs, llms.txt and its parts, suggestions
// for missing pages, the answer formats, and the live rebuild of a changed folder.
#include "search/library.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "search/help_center.hpp"
#include "support/temp_dir.hpp"

namespace tenure::search {
namespace {

const LibraryOptions kOptions{.public_url = "https://help.example/"};

std::vector<SourceFile> SmallSite() {
  return {
      {"index.md",
       "# Acme help\n\nWelcome to Acme's help. More text.\n\n- [Start](start.md)\n- "
       "[Refunds](billing/refunds.md)\n- [Renewal](billing/renewal.md)\n"},
      {"start.md", "# Getting started\n\nCreate an account first. Then buy.\n"},
      {"billing/renewal.md",
       "# Renewal\n\nA renewal adds one calendar month to your expiration date.\n\n"
       "## Automatic renewal\n\nWe charge your card one day before expiry.\n"},
      {"billing/refunds.md",
       "# Refunds\n\nAll payments are final: we never refund a payment.\n\nSee "
       "[renewal](renewal.md#automatic-renewal) and [home](../index.md).\n\n<b>raw</b>\n"},
      {"billing/index.md", "# Billing and payments\n\nHow we charge.\n"},
      {"zeta/notes.md", "No heading here, just notes about zebras.\n"},
  };
}

TEST(LibraryTest, OrderSectionsAndUrls) {
  const auto lib = Library::Build(SmallSite(), kOptions);
  std::vector<std::string> slugs;
  for (const Page& p : lib->Pages()) slugs.push_back(p.slug);
  EXPECT_EQ(slugs, (std::vector<std::string>{"index", "start", "billing/index", "billing/refunds",
                                             "billing/renewal", "zeta/notes"}));
  ASSERT_EQ(lib->Sections().size(), 3u);
  EXPECT_EQ(lib->Sections()[1].title, "Billing and payments");  // its index.md's title
  EXPECT_EQ(lib->Sections()[2].title, "Zeta");
  EXPECT_EQ(lib->SiteTitle(), "Acme help");

  const Page* refunds = lib->Find("billing/refunds");
  ASSERT_NE(refunds, nullptr);
  EXPECT_EQ(refunds->title, "Refunds");
  EXPECT_EQ(lib->Find("zeta/notes")->title, "Notes");  // no `# `: the file name
  EXPECT_EQ(lib->HtmlUrl(*refunds), "/help/billing/refunds");
  EXPECT_EQ(lib->HtmlUrl(*lib->Find("index")), "/help/");
  EXPECT_EQ(lib->HtmlUrl(*lib->Find("billing/index")), "/help/billing/");
  EXPECT_EQ(lib->MarkdownUrl(*refunds), "https://help.example/help/billing/refunds.md");
  EXPECT_EQ(lib->Previous(*refunds)->slug, "billing/index");
  EXPECT_EQ(lib->Next(*refunds)->slug, "billing/renewal");
  EXPECT_EQ(lib->Previous(lib->Pages().front()), nullptr);
  EXPECT_EQ(lib->Next(lib->Pages().back()), nullptr);

  // Relative .md links lead to the HTML pages; raw HTML stays text.
  EXPECT_NE(refunds->html.find("href=\"/help/billing/renewal#automatic-renewal\""),
            std::string::npos)
      << refunds->html;
  EXPECT_NE(refunds->html.find("href=\"/help/\""), std::string::npos) << refunds->html;
  EXPECT_NE(refunds->html.find("&lt;b&gt;raw&lt;/b&gt;"), std::string::npos);
}

TEST(LibraryTest, LlmsTxtFormat) {
  const auto lib = Library::Build(SmallSite(), kOptions);
  const std::string txt = lib->LlmsTxt();
  EXPECT_TRUE(txt.starts_with("# Acme help\n\n> Welcome to Acme's help.\n")) << txt;
  EXPECT_NE(txt.find("\n## Overview\n\n- [Acme help](https://help.example/help/index.md): "
                     "Welcome to Acme's help.\n- [Getting started]"
                     "(https://help.example/help/start.md): Create an account first.\n"),
            std::string::npos)
      << txt;
  EXPECT_NE(txt.find("\n## Billing and payments\n\n"), std::string::npos);
  EXPECT_NE(txt.find("- [Refunds](https://help.example/help/billing/refunds.md): All payments "
                     "are final: we never refund a payment.\n"),
            std::string::npos)
      << txt;
}

TEST(LibraryTest, LlmsFullHoldsAHundredPagesAPart) {
  std::vector<SourceFile> files;
  for (int i = 0; i < 250; ++i)
    files.push_back({"p/page-" + std::to_string(1000 + i) + ".md",
                     "# Page " + std::to_string(i) + "\n\nBody " + std::to_string(i) + ".\n"});
  const auto lib = Library::Build(files, kOptions);
  ASSERT_EQ(lib->LlmsFullParts(), 3u);
  auto count = [](const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
  };
  const std::string first = lib->LlmsFull(0);
  EXPECT_EQ(count(first, "<!-- source: "), 100u);
  EXPECT_NE(first.find("# Page 0\n\nBody 0.\n"), std::string::npos);
  EXPECT_TRUE(
      first.ends_with("Continued in part 2: [https://help.example/llms-full.txt/1]"
                      "(https://help.example/llms-full.txt/1)\n"))
      << first.substr(first.size() - 200);
  EXPECT_EQ(count(lib->LlmsFull(1), "<!-- source: "), 100u);
  const std::string last = lib->LlmsFull(2);
  EXPECT_EQ(count(last, "<!-- source: "), 50u);
  EXPECT_EQ(last.find("Continued"), std::string::npos);
  EXPECT_NE(last.find("# Page 249"), std::string::npos);

  // One part only: no link.
  const auto small = Library::Build(SmallSite(), kOptions);
  EXPECT_EQ(small->LlmsFullParts(), 1u);
  EXPECT_EQ(small->LlmsFull(0).find("Continued"), std::string::npos);
}

TEST(LibraryTest, MissingPagesSuggestFiveSimilarOnes) {
  const auto lib = Library::Build(SmallSite(), kOptions);
  const auto similar = lib->Suggest("billing/refund-policy");
  ASSERT_EQ(similar.size(), 5u);
  EXPECT_EQ(similar.front()->slug, "billing/refunds");
  const std::string md = lib->MissingMarkdown("billing/refund-policy");
  EXPECT_TRUE(md.starts_with("# Not found\n")) << md;
  EXPECT_NE(md.find("- [Refunds](https://help.example/help/billing/refunds.md)\n"),
            std::string::npos)
      << md;
  size_t links = 0;
  for (size_t at = md.find("\n- ["); at != std::string::npos; at = md.find("\n- [", at + 1))
    ++links;
  EXPECT_EQ(links, 5u);
  // Even nonsense gets five pages to go to.
  EXPECT_EQ(lib->Suggest("qqqq/xxxx").size(), 5u);
}

TEST(LibraryTest, AnswerQuotesTheDocsWithSources) {
  const auto lib = Library::Build(SmallSite(), kOptions);
  const Answer a = lib->Ask("  can I get my\nmoney back?  ");
  ASSERT_EQ(a.status, AnswerStatus::kAnswered);
  EXPECT_EQ(a.question, "can I get my money back?");
  EXPECT_EQ(a.answer, "All payments are final: we never refund a payment.");
  ASSERT_FALSE(a.sources.empty());
  EXPECT_EQ(a.sources[0].url, "https://help.example/help/billing/refunds.md");

  const std::string md = AnswerMarkdown(a);
  EXPECT_TRUE(md.starts_with("# can I get my money back?\n\nAll payments are final")) << md;
  EXPECT_NE(md.find("\n# Sources:\n\n- [Refunds](https://help.example/help/billing/refunds.md)\n"),
            std::string::npos)
      << md;
  // An excerpt's relative links become absolute .md addresses.
  EXPECT_NE(md.find("(https://help.example/help/billing/renewal.md#automatic-renewal)"),
            std::string::npos)
      << md;
}

TEST(LibraryTest, AnswerJsonShape) {
  const auto lib = Library::Build(SmallSite(), kOptions);
  const auto j = nlohmann::json::parse(AnswerJson(lib->Ask("when is my card charged?")));
  EXPECT_EQ(j["question"], "when is my card charged?");
  ASSERT_TRUE(j["answer"].is_string());
  EXPECT_EQ(j["answer"], "We charge your card one day before expiry.");
  ASSERT_TRUE(j["excerpts"].is_array());
  ASSERT_FALSE(j["excerpts"].empty());
  for (const auto& e : j["excerpts"]) {
    EXPECT_TRUE(e["title"].is_string());
    EXPECT_TRUE(e["text"].is_string());
    EXPECT_TRUE(e["url"].get<std::string>().ends_with(".md")) << e;
  }
  ASSERT_TRUE(j["sources"].is_array());
  EXPECT_EQ(j["sources"][0]["title"], "Renewal");
  EXPECT_EQ(j["sources"][0]["url"], "https://help.example/help/billing/renewal.md");
}

TEST(LibraryTest, EmptyTooLongAndUnanswerable) {
  const auto lib = Library::Build(SmallSite(), kOptions);
  const Answer empty = lib->Ask("   ");
  EXPECT_EQ(empty.status, AnswerStatus::kEmpty);
  EXPECT_TRUE(AnswerMarkdown(empty).starts_with("# How to ask\n")) << AnswerMarkdown(empty);
  EXPECT_EQ(lib->Ask("how do I?").status, AnswerStatus::kEmpty);  // nothing but filler

  EXPECT_NE(lib->Ask(std::string(500, 'a')).status, AnswerStatus::kTooLong);
  std::string accents;
  for (int i = 0; i < 500; ++i) accents += "é";  // 1,000 bytes, 500 characters
  EXPECT_NE(lib->Ask(accents).status, AnswerStatus::kTooLong);
  const Answer long_one = lib->Ask(std::string(501, 'a'));
  EXPECT_EQ(long_one.status, AnswerStatus::kTooLong);
  const auto j = nlohmann::json::parse(AnswerJson(long_one));
  EXPECT_TRUE(j["answer"].is_null());
  EXPECT_NE(j["error"].get<std::string>().find("500 characters"), std::string::npos);

  const Answer none = lib->Ask("what is the capital of france");
  EXPECT_EQ(none.status, AnswerStatus::kNoAnswer);
  EXPECT_NE(AnswerMarkdown(none).find("don't answer this question"), std::string::npos);
}

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(HelpCenterTest, RebuildsWhenTheFolderChanges) {
  testing::TempDir dir;
  Write(dir.File("docs/index.md"), "# Home\n\nWelcome.\n");
  HelpCenter help({.docs_dir = dir.File("docs"), .poll_interval = std::chrono::milliseconds(0)});
  const auto before = help.Current();
  ASSERT_EQ(before->Pages().size(), 1u);
  EXPECT_FALSE(help.RefreshIfChanged());

  Write(dir.File("docs/guide/zebra.md"), "# Zebras\n\nZebras have stripes.\n");
  Write(dir.File("docs/.hidden/secret.md"), "# Secret\n");
  Write(dir.File("docs/notes.txt"), "not markdown");
  EXPECT_TRUE(help.RefreshIfChanged());
  const auto after = help.Current();
  EXPECT_EQ(after->Pages().size(), 2u);
  EXPECT_EQ(after->Ask("do zebras have stripes").status, AnswerStatus::kAnswered);
  EXPECT_EQ(before->Pages().size(), 1u);  // a request holding the old one is undisturbed

  std::filesystem::remove_all(dir.File("docs"));
  EXPECT_TRUE(help.RefreshIfChanged());
  EXPECT_TRUE(help.Current()->Pages().empty());
}

TEST(HelpCenterTest, MissingFolderIsEmptyAndThePollerPicksUpChanges) {
  testing::TempDir dir;
  HelpCenter help(
      {.docs_dir = dir.File("nothing-here"), .poll_interval = std::chrono::milliseconds(20)});
  EXPECT_TRUE(help.Current()->Pages().empty());
  EXPECT_EQ(help.Current()->Ask("anything").status, AnswerStatus::kNoAnswer);
  Write(dir.File("nothing-here/index.md"), "# Now there is a page\n");
  for (int i = 0; i < 200 && help.Current()->Pages().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(help.Current()->Pages().size(), 1u);
}

}  // namespace
}  // namespace tenure::search
