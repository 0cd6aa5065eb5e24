// What the help center says to agents, in Markdown (PRODUCT.md: Help center): /llms.txt
// lists every page on one line, by section; /llms-full.txt holds every page's Markdown, in
// parts of kPagesPerPart pages; and a .md address without a page answers with similar pages.
#include <fmt/format.h>

#include <algorithm>

#include "search/library.hpp"
#include "search/library_impl.hpp"

namespace tenure::search {

std::string Library::LlmsTxt() const {
  const Impl& im = *impl_;
  const std::string& public_url = im.urls.PublicUrl();
  std::string out = "# " + im.site_title + "\n\n";
  if (const Page* home = Find("index"); home && !home->summary.empty())
    out += "> " + home->summary + "\n\n";
  out += fmt::format(
      "Every page below is Markdown. Ask a question of the customers' pages with "
      "`{}{}index.md?ask=<question>`, of every page with `&in=operators` (add `Accept: "
      "application/json` for JSON); all pages in one file: {}/llms-full.txt\n",
      public_url, im.urls.Prefix(), public_url);
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
  const std::string& public_url = im.urls.PublicUrl();
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
                       part + 2, public_url, part + 1, public_url, part + 1);
  return out;
}

std::string Library::MissingMarkdown(std::string_view slug) const {
  std::string out = "# Not found\n\nThere is no help page at `" + impl_->urls.Prefix() +
                    std::string(slug) + ".md`.";
  const auto similar = Suggest(slug);
  if (!similar.empty()) {
    out += " These pages are the most similar:\n\n";
    for (const Page* p : similar) out += "- [" + p->title + "](" + MarkdownUrl(*p) + ")\n";
  } else {
    out += "\n";
  }
  out += "\nEvery page is listed in " + impl_->urls.PublicUrl() + "/llms.txt\n";
  return out;
}

}  // namespace tenure::search
