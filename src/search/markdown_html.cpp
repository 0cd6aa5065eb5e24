// The HTML of help pages and release notes (search/markdown.hpp): cmark-gfm's output with
// heading ids and self-links, tables in a scrolling wrapper, and every link target checked and
// rewritten.
#include <algorithm>
#include <utility>

#include "search/cmark_document.hpp"
#include "search/markdown.hpp"

namespace tenure::search {
namespace {

// A link target as cmark-gfm wrote it into an attribute (houdini's href escaping: `&` and `'`
// as entities, everything else unsafe as %XX) back to the target itself.
std::string HtmlUnescape(std::string_view s) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'},  {"&#x27;", '\''}, {"&#39;", '\''},
      {"&quot;", '"'}, {"&lt;", '<'},    {"&gt;", '>'}};
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, c] : kEntities) {
      if (s.substr(i).starts_with(entity)) {
        out.push_back(c);
        i += entity.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(s[i]);
  }
  return out;
}

std::string AttrEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

bool SafeTarget(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos) return true;
  const size_t stop = url.find_first_of("/?#");
  if (stop != std::string_view::npos && stop < colon) return true;  // "a/b:c" is a path
  std::string scheme;
  for (char c : url.substr(0, colon))
    scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// RenderHtml's work; see below.
std::string Render(std::string_view markdown, const std::vector<std::string>& anchors,
                   const LinkRewriter& rewrite, bool embedded);

}  // namespace

std::string RenderHtml(std::string_view markdown) {
  return RenderHtml(markdown, ParseMarkdown(markdown).anchors);
}

std::string RenderHtml(std::string_view markdown, const std::vector<std::string>& anchors,
                       const LinkRewriter& rewrite) {
  return Render(markdown, anchors, rewrite, /*embedded=*/false);
}

std::string RenderEmbeddedHtml(std::string_view markdown) {
  return Render(markdown, {}, {}, /*embedded=*/true);
}

namespace {

// RenderHtml's work; `embedded`: headings moved three levels down (h1 -> h4, at most h6),
// without ids or self-links, for Markdown shown inside a section of a page.
std::string Render(std::string_view markdown, const std::vector<std::string>& anchors,
                   const LinkRewriter& rewrite, bool embedded) {
  CmarkDocument document(markdown);
  document.HtmlToText();
  const std::string raw = document.Html();

  // Every '<' left in cmark-gfm's output is a tag it wrote (raw HTML became text), so these
  // rewrites cannot be steered by the Markdown.
  std::string html;
  html.reserve(raw.size() + raw.size() / 4);
  size_t heading = 0;
  std::string open_anchor;
  size_t i = 0;
  while (i < raw.size()) {
    const size_t lt = raw.find('<', i);
    if (lt == std::string::npos) {
      html.append(raw, i, std::string::npos);
      break;
    }
    html.append(raw, i, lt - i);
    std::string_view rest = std::string_view(raw).substr(lt);
    if (embedded && rest.size() >= 4 && (rest[1] == 'h' || (rest[1] == '/' && rest[2] == 'h'))) {
      const bool closing = rest[1] == '/';
      const char level = rest[closing ? 3 : 2];
      if (level >= '1' && level <= '6' && rest[closing ? 4 : 3] == '>') {
        html += closing ? "</h" : "<h";
        html += static_cast<char>(std::min(level + 3, static_cast<int>('6')));
        html += '>';
        i = lt + (closing ? 5 : 4);
        continue;
      }
    }
    if (rest.size() >= 4 && rest[1] == 'h' && rest[2] >= '1' && rest[2] <= '6' && rest[3] == '>') {
      open_anchor =
          heading < anchors.size() ? anchors[heading] : "section-" + std::to_string(heading);
      ++heading;
      html += "<h";
      html += rest[2];
      html += " id=\"" + AttrEscape(open_anchor) + "\">";
      i = lt + 4;
    } else if (rest.size() >= 5 && rest[1] == '/' && rest[2] == 'h' && rest[3] >= '1' &&
               rest[3] <= '6' && rest[4] == '>') {
      html += " <a class=\"anchor\" href=\"#" + AttrEscape(open_anchor) +
              "\" aria-label=\"Link to this section\">#</a></h";
      html += rest[3];
      html += '>';
      i = lt + 5;
    } else if (rest.starts_with("<a href=\"") || rest.starts_with("<img src=\"")) {
      const size_t attr = rest.find('"') + 1;
      const size_t close = rest.find('"', attr);
      if (close == std::string_view::npos) {
        html.append(rest);
        break;
      }
      std::string target = HtmlUnescape(rest.substr(attr, close - attr));
      if (!SafeTarget(target))
        target = "#";
      else if (rewrite)
        target = rewrite(target);
      html.append(rest.substr(0, attr));
      html += AttrEscape(target);
      i = lt + close;
    } else if (rest.starts_with("<table>")) {
      html += "<div class=\"table-wrap\"><table>";
      i = lt + 7;
    } else if (rest.starts_with("</table>")) {
      html += "</table></div>";
      i = lt + 8;
    } else {
      html.push_back('<');
      i = lt + 1;
    }
  }
  return html;
}

}  // namespace
}  // namespace tenure::search
