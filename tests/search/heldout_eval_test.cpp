// The held-out help-center evaluation (issue 14 item 12). eval_test.cpp's questions tuned the
// ranking (weights.hpp) that they measure; these did not: two Markdown doc sets nobody on the
// team wrote (fastify's and undici's, npm devDependencies pinned in package.json, MIT), with
// questions in users' words written before any search was run with them
// (tests/search/heldout/*.tsv). Never tune on them: they say how the ranking does on docs it
// has not seen. Each set prints top-1 / top-3 for our ranking and for plain BM25
// (plain_bm25.hpp) on the same pages; the floors guard our ranking against regressions and sit
// a little under its last measurement (when the sets were added, then after issue 14 item
// 12's retrieval changes: each measured once at the end, never tuned on).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "eval_support.hpp"

namespace tenure::search {
namespace {

const std::filesystem::path kQuestions = TENURE_SOURCE_DIR "/tests/search/heldout";
const std::filesystem::path kNodeModules = TENURE_SOURCE_DIR "/node_modules";

struct HeldOutSet {
  std::string name;
  std::filesystem::path docs;       // the folder whose *.md are the pages
  std::filesystem::path questions;  // its questions file
  size_t min_pages;
};

struct Figures {
  EvalScore ours;
  EvalScore plain;
};

// Loads the set, checks it is whole, and prints both rankings' figures.
Figures Measure(const HeldOutSet& set) {
  EXPECT_TRUE(std::filesystem::is_directory(set.docs))
      << set.docs << " is missing: run `npm ci` (scripts/install-deps does)";
  if (!std::filesystem::is_directory(set.docs)) return {};
  const std::vector<EvalCase> cases = ReadQuestions(set.questions);
  EXPECT_GE(cases.size(), 40u) << set.questions;
  const auto lib = LoadDocs(set.docs);
  EXPECT_GE(lib->Pages().size(), set.min_pages) << set.docs;
  Figures f;
  f.ours = Evaluate(*lib, cases, OurRanking(*lib), set.name, true);
  f.plain = Evaluate(*lib, cases, PlainBm25Ranking(*lib), set.name + ", plain BM25", false);
  ::testing::Test::RecordProperty("top1", std::to_string(f.ours.top1));
  ::testing::Test::RecordProperty("top3", std::to_string(f.ours.top3));
  ::testing::Test::RecordProperty("plain_bm25_top1", std::to_string(f.plain.top1));
  ::testing::Test::RecordProperty("plain_bm25_top3", std::to_string(f.plain.top3));
  return f;
}

TEST(HeldOutEvalTest, FastifyDocs) {
  const Figures f = Measure({.name = "fastify docs (held out)",
                             .docs = kNodeModules / "fastify/docs",
                             .questions = kQuestions / "fastify.tsv",
                             .min_pages = 40});
  if (HasFailure()) return;
  // Measured when the set was added (62 questions): ours top-1 0.597, top-3 0.823; plain BM25
  // 0.516 / 0.726. After issue 14 item 12's changes (measured once, nothing changed after):
  // the same 0.597 / 0.823. A floor is one question under ours, against regressions.
  EXPECT_GE(f.ours.top1, 0.58);
  EXPECT_GE(f.ours.top3, 0.80);
}

TEST(HeldOutEvalTest, UndiciDocs) {
  const Figures f = Measure({.name = "undici docs (held out)",
                             .docs = kNodeModules / "undici/docs/docs",
                             .questions = kQuestions / "undici.tsv",
                             .min_pages = 40});
  if (HasFailure()) return;
  // Measured when the set was added (54 questions): ours top-1 0.574, top-3 0.796; plain BM25
  // 0.593 / 0.815, ahead of ours then. After issue 14 item 12's changes (measured once, nothing
  // changed after): ours 0.630 / 0.833. A floor is one question under ours, against regressions.
  EXPECT_GE(f.ours.top1, 0.61);
  EXPECT_GE(f.ours.top3, 0.81);
}

// The loader refuses a malformed line instead of scoring a question against a wrong page.
TEST(HeldOutEvalTest, QuestionsFileFormat) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "tenure_heldout_format_test.tsv";
  {
    std::ofstream out(file);
    out << "# a comment\n\nhow do I x\tpage/a\n";
  }
  const auto cases = ReadQuestions(file);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].question, "how do I x");
  EXPECT_EQ(cases[0].page, "page/a");
  {
    std::ofstream out(file);
    out << "a question without its page\n";
  }
  EXPECT_THROW(ReadQuestions(file), std::runtime_error);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace tenure::search
