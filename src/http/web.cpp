#include "http/web.hpp"

#include <fmt/format.h>

namespace tenure::http {

Response RenderPage(Context& ctx, std::string_view template_name, std::string title,
                    std::string_view tab, mstch::map vars, int status) {
  vars["title"] = std::move(title);
  vars["csrf"] = ctx.csrf;
  if (!tab.empty()) vars["tab_" + std::string(tab)] = true;
  if (ctx.user) {
    vars["user_email"] = ctx.User().email;
    vars["is_staff"] = domain::IsStaff(ctx.User().role);
  }
  Response res;
  res.status = status;
  res.body = ctx.svc.views.Page(template_name, std::move(vars));
  // Pages carry personal data and CSRF tokens: never stored by shared caches.
  res.Set("Cache-Control", "no-store");
  return res;
}

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return 422;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kCsrf: return 403;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
  }
  return 500;
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
