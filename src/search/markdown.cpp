#include "search/markdown.hpp"

#include <md4c-html.h>
#include <md4c.h>

#include <map>

#include "search/text.hpp"

namespace tenure::search {
namespace {

// GitHub flavour (tables, strikethrough, autolinks, task lists); raw HTML is text.
constexpr unsigned kParserFlags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;

// Raw HTML shows as text on the page, but its tags are no words to search for.
std::string StripTags(std::string_view text) {
  if (text.find('<') == std::string_view::npos) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<' && i + 1 < text.size() &&
        (std::isalpha(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '/' ||
         text[i + 1] == '!')) {
      const size_t close = text.find('>', i);
      const size_t newline = text.find('\n', i);
      if (close != std::string_view::npos && close < newline && close - i < 300) {
        out.push_back(' ');
        i = close + 1;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::string DecodeEntity(std::string_view entity) {
  static const std::map<std::string_view, std::string_view> kNamed = {
      {"&amp;", "&"},  {"&lt;", "<"},   {"&gt;", ">"},    {"&quot;", "\""}, {"&apos;", "'"},
      {"&nbsp;", " "}, {"&copy;", "©"}, {"&mdash;", "—"}, {"&ndash;", "–"}, {"&hellip;", "…"},
      {"&rarr;", "→"}, {"&larr;", "←"}, {"&times;", "×"}, {"&euro;", "€"},
  };
  if (auto it = kNamed.find(entity); it != kNamed.end()) return std::string(it->second);
  if (entity.size() > 3 && entity[1] == '#') {
    unsigned long cp = 0;
    try {
      cp = entity[2] == 'x' || entity[2] == 'X'
               ? std::stoul(std::string(entity.substr(3, entity.size() - 4)), nullptr, 16)
               : std::stoul(std::string(entity.substr(2, entity.size() - 3)));
    } catch (const std::exception&) {
      return std::string(entity);
    }
    if (cp == 0 || cp > 0x10FFFF) return " ";
    std::string out;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return out;
  }
  return std::string(entity);
}

class Collector {
 public:
  explicit Collector(std::string_view input) : input_(input) {
    page_.sections.emplace_back();  // text before the first heading
  }

  ParsedPage Finish() {
    Flush();
    // Drop an empty preamble: most pages open with their `# ` title.
    if (!page_.sections.empty() && page_.sections.front().level == 0 &&
        page_.sections.front().passages.empty() && page_.sections.front().text.empty())
      page_.sections.erase(page_.sections.begin());
    return std::move(page_);
  }

  int EnterBlock(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_H:
        Flush();
        in_heading_ = true;
        heading_level_ = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        heading_text_.clear();
        break;
      case MD_BLOCK_P:
      case MD_BLOCK_CODE:
        Flush();
        Start(type == MD_BLOCK_CODE ? PassageKind::kCode : PassageKind::kParagraph);
        if (type == MD_BLOCK_CODE) {
          const auto* d = static_cast<MD_BLOCK_CODE_DETAIL*>(detail);
          code_lang_.assign(d->lang.text ? d->lang.text : "", d->lang.text ? d->lang.size : 0);
        }
        break;
      case MD_BLOCK_LI:
        Flush();
        Start(PassageKind::kListItem);
        break;
      case MD_BLOCK_THEAD: in_thead_ = true; break;
      case MD_BLOCK_TABLE:
        Flush();
        header_lines_.clear();
        delimiter_line_.clear();
        break;
      case MD_BLOCK_TR:
        Flush();
        Start(PassageKind::kTableRow);
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        if (active_ && !acc_.empty()) acc_ += " | ";
        break;
      default:
        // A nested list or quote ends the text of the item that holds it.
        if (active_ && kind_ == PassageKind::kListItem) Flush();
        break;
    }
    blocks_.push_back(type);
    return 0;
  }

  int LeaveBlock(MD_BLOCKTYPE type) {
    if (!blocks_.empty()) blocks_.pop_back();
    switch (type) {
      case MD_BLOCK_H: EndHeading(); break;
      case MD_BLOCK_P:
      case MD_BLOCK_CODE:
      case MD_BLOCK_LI: Flush(); break;
      case MD_BLOCK_TR:
        if (in_thead_) {
          header_lines_ = Lines(lo_, hi_);
          const size_t after = input_.find('\n', hi_);
          if (after != std::string_view::npos) {
            const size_t next_end = input_.find('\n', after + 1);
            delimiter_line_ = std::string(input_.substr(
                after + 1,
                (next_end == std::string_view::npos ? input_.size() : next_end) - after - 1));
          }
          Current().text += CollapseSpaces(StripTags(acc_)) + "\n";
          active_ = false;
        } else {
          Flush();
        }
        break;
      case MD_BLOCK_THEAD: in_thead_ = false; break;
      case MD_BLOCK_UL:
      case MD_BLOCK_OL:
      case MD_BLOCK_QUOTE:
        if (!blocks_.empty() && blocks_.back() == MD_BLOCK_LI) Start(PassageKind::kListItem);
        break;
      default: break;
    }
    return 0;
  }

  int Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size) {
    // md4c 0.4.8 (Debian 12) now and then hands a size read from memory it never wrote
    // (~3.2 GB; found by fuzz/markdown_fuzz.cpp, issue 13). No piece of a document is longer
    // than the document: such a piece stops the parse here instead of being read.
    if (size > input_.size()) return 1;
    std::string_view piece(text, size);
    std::string decoded;
    switch (type) {
      case MD_TEXT_NULLCHAR: return 0;
      case MD_TEXT_BR:
      case MD_TEXT_SOFTBR: decoded = kind_ == PassageKind::kCode ? "\n" : " "; break;
      case MD_TEXT_ENTITY: decoded = DecodeEntity(piece); break;
      default: decoded = std::string(piece); break;
    }
    if (text >= input_.data() && text + size <= input_.data() + input_.size()) {
      const size_t off = static_cast<size_t>(text - input_.data());
      if (in_heading_ || active_) {
        if (lo_ == std::string_view::npos || off < lo_) lo_ = off;
        if (off + size > hi_) hi_ = off + size;
      }
    }
    if (in_heading_)
      heading_text_ += decoded;
    else if (active_)
      acc_ += decoded;
    return 0;
  }

 private:
  DocSection& Current() { return page_.sections.back(); }

  void Start(PassageKind kind) {
    active_ = true;
    kind_ = kind;
    acc_.clear();
    lo_ = std::string_view::npos;
    hi_ = 0;
  }

  // The whole source lines holding [lo, hi).
  std::string Lines(size_t lo, size_t hi) const {
    if (lo == std::string_view::npos || hi <= lo) return {};
    size_t start = input_.rfind('\n', lo);
    start = start == std::string_view::npos ? 0 : start + 1;
    size_t end = input_.find('\n', hi > 0 ? hi - 1 : 0);
    if (end == std::string_view::npos) end = input_.size();
    std::string lines(input_.substr(start, end - start));
    while (!lines.empty() && (lines.back() == '\r' || lines.back() == '\n')) lines.pop_back();
    return lines;
  }

  void Flush() {
    if (!active_) return;
    active_ = false;
    std::string text = kind_ == PassageKind::kCode ? acc_ : CollapseSpaces(StripTags(acc_));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.empty() || text.find_first_not_of(" \n\t") == std::string::npos) return;
    Passage p{.kind = kind_, .text = std::move(text), .markdown = Lines(lo_, hi_)};
    if (kind_ == PassageKind::kCode) {
      p.markdown = "```" + code_lang_ + "\n" + p.markdown + "\n```";
    } else if (kind_ == PassageKind::kTableRow && !header_lines_.empty()) {
      p.markdown = header_lines_ + "\n" + delimiter_line_ + "\n" + p.markdown;
    }
    if (page_.summary.empty() && kind_ == PassageKind::kParagraph)
      page_.summary = FirstSentence(p.text);
    DocSection& s = Current();
    s.text += (kind_ == PassageKind::kCode ? CollapseSpaces(p.text) : p.text) + "\n";
    s.passages.push_back(std::move(p));
  }

  void EndHeading() {
    in_heading_ = false;
    const std::string heading = CollapseSpaces(StripTags(heading_text_));
    std::string anchor = Slugify(heading);
    if (anchor.empty()) anchor = "section";
    const int seen = anchor_counts_[anchor]++;
    if (seen > 0) anchor += "-" + std::to_string(seen);
    page_.anchors.push_back(anchor);
    if (heading_level_ == 1 && page_.title.empty()) page_.title = heading;

    while (!parents_.empty() && parents_.back().first >= heading_level_) parents_.pop_back();
    DocSection section{.level = heading_level_, .heading = heading, .anchor = anchor};
    for (const auto& [level, text] : parents_) section.parents.push_back(text);
    parents_.emplace_back(heading_level_, heading);
    page_.sections.push_back(std::move(section));
    lo_ = std::string_view::npos;
    hi_ = 0;
  }

  std::string_view input_;
  ParsedPage page_;
  std::vector<MD_BLOCKTYPE> blocks_;
  std::vector<std::pair<int, std::string>> parents_;
  std::map<std::string, int> anchor_counts_;
  bool active_ = false;
  PassageKind kind_ = PassageKind::kParagraph;
  std::string acc_;
  size_t lo_ = std::string_view::npos;
  size_t hi_ = 0;
  std::string code_lang_;
  bool in_heading_ = false;
  int heading_level_ = 0;
  std::string heading_text_;
  bool in_thead_ = false;
  std::string header_lines_;
  std::string delimiter_line_;
};

std::string HtmlUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      const size_t semi = s.find(';', i);
      if (semi != std::string_view::npos && semi - i < 10) {
        out += DecodeEntity(s.substr(i, semi - i + 1));
        i = semi;
        continue;
      }
    }
    out.push_back(s[i]);
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

}  // namespace

