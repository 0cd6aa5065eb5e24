#include "http/views.hpp"

#include <stdexcept>

#include "core/embedded.hpp"
#include "core/secure_random.hpp"

namespace tenure::http {
namespace {
std::string MimeType(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "application/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".png")) return "image/png";
  if (name.ends_with(".jpg")) return "image/jpeg";
  if (name.ends_with(".webp")) return "image/webp";
  if (name.ends_with(".woff2")) return "font/woff2";
  return "application/octet-stream";
}
}  // namespace

Views::Views(Brand brand) : brand_(std::move(brand)) {
  for (const auto& f : embedded::Static())
    assets_.emplace(std::string(f.path), Asset{std::string(f.bytes), MimeType(f.path),
                                               Sha256Hex(f.bytes).substr(0, 16)});
  // Served as /static/ files are, at URLs that change with their content: cached for a year,
  // and a stylesheet keeps the CSP's style-src 'self' (no inline style needed).
  auto add = [&](const std::string& name, std::string body, std::string type) {
    const std::string hash = Sha256Hex(body).substr(0, 16);
    assets_.insert_or_assign(name, Asset{std::move(body), std::move(type), hash});
    return AssetUrl(name);
  };
  if (!brand_.accent_color.empty()) {
    const auto accent = ParseHexColor(brand_.accent_color);
    if (!accent) throw std::invalid_argument("accent colour: " + brand_.accent_color);
    brand_css_url_ = add("brand.css", BrandCss(*accent), "text/css; charset=utf-8");
  }
  if (!brand_.logo.empty())
    logo_url_ = add(LogoAssetName(brand_.logo_content_type), brand_.logo, brand_.logo_content_type);
  css_url_ = AssetUrl("app.css");
  icon_url_ = AssetUrl("icon.svg");
  js_url_ = AssetUrl("app.js");

  auto partials = std::make_shared<MustacheTemplate::Partials>();
  std::map<std::string, std::string_view> sources;
  for (const auto& f : embedded::Templates()) {
    std::string name(f.path);
    if (name.ends_with(".html")) name.resize(name.size() - 5);
    if (name.starts_with("partials/"))
      partials->emplace(name.substr(9), std::string(f.bytes));
    else
      sources.emplace(std::move(name), f.bytes);
  }
  for (const auto& [name, source] : sources) {
    templates_.emplace(name, MustacheTemplate(source, partials));
    if (name == "layout") layout_ = std::make_unique<MustacheTemplate>(source, nullptr);
  }
  if (!layout_) throw std::logic_error("no template layout");
}

std::string Views::Page(std::string_view name, mstch::map vars) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) throw std::logic_error("no template " + std::string(name));
  // The page's data moves into a node (no copy) that both renders read; the content is
  // rendered before css_url and icon_url are set, as mstch did.
  mstch::node root(std::move(vars));
  auto& map = boost::get<mstch::map>(root);
  // The brand before the content, so that a page (the terms) may name the seller too.
  map["brand_product"] = brand_.product_name;
  map["brand_seller"] = brand_.seller_name;
  map["brand_seller_address"] = brand_.seller_address;
  map["brand_css_url"] = brand_css_url_;
  map["brand_logo_url"] = logo_url_;
  std::string content;
  content.reserve(4096);
  it->second.RenderTo(root, content);
  map["content"] = std::move(content);
  map["css_url"] = css_url_;
  map["icon_url"] = icon_url_;
  map["js_url"] = js_url_;
  std::string page;
  page.reserve(8192);
  layout_->RenderTo(root, page);
  return page;
}

const Asset* Views::FindAsset(std::string_view name) const {
  auto it = assets_.find(name);
  return it == assets_.end() ? nullptr : &it->second;
}

std::string Views::AssetUrl(std::string_view name) const {
  const Asset* a = FindAsset(name);
  return "/static/" + std::string(name) + (a ? "?v=" + a->hash : "");
}

}  // namespace tenure::http
