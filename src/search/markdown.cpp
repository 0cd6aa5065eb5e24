#include "search/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <map>

#include "search/text.hpp"

namespace tenure::search {
namespace {

// GitHub flavour: cmark-gfm's extensions for tables, strikethrough, autolinks, task lists.
constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink", "tasklist"};

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

// One Markdown document parsed by cmark-gfm with GitHub's extensions. The parser outlives
// the tree: rendering the extensions' nodes needs it.
class Document {
 public:
  explicit Document(std::string_view markdown) {
    static const bool kRegistered = [] {
      cmark_gfm_core_extensions_ensure_registered();  // not thread-safe: once, here
      return true;
    }();
    (void)kRegistered;
    parser_ = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (const char* name : kExtensions)
      if (cmark_syntax_extension* extension = cmark_find_syntax_extension(name))
        cmark_parser_attach_syntax_extension(parser_, extension);
    cmark_parser_feed(parser_, markdown.data(), markdown.size());
    root_ = cmark_parser_finish(parser_);
  }
  ~Document() {
    cmark_node_free(root_);
    cmark_parser_free(parser_);
  }
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Calls enter(node) and leave(node) in document order; leaves get no leave().
  template <typename Enter, typename Leave>
  void Walk(Enter&& enter, Leave&& leave) const {
    cmark_iter* iter = cmark_iter_new(root_);
    for (cmark_event_type event; (event = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
      cmark_node* node = cmark_iter_get_node(iter);
      if (event == CMARK_EVENT_ENTER)
        enter(node);
      else
        leave(node);
    }
    cmark_iter_free(iter);
  }

  // Raw HTML becomes text, shown as written and never run: an HTML block a paragraph of its
  // source, inline HTML a text node.
  void HtmlToText() {
    std::vector<cmark_node*> html;
    Walk(
        [&](cmark_node* node) {
          const cmark_node_type type = cmark_node_get_type(node);
          if (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE) html.push_back(node);
        },
        [](cmark_node*) {});
    for (cmark_node* node : html) {
      std::string literal = Literal(node);
      cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node* replacement = text;
      if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
        while (!literal.empty() && (literal.back() == '\n' || literal.back() == '\r'))
          literal.pop_back();
        replacement = cmark_node_new(CMARK_NODE_PARAGRAPH);
        cmark_node_append_child(replacement, text);
      }
      cmark_node_set_literal(text, literal.c_str());
      if (cmark_node_replace(node, replacement) == 0) {
        cmark_node_free(replacement);  // no place for text there: the HTML goes
        cmark_node_unlink(node);
      }
      cmark_node_free(node);
    }
  }

  std::string Html() const {
    // Unsafe as cmark-gfm calls it: link targets pass through, for SafeTarget to judge (cmark's
    // own filter would blank them); raw HTML is text by now.
    char* html =
        cmark_render_html(root_, CMARK_OPT_UNSAFE, cmark_parser_get_syntax_extensions(parser_));
    std::string out(html);
    cmark_get_default_mem_allocator()->free(html);
    return out;
  }

  static std::string Literal(cmark_node* node) {
    const char* literal = cmark_node_get_literal(node);
    return literal != nullptr ? literal : "";
  }

 private:
  cmark_parser* parser_ = nullptr;
  cmark_node* root_ = nullptr;
};

// Builds the page's sections and passages from the walk over a Document.
class Collector {
 public:
  explicit Collector(std::string_view input) : input_(input) {
    page_.sections.emplace_back();  // text before the first heading
    line_starts_.push_back(0);
    for (size_t i = 0; i < input.size(); ++i)
      if (input[i] == '\n') line_starts_.push_back(i + 1);
  }

  ParsedPage Finish() {
    Flush();
    // Drop an empty preamble: most pages open with their `# ` title.
    if (!page_.sections.empty() && page_.sections.front().level == 0 &&
        page_.sections.front().passages.empty() && page_.sections.front().text.empty())
      page_.sections.erase(page_.sections.begin());
    return std::move(page_);
  }

  void Enter(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING:
        Flush();
        in_heading_ = true;
        heading_level_ = std::clamp(cmark_node_get_heading_level(node), 1, 6);
        heading_text_.clear();
        break;
      case CMARK_NODE_PARAGRAPH:
        if (InItem(node)) {  // an item's text, however many paragraphs it has
          if (!active_) Start(PassageKind::kListItem);
          if (!acc_.empty()) acc_ += ' ';
        } else {
          Flush();
          Start(PassageKind::kParagraph);
        }
        AddLines(node);
        break;
      case CMARK_NODE_CODE_BLOCK: {
        Flush();
        Start(PassageKind::kCode);
        const char* info = cmark_node_get_fence_info(node);
        code_lang_ =
            info != nullptr ? std::string(info).substr(0, std::string(info).find(' ')) : "";
        acc_ = Document::Literal(node);
        Flush();
        break;
      }
      case CMARK_NODE_HTML_BLOCK:
        Flush();
        Start(PassageKind::kParagraph);
        acc_ = Document::Literal(node);
        AddLines(node);
        Flush();
        break;
      case CMARK_NODE_ITEM:
        Flush();
        Start(PassageKind::kListItem);
        break;
      case CMARK_NODE_LIST:
      case CMARK_NODE_BLOCK_QUOTE:
        // A nested list or quote ends the text of the item that holds it.
        if (active_ && kind_ == PassageKind::kListItem) Flush();
        break;
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_HTML_INLINE: Append(Document::Literal(node)); break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK: Append(" "); break;
      default: EnterExtension(node); break;
    }
  }

