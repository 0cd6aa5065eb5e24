// Sign-up, sign-in, sign-out. On a bad input the form comes back with a clear message and
// what was typed (but never the password, which is not echoed into HTML).
#include <fmt/format.h>

#include "app/accounts.hpp"
#include "domain/terms.hpp"
#include "http/pages/pages.hpp"
#include "http/redirects.hpp"

namespace tenure::http::pages {
namespace {

// Where a fresh session goes: the page asked for, else staff to their queue, else Home.
Response SignedIn(Context& ctx, const app::NewSession& session, std::string_view next) {
  Response res = Response::Redirect(
      LocalPathOr(next, domain::IsStaff(session.user.role) ? "/staff" : "/home"));
  res.Set("Set-Cookie", SessionCookie(session.token, ctx.svc.secure_cookies,
                                      ctx.svc.accounts.session_policy().lifetime));
  return res;
}

Response SignUpPage(Context& ctx, int status, const Error* error) {
  mstch::map vars{{"email", std::string(ctx.Field("email"))},
                  {"terms_checked", ctx.Field("terms") == "yes"},
                  {"terms_version", std::string(domain::kTermsVersion)},
                  {"min_password", static_cast<int>(domain::kMinPasswordLength)}};
  AddError(vars, error);
  return RenderPage(ctx, "sign_up", "Create your account", "sign_up", std::move(vars), status);
}

Response SignInPage(Context& ctx, int status, const Error* error) {
  std::string next(ctx.Field("next"));
  if (next.empty()) {
    const auto query = ParseForm(ctx.req.query);
    if (auto it = query.find("next"); it != query.end()) next = it->second;
  }
  mstch::map vars{{"email", std::string(ctx.Field("email"))}, {"next", LocalPathOr(next, "")}};
  AddError(vars, error);
  return RenderPage(ctx, "sign_in", "Sign in", "sign_in", std::move(vars), status);
}

}  // namespace

Response SignUpForm(Context& ctx) {
  if (ctx.user) return Response::Redirect("/home");
  return SignUpPage(ctx, 200, nullptr);
}

Response SignUp(Context& ctx) {
  auto session =
      ctx.svc.accounts.SignUp(app::SignUpForm{.email = std::string(ctx.Field("email")),
                                              .password = std::string(ctx.Field("password")),
                                              .accepted_terms = ctx.Field("terms") == "yes"},
                              ctx.Client());
  if (!session) return SignUpPage(ctx, HttpStatus(session.error().code), &session.error());
  return SignedIn(ctx, *session, "");
}

Response SignInForm(Context& ctx) {
  if (ctx.user) return Response::Redirect("/home");
  return SignInPage(ctx, 200, nullptr);
}

Response SignIn(Context& ctx) {
  auto session = ctx.svc.accounts.SignIn(ctx.Field("email"), ctx.Field("password"), ctx.Client(),
                                         Cookie(ctx.req, kSessionCookie));
  if (!session) {
    Response res = SignInPage(ctx, HttpStatus(session.error().code), &session.error());
    if (session.error().code == ErrorCode::kRateLimited)
      res.Set("Retry-After", std::to_string(session.error().retry_after_seconds));
    return res;
  }
  return SignedIn(ctx, *session, ctx.Field("next"));
}

Response SignOut(Context& ctx) {
  ctx.svc.accounts.SignOut(Cookie(ctx.req, kSessionCookie), ctx.Client());
  Response res = Response::Redirect("/sign-in");
  res.Set("Set-Cookie", SessionCookie("", ctx.svc.secure_cookies, Seconds(0)));
  return res;
}

}  // namespace tenure::http::pages
