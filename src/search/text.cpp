#include "search/text.hpp"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <iterator>

namespace tenure::search {
namespace {

bool IsApostrophe(unsigned ch) { return ch == '\'' || ch == 0x2019; }

// Sorted for binary search. Question words are here on purpose: "how do I cancel" is about
// "cancel". Negations ("not", "no") are kept out of the index too: BM25 would ignore them anyway.
constexpr std::string_view kStopwords[] = {
    "a",        "about",  "after",   "again",   "all",    "also",     "am",       "an",
    "and",      "any",    "anyone",  "are",     "as",     "at",       "be",       "been",
    "before",   "being",  "both",    "but",     "by",     "can",      "cant",     "could",
    "couldnt",  "did",    "didnt",   "do",      "does",   "doesnt",   "doing",    "dont",
    "each",     "either", "else",    "even",    "ever",   "every",    "for",      "from",
    "get",      "gets",   "getting", "got",     "had",    "happen",   "happened", "happens",
    "has",      "have",   "having",  "he",      "her",    "here",     "him",      "his",
    "how",      "i",      "id",      "if",      "im",     "in",       "into",     "is",
    "isnt",     "it",     "its",     "ive",     "just",   "let",      "lets",     "like",
    "may",      "me",     "mean",    "means",   "meant",  "might",    "mine",     "more",
    "most",     "much",   "must",    "my",      "myself", "need",     "no",       "not",
    "now",      "of",     "off",     "ok",      "on",     "one",      "only",     "or",
    "other",    "our",    "ours",    "out",     "please", "possible", "really",   "same",
    "shall",    "she",    "should",  "so",      "some",   "someone",  "still",    "such",
    "than",     "that",   "thats",   "the",     "their",  "them",     "then",     "there",
    "these",    "they",   "this",    "those",   "to",     "too",      "up",       "us",
    "very",     "via",    "want",    "was",     "way",    "we",       "were",     "what",
    "whats",    "when",   "where",   "whether", "which",  "while",    "who",      "why",
    "will",     "with",   "would",   "yes",     "you",    "your",     "youre",    "yours",
    "yourself",
};

}  // namespace

namespace {

// Calls `emit(word, original)` for each word of `text` (Words() says what a word is): `word`
// lowercased, `original` as written.
template <typename F>
void ScanWords(std::string_view text, F emit) {
  std::string word, original;
  unsigned prev = 0;
  Xapian::Utf8Iterator it(text.data(), text.size()), end;
  auto flush = [&] {
    if (!word.empty()) emit(std::move(word), original);
    word.clear();
    original.clear();
  };
  for (; it != end; ++it) {
    const unsigned ch = *it;
    if (Xapian::Unicode::is_wordchar(ch)) {
      Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(ch));
      Xapian::Unicode::append_utf8(original, ch);
    } else if (IsApostrophe(ch) && !word.empty()) {
      // Joined only when a letter follows: "don't" -> "dont", "users'" -> "users".
      Xapian::Utf8Iterator next = it;
      ++next;
      if (next == end || !Xapian::Unicode::is_wordchar(*next)) flush();
    } else if ((ch == '.' || ch == ',') && !word.empty() && prev < 128 &&
               std::isdigit(static_cast<int>(prev))) {
      Xapian::Utf8Iterator next = it;
      ++next;
      if (next != end && *next < 128 && std::isdigit(static_cast<int>(*next))) {
        word.push_back(static_cast<char>(ch));
        original.push_back(static_cast<char>(ch));
      } else {
        flush();
      }
    } else {
      flush();
    }
    prev = ch;
  }
  flush();
}

bool Upper(char c) { return c >= 'A' && c <= 'Z'; }
bool Lower(char c) { return c >= 'a' && c <= 'z'; }

// The parts of an identifier as written, lowercased: at '_', and where case turns from lower
// to upper ("maxRedirections") or an upper run meets a word ("HTTPServer": "http", "server").
// Parts of one character are left out. Empty for a plain word.
std::vector<std::string> IdentifierParts(const std::string& original) {
  std::vector<std::string> parts;
  // Most words are plain: lowercase from their second letter on, no '_'.
  if (std::none_of(original.begin() + 1, original.end(),
                   [](char c) { return c == '_' || Upper(c); }))
    return parts;
  std::string part;
  auto cut = [&] {
    if (part.size() > 1) parts.push_back(part);
    part.clear();
  };
  for (size_t i = 0; i < original.size(); ++i) {
    const char c = original[i];
    if (c == '_') {
      cut();
      continue;
    }
    if (i > 0 && Upper(c) &&
        (Lower(original[i - 1]) ||
         (Upper(original[i - 1]) && i + 1 < original.size() && Lower(original[i + 1]))))
      cut();
    part.push_back(Lower(c) || !Upper(c) ? c : static_cast<char>(c - 'A' + 'a'));
  }
  cut();
  if (parts.size() < 2) parts.clear();
  return parts;
}

}  // namespace

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  ScanWords(text, [&](std::string word, const std::string& /*original*/) {
    words.push_back(std::move(word));
  });
  return words;
}

std::vector<std::string> IndexWords(std::string_view text) {
  std::vector<std::string> words;
  ScanWords(text, [&](std::string word, const std::string& original) {
    words.push_back(std::move(word));
    for (std::string& part : IdentifierParts(original)) words.push_back(std::move(part));
  });
  return words;
}

bool IsStopword(std::string_view word) {
  return std::binary_search(std::begin(kStopwords), std::end(kStopwords), word);
}

std::string Slugify(std::string_view heading) {
  std::string slug;
  Xapian::Utf8Iterator it(heading.data(), heading.size()), end;
  for (; it != end; ++it) {
    const unsigned ch = *it;
    if (Xapian::Unicode::is_wordchar(ch)) {
      Xapian::Unicode::append_utf8(slug, Xapian::Unicode::tolower(ch));
    } else if (ch == ' ' || ch == '-') {
      slug.push_back('-');
    }
  }
  return slug;
}

std::string CollapseSpaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string FirstSentence(std::string_view text) {
  std::string flat = CollapseSpaces(text);
  for (size_t i = 0; i + 1 < flat.size(); ++i) {
    const char c = flat[i];
    if ((c == '.' || c == '!' || c == '?' || c == ':') && flat[i + 1] == ' ' && i > 10) {
      // "e.g. " and "i.e. " do not end a sentence.
      if (i >= 3 && (flat.compare(i - 3, 4, "e.g.") == 0 || flat.compare(i - 3, 4, "i.e.") == 0))
        continue;
      if (c == ':') continue;
      return flat.substr(0, i + 1);
    }
  }
  if (Utf8Length(flat) <= 220) return flat;
  size_t cut = flat.rfind(' ', 200);
  if (cut == std::string::npos) cut = 200;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
  return flat.substr(0, cut) + "…";
}

}  // namespace tenure::search