  void Leave(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING: EndHeading(); break;
      case CMARK_NODE_PARAGRAPH:
        if (!InItem(node)) Flush();
        break;
      case CMARK_NODE_ITEM: Flush(); break;
      case CMARK_NODE_LIST:
      case CMARK_NODE_BLOCK_QUOTE:
        // The item's text may go on after its nested list.
        if (InItem(node)) Start(PassageKind::kListItem);
        break;
      default:
        if (IsTableRow(node)) LeaveTableRow(node);
        break;
    }
  }

 private:
  static bool InItem(cmark_node* node) {
    cmark_node* parent = cmark_node_parent(node);
    return parent != nullptr && cmark_node_get_type(parent) == CMARK_NODE_ITEM;
  }
  static std::string_view TypeName(cmark_node* node) {
    const char* name = cmark_node_get_type_string(node);
    return name != nullptr ? name : "";
  }
  static bool IsTableRow(cmark_node* node) {
    const std::string_view name = TypeName(node);
    return name == "table_row" || name == "table_header";
  }

  void EnterExtension(cmark_node* node) {
    const std::string_view name = TypeName(node);
    if (name == "table") {
      Flush();
      header_lines_.clear();
      delimiter_line_.clear();
    } else if (IsTableRow(node)) {
      Flush();
      Start(PassageKind::kTableRow);
      AddLines(node);
    } else if (name == "table_cell") {
      if (active_ && !acc_.empty()) acc_ += " | ";
    }
  }

  void LeaveTableRow(cmark_node* node) {
    if (cmark_gfm_extensions_get_table_row_is_header(node) == 0) {
      Flush();
      return;
    }
    header_lines_ = Lines(first_line_, last_line_);
    delimiter_line_ = Lines(last_line_ + 1, last_line_ + 1);
    Current().text += CollapseSpaces(StripTags(acc_)) + "\n";
    active_ = false;
  }

  void Append(std::string_view text) {
    if (in_heading_)
      heading_text_ += text;
    else if (active_)
      acc_ += text;
  }

  DocSection& Current() { return page_.sections.back(); }

  void Start(PassageKind kind) {
    active_ = true;
    kind_ = kind;
    acc_.clear();
    first_line_ = 0;
    last_line_ = 0;
  }

  void AddLines(cmark_node* node) {
    const int first = cmark_node_get_start_line(node);
    const int last = std::max(first, cmark_node_get_end_line(node));
    if (first <= 0) return;
    if (first_line_ == 0 || first < first_line_) first_line_ = first;
    last_line_ = std::max(last_line_, last);
  }

  // Source lines first..last (1-based, inclusive), without the final line break.
  std::string Lines(int first, int last) const {
    if (first <= 0 || last < first || static_cast<size_t>(first) > line_starts_.size()) return {};
    const size_t start = line_starts_[static_cast<size_t>(first) - 1];
    const size_t end = static_cast<size_t>(last) < line_starts_.size()
                           ? line_starts_[static_cast<size_t>(last)]
                           : input_.size();
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
    Passage p{.kind = kind_, .text = std::move(text), .markdown = Lines(first_line_, last_line_)};
    if (kind_ == PassageKind::kCode) {
      p.markdown = "```" + code_lang_ + "\n" + p.text + "\n```";
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
  }

  std::string_view input_;
  std::vector<size_t> line_starts_;  // offset of each line's first byte
  ParsedPage page_;
  std::vector<std::pair<int, std::string>> parents_;
  std::map<std::string, int> anchor_counts_;
  bool active_ = false;
  PassageKind kind_ = PassageKind::kParagraph;
  std::string acc_;
  int first_line_ = 0;  // the source lines of the passage being collected (1-based; 0: none)
  int last_line_ = 0;
  std::string code_lang_;
  bool in_heading_ = false;
  int heading_level_ = 0;
  std::string heading_text_;
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
  const Document document(markdown);
  Collector collector(markdown);
  document.Walk([&](cmark_node* node) { collector.Enter(node); },
                [&](cmark_node* node) { collector.Leave(node); });
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
  Document document(markdown);
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
