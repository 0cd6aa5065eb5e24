#pragma once
// The search index of one Library: every section of every page (the text under one heading),
// twice over. As term ids, for our own matching (does a section hold this concept? this
// phrase?) and reranking; and as a Xapian document, whose BM25 picks the candidates. Both see
// the same words: our tokenizer (text.hpp) and Xapian's English stemmer. Built once, then
// read-only; the Xapian query itself is serialized (a Xapian database is not thread-safe).
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "search/library.hpp"
#include "search/markdown.hpp"
#include "search/wordnet.hpp"

namespace tenure::search {

// The id of a stem that no section holds: it matches nothing.
inline constexpr uint32_t kUnknownTerm = UINT32_MAX;

// One way to say something: one word, or a phrase of several.
struct Alternative {
  std::vector<uint32_t> terms;  // term ids, stopwords removed (kUnknownTerm when not indexed)
  std::vector<std::string> stems;
};

// One section of one page, as the matching and the answer see it.
struct IndexedSection {
  size_t page = 0;  // index into Library::Pages()
  int level = 0;    // of its heading, 1..6; 0 for text before the page's first heading
  std::string heading;
  std::string anchor;                   // "" for a page's top section
  std::vector<uint32_t> all_terms;      // sorted, unique: title, headings and body
  std::vector<uint32_t> heading_terms;  // sorted, unique: title and headings
  std::vector<uint32_t> title_terms;    // sorted, unique: the page title
  std::vector<uint32_t> body_sequence;  // in order, for phrases
  std::vector<Passage> passages;
  std::vector<std::vector<uint32_t>> passage_terms;  // per passage, in order
  std::vector<ListBlock> lists;                      // the section's top-level lists
};

// One page as a whole, for the page-level score that ranking.cpp combines with its best
// section's: a page whose sections hold the question between them is about it too.
struct IndexedPage {
  std::vector<uint32_t> all_terms;    // sorted, unique: every word of the page
  std::vector<uint32_t> title_terms;  // sorted, unique: the page title
};

// The product's vocabulary (synonyms.hpp), stemmed once at build.
struct SynonymTable {
  // One expression of a group, as the question's words must spell it: every word stemmed,
  // stopwords kept, so that "sign in" and "sign up" stay apart.
  struct Expression {
    std::vector<std::string> stems;
    size_t group = 0;  // index into `groups`
  };
  std::vector<std::vector<Alternative>> groups;  // the ways to say each concept
  std::vector<Expression> expressions;
};

class SearchIndex {
 public:
  // Indexes the pages' sections, in page order; a Xapian error becomes std::runtime_error.
  // `wordnet` (may be null) expands the questions' words (query.cpp).
  void Build(const std::vector<Page>& pages, std::shared_ptr<const WordNet> wordnet = nullptr);

  const std::vector<IndexedSection>& Sections() const { return sections_; }
  // Whether section `inner` is `outer` or under its heading (a subsection, at any depth).
  bool Within(size_t inner, size_t outer) const;
  const std::vector<IndexedPage>& Pages() const { return pages_; }  // as Library::Pages()
  const SynonymTable& Synonyms() const { return synonyms_; }
  const WordNet* Thesaurus() const { return wordnet_.get(); }  // null without WordNet
  // How many sections hold the term (for idf).
  uint32_t DocFreq(uint32_t term) const { return doc_freq_[term]; }
  // The id of a stem, or kUnknownTerm.
  uint32_t LookupTerm(const std::string& stem) const;

  // Xapian's best `limit` sections for the query, best first: (index into Sections(), BM25).
  // customers_only: sections of pages outside operators/ (Audience::kCustomers).
  std::vector<std::pair<size_t, double>> Candidates(const Xapian::Query& query, uint32_t limit,
                                                    bool customers_only = false) const;
  // The same over whole pages (title, summary, headings and text, each its own field; no
  // positions, so no phrases: query.hpp XapianQuery(..., false)): (index into Pages(), BM25).
  std::vector<std::pair<size_t, double>> PageCandidates(const Xapian::Query& query, uint32_t limit,
                                                        bool customers_only = false) const;

 private:
  uint32_t TermId(const std::string& stem);
  void IndexPages(const std::vector<Page>& pages);
  void AddSynonyms();
  std::vector<std::pair<size_t, double>> Match(const Xapian::Database& db,
                                               const Xapian::Query& query, uint32_t limit,
                                               bool customers_only) const;

  std::unordered_map<std::string, uint32_t> term_ids_;  // stem -> id
  std::vector<uint32_t> doc_freq_;                      // id -> sections holding it
  std::vector<std::string> id_to_stem_;
  std::vector<IndexedSection> sections_;  // Xapian docid - 1
  std::vector<IndexedPage> pages_;        // pages_db_'s docid - 1
  SynonymTable synonyms_;
  std::shared_ptr<const WordNet> wordnet_;
  mutable std::mutex xapian_mutex_;  // a Xapian::Database is not safe to share across threads
  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
  Xapian::WritableDatabase pages_db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
};

}  // namespace tenure::search
