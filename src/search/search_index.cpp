#include "search/search_index.hpp"

#include <algorithm>
#include <stdexcept>

#include "search/synonyms.hpp"
#include "search/text.hpp"
#include "search/weights.hpp"

namespace tenure::search {
namespace {

// The boolean term of every section of a customer page (not under operators/): a customer's
// search keeps to them. Upper case: no stem ever is.
constexpr char kCustomerPageTerm[] = "XCUSTOMER";

std::vector<uint32_t> SortedUnique(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

void SearchIndex::Build(const std::vector<Page>& pages, std::shared_ptr<const WordNet> wordnet) {
  wordnet_ = std::move(wordnet);
  try {
    IndexPages(pages);
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("search index: " + e.get_description());
  }
  // After the pages, so each expression knows which of its stems the docs hold.
  AddSynonyms();
}

uint32_t SearchIndex::TermId(const std::string& stem) {
  auto [it, inserted] = term_ids_.emplace(stem, static_cast<uint32_t>(doc_freq_.size()));
  if (inserted) {
    doc_freq_.push_back(0);
    id_to_stem_.push_back(stem);
  }
  return it->second;
}

bool SearchIndex::Within(size_t inner, size_t outer) const {
  if (inner < outer || sections_[inner].page != sections_[outer].page) return false;
  // Sections are in page order: every one from outer to inner sits deeper than outer.
  for (size_t s = outer + 1; s <= inner; ++s)
    if (sections_[s].level <= sections_[outer].level) return false;
  return true;
}

uint32_t SearchIndex::LookupTerm(const std::string& stem) const {
  auto it = term_ids_.find(stem);
  return it == term_ids_.end() ? kUnknownTerm : it->second;
}

void SearchIndex::IndexPages(const std::vector<Page>& pages) {
  Xapian::Stem stem("english");
  std::unordered_map<std::string, std::string> stems;  // word -> stem, to stem each once
  auto terms_of = [&](std::string_view text) {
    std::vector<uint32_t> ids;
    for (const std::string& w : IndexWords(text)) {
      if (IsStopword(w)) continue;
      auto it = stems.find(w);
      if (it == stems.end()) it = stems.emplace(w, stem(w)).first;
      ids.push_back(TermId(it->second));
    }
    return ids;
  };
  for (size_t p = 0; p < pages.size(); ++p) {
    ParsedPage parsed = ParseMarkdown(pages[p].markdown);
    const std::vector<uint32_t> title_terms = terms_of(pages[p].title);
    // The page as one document: its title, summary, headings and text as fields of their own.
    // No positions (the sections' documents answer phrases): half the indexing work.
    Xapian::Document page_doc;
    auto add_to_page = [&](const std::vector<uint32_t>& ids, Xapian::termcount weight) {
      for (uint32_t id : ids) page_doc.add_term(id_to_stem_[id], weight);
    };
    std::vector<uint32_t> page_terms;
    add_to_page(title_terms, kWeights.page_title_term_weight);
    add_to_page(terms_of(pages[p].summary), kWeights.page_summary_term_weight);
    for (DocSection& section : parsed.sections) {
      IndexedSection data{.page = p,
                          .level = section.level,
                          .heading = section.level == 0 ? pages[p].title : section.heading,
                          .anchor = section.level <= 1 ? std::string() : section.anchor};
      std::vector<uint32_t> parent_terms;
      for (const auto& parent : section.parents)
        for (uint32_t id : terms_of(parent)) parent_terms.push_back(id);
      const std::vector<uint32_t> heading_terms = terms_of(section.heading);
      data.body_sequence = terms_of(section.text);
      for (const auto& passage : section.passages)
        data.passage_terms.push_back(terms_of(passage.text));
      data.passages = std::move(section.passages);
      data.lists = std::move(section.lists);

      std::vector<uint32_t> headings = title_terms;
      headings.insert(headings.end(), heading_terms.begin(), heading_terms.end());
      headings.insert(headings.end(), parent_terms.begin(), parent_terms.end());
      data.heading_terms = SortedUnique(headings);
      data.title_terms = SortedUnique(title_terms);
      headings.insert(headings.end(), data.body_sequence.begin(), data.body_sequence.end());
      data.all_terms = SortedUnique(std::move(headings));
      for (uint32_t id : data.all_terms) ++doc_freq_[id];

      // Xapian gets the same words, with positions for phrases; the title and headings
      // count more (weights.hpp).
      Xapian::Document doc;
      Xapian::termpos pos = 1;
      auto add = [&](const std::vector<uint32_t>& ids, Xapian::termcount weight) {
        for (uint32_t id : ids) doc.add_posting(id_to_stem_[id], pos++, weight);
        pos += kWeights.field_gap;
      };
      add(title_terms, kWeights.title_term_weight);
      add(parent_terms, kWeights.parent_heading_term_weight);
      add(heading_terms, kWeights.heading_term_weight);
      add(data.body_sequence, 1);
      if (!pages[p].for_operators) doc.add_boolean_term(kCustomerPageTerm);
      db_.add_document(doc);

      if (section.level > 1) add_to_page(heading_terms, kWeights.page_heading_term_weight);
      add_to_page(data.body_sequence, 1);
      page_terms.insert(page_terms.end(), data.all_terms.begin(), data.all_terms.end());
      sections_.push_back(std::move(data));
    }
    if (!pages[p].for_operators) page_doc.add_boolean_term(kCustomerPageTerm);
    pages_db_.add_document(page_doc);
    pages_.push_back({.all_terms = SortedUnique(std::move(page_terms)),
                      .title_terms = SortedUnique(title_terms)});
  }
  db_.commit();
  pages_db_.commit();
}

void SearchIndex::AddSynonyms() {
  Xapian::Stem stem("english");
  for (const auto& group : SynonymGroups()) {
    std::vector<Alternative> alternatives;
    for (std::string_view expression : group) {
      Alternative alt;
      std::vector<std::string> spelled;
      for (const std::string& w : Words(expression)) {
        spelled.push_back(stem(w));
        if (IsStopword(w)) continue;
        alt.stems.push_back(spelled.back());
        alt.terms.push_back(LookupTerm(spelled.back()));
      }
      if (spelled.empty()) continue;
      synonyms_.expressions.push_back({std::move(spelled), synonyms_.groups.size()});
      if (!alt.stems.empty()) alternatives.push_back(std::move(alt));
    }
    synonyms_.groups.push_back(std::move(alternatives));
  }
}

std::vector<std::pair<size_t, double>> SearchIndex::Candidates(const Xapian::Query& query,
                                                               uint32_t limit,
                                                               bool customers_only) const {
  return Match(db_, query, limit, customers_only);
}

std::vector<std::pair<size_t, double>> SearchIndex::PageCandidates(const Xapian::Query& query,
                                                                   uint32_t limit,
                                                                   bool customers_only) const {
  return Match(pages_db_, query, limit, customers_only);
}

std::vector<std::pair<size_t, double>> SearchIndex::Match(const Xapian::Database& db,
                                                          const Xapian::Query& query,
                                                          uint32_t limit,
                                                          bool customers_only) const {
  std::vector<std::pair<size_t, double>> out;
  try {
    std::lock_guard lock(xapian_mutex_);
    Xapian::Enquire enquire(db);
    enquire.set_query(customers_only ? Xapian::Query(Xapian::Query::OP_FILTER, query,
                                                     Xapian::Query(kCustomerPageTerm))
                                     : query);
    const Xapian::MSet mset = enquire.get_mset(0, limit);
    for (auto it = mset.begin(); it != mset.end(); ++it)
      out.emplace_back(static_cast<size_t>(*it - 1), it.get_weight());
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("search: " + e.get_description());
  }
  return out;
}

}  // namespace tenure::search
