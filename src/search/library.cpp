#include "search/library.hpp"

#include <fmt/format.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "search/markdown.hpp"
#include "search/synonyms.hpp"
#include "search/text.hpp"

namespace tenure::search {
namespace {

// Title and heading words count more than body words (BM25 term frequency).
constexpr Xapian::termcount kTitleWeight = 3;
constexpr Xapian::termcount kHeadingWeight = 3;
constexpr Xapian::termcount kParentHeadingWeight = 1;
constexpr Xapian::termpos kFieldGap = 100;  // keeps phrases from spanning two fields
constexpr Xapian::doccount kCandidates = 40;

// Below this share of the question's weight in its best section, we say we don't know rather
// than quote something unrelated (calibrated in tests/search/eval_test.cpp).
constexpr double kMinConfidence = 0.45;

constexpr uint32_t kUnknownTerm = UINT32_MAX;

// Reranking (tuned on tests/search/eval_test.cpp): score x (base + coverage + title share).
constexpr double kBaseFactor = 0.25;
constexpr double kTitleFactor = 1.5;
constexpr double kAnswerSectionShare = 0.8;

std::string TitleFromName(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-' || c == '_') {
      out.push_back(' ');
      continue;
    }
    out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return out;
}

std::string FolderOf(std::string_view slug) {
  const size_t slash = slug.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(slug.substr(0, slash));
}

std::string_view BaseName(std::string_view slug) {
  const size_t slash = slug.rfind('/');
  return slash == std::string_view::npos ? slug : slug.substr(slash + 1);
}

// "a/b/../c/./d" -> "a/c/d"; nothing climbs above the root.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back('/');
    out.append(parts[i]);
  }
  if (!path.empty() && path.back() == '/' && !out.empty()) out.push_back('/');
  return out;
}

