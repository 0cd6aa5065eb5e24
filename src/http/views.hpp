#pragma once
// Server-rendered HTML: mustache templates compiled into the binary; {{x}} escapes (habit 11).
#include <map>
#include <memory>
#include <mstch/mstch.hpp>
#include <string>
#include <string_view>

#include "http/brand.hpp"
#include "http/mustache.hpp"

namespace tenure::http {

struct Asset {
  std::string body;
  std::string content_type;
  std::string hash;  // content hash: the ?v= of its URL and its ETag
};

class Views {
 public:
  // Parses every template once (issue 8); throws std::logic_error on a malformed one. The
  // brand's logo and stylesheet become assets beside static/'s (issue 14 item 10).
  explicit Views(Brand brand = {});
  // Renders templates/<name>.html inside layout.html.
  std::string Page(std::string_view name, mstch::map vars) const;
  const Asset* FindAsset(std::string_view name) const;
  // "/static/app.css?v=<hash>": a changed file gets a new URL, so it may be cached forever.
  std::string AssetUrl(std::string_view name) const;

 private:
  std::map<std::string, Asset, std::less<>> assets_;
  std::map<std::string, MustacheTemplate, std::less<>> templates_;  // with partials/ as {{> NAME}}
  std::unique_ptr<MustacheTemplate> layout_;  // rendered without partials, as before
  std::string css_url_, icon_url_, js_url_;   // the layout's assets
  Brand brand_;
  std::string brand_css_url_, logo_url_;  // empty: no accent colour, no logo
};

}  // namespace tenure::http
