#pragma once
// Ranking: Xapian's BM25 picks candidate sections, then we rerank them by how much of the
// question each holds, and by how well their whole page matches it (weights.hpp says by how
// much). Pages rank by their best section.
#include <cstddef>
#include <vector>

#include "search/query.hpp"
#include "search/search_index.hpp"

namespace tenure::search {

struct RankedSection {
  size_t section = 0;  // index into SearchIndex::Sections()
  double score = 0;
  double coverage = 0;  // share of the question's idf the section holds, 0..1
};

struct RankedPage {
  size_t page = 0;  // index into Library::Pages()
  double score = 0;
};

// The sections that hold any of the concepts, best first.
std::vector<RankedSection> RankSections(const SearchIndex& index,
                                        const std::vector<Concept>& concepts,
                                        Audience audience = Audience::kEveryone);
// Each page once, at its best section's place and score.
std::vector<RankedPage> RankPages(const SearchIndex& index,
                                  const std::vector<RankedSection>& sections);

}  // namespace tenure::search
