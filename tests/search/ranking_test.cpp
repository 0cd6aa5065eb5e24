// The help center's ranking (ranking.cpp): sections reranked by how much of the question they
// hold, then by how well their whole page matches it (issue 14 item 12).
#include <gtest/gtest.h>

#include "search/library.hpp"

namespace tenure::search {
namespace {

const LibraryOptions kOptions{.public_url = "https://help.example/"};

std::vector<std::string> Slugs(const std::vector<const Page*>& pages) {
  std::vector<std::string> out;
  for (const Page* p : pages) out.push_back(p->slug);
  return out;
}

// Two sections say the same words; the page whose other sections hold the rest of the
// question is the one about it. Without the page-level score the two tie, and the first page
// in reading order (alpha) would win.
TEST(RankingTest, APageHoldingTheRestOfTheQuestionWinsATie) {
  const std::vector<SourceFile> files = {
      {"alpha.md",
       "# Alpha\n\n## Keys\n\nRotate your keys from Settings.\n\n"
       "## Colours\n\nThe theme can be dark or light.\n"},
      {"beta.md",
       "# Beta\n\n## Keys\n\nRotate your keys from Settings.\n\n"
       "## Deliveries\n\nWebhooks are retried for a day.\n"},
  };
  const auto lib = Library::Build(files, kOptions);
  EXPECT_EQ(Slugs(lib->Search("rotate keys for webhooks", 2)),
            (std::vector<std::string>{"beta", "alpha"}));
  // A question the pages hold alike keeps the tie's order.
  EXPECT_EQ(Slugs(lib->Search("rotate keys", 2)), (std::vector<std::string>{"alpha", "beta"}));
}

// The page-level document has the summary as a field of its own: the page that opens by saying
// what it is about beats a page that mentions the word once further down, all else equal.
TEST(RankingTest, ThePageThatOpensWithTheSubjectRanksFirst) {
  const std::vector<SourceFile> files = {
      {"a.md",
       "# A\n\nThese notes cover many things.\n\n## Misc\n\nInvoices come monthly.\n\n"
       "## More\n\nExports are kept.\n"},
      {"b.md",
       "# B\n\nInvoices come monthly.\n\n## Misc\n\nThese notes cover many things.\n\n"
       "## More\n\nExports are kept.\n"},
  };
  const auto lib = Library::Build(files, kOptions);
  EXPECT_EQ(Slugs(lib->Search("invoices", 2)), (std::vector<std::string>{"b", "a"}));
}

// API docs name options as identifiers; people ask in words. The identifier asked for as
// written still finds it.
TEST(RankingTest, QuestionsInWordsFindIdentifiers) {
  const std::vector<SourceFile> files = {
      {"client.md",
       "# Client\n\n## Options\n\n- `bodyTimeout`: how long to wait for the response.\n"},
      {"pool.md", "# Pool\n\n## Options\n\n- `headersTimeout`: how long to wait for headers.\n"},
  };
  const auto lib = Library::Build(files, kOptions);
  EXPECT_EQ(Slugs(lib->Search("body timeout", 1)), std::vector<std::string>{"client"});
  EXPECT_EQ(Slugs(lib->Search("bodyTimeout", 1)), std::vector<std::string>{"client"});
}

}  // namespace
}  // namespace tenure::search
