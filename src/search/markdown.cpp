#include "search/markdown.hpp"

#include <cmark-gfm-core-extensions.h>

#include <algorithm>
#include <map>

#include "search/cmark_document.hpp"
#include "search/text.hpp"

namespace tenure::search {
namespace {

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
        acc_ = CmarkDocument::Literal(node);
        Flush();
        break;
      }
      case CMARK_NODE_HTML_BLOCK:
        Flush();
        Start(PassageKind::kParagraph);
        acc_ = CmarkDocument::Literal(node);
        AddLines(node);
        Flush();
        break;
      case CMARK_NODE_ITEM:
        Flush();
        Start(PassageKind::kListItem);
        break;
      case CMARK_NODE_LIST:
        if (AtTop(node)) StartList(node);
        [[fallthrough]];
      case CMARK_NODE_BLOCK_QUOTE:
        // A nested list or quote ends the text of the item that holds it.
        if (active_ && kind_ == PassageKind::kListItem) Flush();
        break;
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_HTML_INLINE: Append(CmarkDocument::Literal(node)); break;
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
        if (AtTop(node)) EndList();
        [[fallthrough]];
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
  // Directly under the document: not inside a quote or another list.
  static bool AtTop(cmark_node* node) {
    cmark_node* parent = cmark_node_parent(node);
    return parent != nullptr && cmark_node_get_type(parent) == CMARK_NODE_DOCUMENT;
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

  void StartList(cmark_node* node) {
    Flush();
    list_ = ListBlock{.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                      .first_passage = Current().passages.size()};
    list_section_ = page_.sections.size();
    const int first = cmark_node_get_start_line(node);
    list_.markdown = Lines(first, std::max(first, cmark_node_get_end_line(node)));
  }

  void EndList() {
    Flush();
    // An item holding a heading moved us to another section: that is no list of this one.
    if (page_.sections.size() != list_section_) return;
    list_.end_passage = Current().passages.size();
    if (list_.end_passage > list_.first_passage) Current().lists.push_back(std::move(list_));
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
  ListBlock list_;  // the top-level list being collected
  size_t list_section_ = 0;
};

}  // namespace

ParsedPage ParseMarkdown(std::string_view markdown) {
  const CmarkDocument document(markdown);
  Collector collector(markdown);
  document.Walk([&](cmark_node* node) { collector.Enter(node); },
                [&](cmark_node* node) { collector.Leave(node); });
  return collector.Finish();
}

}  // namespace tenure::search