std::string UrlPathEncode(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

bool HasScheme(std::string_view target) {
  const size_t colon = target.find(':');
  if (colon == std::string_view::npos) return false;
  const size_t stop = target.find_first_of("/?#");
  return stop == std::string_view::npos || colon < stop;
}

std::string OneLine(std::string_view text) {
  std::string out = CollapseSpaces(text);
  return out;
}

// One alternative way to say a concept: one word, or a phrase of several.
struct Alternative {
  std::vector<uint32_t> terms;  // term ids, stopwords removed
  std::vector<std::string> stems;
};

// One concept of the question; matching any alternative matches the concept.
struct Concept {
  std::vector<Alternative> alternatives;
  double idf = 0;
};

struct PassageData {
  size_t section = 0;
  size_t index = 0;  // within the section
  std::vector<uint32_t> terms;
};

struct SectionData {
  size_t page = 0;
  size_t parsed_index = 0;
  std::string heading;
  std::string anchor;
  std::vector<uint32_t> all_terms;      // sorted, unique: title, headings and body
  std::vector<uint32_t> heading_terms;  // sorted, unique: title and headings
  std::vector<uint32_t> title_terms;    // sorted, unique: the page title
  std::vector<uint32_t> body_sequence;  // in order, for phrases
  std::vector<Passage> passages;
  std::vector<std::vector<uint32_t>> passage_terms;  // per passage, in order
};

struct Ranked {
  size_t section;
  double score;
  double coverage;
};

bool ContainsSequence(const std::vector<uint32_t>& haystack, const std::vector<uint32_t>& needle) {
  if (needle.empty() || needle.size() > haystack.size()) return false;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

bool SortedContains(const std::vector<uint32_t>& sorted, uint32_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

}  // namespace

struct Library::Impl {
  LibraryOptions options;
  std::string site_title;
  std::vector<Page> pages;
  std::vector<Section> sections;
  std::unordered_map<std::string, size_t> by_slug;
  std::vector<size_t> section_of_page;
  std::vector<std::string> root_summary;
  double build_ms = 0;

  // The index.
  std::unordered_map<std::string, uint32_t> term_ids;  // stem -> id
  std::vector<uint32_t> doc_freq;                      // id -> sections holding it
  std::vector<std::string> id_to_stem;
  std::vector<SectionData> docs;                       // Xapian docid - 1
  std::vector<std::vector<Alternative>> synonyms;      // stemmed synonym groups
  std::vector<std::vector<std::string>> synonym_keys;  // stems of each expression (query side)
  std::vector<size_t> synonym_key_group;
  mutable std::mutex xapian_mutex;  // a Xapian::Database is not safe to share across threads
  Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};

  // --- building -------------------------------------------------------------------------
  uint32_t TermId(const std::string& stem) {
    auto [it, inserted] = term_ids.emplace(stem, static_cast<uint32_t>(doc_freq.size()));
    if (inserted) {
      doc_freq.push_back(0);
      id_to_stem.push_back(stem);
    }
    return it->second;
  }

  uint32_t LookupTerm(const std::string& stem) const {
    auto it = term_ids.find(stem);
    return it == term_ids.end() ? kUnknownTerm : it->second;
  }

  std::string ResolveTarget(std::string_view page_slug, std::string_view target,
                            bool markdown) const {
    if (target.empty() || HasScheme(target) || target.starts_with("//")) return std::string(target);
    if (target.starts_with('#')) {
      if (!markdown) return std::string(target);
      return options.public_url + options.url_prefix + UrlPathEncode(page_slug) + ".md" +
             std::string(target);
    }
    std::string_view path = target;
    std::string suffix;
    if (const size_t cut = path.find_first_of("?#"); cut != std::string_view::npos) {
      suffix = std::string(path.substr(cut));
      path = path.substr(0, cut);
    }
    if (path.starts_with('/')) return std::string(target);  // already a site path
    const std::string folder = FolderOf(page_slug);
    std::string resolved = NormalizePath((folder.empty() ? "" : folder + "/") + std::string(path));
    std::string url;
    if (resolved.ends_with(".md")) {
      const std::string slug = resolved.substr(0, resolved.size() - 3);
      if (markdown) {
        url = options.public_url + options.url_prefix + UrlPathEncode(slug) + ".md";
      } else {
        url = SlugUrl(slug);
      }
    } else {
      url = (markdown ? options.public_url : std::string()) + options.url_prefix +
            UrlPathEncode(resolved);
    }
    return url + suffix;
  }

  std::string SlugUrl(std::string_view slug) const {
    if (slug == "index") return options.url_prefix;
    if (BaseName(slug) == "index")
      return options.url_prefix + UrlPathEncode(slug.substr(0, slug.size() - 5));
    return options.url_prefix + UrlPathEncode(slug);
  }

  // Relative links in a Markdown excerpt point at absolute .md addresses, so the excerpt
  // reads the same wherever it is quoted.
  std::string AbsoluteLinks(std::string_view markdown, std::string_view page_slug) const {
    std::string out;
    size_t i = 0;
    while (i < markdown.size()) {
      const size_t open = markdown.find("](", i);
      if (open == std::string_view::npos) break;
      const size_t start = open + 2;
      const size_t close = markdown.find_first_of(") \n", start);
      if (close == std::string_view::npos || markdown[close] != ')') {
        out.append(markdown.substr(i, start - i));
        i = start;
        continue;
      }
      out.append(markdown.substr(i, start - i));
      out += ResolveTarget(page_slug, markdown.substr(start, close - start), true);
      i = close;
    }
    out.append(markdown.substr(i));
    return out;
  }

  void Order(std::vector<SourceFile>& files) {
    // Reading order: the order in which the index.md pages link to pages (the top index
    // first), then by path. Folders follow the first link into them.
    std::map<std::string, size_t> rank;
    size_t next = 0;
    std::vector<const SourceFile*> indexes;
    for (const auto& f : files)
      if (BaseName(f.path) == "index.md") indexes.push_back(&f);
    std::stable_sort(indexes.begin(), indexes.end(), [](const auto* a, const auto* b) {
      return std::count(a->path.begin(), a->path.end(), '/') <
             std::count(b->path.begin(), b->path.end(), '/');
    });
    for (const SourceFile* f : indexes) {
      const std::string slug = f->path.substr(0, f->path.size() - 3);
      rank.emplace(slug, next++);
      size_t i = 0;
      while ((i = f->text.find("](", i)) != std::string::npos) {
        i += 2;
        const size_t close = f->text.find_first_of(")# \n", i);
        if (close == std::string::npos) break;
        std::string_view target(f->text.data() + i, close - i);
        if (target.ends_with(".md") && !HasScheme(target) && !target.starts_with('/')) {
          const std::string folder = FolderOf(slug);
          const std::string resolved =
              NormalizePath((folder.empty() ? "" : folder + "/") + std::string(target));
          rank.emplace(resolved.substr(0, resolved.size() - 3), next++);
        }
      }
    }
    auto rank_of = [&](const std::string& slug) {
      auto it = rank.find(slug);
      return it == rank.end() ? SIZE_MAX : it->second;
    };
    // A folder ranks by its best-ranked page (its index page counts).
    std::map<std::string, size_t> folder_rank;
    for (const auto& f : files) {
      const std::string slug = f.path.substr(0, f.path.size() - 3);
      const std::string folder = FolderOf(slug);
      auto& r = folder_rank.try_emplace(folder, SIZE_MAX).first->second;
      r = std::min(r, rank_of(slug));
    }
    folder_rank[""] = 0;
    std::stable_sort(files.begin(), files.end(), [&](const SourceFile& a, const SourceFile& b) {
      const std::string sa = a.path.substr(0, a.path.size() - 3);
      const std::string sb = b.path.substr(0, b.path.size() - 3);
      const std::string fa = FolderOf(sa), fb = FolderOf(sb);
      if (fa != fb) {
        const size_t ra = folder_rank[fa], rb = folder_rank[fb];
        if (ra != rb) return ra < rb;
        return fa < fb;
      }
      const bool ia = BaseName(sa) == "index", ib = BaseName(sb) == "index";
      if (ia != ib) return ia;
      const size_t ra = rank_of(sa), rb = rank_of(sb);
      if (ra != rb) return ra < rb;
      return sa < sb;
    });
  }

  void AddSynonyms(Xapian::Stem& stem) {
    for (const auto& group : SynonymGroups()) {
      std::vector<Alternative> alternatives;
      for (std::string_view expression : group) {
        Alternative alt;
        std::vector<std::string> key;
        for (const std::string& w : Words(expression)) {
          key.push_back(stem(w));
          if (IsStopword(w)) continue;
          alt.stems.push_back(key.back());
          alt.terms.push_back(LookupTerm(key.back()));
        }
        if (key.empty()) continue;
        synonym_keys.push_back(std::move(key));
        synonym_key_group.push_back(synonyms.size());
        if (!alt.stems.empty()) alternatives.push_back(std::move(alt));
      }
      synonyms.push_back(std::move(alternatives));
    }
  }

  void Index() {
    Xapian::Stem stem("english");
    std::unordered_map<std::string, std::string> stems;  // word -> stem, to stem each once
    auto terms_of = [&](std::string_view text) {
      std::vector<uint32_t> ids;
      for (const std::string& w : Words(text)) {
        if (IsStopword(w)) continue;
        auto it = stems.find(w);
        if (it == stems.end()) it = stems.emplace(w, stem(w)).first;
        ids.push_back(TermId(it->second));
      }
      return ids;
    };
    auto sorted_unique = [](std::vector<uint32_t> v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      return v;
    };
    for (size_t p = 0; p < pages.size(); ++p) {
      ParsedPage parsed = ParseMarkdown(pages[p].markdown);
      const std::vector<uint32_t> title_terms = terms_of(pages[p].title);
      for (size_t s = 0; s < parsed.sections.size(); ++s) {
        DocSection& section = parsed.sections[s];
        SectionData data{.page = p,
                         .parsed_index = s,
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

        std::vector<uint32_t> headings = title_terms;
        headings.insert(headings.end(), heading_terms.begin(), heading_terms.end());
        headings.insert(headings.end(), parent_terms.begin(), parent_terms.end());
        data.heading_terms = sorted_unique(headings);
        data.title_terms = sorted_unique(title_terms);
        headings.insert(headings.end(), data.body_sequence.begin(), data.body_sequence.end());
        data.all_terms = sorted_unique(std::move(headings));
        for (uint32_t id : data.all_terms) ++doc_freq[id];

        // Xapian gets the same words, with positions for phrases; the title and headings
        // count more (ENGINEERING.md: title and heading weighting).
        Xapian::Document doc;
        Xapian::termpos pos = 1;
        auto add = [&](const std::vector<uint32_t>& ids, Xapian::termcount weight) {
          for (uint32_t id : ids) doc.add_posting(id_to_stem[id], pos++, weight);
          pos += kFieldGap;
        };
        add(title_terms, kTitleWeight);
        add(parent_terms, kParentHeadingWeight);
        add(heading_terms, kHeadingWeight);
        add(data.body_sequence, 1);
        db.add_document(doc);
        docs.push_back(std::move(data));
      }
    }
    db.commit();
  }

  // --- questions -------------------------------------------------------------------------
  std::vector<Concept> Concepts(std::string_view question) const {
    Xapian::Stem stem("english");
    std::vector<Concept> concepts;
    std::set<std::vector<std::string>> seen;
    auto add_concept = [&](std::vector<Alternative> alternatives) {
      std::vector<std::string> key;
      for (const auto& a : alternatives) {
        std::string joined;
        for (const auto& s : a.stems) joined += s + " ";
        key.push_back(joined);
      }
      std::sort(key.begin(), key.end());
      if (!seen.insert(key).second) return;
      Concept c{.alternatives = std::move(alternatives)};
      const double n = static_cast<double>(std::max<size_t>(docs.size(), 1));
      double df = 0;
      for (const auto& a : c.alternatives) {
        double alt_df = n;
        for (uint32_t id : a.terms)
          alt_df = std::min(alt_df, id == kUnknownTerm ? 0.0 : static_cast<double>(doc_freq[id]));
        df = std::max(df, alt_df);
      }
      c.idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
      concepts.push_back(std::move(c));
    };
    auto alternative = [&](const std::vector<std::string>& words) {
      Alternative a;
      for (const auto& w : words) {
        if (IsStopword(w)) continue;
        a.stems.push_back(stem(w));
        a.terms.push_back(LookupTerm(a.stems.back()));
      }
      return a;
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
        if (!a.stems.empty()) add_concept({std::move(a)});
      } else {
        std::vector<std::string> word_stems;
        for (const auto& w : words) word_stems.push_back(stem(w));
        for (size_t i = 0; i < words.size();) {
          size_t best_len = 0, best_group = 0;
          for (size_t k = 0; k < synonym_keys.size(); ++k) {
            const auto& key = synonym_keys[k];
            if (key.size() <= best_len || i + key.size() > words.size()) continue;
            if (std::equal(key.begin(), key.end(), word_stems.begin() + static_cast<long>(i))) {
              best_len = key.size();
              best_group = synonym_key_group[k];
            }
          }
          if (best_len > 0 && !synonyms[best_group].empty()) {
            add_concept(synonyms[best_group]);
            i += best_len;
            continue;
          }
          if (!IsStopword(words[i])) add_concept({alternative({words[i]})});
          ++i;
        }
      }
      quoted = !quoted;
      start = end + 1;
    }
    return concepts;
  }

  static bool Matches(const Alternative& a, const std::vector<uint32_t>& sorted_set,
                      const std::vector<uint32_t>* sequence) {
    if (a.terms.size() == 1)
      return a.terms[0] != kUnknownTerm && SortedContains(sorted_set, a.terms[0]);
    if (!sequence) {
      for (uint32_t id : a.terms)
        if (id == kUnknownTerm || !SortedContains(sorted_set, id)) return false;
      return true;
    }
    return ContainsSequence(*sequence, a.terms);
  }

  static bool ConceptIn(const Concept& c, const std::vector<uint32_t>& sorted_set,
                        const std::vector<uint32_t>* sequence) {
    for (const auto& a : c.alternatives)
      if (Matches(a, sorted_set, sequence)) return true;
    return false;
  }

  static bool ConceptInSequence(const Concept& c, const std::vector<uint32_t>& sequence) {
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

  // Shares of the question's weight found in the section, and in its page's title.
  std::pair<double, double> Coverage(const std::vector<Concept>& concepts,
                                     const SectionData& s) const {
    double total = 0, matched = 0, in_title = 0;
    for (const auto& c : concepts) {
      total += c.idf;
      if (ConceptInSequence(c, s.body_sequence) || ConceptIn(c, s.heading_terms, nullptr))
        matched += c.idf;
      if (ConceptIn(c, s.title_terms, nullptr)) in_title += c.idf;
    }
    return total > 0 ? std::pair{matched / total, in_title / total} : std::pair{0.0, 0.0};
  }

  std::vector<Ranked> RankSections(const std::vector<Concept>& concepts) const {
    std::vector<Xapian::Query> parts;
    for (const auto& c : concepts) {
      std::vector<Xapian::Query> alts;
      for (const auto& a : c.alternatives) {
        if (std::find(a.terms.begin(), a.terms.end(), kUnknownTerm) != a.terms.end()) continue;
        if (a.stems.size() == 1) {
          alts.emplace_back(a.stems[0]);
        } else {
          alts.emplace_back(Xapian::Query::OP_PHRASE, a.stems.begin(), a.stems.end(),
                            static_cast<Xapian::termcount>(a.stems.size() + 1));
        }
      }
      if (alts.empty()) continue;
      parts.push_back(alts.size() == 1
                          ? alts[0]
                          : Xapian::Query(Xapian::Query::OP_SYNONYM, alts.begin(), alts.end()));
    }
    std::vector<Ranked> ranked;
    if (parts.empty()) return ranked;
    const Xapian::Query query(Xapian::Query::OP_OR, parts.begin(), parts.end());
    try {
      std::lock_guard lock(xapian_mutex);
      Xapian::Enquire enquire(db);
      enquire.set_query(query);
      const Xapian::MSet mset = enquire.get_mset(0, kCandidates);
      for (auto it = mset.begin(); it != mset.end(); ++it)
        ranked.push_back({static_cast<size_t>(*it - 1), it.get_weight(), 0});
    } catch (const Xapian::Error& e) {
      throw std::runtime_error("search: " + e.get_description());
    }
    // Rerank: a section that holds more of the question's concepts beats one that repeats
    // one of them often.
    // A page whose title names the question's subject is the page about it.
    for (auto& r : ranked) {
      const auto [coverage, in_title] = Coverage(concepts, docs[r.section]);
      r.coverage = coverage;
      r.score *= kBaseFactor + coverage + kTitleFactor * in_title;
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
    return ranked;
  }

  std::vector<std::pair<size_t, double>> RankPages(const std::vector<Ranked>& ranked) const {
    std::vector<std::pair<size_t, double>> out;
    std::unordered_map<size_t, size_t> at;
    for (const auto& r : ranked) {
      const size_t page = docs[r.section].page;
      auto [it, inserted] = at.emplace(page, out.size());
      if (inserted) out.emplace_back(page, r.score);
    }
    return out;
  }
};

Library::Library() : impl_(std::make_unique<Impl>()) {}
Library::~Library() = default;

std::shared_ptr<const Library> Library::Build(std::vector<SourceFile> files,
                                              const LibraryOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<Library> lib(new Library());
  Impl& im = *lib->impl_;
  im.options = options;
  while (im.options.public_url.ends_with('/')) im.options.public_url.pop_back();

  std::erase_if(files, [](const SourceFile& f) { return !f.path.ends_with(".md"); });
  im.Order(files);
  for (auto& f : files) {
    Page page;
    page.slug = f.path.substr(0, f.path.size() - 3);
    page.section = FolderOf(page.slug);
    page.markdown = std::move(f.text);
    const ParsedPage parsed = ParseMarkdown(page.markdown);
    page.title = parsed.title;
    if (page.title.empty()) {
      const std::string_view base = BaseName(page.slug);
      page.title = base == "index"
                       ? (page.section.empty() ? "Home" : TitleFromName(BaseName(page.section)))
                       : TitleFromName(base);
    }
    page.summary = parsed.summary;
    for (size_t h = 0; h < parsed.sections.size(); ++h)
      if (parsed.sections[h].level == 2)
        page.toc.push_back({parsed.sections[h].heading, parsed.sections[h].anchor});
    const std::string slug = page.slug;
    page.html = RenderHtml(page.markdown, parsed.anchors, [&](std::string_view target) {
      return im.ResolveTarget(slug, target, false);
    });
    im.by_slug.emplace(page.slug, im.pages.size());
    im.pages.push_back(std::move(page));
  }

  // Sections: one per folder, in reading order.
  std::map<std::string, size_t> section_at;
  for (size_t i = 0; i < im.pages.size(); ++i) {
    const Page& p = im.pages[i];
    auto [it, inserted] = section_at.emplace(p.section, im.sections.size());
    if (inserted) {
      Section s{.slug = p.section};
      if (auto idx = im.by_slug.find(p.section.empty() ? "index" : p.section + "/index");
          idx != im.by_slug.end() && !p.section.empty())
        s.title = im.pages[idx->second].title;
      else
        s.title = p.section.empty() ? "Overview" : TitleFromName(BaseName(p.section));
      im.sections.push_back(std::move(s));
    }
    im.sections[it->second].pages.push_back(i);
    im.section_of_page.push_back(it->second);
  }

  if (!options.site_title.empty()) {
    im.site_title = options.site_title;
  } else if (auto it = im.by_slug.find("index"); it != im.by_slug.end()) {
    im.site_title = im.pages[it->second].title;
  } else {
    im.site_title = "Help center";
  }

  try {
    im.Index();
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("search index: " + e.get_description());
  }
  Xapian::Stem stem("english");
  im.AddSynonyms(stem);
  im.build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return lib;
}

const std::vector<Page>& Library::Pages() const { return impl_->pages; }
const std::vector<Section>& Library::Sections() const { return impl_->sections; }
const std::string& Library::SiteTitle() const { return impl_->site_title; }
double Library::BuildMilliseconds() const { return impl_->build_ms; }

const Page* Library::Find(std::string_view slug) const {
  auto it = impl_->by_slug.find(std::string(slug));
  return it == impl_->by_slug.end() ? nullptr : &impl_->pages[it->second];
}

const Page* Library::Previous(const Page& page) const {
  const size_t i = static_cast<size_t>(&page - impl_->pages.data());
  return i == 0 ? nullptr : &impl_->pages[i - 1];
}

const Page* Library::Next(const Page& page) const {
  const size_t i = static_cast<size_t>(&page - impl_->pages.data());
  return i + 1 >= impl_->pages.size() ? nullptr : &impl_->pages[i + 1];
}

const Section* Library::SectionOf(const Page& page) const {
  const size_t i = static_cast<size_t>(&page - impl_->pages.data());
  return &impl_->sections[impl_->section_of_page[i]];
}

std::string Library::HtmlUrl(const Page& page) const { return impl_->SlugUrl(page.slug); }

std::string Library::MarkdownPath(const Page& page) const {
  return impl_->options.url_prefix + UrlPathEncode(page.slug) + ".md";
}

std::string Library::SlugUrl(std::string_view slug) const { return impl_->SlugUrl(slug); }

std::string Library::MarkdownUrl(const Page& page) const {
  return impl_->options.public_url + impl_->options.url_prefix + UrlPathEncode(page.slug) + ".md";
}

std::vector<const Page*> Library::Search(std::string_view query, size_t limit) const {
  const auto concepts = impl_->Concepts(query);
  const auto pages = impl_->RankPages(impl_->RankSections(concepts));
  std::vector<const Page*> out;
  for (const auto& [p, score] : pages) {
    if (out.size() >= limit) break;
    out.push_back(&impl_->pages[p]);
  }
  return out;
}

std::vector<const Page*> Library::Suggest(std::string_view missing_slug, size_t limit) const {
  std::string words(missing_slug);
  std::replace_if(
      words.begin(), words.end(), [](char c) { return c == '/' || c == '-' || c == '_'; }, ' ');
  std::vector<const Page*> out = Search(words, limit);
  // Then the pages whose address looks most like the missing one (letter pairs in common).
  if (out.size() < limit) {
    auto pairs = [](std::string_view s) {
      std::set<std::string> p;
      for (size_t i = 0; i + 1 < s.size(); ++i) p.insert(std::string(s.substr(i, 2)));
      return p;
    };
    const auto want = pairs(missing_slug);
    std::vector<std::pair<double, const Page*>> scored;
    for (const Page& page : impl_->pages) {
      if (std::find(out.begin(), out.end(), &page) != out.end()) continue;
      const auto have = pairs(page.slug);
      size_t common = 0;
      for (const auto& pr : want) common += have.count(pr);
      const double score =
          want.empty() && have.empty()
              ? 0
              : 2.0 * static_cast<double>(common) / static_cast<double>(want.size() + have.size());
      scored.emplace_back(score, &page);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [score, page] : scored) {
      if (out.size() >= limit) break;
      out.push_back(page);
    }
  }
  return out;
}

Answer Library::Ask(std::string_view raw_question) const {
  const Impl& im = *impl_;
  Answer answer;
  answer.question = OneLine(raw_question);
  if (Utf8Length(answer.question) > kMaxQuestionChars) {
    answer.status = AnswerStatus::kTooLong;
    return answer;
  }
  const auto concepts = im.Concepts(answer.question);
  if (answer.question.empty() || concepts.empty()) {
    answer.status = AnswerStatus::kEmpty;
    return answer;
  }
  const auto sections = im.RankSections(concepts);
  const auto pages = im.RankPages(sections);
  double total_idf = 0;
  for (const auto& c : concepts) total_idf += c.idf;

  answer.confidence = sections.empty() ? 0 : sections.front().coverage;
  if (sections.empty() || answer.confidence < kMinConfidence) {
    answer.status = AnswerStatus::kNoAnswer;
    for (size_t i = 0; i < pages.size() && answer.sources.size() < 5; ++i) {
      const Page& p = im.pages[pages[i].first];
      answer.sources.push_back({p.title, MarkdownUrl(p), p.slug});
    }
    return answer;
  }
  answer.status = AnswerStatus::kAnswered;

  // The direct answer: the passage of the best sections that holds most of the question.
  const double top = sections.front().score;
  struct Pick {
    size_t rank = 0;
    size_t passage = 0;
    double score = -1;
  } best;
  const size_t candidates = std::min<size_t>(sections.size(), 3);
  for (size_t r = 0; r < candidates; ++r) {
    const SectionData& s = im.docs[sections[r].section];
    // Another section's passage only when that section scored close to the best one.
    if (sections[r].score < kAnswerSectionShare * top) break;
    double heading_idf = 0;
    for (const auto& c : concepts)
      if (Impl::ConceptIn(c, s.heading_terms, nullptr)) heading_idf += c.idf;
    for (size_t i = 0; i < s.passages.size(); ++i) {
      double own = 0;
      for (const auto& c : concepts)
        if (Impl::ConceptInSequence(c, s.passage_terms[i])) own += c.idf;
      double score = own + 0.3 * heading_idf + 0.6 * total_idf * (sections[r].score / top);
      const size_t len = s.passages[i].text.size();
      if (len < 40) score *= 0.7;
      if (len > 700) score *= 0.85;
      if (s.passages[i].kind == PassageKind::kCode) score *= 0.8;
      score -= 0.01 * static_cast<double>(i);  // the earlier of equals
      if (score > best.score) best = {r, i, score};
    }
  }
  const bool have_passage = best.score >= 0;
  const SectionData& answer_section = im.docs[sections[best.rank].section];
  const Page& answer_page = im.pages[answer_section.page];
  answer.answer_slug = answer_page.slug;
  if (have_passage) {
    answer.answer =
        im.AbsoluteLinks(answer_section.passages[best.passage].markdown, answer_page.slug);
  } else {
    answer.answer = answer_page.summary;
  }

  // Excerpts: the answer with what surrounds it, then the best passage of the next sections.
  auto excerpt = [&](const SectionData& s, size_t from, size_t to) {
    std::string text;
    for (size_t i = from; i < to && i < s.passages.size(); ++i) {
      if (!text.empty()) text += "\n\n";
      text += im.AbsoluteLinks(s.passages[i].markdown, im.pages[s.page].slug);
    }
    const Page& p = im.pages[s.page];
    return Excerpt{.title = p.title,
                   .heading = s.heading,
                   .url = MarkdownUrl(p),
                   .anchor = s.anchor,
                   .text = std::move(text),
                   .slug = p.slug};
  };
  if (have_passage) {
    // What surrounds the answer, so it reads in context (the answer itself is above it).
    Excerpt around = excerpt(answer_section, best.passage + 1, best.passage + 2);
    if (best.passage > 0) {
      Excerpt before = excerpt(answer_section, best.passage - 1, best.passage);
      around.text = around.text.empty() ? before.text : before.text + "\n\n" + around.text;
    }
    if (!around.text.empty()) answer.excerpts.push_back(std::move(around));
  }
  for (size_t r = 0; r < sections.size() && answer.excerpts.size() < 3; ++r) {
    if (r == best.rank && have_passage) continue;
    if (sections[r].score < 0.35 * top) break;
    const SectionData& s = im.docs[sections[r].section];
    size_t pick = 0;
    double pick_score = -1;
    for (size_t i = 0; i < s.passages.size(); ++i) {
      double own = 0;
      for (const auto& c : concepts)
        if (Impl::ConceptInSequence(c, s.passage_terms[i])) own += c.idf;
      if (own > pick_score) {
        pick = i;
        pick_score = own;
      }
    }
    if (pick_score <= 0) continue;
    answer.excerpts.push_back(excerpt(s, pick, pick + 1));
  }

  if (answer.excerpts.empty() && have_passage)  // nothing else relevant: the answer's own
    answer.excerpts.push_back(excerpt(answer_section, best.passage, best.passage + 1));

  // Sources: the answer's page first, then the pages that scored near the best.
  answer.sources.push_back({answer_page.title, MarkdownUrl(answer_page), answer_page.slug});
  for (const auto& [p, score] : pages) {
    if (answer.sources.size() >= 5) break;
    if (&im.pages[p] == &answer_page) continue;
    if (score < 0.3 * pages.front().second) break;
    answer.sources.push_back({im.pages[p].title, MarkdownUrl(im.pages[p]), im.pages[p].slug});
  }
  return answer;
}

std::string Library::LlmsTxt() const {
  const Impl& im = *impl_;
  std::string out = "# " + im.site_title + "\n\n";
  if (const Page* home = Find("index"); home && !home->summary.empty())
    out += "> " + home->summary + "\n\n";
  out += fmt::format(
      "Every page below is Markdown. Ask a question of the whole help center with "
      "`{}{}index.md?ask=<question>` (add `Accept: application/json` for JSON); all pages in "
      "one file: {}/llms-full.txt\n",
      im.options.public_url, im.options.url_prefix, im.options.public_url);
  for (const Section& s : im.sections) {
    out += "\n## " + s.title + "\n\n";
    for (size_t i : s.pages) {
      const Page& p = im.pages[i];
      out += "- [" + p.title + "](" + MarkdownUrl(p) + ")";
      if (!p.summary.empty()) out += ": " + p.summary;
      out += "\n";
    }
  }
  return out;
}

size_t Library::LlmsFullParts() const {
  return std::max<size_t>(1, (impl_->pages.size() + kPagesPerPart - 1) / kPagesPerPart);
}

std::string Library::LlmsFull(size_t part) const {
  const Impl& im = *impl_;
  const size_t parts = LlmsFullParts();
  std::string out;
  if (parts > 1)
    out += fmt::format("<!-- {}: part {} of {} -->\n\n", im.site_title, part + 1, parts);
  const size_t from = part * kPagesPerPart;
  const size_t to = std::min(im.pages.size(), from + kPagesPerPart);
  for (size_t i = from; i < to; ++i) {
    const Page& p = im.pages[i];
    out += "<!-- source: " + MarkdownUrl(p) + " -->\n\n";
    out += p.markdown;
    if (!out.ends_with('\n')) out += '\n';
    out += "\n";
  }
  if (part + 1 < parts)
    out += fmt::format("Continued in part {}: [{}/llms-full.txt/{}]({}/llms-full.txt/{})\n",
                       part + 2, im.options.public_url, part + 1, im.options.public_url, part + 1);
  return out;
}

std::string Library::MissingMarkdown(std::string_view slug) const {
  std::string out = "# Not found\n\nThere is no help page at `" + impl_->options.url_prefix +
                    std::string(slug) + ".md`.";
  const auto similar = Suggest(slug);
  if (!similar.empty()) {
    out += " These pages are the most similar:\n\n";
    for (const Page* p : similar) out += "- [" + p->title + "](" + MarkdownUrl(*p) + ")\n";
  } else {
    out += "\n";
  }
  out += "\nEvery page is listed in " + impl_->options.public_url + "/llms.txt\n";
  return out;
}

std::string Library::ExcerptHtml(std::string_view markdown, std::string_view page_slug) const {
  const std::string slug(page_slug);
  const ParsedPage parsed = ParseMarkdown(markdown);
  return RenderHtml(markdown, parsed.anchors, [&](std::string_view target) {
    if (target.starts_with(impl_->options.public_url + impl_->options.url_prefix)) {
      // Absolute .md links of excerpts point to the HTML page in a browser.
      std::string path(target.substr(impl_->options.public_url.size()));
      const size_t cut = path.find_first_of("?#");
      const std::string suffix = cut == std::string::npos ? "" : path.substr(cut);
      path = path.substr(0, cut);
      if (path.ends_with(".md"))
        return impl_->SlugUrl(path.substr(impl_->options.url_prefix.size(),
                                          path.size() - impl_->options.url_prefix.size() - 3)) +
               suffix;
      return path + suffix;
    }
    return impl_->ResolveTarget(slug, target, false);
  });
}

}  // namespace tenure::search
