#pragma once
// A question, as the search understands it: the concepts it asks about, each weighted by how
// rare it is in the docs (idf), and the Xapian query that finds the sections holding them.
// Also where a concept occurs: in a section's set of terms, or in a run of text.
#include <xapian.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "search/search_index.hpp"

namespace tenure::search {

// One thing the question asks about; matching any alternative matches the concept. A word of
// the synonym table brings its whole group; a quoted part is one phrase.
struct Concept {
  std::vector<Alternative> alternatives;
  double idf = 0;
};

// The question's concepts, in the question's order, each once; stopwords carry none.
std::vector<Concept> Concepts(const SearchIndex& index, std::string_view question);

// Whether the question asks how to do something ("how do I cancel", "how can we add a seat",
// "how to reset", "what are the steps"), which the docs answer with steps (ask.cpp), rather
// than what something is or how it works ("how does renewal work", "how long is the grace").
bool AsksHowTo(std::string_view question);

// OR of the concepts, each an OP_SYNONYM of its alternatives (a phrase for several words, or
// with `phrases` false all of them anywhere: the page-level index keeps no positions);
// alternatives with a stem the docs lack are left out. An empty query when nothing is left.
Xapian::Query XapianQuery(const std::vector<Concept>& concepts, bool phrases = true);

// Every term of some alternative is in `sorted_terms` (in any order).
bool ConceptInSet(const Concept& c, const std::vector<uint32_t>& sorted_terms);
// Some alternative occurs in `sequence`: its word, or its words in a row.
bool ConceptInSequence(const Concept& c, const std::vector<uint32_t>& sequence);

}  // namespace tenure::search
