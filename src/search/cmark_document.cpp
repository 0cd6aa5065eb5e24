#include "search/cmark_document.hpp"

#include <cmark-gfm-core-extensions.h>

#include <vector>

namespace tenure::search {
namespace {

// GitHub flavour: cmark-gfm's extensions for tables, strikethrough, autolinks, task lists.
constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink", "tasklist"};

}  // namespace

CmarkDocument::CmarkDocument(std::string_view markdown) {
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

CmarkDocument::~CmarkDocument() {
  cmark_node_free(root_);
  cmark_parser_free(parser_);
}

// Not const: it changes the tree, which cmark's handles let a const method do unseen.
// NOLINTNEXTLINE(readability-make-member-function-const)
void CmarkDocument::HtmlToText() {
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

std::string CmarkDocument::Html() const {
  // Unsafe as cmark-gfm calls it: link targets pass through, for SafeTarget to judge (cmark's
  // own filter would blank them); raw HTML is text by now.
  char* html =
      cmark_render_html(root_, CMARK_OPT_UNSAFE, cmark_parser_get_syntax_extensions(parser_));
  std::string out(html);
  cmark_get_default_mem_allocator()->free(html);
  return out;
}

std::string CmarkDocument::Literal(cmark_node* node) {
  const char* literal = cmark_node_get_literal(node);
  return literal != nullptr ? literal : "";
}

}  // namespace tenure::search
