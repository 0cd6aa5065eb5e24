#include "search/query.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>
#include <string>

#include "search/text.hpp"
#include "search/weights.hpp"

namespace tenure::search {
namespace {

bool ContainsSequence(const std::vector<uint32_t>& haystack, const std::vector<uint32_t>& needle) {
  if (needle.empty() || needle.size() > haystack.size()) return false;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

bool SortedContains(const std::vector<uint32_t>& sorted, uint32_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

// Collects the concepts of one question, each once, with its idf.
class ConceptList {
 public:
  explicit ConceptList(const SearchIndex& index) : index_(index) {}

  void Add(std::vector<Alternative> alternatives) {
    // The same concept asked twice ("refund ... money back") counts once.
    std::vector<std::string> key;
    for (const auto& a : alternatives) {
      std::string joined;
      for (const auto& s : a.stems) joined += s + " ";
      key.push_back(joined);
    }
    std::sort(key.begin(), key.end());
    if (!seen_.insert(key).second) return;
    Concept c{.alternatives = std::move(alternatives)};
    // BM25's idf, with the concept found in as many sections as its most common alternative
    // (an alternative's sections: those of its rarest word).
    const double n = static_cast<double>(std::max<size_t>(index_.Sections().size(), 1));
    double df = 0;
    for (const auto& a : c.alternatives) {
      double alt_df = n;
      for (uint32_t id : a.terms)
        alt_df =
            std::min(alt_df, id == kUnknownTerm ? 0.0 : static_cast<double>(index_.DocFreq(id)));
      df = std::max(df, alt_df);
    }
    c.idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    concepts_.push_back(std::move(c));
  }

  std::vector<Concept> Take() { return std::move(concepts_); }

 private:
  const SearchIndex& index_;
  std::vector<Concept> concepts_;
  std::set<std::vector<std::string>> seen_;
};

}  // namespace

std::vector<Concept> Concepts(const SearchIndex& index, std::string_view question) {
  Xapian::Stem stem("english");
  ConceptList concepts(index);
  auto alternative = [&](const std::vector<std::string>& words) {
    Alternative a;
    for (const auto& w : words) {
      if (IsStopword(w)) continue;
      a.stems.push_back(stem(w));
      a.terms.push_back(index.LookupTerm(a.stems.back()));
    }
    return a;
  };
  const SynonymTable& synonyms = index.Synonyms();
  // A word, and with WordNet its dictionary forms ("paid": "pay") and, when the docs never
  // use it, the words that share its most frequent senses: a phrase only when its words are
  // all in the docs and none is a stopword (a stopword would leave a different phrase), and
  // no word of one or two letters (WordNet's abbreviations and symbols: "hundred" is "c").
  const WordNet* wordnet = index.Thesaurus();
  auto word_concept = [&](const std::string& word) {
    std::vector<Alternative> alternatives{alternative({word})};
    if (wordnet == nullptr) return alternatives;
    const bool docs_use_it = alternatives[0].terms[0] != kUnknownTerm;
    auto add = [&](const std::string& expression) {
      const std::vector<std::string> words = Words(expression);
      if (words.empty() || std::any_of(words.begin(), words.end(), [](const std::string& w) {
            return IsStopword(w) || w.size() < 3;
          }))
        return;
      Alternative a = alternative(words);
      if (std::find(a.terms.begin(), a.terms.end(), kUnknownTerm) != a.terms.end()) return;
      for (const Alternative& had : alternatives)
        if (had.stems == a.stems) return;
      alternatives.push_back(std::move(a));
    };
    for (const std::string& lemma : wordnet->Lemmas(word)) {
      add(lemma);
      if (!docs_use_it)
        for (const std::string& synonym : wordnet->Synonyms(lemma, kWeights.wordnet_senses))
          add(synonym);
    }
    return alternatives;
  };

  // Quoted parts are phrases; the rest is words, matched against the synonym table first.
  size_t start = 0;
  bool quoted = false;
  while (start <= question.size()) {
    size_t end = question.find('"', start);
    if (end == std::string_view::npos) end = question.size();
    const std::vector<std::string> words = Words(question.substr(start, end - start));
    if (quoted) {
      Alternative a = alternative(words);
      if (!a.stems.empty()) concepts.Add({std::move(a)});
    } else {
      std::vector<std::string> word_stems;
      word_stems.reserve(words.size());
      for (const auto& w : words) word_stems.push_back(stem(w));
      for (size_t i = 0; i < words.size();) {
        // The longest expression of the table that the words spell from here.
        size_t best_len = 0, best_group = 0;
        for (const SynonymTable::Expression& e : synonyms.expressions) {
          if (e.stems.size() <= best_len || i + e.stems.size() > words.size()) continue;
          if (std::equal(e.stems.begin(), e.stems.end(),
                         word_stems.begin() + static_cast<long>(i))) {
            best_len = e.stems.size();
            best_group = e.group;
          }
        }
        if (best_len > 0 && !synonyms.groups[best_group].empty()) {
          concepts.Add(synonyms.groups[best_group]);
          i += best_len;
          continue;
        }
        if (!IsStopword(words[i])) concepts.Add(word_concept(words[i]));
        ++i;
      }
    }
    quoted = !quoted;
    start = end + 1;
  }
  return concepts.Take();
}

bool AsksHowTo(std::string_view question) {
  const std::vector<std::string> words = Words(question);
  // "how does it work", "how do refunds work": an explanation, not steps.
  if (!words.empty() && (words.back() == "work" || words.back() == "works")) return false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "steps" || words[i] == "instructions") return true;
    if (words[i] != "how" || i + 1 == words.size()) continue;
    static constexpr std::string_view kAsking[] = {"do", "can", "could", "should", "would",
                                                   "to", "may", "might", "must",   "shall"};
    if (std::find(std::begin(kAsking), std::end(kAsking), words[i + 1]) != std::end(kAsking))
      return true;
  }
  return false;
}

Xapian::Query XapianQuery(const std::vector<Concept>& concepts, bool phrases) {
  std::vector<Xapian::Query> parts;
  for (const auto& c : concepts) {
    std::vector<Xapian::Query> alts;
    for (const auto& a : c.alternatives) {
      if (std::find(a.terms.begin(), a.terms.end(), kUnknownTerm) != a.terms.end()) continue;
      if (a.stems.size() == 1) {
        alts.emplace_back(a.stems[0]);
      } else if (phrases) {
        alts.emplace_back(Xapian::Query::OP_PHRASE, a.stems.begin(), a.stems.end(),
                          static_cast<Xapian::termcount>(a.stems.size() + 1));
      } else {
        alts.emplace_back(Xapian::Query::OP_AND, a.stems.begin(), a.stems.end());
      }
    }
    if (alts.empty()) continue;
    parts.push_back(alts.size() == 1
                        ? alts[0]
                        : Xapian::Query(Xapian::Query::OP_SYNONYM, alts.begin(), alts.end()));
  }
  if (parts.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

bool ConceptInSet(const Concept& c, const std::vector<uint32_t>& sorted_terms) {
  for (const auto& a : c.alternatives) {
    if (a.terms.size() == 1) {
      if (a.terms[0] != kUnknownTerm && SortedContains(sorted_terms, a.terms[0])) return true;
      continue;
    }
    const bool all = std::all_of(a.terms.begin(), a.terms.end(), [&](uint32_t id) {
      return id != kUnknownTerm && SortedContains(sorted_terms, id);
    });
    if (all) return true;
  }
  return false;
}

bool ConceptInSequence(const Concept& c, const std::vector<uint32_t>& sequence) {
  for (const auto& a : c.alternatives) {
    if (a.terms.size() == 1) {
      if (a.terms[0] != kUnknownTerm &&
          std::find(sequence.begin(), sequence.end(), a.terms[0]) != sequence.end())
        return true;
    } else if (ContainsSequence(sequence, a.terms)) {
      return true;
    }
  }
  return false;
}

}  // namespace tenure::search
