// The help eval's baseline (plain_bm25.hpp) is what it says: BM25 over whole pages, without
// the product's synonyms or title boost, so the figures printed beside ours mean something.
#include "search/plain_bm25.hpp"

#include <gtest/gtest.h>

#include "search/library.hpp"

namespace tenure::search {
namespace {

std::shared_ptr<const Library> TwoPages() {
  return Library::Build(
      {{"refunds.md", "# Refunds\n\nWe reimburse you within 14 days.\n"},
       {"cancelling.md",
        "# Cancelling\n\nPress Cancel on Home. No refund is given for the days left; refund "
        "questions go to support.\n"}},
      {});
}

std::vector<std::string> Slugs(const std::vector<const Page*>& pages) {
  std::vector<std::string> out;
  for (const Page* p : pages) out.push_back(p->slug);
  return out;
}

TEST(PlainBm25Test, TitleWordsCountLikeAnyOther) {
  const auto lib = TwoPages();
  const PlainBm25 bm25(lib->Pages());
  // "refund" twice in the body beats "Refunds" once in the title: no title boost.
  EXPECT_EQ(Slugs(bm25.Search("refund", 3)), (std::vector<std::string>{"cancelling", "refunds"}));
  EXPECT_EQ(Slugs(bm25.Search("refund", 1)), (std::vector<std::string>{"cancelling"}));
}

TEST(PlainBm25Test, NoSynonymsAndNothingForStopwords) {
  const auto lib = TwoPages();
  const PlainBm25 bm25(lib->Pages());
  // The product's synonyms take "money back" to the refunds page; the baseline has none.
  ASSERT_FALSE(lib->Search("money back", 3).empty());
  EXPECT_EQ(lib->Search("money back", 3).front()->slug, "refunds");
  EXPECT_TRUE(bm25.Search("money back", 3).empty());
  EXPECT_TRUE(bm25.Search("how do I", 3).empty());
  EXPECT_EQ(Slugs(bm25.Search("reimbursed", 3)), (std::vector<std::string>{"refunds"}));
}

}  // namespace
}  // namespace tenure::search
