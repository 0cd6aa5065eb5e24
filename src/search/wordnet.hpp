#pragma once
// English synonyms and irregular forms from Princeton WordNet 3.0, as Debian ships it
// (wordnet-base: /usr/share/wordnet; the file formats are wndb(5WN) and morph(7WN)). The help
// center reads it once per process (help_center.cpp) and expands a question's words the docs
// never use with the words that share their most frequent senses (query.cpp, issue 14 item
// 12): docs nobody here wrote say things in their own words.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenure::search {

// Where Debian's wordnet-base puts the database.
inline constexpr char kDebianWordNetDir[] = "/usr/share/wordnet";

class WordNet {
 public:
  // Reads index.{noun,verb,adj,adv}, data.{...} and {...}.exc from `dir` (about 0.3 s). An
  // error names the file that is missing or unreadable.
  static std::expected<WordNet, std::string> Load(const std::filesystem::path& dir);

  // The dictionary forms of a lowercase word, as WordNet's morphy finds them: the bases of an
  // irregular inflection ("paid" -> "pay", "children" -> "child"), the word itself when it is
  // one, and what removing a regular ending leaves when that is one ("connections" ->
  // "connection", "retries" -> "retry"). Empty for a word WordNet does not know.
  std::vector<std::string> Lemmas(std::string_view word) const;
  // The lemmas that share one of the first `senses` senses of `lemma` (in each part of speech;
  // WordNet lists a word's senses most frequent first): lowercase, the words of a collocation
  // separated by spaces ("call off"), without `lemma` itself, each once, in sense order.
  std::vector<std::string> Synonyms(std::string_view lemma, size_t senses) const;

  size_t LemmaCount() const { return lemmas_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr size_t kParts = 4;           // noun, verb, adj, adv
  uint32_t Find(std::string_view lemma) const;  // index into lemmas_, or kNone
  bool HasSenses(uint32_t lemma, size_t part) const;

  // Flat tables, for about 10 MB where maps of strings took 70 (148,000 lemmas).
  std::vector<std::string> lemmas_;  // sorted
  // The synsets of lemma l in part of speech p, most frequent first (the first few only):
  // senses_[sense_begin_[l * kParts + p] .. sense_begin_[l * kParts + p + 1]).
  std::vector<uint32_t> sense_begin_;
  std::vector<uint32_t> senses_;  // synset ids
  // The lemmas of synset s: members_[member_begin_[s] .. member_begin_[s + 1]).
  std::vector<uint32_t> member_begin_;
  std::vector<uint32_t> members_;
  std::vector<std::pair<std::string, uint32_t>> irregular_;  // sorted (inflected, base lemma)
};

}  // namespace tenure::search
