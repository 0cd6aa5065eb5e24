#pragma once
// A Markdown document parsed by cmark-gfm (GitHub's parser, Debian's libcmark-gfm) with the
// GitHub extensions: the one place that owns cmark's parser and tree (search/markdown.cpp
// reads it, search/markdown_html.cpp renders it). Private to the search layer.
#include <cmark-gfm.h>

#include <string>
#include <string_view>

namespace tenure::search {

// One parsed document. The parser outlives the tree: rendering the extensions' nodes needs it.
class CmarkDocument {
 public:
  explicit CmarkDocument(std::string_view markdown);
  ~CmarkDocument();
  CmarkDocument(const CmarkDocument&) = delete;
  CmarkDocument& operator=(const CmarkDocument&) = delete;

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
  void HtmlToText();

  // The HTML of the tree (after HtmlToText: raw HTML is text by now).
  std::string Html() const;

  // A leaf's text (empty for a node without one).
  static std::string Literal(cmark_node* node);

 private:
  cmark_parser* parser_ = nullptr;
  cmark_node* root_ = nullptr;
};

}  // namespace tenure::search
