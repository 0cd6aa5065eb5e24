#include "search/plain_bm25.hpp"

#include <xapian.h>

#include <stdexcept>
#include <string>

#include "search/markdown.hpp"
#include "search/text.hpp"

namespace tenure::search {

struct PlainBm25::Impl {
  const std::vector<Page>* pages = nullptr;
  Xapian::Stem stem{"english"};
  Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};

  // Every word that is no stopword, stemmed: the terms of a page and of a question alike.
  std::vector<std::string> Terms(std::string_view text) const {
    std::vector<std::string> out;
    for (const std::string& w : Words(text))
      if (!IsStopword(w)) out.push_back(stem(w));
    return out;
  }
};

PlainBm25::PlainBm25(const std::vector<Page>& pages) : impl_(std::make_unique<Impl>()) {
  impl_->pages = &pages;
  try {
    for (const Page& page : pages) {
      // The page's words once each where they stand: a title is as much a word as any other.
      const ParsedPage parsed = ParseMarkdown(page.markdown);
      std::string text = parsed.title.empty() ? page.title + "\n" : std::string();
      for (const DocSection& s : parsed.sections) text += s.heading + "\n" + s.text + "\n";
      Xapian::Document doc;
      for (const std::string& term : impl_->Terms(text)) doc.add_term(term);
      impl_->db.add_document(doc);  // docid = index into pages + 1
    }
    impl_->db.commit();
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("plain BM25 index: " + e.get_description());
  }
}

PlainBm25::~PlainBm25() = default;

std::vector<const Page*> PlainBm25::Search(std::string_view query, size_t limit) const {
  const std::vector<std::string> terms = impl_->Terms(query);
  std::vector<const Page*> out;
  if (terms.empty() || limit == 0) return out;
  try {
    Xapian::Enquire enquire(impl_->db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    enquire.set_weighting_scheme(Xapian::BM25Weight());  // the default, said out loud
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back(&(*impl_->pages)[*it - 1]);
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("plain BM25 search: " + e.get_description());
  }
  return out;
}

}  // namespace tenure::search
