// Markdown of the help center and of release notes (search/markdown.hpp): the page's HTML,
// the embedded HTML of release notes (written by staff, shown to every customer), and the
// parse for the search index.
// Properties: the HTML never has a <script>, <iframe>, <object>, <embed> or <style> tag nor
// any event-handler attribute (on...=), and every href and src is relative or http, https or
// mailto, however the Markdown spells it (entities, case, control characters).
// Only UTF-8 is parsed, as in production (release notes are refused otherwise by
// app/releases.cpp; the docs are ours). The parser was md4c 0.4.8 until this target found it
// handing over text pieces of about 3.2 GB read from memory it never wrote; it is cmark-gfm
// now, and md4c's inputs stay in the corpus (corpus/markdown/finding-md4c-*).
#include <cctype>
#include <string>

#include "domain/text.hpp"
#include "search/markdown.hpp"
#include "support/fuzz_check.hpp"

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An attribute's value as a browser reads it: entities decoded (numeric ones and the few
// named ones that can spell a scheme), then the tabs and line breaks a URL parser drops.
std::string DecodeAttribute(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '&') {
      const size_t semi = v.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 12) {
        const std::string entity = Lower(v.substr(i + 1, semi - i - 1));
        long code = -1;
        if (entity.starts_with("#x"))
          code = std::strtol(entity.c_str() + 2, nullptr, 16);
        else if (entity.starts_with("#"))
          code = std::strtol(entity.c_str() + 1, nullptr, 10);
        else if (entity == "colon")
          code = ':';
        else if (entity == "amp")
          code = '&';
        else if (entity == "tab")
          code = '\t';
        else if (entity == "newline")
          code = '\n';
        if (code > 0 && code < 128) {
          out.push_back(static_cast<char>(code));
          i = semi;
          continue;
        }
      }
    }
    out.push_back(v[i]);
  }
  std::string url;
  for (char c : out)
    if (c != '\t' && c != '\n' && c != '\r') url.push_back(c);
  // Leading C0 controls and spaces are stripped too (WHATWG URL: basic URL parser).
  size_t start = 0;
  while (start < url.size() && static_cast<unsigned char>(url[start]) <= 0x20) ++start;
  return url.substr(start);
}

bool SafeUrl(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos) return true;
  const size_t stop = url.find_first_of("/?#");
  if (stop != std::string_view::npos && stop < colon) return true;  // a path with ':' later
  const std::string scheme = Lower(url.substr(0, colon));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// Walks every tag of the HTML and checks its name and attributes.
void CheckHtml(std::string_view html) {
  for (size_t lt = html.find('<'); lt != std::string_view::npos; lt = html.find('<', lt + 1)) {
    size_t i = lt + 1;
    if (i < html.size() && html[i] == '/') ++i;
    size_t name_end = i;
    while (name_end < html.size() && std::isalnum(static_cast<unsigned char>(html[name_end])))
      ++name_end;
    const std::string name = Lower(html.substr(i, name_end - i));
    // Text never holds a bare '<': cmark-gfm escapes it, so each one opens a tag.
    FUZZ_CHECK(!name.empty());
    for (const char* bad : {"script", "iframe", "object", "embed", "style", "base", "meta"})
      FUZZ_CHECK(name != bad);
    i = name_end;
    while (i < html.size() && html[i] != '>') {
      if (std::isspace(static_cast<unsigned char>(html[i])) || html[i] == '/') {
        ++i;
        continue;
      }
      size_t attr_end = i;
      while (attr_end < html.size() && !std::isspace(static_cast<unsigned char>(html[attr_end])) &&
             html[attr_end] != '=' && html[attr_end] != '>')
        ++attr_end;
      const std::string attr = Lower(html.substr(i, attr_end - i));
      FUZZ_CHECK(!attr.starts_with("on"));
      FUZZ_CHECK(attr != "style" && attr != "srcdoc" && attr != "formaction");
      i = attr_end;
      if (i < html.size() && html[i] == '=') {
        ++i;
        std::string_view value;
        if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
          const size_t close = html.find(html[i], i + 1);
          FUZZ_CHECK(close != std::string_view::npos);
          value = html.substr(i + 1, close - i - 1);
          i = close + 1;
        } else {
          const size_t end = html.find_first_of(" \t\n>", i);
          value = html.substr(i, end - i);
          i = end;
        }
        if (attr == "href" || attr == "src") FUZZ_CHECK(SafeUrl(DecodeAttribute(value)));
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view markdown = tenure::fuzz::AsText(data, size);
  if (!tenure::domain::IsValidUtf8(markdown)) return 0;
  const tenure::search::ParsedPage page = tenure::search::ParseMarkdown(markdown);
  for (const auto& section : page.sections) FUZZ_CHECK(section.level >= 0 && section.level <= 6);
  CheckHtml(tenure::search::RenderHtml(markdown, page.anchors));
  CheckHtml(tenure::search::RenderEmbeddedHtml(markdown));
  return 0;
}
