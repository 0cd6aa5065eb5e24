#include "search/ranking.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "search/weights.hpp"

namespace tenure::search {
namespace {

// Shares of the question's weight found in the section, and in its page's title.
std::pair<double, double> Coverage(const std::vector<Concept>& concepts, const IndexedSection& s) {
  double total = 0, matched = 0, in_title = 0;
  for (const auto& c : concepts) {
    total += c.idf;
    if (ConceptInSequence(c, s.body_sequence) || ConceptInSet(c, s.heading_terms)) matched += c.idf;
    if (ConceptInSet(c, s.title_terms)) in_title += c.idf;
  }
  return total > 0 ? std::pair{matched / total, in_title / total} : std::pair{0.0, 0.0};
}

// The rerank multiplier of a whole page, as a section's below: the shares of the question it
// holds anywhere (a phrase when all its words are somewhere on the page) and in its title.
double PageMultiplier(const std::vector<Concept>& concepts, const IndexedPage& p) {
  double total = 0, matched = 0, in_title = 0;
  for (const auto& c : concepts) {
    total += c.idf;
    if (ConceptInSet(c, p.all_terms)) matched += c.idf;
    if (ConceptInSet(c, p.title_terms)) in_title += c.idf;
  }
  if (total <= 0) return 0;
  return kWeights.rerank_base + matched / total + kWeights.rerank_title * in_title / total;
}

}  // namespace

std::vector<RankedSection> RankSections(const SearchIndex& index,
                                        const std::vector<Concept>& concepts, Audience audience) {
  const Xapian::Query query = XapianQuery(concepts);
  if (query.empty()) return {};
  const bool customers = audience == Audience::kCustomers;
  std::vector<RankedSection> ranked;
  for (const auto& [section, bm25] : index.Candidates(query, kWeights.candidates, customers))
    ranked.push_back({.section = section, .score = bm25});
  // Rerank: a section that holds more of the question's concepts beats one that repeats one
  // of them often; a page whose title names the question's subject is the page about it.
  for (auto& r : ranked) {
    const auto [coverage, in_title] = Coverage(concepts, index.Sections()[r.section]);
    r.coverage = coverage;
    r.score *= kWeights.rerank_base + coverage + kWeights.rerank_title * in_title;
  }
  // The page-level score, reranked the same way, combined with each of the page's sections.
  std::unordered_map<size_t, double> page_score;
  double best_page = 0;
  for (const auto& [page, bm25] : index.PageCandidates(XapianQuery(concepts, /*phrases=*/false),
                                                       kWeights.page_candidates, customers)) {
    const double score = bm25 * PageMultiplier(concepts, index.Pages()[page]);
    page_score[page] = score;
    best_page = std::max(best_page, score);
  }
  if (best_page > 0) {
    for (auto& r : ranked) {
      auto it = page_score.find(index.Sections()[r.section].page);
      if (it != page_score.end()) r.score *= 1 + kWeights.page_share * it->second / best_page;
    }
  }
  std::stable_sort(
      ranked.begin(), ranked.end(),
      [](const RankedSection& a, const RankedSection& b) { return a.score > b.score; });
  return ranked;
}

std::vector<RankedPage> RankPages(const SearchIndex& index,
                                  const std::vector<RankedSection>& sections) {
  std::vector<RankedPage> out;
  std::unordered_set<size_t> seen;
  for (const auto& r : sections) {
    const size_t page = index.Sections()[r.section].page;
    if (seen.insert(page).second) out.push_back({.page = page, .score = r.score});
  }
  return out;
}

}  // namespace tenure::search
