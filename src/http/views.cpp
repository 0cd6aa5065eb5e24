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
  if (name.ends_with(".woff2")) return "font/woff2";
  return "application/octet-stream";
}
}  // namespace

Views::Views() {
  for (const auto& f : embedded::Templates()) {
    std::string name(f.path);
    if (name.ends_with(".html")) name.resize(name.size() - 5);
    if (name.starts_with("partials/"))
      partials_.emplace(name.substr(9), std::string(f.bytes));
    else
      templates_.emplace(std::move(name), std::string(f.bytes));
  }
  for (const auto& f : embedded::Static())
    assets_.emplace(std::string(f.path), Asset{std::string(f.bytes), MimeType(f.path),
                                               Sha256Hex(f.bytes).substr(0, 16)});
}

std::string Views::Page(std::string_view name, mstch::map vars) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) throw std::logic_error("no template " + std::string(name));
  vars["content"] = mstch::render(it->second, vars, partials_);
  vars["css_url"] = AssetUrl("app.css");
  vars["icon_url"] = AssetUrl("icon.svg");
  return mstch::render(templates_.at("layout"), vars);
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
