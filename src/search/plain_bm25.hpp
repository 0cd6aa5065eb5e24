#pragma once
// The baseline the help center's ranking is measured against (issue 14 item 12: held-out
// evaluation "against plain BM25 on the same sets"): Xapian's BM25 with its default
// parameters over whole pages, and nothing more: no reranking, no synonyms, no title or
// heading boost, no phrases. It reads the same words as the real index (text.hpp's tokenizer
// and stopwords, Xapian's English stemmer, rendered text rather than raw Markdown), so a gap
// between the two figures is the ranking's doing, not the tokenizer's. Only the evaluation
// builds one; the product never does.
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "search/library.hpp"

namespace tenure::search {

class PlainBm25 {
 public:
  // Indexes `pages`, which must outlive this object (Search returns pointers into them).
  explicit PlainBm25(const std::vector<Page>& pages);
  ~PlainBm25();
  PlainBm25(const PlainBm25&) = delete;
  PlainBm25& operator=(const PlainBm25&) = delete;

  // The `limit` pages BM25 scores highest for the query's words (any of them), best first.
  std::vector<const Page*> Search(std::string_view query, size_t limit) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tenure::search
