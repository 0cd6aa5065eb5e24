#include "search/ranking.hpp"

#include <algorithm>
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

}  // namespace

std::vector<RankedSection> RankSections(const SearchIndex& index,
                                        const std::vector<Concept>& concepts, Audience audience) {
  const Xapian::Query query = XapianQuery(concepts);
  if (query.empty()) return {};
  std::vector<RankedSection> ranked;
  for (const auto& [section, bm25] :
       index.Candidates(query, kWeights.candidates, audience == Audience::kCustomers))
    ranked.push_back({.section = section, .score = bm25});
  // Rerank: a section that holds more of the question's concepts beats one that repeats one
  // of them often; a page whose title names the question's subject is the page about it.
  for (auto& r : ranked) {
    const auto [coverage, in_title] = Coverage(concepts, index.Sections()[r.section]);
    r.coverage = coverage;
    r.score *= kWeights.rerank_base + coverage + kWeights.rerank_title * in_title;
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
