#include "search/site_urls.hpp"

#include <fmt/format.h>

#include <cctype>
#include <vector>

namespace tenure::search {
namespace {

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

}  // namespace

std::string FolderOf(std::string_view slug) {
  const size_t slash = slug.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(slug.substr(0, slash));
}

std::string_view BaseName(std::string_view slug) {
  const size_t slash = slug.rfind('/');
  return slash == std::string_view::npos ? slug : slug.substr(slash + 1);
}

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

bool HasScheme(std::string_view target) {
  const size_t colon = target.find(':');
  if (colon == std::string_view::npos) return false;
  const size_t stop = target.find_first_of("/?#");
  return stop == std::string_view::npos || colon < stop;
}

SiteUrls::SiteUrls(const LibraryOptions& options)
    : public_url_(options.public_url), url_prefix_(options.url_prefix) {
  while (public_url_.ends_with('/')) public_url_.pop_back();
}

std::string SiteUrls::Html(std::string_view slug) const {
  if (slug == "index") return url_prefix_;
  if (BaseName(slug) == "index")
    return url_prefix_ + UrlPathEncode(slug.substr(0, slug.size() - 5));
  return url_prefix_ + UrlPathEncode(slug);
}

std::string SiteUrls::MarkdownPath(std::string_view slug) const {
  return url_prefix_ + UrlPathEncode(slug) + ".md";
}

std::string SiteUrls::Markdown(std::string_view slug) const {
  return public_url_ + MarkdownPath(slug);
}

std::string SiteUrls::Resolve(std::string_view page_slug, std::string_view target,
                              bool markdown) const {
  if (target.empty() || HasScheme(target) || target.starts_with("//")) return std::string(target);
  if (target.starts_with('#')) {
    if (!markdown) return std::string(target);
    return Markdown(page_slug) + std::string(target);
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
    url = markdown ? Markdown(slug) : Html(slug);
  } else {
    url = (markdown ? public_url_ : std::string()) + url_prefix_ + UrlPathEncode(resolved);
  }
  return url + suffix;
}

std::string SiteUrls::AbsoluteLinks(std::string_view markdown, std::string_view page_slug) const {
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
    out += Resolve(page_slug, markdown.substr(start, close - start), true);
    i = close;
  }
  out.append(markdown.substr(i));
  return out;
}

std::string SiteUrls::ExcerptHref(std::string_view page_slug, std::string_view target) const {
  if (!target.starts_with(public_url_ + url_prefix_)) return Resolve(page_slug, target, false);
  std::string path(target.substr(public_url_.size()));
  const size_t cut = path.find_first_of("?#");
  const std::string suffix = cut == std::string::npos ? "" : path.substr(cut);
  path = path.substr(0, cut);
  if (!path.ends_with(".md")) return path + suffix;
  return Html(path.substr(url_prefix_.size(), path.size() - url_prefix_.size() - 3)) + suffix;
}

}  // namespace tenure::search
