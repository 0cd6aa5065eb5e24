#pragma once
// Where the help center's pages live (the HTML page, the Markdown for agents) and where a
// link written inside a page points. One place, so the HTML, the excerpts, llms.txt and the
// answers always agree on an address.
#include <string>
#include <string_view>

#include "search/library.hpp"

namespace tenure::search {

// The folder of a slug: "billing/refunds" -> "billing"; "" at the top.
std::string FolderOf(std::string_view slug);
// The last part of a slug: "billing/refunds" -> "refunds".
std::string_view BaseName(std::string_view slug);
// "a/b/../c/./d" -> "a/c/d"; nothing climbs above the root.
std::string NormalizePath(std::string_view path);
// True for "https://...", "mailto:..."; false for "a/b.md", "#x", "b.md?x=y:z".
bool HasScheme(std::string_view target);

class SiteUrls {
 public:
  SiteUrls() = default;
  explicit SiteUrls(const LibraryOptions& options);  // a trailing '/' of public_url is dropped

  const std::string& PublicUrl() const { return public_url_; }  // "http://host:8080"
  const std::string& Prefix() const { return url_prefix_; }     // "/help/"

  // "/help/billing/refunds"; a folder's index page is the folder ("/help/billing").
  std::string Html(std::string_view slug) const;
  // "/help/billing/refunds.md"
  std::string MarkdownPath(std::string_view slug) const;
  // "<public_url>/help/billing/refunds.md": agents get absolute links.
  std::string Markdown(std::string_view slug) const;

  // A link target written in `page_slug`'s Markdown, as an href: relative paths resolve
  // against the page's folder; ".md" targets become the HTML page, or with `markdown` the
  // absolute .md address; absolute and external targets stay as they are.
  std::string Resolve(std::string_view page_slug, std::string_view target, bool markdown) const;
  // Relative links in a Markdown excerpt point at absolute .md addresses, so the excerpt
  // reads the same wherever it is quoted.
  std::string AbsoluteLinks(std::string_view markdown, std::string_view page_slug) const;
  // An href for a link of an excerpt shown in a browser: the absolute .md links that
  // AbsoluteLinks wrote go back to the HTML page; other links resolve against `page_slug`.
  std::string ExcerptHref(std::string_view page_slug, std::string_view target) const;

 private:
  std::string public_url_;
  std::string url_prefix_;
};

}  // namespace tenure::search