ParsedPage ParseMarkdown(std::string_view markdown) {
  Collector collector(markdown);
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = kParserFlags;
  parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) {
    return static_cast<Collector*>(u)->EnterBlock(t, d);
  };
  parser.leave_block = [](MD_BLOCKTYPE t, void*, void* u) {
    return static_cast<Collector*>(u)->LeaveBlock(t);
  };
  parser.enter_span = [](MD_SPANTYPE, void*, void*) { return 0; };
  parser.leave_span = [](MD_SPANTYPE, void*, void*) { return 0; };
  parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) {
    return static_cast<Collector*>(u)->Text(t, s, n);
  };
  md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &collector);
  return collector.Finish();
}

namespace {
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
  // md4c 0.4.8 (Debian 12) now and then hands a size read from memory it never wrote (~3.2 GB;
  // found by fuzz/markdown_fuzz.cpp, issue 13). No piece of HTML md4c writes is longer than
  // the whole Markdown (escaping makes a byte at most 6): such a piece is not read, and the
  // page shows the Markdown as plain text instead.
  struct Output {
    std::string html;
    size_t max_piece;
    bool broken = false;
  } out{.html = {}, .max_piece = markdown.size() * 6 + 64};
  out.html.reserve(markdown.size() * 2);
  md_html(
      markdown.data(), static_cast<MD_SIZE>(markdown.size()),
      [](const MD_CHAR* t, MD_SIZE n, void* u) {
        auto* o = static_cast<Output*>(u);
        if (n > o->max_piece) o->broken = true;
        if (!o->broken) o->html.append(t, n);
      },
      &out, kParserFlags, 0);
  if (out.broken) return "<pre>" + AttrEscape(markdown) + "</pre>\n";
  std::string& raw = out.html;

  // Every '<' left in md4c's output is a tag md4c wrote (raw HTML was escaped), so these
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
