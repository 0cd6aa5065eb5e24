#pragma once
// What the help-center evaluations share (eval_test.cpp: the tuning sets, heldout_eval_test.cpp:
// the held-out sets): a question with the page that answers it, scoring a ranking by top-1 and
// top-3 source accuracy, and loading a docs folder or a file of questions.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "search/library.hpp"

namespace tenure::search {

struct EvalCase {
  std::string question;
  std::string page;  // slug of the page that answers it
};

struct EvalScore {
  double top1 = 0;
  double top3 = 0;
};

// A ranking under test: the best `limit` pages for a question asked by `audience`, best first.
using Ranking = std::function<std::vector<const Page*>(std::string_view question, size_t limit,
                                                       Audience audience)>;

// Where a question is asked (issue 14 item 11): a question a seller's or operator's page
// answers is asked in their section, whose search covers every page; any other in the
// customers' help, which leaves the operators' pages out.
Audience AskedBy(const EvalCase& c);

// Our ranking (Library::Search) and the plain BM25 baseline (plain_bm25.hpp) over `lib`.
Ranking OurRanking(const Library& lib);
Ranking PlainBm25Ranking(const Library& lib);  // the returned function owns its index

// Scores `rank` on `cases` over `lib`'s pages, each asked where AskedBy says (or of every page
// when not `by_section`); prints each miss when `print_misses`, then one line "<name>: N
// questions, top-1 X, top-3 Y". Fails the test when a case names no page.
EvalScore Evaluate(const Library& lib, const std::vector<EvalCase>& cases, const Ranking& rank,
                   std::string_view name, bool print_misses, bool by_section = true);

// The docs of `dir`, searched as the product searches them: with Debian's WordNet, read once
// (EvalWordNet); a missing WordNet fails the test.
std::shared_ptr<const Library> LoadDocs(const std::filesystem::path& dir);
std::shared_ptr<const WordNet> EvalWordNet();

// A questions file: `question<TAB>slug` per line; blank lines and lines starting with '#'
// are skipped. A malformed line throws std::runtime_error naming the file and line.
std::vector<EvalCase> ReadQuestions(const std::filesystem::path& file);

}  // namespace tenure::search
