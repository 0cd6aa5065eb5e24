#pragma once
// Markdown for the help center (cmark-gfm, GitHub flavour): the HTML of a page, and its rendered
// text split at headings into sections and passages for the index (ENGINEERING.md: index
// rendered text, not raw Markdown). Raw HTML in Markdown is always shown as text, never run.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tenure::search {

enum class PassageKind { kParagraph, kListItem, kTableRow, kCode };

// One answerable piece of a page: a paragraph, a list item, a table row or a code block.
struct Passage {
  PassageKind kind = PassageKind::kParagraph;
  std::string text;      // rendered plain text, spaces collapsed
  std::string markdown;  // the source lines, verbatim (a table row comes with its header)
};

// A list at the top level of a section (not inside a quote or another list): its items are the
// section's passages [first_passage, end_passage), nested items included. An ordered list is
// how docs write steps: a how-to question is answered with all of it (ask.cpp).
struct ListBlock {
  bool ordered = false;
  size_t first_passage = 0;
  size_t end_passage = 0;
  std::string markdown;  // the list's source lines, verbatim
};

// The text under one heading, down to the next heading.
struct DocSection {
  int level = 0;                     // 1..6; 0 for text before the first heading
  std::string heading;               // plain text
  std::string anchor;                // the heading's id, unique within the page
  std::vector<std::string> parents;  // the headings above this one, outermost first
  std::vector<Passage> passages;
  std::vector<ListBlock> lists;  // in document order
  std::string text;              // every word under the heading (table headers too)
};

struct ParsedPage {
  std::string title;    // the first `# ` heading (empty when there is none)
  std::string summary;  // the first sentence of the first paragraph
  std::vector<DocSection> sections;
  std::vector<std::string> anchors;  // every heading's id, in document order
};

ParsedPage ParseMarkdown(std::string_view markdown);

// Maps a link target of the Markdown to the href of the HTML (e.g. "../a.md#x" -> "/help/a#x").
using LinkRewriter = std::function<std::string(std::string_view target)>;

// The page's HTML: headings carry the ids in `anchors` (from ParseMarkdown) and a self-link,
// tables scroll inside a wrapper, links go through `rewrite`; a link whose scheme is not
// http, https or mailto becomes "#".
std::string RenderHtml(std::string_view markdown, const std::vector<std::string>& anchors,
                       const LinkRewriter& rewrite = {});
// Same, computing the anchors itself.
std::string RenderHtml(std::string_view markdown);
// Markdown shown inside a section of a page (release notes): headings start at h4, under the
// page's h2 and h3, without ids or self-links that could collide with the page's own.
std::string RenderEmbeddedHtml(std::string_view markdown);

}  // namespace tenure::search
