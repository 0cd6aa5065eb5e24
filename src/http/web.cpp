#include "http/web.hpp"

#include <fmt/format.h>

#include <charconv>

namespace tenure::http {

Response RenderPage(Context& ctx, std::string_view template_name, std::string title,
                    std::string_view tab, mstch::map vars, int status) {
  vars["title"] = std::move(title);
  vars["csrf"] = ctx.csrf;
  if (!tab.empty()) vars["tab_" + std::string(tab)] = true;
  if (ctx.user) {
    vars["user_email"] = ctx.User().email;
    vars["is_staff"] = domain::IsStaff(ctx.User().role);
    // Issue 14 item 5: an account without a time zone takes the browser's (static/app.js
    // posts it, then reloads the page), from a page fetched with GET only: reloading the
    // answer to a form would send the form again.
    if (ctx.User().time_zone.empty() && ctx.req.method == "GET") vars["detect_time_zone"] = true;
  }
  Response res;
  res.status = status;
  res.body = ctx.svc.views.Page(template_name, std::move(vars));
  // Pages carry personal data and CSRF tokens: never stored by shared caches.
  res.Set("Cache-Control", "no-store");
  return res;
}

std::optional<int64_t> Context::IdParam(std::string_view name) const {
  return ParseId(Param(name));
}

std::string FormatDateTime(Instant t) { return tenure::FormatDateTime(t, TimeZone::Utc()); }

std::optional<int64_t> ParseId(std::string_view text) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::string Context::Query(std::string_view name) const {
  const Form query = ParseForm(req.query);
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

Response ErrorPage(Context& ctx, int status, std::string heading, std::string message) {
  const bool signed_in = ctx.user.has_value();
  return RenderPage(
      ctx, "error", heading, "",
      mstch::map{{"heading", heading},
                 {"message", std::move(message)},
                 {"back_url", std::string(signed_in ? "/home" : "/")},
                 {"back_label", std::string(signed_in ? "Back to Home" : "Go to the start page")},
                 {"request_id", ctx.req.request_id}},
      status);
}

std::string SessionCookie(std::string_view token, bool secure, Seconds max_age) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}", kSessionCookie, token,
                     max_age.count(), secure ? "; Secure" : "");
}

}  // namespace tenure::http
