// Markdown for the help center: HTML with anchors and escaping, and the sections and passages
// the index is built from.
#include "search/markdown.hpp"

#include <gtest/gtest.h>

#include "search/text.hpp"

namespace tenure::search {
namespace {

TEST(MarkdownTest, RawHtmlIsShownNeverRun) {
  const std::string html = RenderHtml(
      "# Hi <b>there</b>\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html;
}

TEST(MarkdownTest, HtmlBlocksShowAsTheirSourceAndTheMarkdownAfterThemStillParses) {
  const std::string md =
      "<div align=\"center\">\n<iframe src=\"https://x\"></iframe>\n</div>\n\n"
      "<a id=\"setup\"></a>\n## Setup\n\nRun it.\n";
  const std::string html = RenderHtml(md);
  EXPECT_EQ(html.find("<div"), std::string::npos) << html;
  EXPECT_EQ(html.find("<iframe"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;iframe src=&quot;https://x&quot;&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("<h2 id=\"setup\">Setup"), std::string::npos) << html;
  const ParsedPage page = ParseMarkdown(md);
  ASSERT_EQ(page.sections.size(), 1u);  // tags are no words: nothing before the heading
  EXPECT_EQ(page.sections[0].heading, "Setup");
  EXPECT_EQ(page.sections[0].passages.at(0).text, "Run it.");
}

TEST(MarkdownTest, HeadingsGetUniqueAnchorsAndSelfLinks) {
  const std::string md =
      "# Getting started\n\n## Step 1: sign up!\n\ntext\n\n## Step 1: sign up!\n";
  const ParsedPage page = ParseMarkdown(md);
  ASSERT_EQ(page.anchors.size(), 3u);
  EXPECT_EQ(page.anchors[0], "getting-started");
  EXPECT_EQ(page.anchors[1], "step-1-sign-up");
  EXPECT_EQ(page.anchors[2], "step-1-sign-up-1");
  const std::string html = RenderHtml(md);
  EXPECT_NE(html.find("<h1 id=\"getting-started\">Getting started <a class=\"anchor\" "
                      "href=\"#getting-started\""),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<h2 id=\"step-1-sign-up-1\">"), std::string::npos) << html;
}

TEST(MarkdownTest, EmbeddedMarkdownSitsUnderThePagesHeadingsWithoutIds) {
  const std::string html = RenderEmbeddedHtml(
      "# Big\n\n## Fixed\n\n#### Deep\n\n- [site](https://example.com) [bad](javascript:x)\n");
  EXPECT_NE(html.find("<h4>Big</h4>"), std::string::npos) << html;
  EXPECT_NE(html.find("<h5>Fixed</h5>"), std::string::npos) << html;
  EXPECT_NE(html.find("<h6>Deep</h6>"), std::string::npos) << html;
  EXPECT_EQ(html.find(" id="), std::string::npos) << html;
  EXPECT_EQ(html.find("class=\"anchor\""), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://example.com\">"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"#\">bad</a>"), std::string::npos) << "schemes are checked" << html;
}

TEST(MarkdownTest, GithubFlavour) {
  const std::string html = RenderHtml(
      "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ https://example.com\n\n- [x] done\n- [ ] "
      "todo\n\n```sh\necho '<hi>'\n```\n");
  EXPECT_NE(html.find("<div class=\"table-wrap\"><table>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th>a</th>"), std::string::npos);
  EXPECT_NE(html.find("</table></div>"), std::string::npos);
  EXPECT_NE(html.find("<del>old</del>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://example.com\">"), std::string::npos);
  EXPECT_NE(html.find("type=\"checkbox\""), std::string::npos);
  EXPECT_NE(html.find("<pre><code class=\"language-sh\">echo '&lt;hi&gt;'"), std::string::npos)
      << html;
}

TEST(MarkdownTest, UnsafeLinkSchemesBecomeHash) {
  const std::string html = RenderHtml(
      "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](data:text/html,x) [d](mailto:a@b.c)");
  EXPECT_EQ(html.find("javascript"), std::string::npos) << html;
  EXPECT_EQ(html.find("JaVaScRiPt"), std::string::npos) << html;
  EXPECT_EQ(html.find("data:"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"mailto:a@b.c\""), std::string::npos) << html;
}

TEST(MarkdownTest, LinksGoThroughTheRewriter) {
  const std::string html =
      RenderHtml("[x](other.md#part) [y](https://example.com/a?b=1&c=2)", {},
                 [](std::string_view target) { return "/help/" + std::string(target) + "!"; });
  EXPECT_NE(html.find("href=\"/help/other.md#part!\""), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"/help/https://example.com/a?b=1&amp;c=2!\""), std::string::npos)
      << html;
}

TEST(MarkdownTest, SectionsAndPassages) {
  const std::string md =
      "Intro before the title.\n\n"
      "# Refunds\n\nAll payments are final. No refunds.\n\n"
      "## Steps\n\n1. Open **Home**.\n2. Choose [Cancel](cancel.md).\n\n"
      "### Prices\n\n| days | price |\n|---|---|\n| 60 | 100.00 |\n| 15 | 25.00 |\n\n"
      "<a id=\"x\"></a>\n## After\n\n```\ncode here\n```\n";
  const ParsedPage page = ParseMarkdown(md);
  EXPECT_EQ(page.title, "Refunds");
  EXPECT_EQ(page.summary, "Intro before the title.");
  ASSERT_EQ(page.sections.size(), 5u);
  EXPECT_EQ(page.sections[0].level, 0);
  EXPECT_EQ(page.sections[1].heading, "Refunds");
  EXPECT_EQ(page.sections[1].passages[0].markdown, "All payments are final. No refunds.");

  const DocSection& steps = page.sections[2];
  EXPECT_EQ(steps.heading, "Steps");
  EXPECT_EQ(steps.parents, std::vector<std::string>{"Refunds"});
  ASSERT_EQ(steps.passages.size(), 2u);
  EXPECT_EQ(steps.passages[0].kind, PassageKind::kListItem);
  EXPECT_EQ(steps.passages[0].text, "Open Home.");
  EXPECT_EQ(steps.passages[0].markdown, "1. Open **Home**.");
  EXPECT_EQ(steps.passages[1].markdown, "2. Choose [Cancel](cancel.md).");

  const DocSection& prices = page.sections[3];
  EXPECT_EQ(prices.parents, (std::vector<std::string>{"Refunds", "Steps"}));
  ASSERT_EQ(prices.passages.size(), 2u);  // body rows; the header is context
  EXPECT_EQ(prices.passages[1].kind, PassageKind::kTableRow);
  EXPECT_EQ(prices.passages[1].markdown, "| days | price |\n|---|---|\n| 15 | 25.00 |");
  EXPECT_NE(prices.text.find("days | price"), std::string::npos);

  const DocSection& after = page.sections[4];
  EXPECT_EQ(after.heading, "After");  // raw HTML is not a word of the heading or text
  ASSERT_EQ(after.passages.size(), 1u);
  EXPECT_EQ(after.passages[0].kind, PassageKind::kCode);
  EXPECT_EQ(after.passages[0].markdown, "```\ncode here\n```");
  EXPECT_EQ(page.sections[3].text.find("id="), std::string::npos);
}

TEST(MarkdownTest, AListItemIsOnePassageUpToItsNestedList) {
  const std::string md =
      "# Steps\n\n- Open **Billing**.\n\n  Then press Renew.\n  - a nested step\n- Done &amp; "
      "dusted.\n";
  const ParsedPage page = ParseMarkdown(md);
  ASSERT_EQ(page.sections.size(), 1u);
  const auto& passages = page.sections[0].passages;
  ASSERT_EQ(passages.size(), 3u);
  EXPECT_EQ(passages[0].kind, PassageKind::kListItem);
  EXPECT_EQ(passages[0].text, "Open Billing. Then press Renew.");
  EXPECT_EQ(passages[0].markdown, "- Open **Billing**.\n\n  Then press Renew.");
  EXPECT_EQ(passages[1].text, "a nested step");
  EXPECT_EQ(passages[2].text, "Done & dusted.");
}

// A how-to question is answered with a whole list of steps (ask.cpp): the list knows its items
// and its source, nested items included; lists inside a quote or another list are not steps.
TEST(MarkdownTest, TopLevelListsKnowTheirItemsAndSource) {
  const std::string md =
      "# Setup\n\nFirst read this.\n\n1. Install it.\n2. Run it:\n   - with `--demo`\n"
      "3. Open the page.\n\nThen enjoy.\n\n- a bullet\n- another\n\n> 1. quoted\n> 2. steps\n";
  const ParsedPage page = ParseMarkdown(md);
  ASSERT_EQ(page.sections.size(), 1u);
  const DocSection& s = page.sections[0];
  ASSERT_EQ(s.lists.size(), 2u);
  const ListBlock& steps = s.lists[0];
  EXPECT_TRUE(steps.ordered);
  EXPECT_EQ(steps.markdown, "1. Install it.\n2. Run it:\n   - with `--demo`\n3. Open the page.");
  ASSERT_EQ(steps.end_passage - steps.first_passage, 4u);  // 3 steps and the nested item
  EXPECT_EQ(s.passages[steps.first_passage].text, "Install it.");
  EXPECT_EQ(s.passages[steps.end_passage - 1].text, "Open the page.");
  EXPECT_EQ(s.passages[steps.end_passage].text, "Then enjoy.");
  const ListBlock& bullets = s.lists[1];
  EXPECT_FALSE(bullets.ordered);
  EXPECT_EQ(bullets.markdown, "- a bullet\n- another");
  EXPECT_EQ(bullets.end_passage - bullets.first_passage, 2u);
}

// The docs' side of the index splits identifiers, so a question in words finds them; the
// words themselves come first, as Words() has them.
TEST(TextTest, IndexWordsSplitIdentifiers) {
  EXPECT_EQ(IndexWords("Set maxRedirections, pg_dump and HTTPServer; a plain word, x_y."),
            (std::vector<std::string>{"set", "maxredirections", "max", "redirections", "pg_dump",
                                      "pg", "dump", "and", "httpserver", "http", "server", "a",
                                      "plain", "word", "x_y"}));
  EXPECT_EQ(IndexWords("getX onRequest"),
            (std::vector<std::string>{"getx", "onrequest", "on", "request"}));
  EXPECT_EQ(Words("maxRedirections pg_dump"),
            (std::vector<std::string>{"maxredirections", "pg_dump"}));
}

TEST(TextTest, Words) {
  EXPECT_EQ(
      Words("Don't pay 50.00 USD for 2FA, e-mail: Día!"),
      (std::vector<std::string>{"dont", "pay", "50.00", "usd", "for", "2fa", "e", "mail", "día"}));
  EXPECT_TRUE(IsStopword("how"));
  EXPECT_FALSE(IsStopword("refund"));
  EXPECT_EQ(Slugify("Step 1: Sign up & pay"), "step-1-sign-up--pay");
  EXPECT_EQ(Utf8Length("éé"), 2u);
  EXPECT_EQ(FirstSentence("Tenure is great. It works."), "Tenure is great.");
}

}  // namespace
}  // namespace tenure::search
