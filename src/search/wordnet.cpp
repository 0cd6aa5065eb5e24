#include "search/wordnet.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <tuple>
#include <unordered_map>

namespace tenure::search {
namespace {

constexpr std::array<std::string_view, 4> kPartNames = {"noun", "verb", "adj", "adv"};
// Senses kept per word and part of speech: question expansion reads the first one; a word's
// rarer senses are what makes WordNet noisy ("cancel" is also a musical natural).
constexpr size_t kMaxSenses = 2;

std::expected<std::string, std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Calls `line` for each line of `text` but the license header's (those start with a space).
template <typename F>
void ForEachLine(std::string_view text, F line) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.front() != ' ') line(l);
    start = end + 1;
  }
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename T>
bool Number(std::string_view field, T& out, int base = 10) {
  const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), out, base);
  return ec == std::errc() && ptr == field.data() + field.size();
}

// A lemma as the help center spells it: lowercase, words separated by spaces, without an
// adjective's syntactic marker ("outback(a)" -> "outback").
std::string Spelled(std::string_view lemma) {
  if (const size_t paren = lemma.find('('); paren != std::string_view::npos)
    lemma = lemma.substr(0, paren);
  std::string out;
  out.reserve(lemma.size());
  for (char c : lemma)
    out.push_back(c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// One line of an index file: a lemma's first synsets in one part of speech.
struct IndexEntry {
  std::string lemma;
  size_t part = 0;
  std::vector<uint32_t> offsets;  // into the part's data file, most frequent sense first
};

// index.pos: lemma pos synset_cnt p_cnt [ptr_symbol]... sense_cnt tagsense_cnt offset...
void ReadIndex(std::string_view text, size_t part, std::vector<IndexEntry>& out) {
  ForEachLine(text, [&](std::string_view line) {
    const auto f = Fields(line);
    size_t synsets = 0, pointers = 0;
    if (f.size() < 4 || !Number(f[2], synsets) || !Number(f[3], pointers)) return;
    const size_t first = 4 + pointers + 2;
    if (f.size() < first + synsets) return;
    IndexEntry entry{.lemma = Spelled(f[0]), .part = part, .offsets = {}};
    for (size_t i = 0; i < synsets && i < kMaxSenses; ++i) {
      uint32_t offset = 0;
      if (!Number(f[first + i], offset)) return;
      entry.offsets.push_back(offset);
    }
    out.push_back(std::move(entry));
  });
}

}  // namespace

std::expected<WordNet, std::string> WordNet::Load(const std::filesystem::path& dir) {
  std::array<std::string, kParts> data;
  std::vector<IndexEntry> entries;
  for (size_t part = 0; part < kParts; ++part) {
    const std::string name(kPartNames[part]);
    const auto index = ReadFile(dir / ("index." + name));
    if (!index) return std::unexpected(index.error());
    ReadIndex(*index, part, entries);
    auto text = ReadFile(dir / ("data." + name));
    if (!text) return std::unexpected(text.error());
    data[part] = std::move(*text);
  }

  WordNet wn;
  for (const IndexEntry& e : entries) wn.lemmas_.push_back(e.lemma);
  std::sort(wn.lemmas_.begin(), wn.lemmas_.end());
  wn.lemmas_.erase(std::unique(wn.lemmas_.begin(), wn.lemmas_.end()), wn.lemmas_.end());

  // Each lemma's senses, numbering the synsets they name as they come.
  std::unordered_map<uint64_t, uint32_t> synset_ids;   // (part << 32 | offset) -> id
  std::vector<std::pair<size_t, uint32_t>> synset_at;  // id -> (part, offset)
  std::sort(entries.begin(), entries.end(), [&](const IndexEntry& a, const IndexEntry& b) {
    return std::tie(a.lemma, a.part) < std::tie(b.lemma, b.part);
  });
  wn.sense_begin_.assign(wn.lemmas_.size() * kParts + 1, 0);
  size_t next = 0;
  for (size_t slot = 0; slot + 1 < wn.sense_begin_.size(); ++slot) {
    wn.sense_begin_[slot] = static_cast<uint32_t>(wn.senses_.size());
    const std::string& lemma = wn.lemmas_[slot / kParts];
    for (; next < entries.size() && entries[next].lemma == lemma &&
           entries[next].part == slot % kParts;
         ++next) {
      for (uint32_t offset : entries[next].offsets) {
        const uint64_t key = (static_cast<uint64_t>(slot % kParts) << 32) | offset;
        auto [it, added] = synset_ids.emplace(key, static_cast<uint32_t>(synset_at.size()));
        if (added) synset_at.emplace_back(slot % kParts, offset);
        wn.senses_.push_back(it->second);
      }
    }
  }
  wn.sense_begin_.back() = static_cast<uint32_t>(wn.senses_.size());

  // data.pos, at each synset's byte offset: offset lex_filenum ss_type w_cnt(hex) [word
  // lex_id]... (wndb(5WN)).
  wn.member_begin_.reserve(synset_at.size() + 1);
  for (const auto& [part, offset] : synset_at) {
    wn.member_begin_.push_back(static_cast<uint32_t>(wn.members_.size()));
    const std::string& text = data[part];
    if (offset >= text.size()) continue;
    const size_t end = text.find('\n', offset);
    const auto f = Fields(std::string_view(text).substr(offset, end - offset));
    size_t words = 0;
    if (f.size() < 4 || !Number(f[3], words, 16) || f.size() < 4 + 2 * words) continue;
    for (size_t i = 0; i < words; ++i)
      if (const uint32_t lemma = wn.Find(Spelled(f[4 + 2 * i])); lemma != kNone)
        wn.members_.push_back(lemma);
  }
  wn.member_begin_.push_back(static_cast<uint32_t>(wn.members_.size()));

  // pos.exc: inflected base [base]...
  for (std::string_view part : kPartNames) {
    const auto text = ReadFile(dir / (std::string(part) + ".exc"));
    if (!text) return std::unexpected(text.error());
    ForEachLine(*text, [&](std::string_view line) {
      const auto f = Fields(line);
      for (size_t i = 1; i < f.size(); ++i)
        if (const uint32_t base = wn.Find(Spelled(f[i])); base != kNone)
          wn.irregular_.emplace_back(Spelled(f[0]), base);
    });
  }
  std::sort(wn.irregular_.begin(), wn.irregular_.end());
  wn.irregular_.erase(std::unique(wn.irregular_.begin(), wn.irregular_.end()), wn.irregular_.end());
  return wn;
}

uint32_t WordNet::Find(std::string_view lemma) const {
  const auto it = std::lower_bound(lemmas_.begin(), lemmas_.end(), lemma);
  return it != lemmas_.end() && *it == lemma ? static_cast<uint32_t>(it - lemmas_.begin()) : kNone;
}

bool WordNet::HasSenses(uint32_t lemma, size_t part) const {
  return sense_begin_[lemma * kParts + part] < sense_begin_[lemma * kParts + part + 1];
}

std::vector<std::string> WordNet::Lemmas(std::string_view word) const {
  // morph(7WN)'s detachment rules: an ending and what replaces it, for nouns, verbs and
  // adjectives; a result counts only when it is a lemma of that part of speech.
  using Rules = std::vector<std::pair<std::string_view, std::string_view>>;
  static const std::array<Rules, 3> kEndings = {
      Rules{{"s", ""},
            {"ses", "s"},
            {"xes", "x"},
            {"zes", "z"},
            {"ches", "ch"},
            {"shes", "sh"},
            {"men", "man"},
            {"ies", "y"}},
      Rules{{"s", ""},
            {"ies", "y"},
            {"es", "e"},
            {"es", ""},
            {"ed", "e"},
            {"ed", ""},
            {"ing", "e"},
            {"ing", ""}},
      Rules{{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}}};
  std::vector<uint32_t> found;
  auto add = [&](uint32_t lemma) {
    if (lemma != kNone && std::find(found.begin(), found.end(), lemma) == found.end())
      found.push_back(lemma);
  };
  const auto irregular = std::equal_range(
      irregular_.begin(), irregular_.end(), std::pair<std::string, uint32_t>(word, 0),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto it = irregular.first; it != irregular.second; ++it) add(it->second);
  add(Find(word));
  for (size_t part = 0; part < kEndings.size(); ++part) {
    for (const auto& [ending, replacement] : kEndings[part]) {
      if (word.size() <= ending.size() + 1 || !word.ends_with(ending)) continue;
      std::string base(word.substr(0, word.size() - ending.size()));
      base += replacement;
      const uint32_t lemma = Find(base);
      if (lemma != kNone && HasSenses(lemma, part)) add(lemma);
    }
  }
  std::vector<std::string> out;
  out.reserve(found.size());
  for (uint32_t lemma : found) out.push_back(lemmas_[lemma]);
  return out;
}

std::vector<std::string> WordNet::Synonyms(std::string_view lemma, size_t senses) const {
  std::vector<std::string> out;
  const uint32_t self = Find(lemma);
  if (self == kNone) return out;
  for (size_t rank = 0; rank < senses; ++rank) {
    for (size_t part = 0; part < kParts; ++part) {
      const uint32_t begin = sense_begin_[self * kParts + part];
      if (begin + rank >= sense_begin_[self * kParts + part + 1]) continue;
      const uint32_t synset = senses_[begin + rank];
      for (uint32_t m = member_begin_[synset]; m < member_begin_[synset + 1]; ++m) {
        const std::string& other = lemmas_[members_[m]];
        if (members_[m] != self && std::find(out.begin(), out.end(), other) == out.end())
          out.push_back(other);
      }
    }
  }
  return out;
}

}  // namespace tenure::search
