#pragma once
// A Mustache template parsed once, rendered many times (issue 8: mstch::render tokenised every
// template, partials included, and copied the data on every page). It renders mstch nodes to
// the byte the same as mstch::render(source, root, partials): the same standalone-line
// whitespace rules, partial indentation, escaping (mstch::config::escape or mstch's own),
// context lookup (dotted names, {{.}}) and lambdas; tests/http/mustache_test.cpp compares the
// two on every template and on generated ones.
#include <map>
#include <memory>
#include <mstch/mstch.hpp>
#include <string>
#include <string_view>

namespace tenure::http {

class MustacheTemplate {
 public:
  using Partials = std::map<std::string, std::string>;  // name -> source, for {{> name}}

  // Throws std::logic_error on what mstch would render unpredictably: an unbalanced section,
  // an empty tag, or a set-delimiter tag ({{=<% %>=}}; none of our templates uses one).
  MustacheTemplate(std::string_view source, std::shared_ptr<const Partials> partials);
  ~MustacheTemplate();
  MustacheTemplate(MustacheTemplate&&) noexcept;
  MustacheTemplate& operator=(MustacheTemplate&&) noexcept;

  // Appends the output to `out` (callers reuse one buffer for a page).
  void RenderTo(const mstch::node& root, std::string& out) const;
  std::string Render(const mstch::node& root) const;

  struct Program;  // the parsed tree; public only for mustache.cpp's renderer

 private:
  std::shared_ptr<const Program> program_;
};

}  // namespace tenure::http
