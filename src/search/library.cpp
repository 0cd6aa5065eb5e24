// A Library: the pages of a docs folder in reading order, grouped in sections, and searched.
// Building the search index is search_index.cpp; a question's answer is ask.cpp; the files
// for agents are llms.cpp; addresses are site_urls.cpp.
#include "search/library.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>

#include "search/library_impl.hpp"
#include "search/markdown.hpp"
#include "search/ranking.hpp"

namespace tenure::search {
namespace {

// "refunds-and-terms" -> "Refunds and terms": the title of a page or folder that has none.
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

std::string SlugOfPath(const std::string& path) { return path.substr(0, path.size() - 3); }

// Reading order: the order in which the index.md pages link to pages (the top index first),
// then by path. Folders follow the first link into them; a folder's index page leads it.
void SortInReadingOrder(std::vector<SourceFile>& files) {
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
    const std::string slug = SlugOfPath(f->path);
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
        rank.emplace(SlugOfPath(resolved), next++);
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
    const std::string slug = SlugOfPath(f.path);
    auto& r = folder_rank.try_emplace(FolderOf(slug), SIZE_MAX).first->second;
    r = std::min(r, rank_of(slug));
  }
  folder_rank[""] = 0;
  std::stable_sort(files.begin(), files.end(), [&](const SourceFile& a, const SourceFile& b) {
    const std::string sa = SlugOfPath(a.path), sb = SlugOfPath(b.path);
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

Page MakePage(SourceFile file, const SiteUrls& urls) {
  Page page;
  page.slug = SlugOfPath(file.path);
  page.section = FolderOf(page.slug);
  page.for_operators = page.slug.starts_with(std::string(kOperatorsFolder) + "/");
  page.markdown = std::move(file.text);
  const ParsedPage parsed = ParseMarkdown(page.markdown);
  page.title = parsed.title;
  if (page.title.empty()) {
    const std::string_view base = BaseName(page.slug);
    page.title = base == "index"
                     ? (page.section.empty() ? "Home" : TitleFromName(BaseName(page.section)))
                     : TitleFromName(base);
  }
  page.summary = parsed.summary;
  for (const DocSection& s : parsed.sections)
    if (s.level == 2) page.toc.push_back({s.heading, s.anchor});
  page.html = RenderHtml(page.markdown, parsed.anchors, [&](std::string_view target) {
    return urls.Resolve(page.slug, target, false);
  });
  return page;
}

}  // namespace

Library::Library() : impl_(std::make_unique<Impl>()) {}
Library::~Library() = default;

std::shared_ptr<const Library> Library::Build(std::vector<SourceFile> files,
                                              const LibraryOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<Library> lib(new Library());
  Impl& im = *lib->impl_;
  im.urls = SiteUrls(options);

  std::erase_if(files, [](const SourceFile& f) { return !f.path.ends_with(".md"); });
  SortInReadingOrder(files);
  for (auto& f : files) {
    Page page = MakePage(std::move(f), im.urls);
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
      if (auto idx = im.by_slug.find(p.section + "/index");
          !p.section.empty() && idx != im.by_slug.end())
        s.title = im.pages[idx->second].title;
      else if (p.section == kOperatorsFolder)
        s.title = "For sellers and operators";
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

  im.index.Build(im.pages, options.wordnet);
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

std::string Library::HtmlUrl(const Page& page) const { return impl_->urls.Html(page.slug); }
std::string Library::MarkdownPath(const Page& page) const {
  return impl_->urls.MarkdownPath(page.slug);
}
std::string Library::MarkdownUrl(const Page& page) const { return impl_->urls.Markdown(page.slug); }
std::string Library::SlugUrl(std::string_view slug) const { return impl_->urls.Html(slug); }

std::string Library::ExcerptHtml(std::string_view markdown, std::string_view page_slug) const {
  const ParsedPage parsed = ParseMarkdown(markdown);
  return RenderHtml(markdown, parsed.anchors, [&](std::string_view target) {
    return impl_->urls.ExcerptHref(page_slug, target);
  });
}

std::vector<const Page*> Library::Search(std::string_view query, size_t limit,
                                         Audience audience) const {
  const SearchIndex& index = impl_->index;
  std::vector<const Page*> out;
  for (const RankedPage& p :
       RankPages(index, RankSections(index, Concepts(index, query), audience))) {
    if (out.size() >= limit) break;
    out.push_back(&impl_->pages[p.page]);
  }
  return out;
}

std::vector<const Page*> Library::Suggest(std::string_view missing_slug, size_t limit) const {
  std::string words(missing_slug);
  std::replace_if(
      words.begin(), words.end(), [](char c) { return c == '/' || c == '-' || c == '_'; }, ' ');
  std::vector<const Page*> out = Search(words, limit);
  if (out.size() >= limit) return out;
  // Then the pages whose address looks most like the missing one (letter pairs in common).
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
  return out;
}

}  // namespace tenure::search
