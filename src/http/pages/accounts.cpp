// Sign-up, sign-in (with its second step when two-factor is on), sign-out. On a bad input the
// form comes back with a clear message and what was typed; a password only when the error is
// about another field (issue 14 item 8: not lost without need; the page is never cached).
#include <fmt/format.h>

#include "app/account_security.hpp"
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
  if (error && error->field != "password") vars["password"] = std::string(ctx.Field("password"));
  AddError(vars, error, {.title = "Your account was not created."});
  return RenderPage(ctx, "sign_up", "Create your account", "sign_up", std::move(vars), status);
}

// The pending second step of a sign-in lives in its own cookie, sent only to /sign-in.
constexpr char kSecondStepCookie[] = "tenure_2fa";

std::string SecondStepCookie(Context& ctx, std::string_view token, Seconds max_age) {
  return fmt::format("{}={}; Path=/sign-in; Max-Age={}; HttpOnly; SameSite=Lax{}",
                     kSecondStepCookie, token, max_age.count(),
                     ctx.svc.secure_cookies ? "; Secure" : "");
}

// Rate limits say when to come back, on pages as in the API.
Response WithRetryAfter(Response res, const Error& error) {
  if (error.code == ErrorCode::kRateLimited)
    res.Set("Retry-After", std::to_string(error.retry_after_seconds));
  return res;
}

Response SignInCodePage(Context& ctx, int status, const Error* error) {
  mstch::map vars{{"next", LocalPathOr(ctx.Field("next").empty() ? ctx.Query("next")
                                                                 : std::string(ctx.Field("next")),
                                       "")}};
  AddError(vars, error, {.title = "You are not signed in yet."});
  return RenderPage(ctx, "sign_in_code", "Two-factor authentication", "sign_in", std::move(vars),
                    status);
}

Response SignInPage(Context& ctx, int status, const Error* error) {
  std::string next(ctx.Field("next"));
  if (next.empty()) {
    const auto query = ParseForm(ctx.req.query);
    if (auto it = query.find("next"); it != query.end()) next = it->second;
  }
  mstch::map vars{{"email", std::string(ctx.Field("email"))}, {"next", LocalPathOr(next, "")}};
  AddError(vars, error, {.title = "You are not signed in."});
  if (ctx.Query("done") == "password_reset")
    vars["notice"] = std::string("Your password is changed. Sign in with it.");
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
                              ctx.Client(), Cookie(ctx.req, kSessionCookie));
  if (!session)
    return WithRetryAfter(SignUpPage(ctx, HttpStatus(session.error().code), &session.error()),
                          session.error());
  // The link goes out after the account commits; a refusal (too many links) is not fatal:
  // Home offers Send the link again.
  (void)ctx.svc.security.SendEmailVerification(session->user, ctx.Client());
  return SignedIn(ctx, *session, "");
}

Response SignInForm(Context& ctx) {
  if (ctx.user) return Response::Redirect("/home");
  return SignInPage(ctx, 200, nullptr);
}

Response SignIn(Context& ctx) {
  auto step = ctx.svc.accounts.SignIn(ctx.Field("email"), ctx.Field("password"), ctx.Client(),
                                      Cookie(ctx.req, kSessionCookie));
  if (!step)
    return WithRetryAfter(SignInPage(ctx, HttpStatus(step.error().code), &step.error()),
                          step.error());
  if (step->session) return SignedIn(ctx, *step->session, ctx.Field("next"));
  // Two-factor on: the code page, holding the pending step in its cookie.
  Response res = Response::Redirect(
      "/sign-in/code" + (LocalPathOr(ctx.Field("next"), "").empty()
                             ? std::string()
                             : "?next=" + UrlEncode(LocalPathOr(ctx.Field("next"), ""))));
  res.Set("Set-Cookie", SecondStepCookie(ctx, step->second_step_token, Seconds(5 * 60)));
  return res;
}

Response SignInCodeForm(Context& ctx) {
  if (ctx.user) return Response::Redirect("/home");
  if (!ctx.svc.accounts.SecondStepPending(Cookie(ctx.req, kSecondStepCookie), ctx.Client()))
    return Response::Redirect("/sign-in");
  return SignInCodePage(ctx, 200, nullptr);
}

Response SignInCode(Context& ctx) {
  auto session =
      ctx.svc.accounts.SignInWithCode(Cookie(ctx.req, kSecondStepCookie), ctx.Field("code"),
                                      ctx.Client(), Cookie(ctx.req, kSessionCookie));
  if (!session) {
    const Error& error = session.error();
    // The step is over (timed out, too many wrong codes): back to the password.
    if (error.code == ErrorCode::kUnauthenticated && error.field.empty()) {
      Response res = SignInPage(ctx, 401, &error);
      res.Set("Set-Cookie", SecondStepCookie(ctx, "", Seconds(0)));
      return res;
    }
    return WithRetryAfter(SignInCodePage(ctx, HttpStatus(error.code), &error), error);
  }
  Response res = SignedIn(ctx, *session, ctx.Field("next"));
  res.headers.emplace_back("Set-Cookie", SecondStepCookie(ctx, "", Seconds(0)));
  return res;
}

Response SignOut(Context& ctx) {
  ctx.svc.accounts.SignOut(Cookie(ctx.req, kSessionCookie), ctx.Client());
  Response res = Response::Redirect("/sign-in");
  res.Set("Set-Cookie", SessionCookie("", ctx.svc.secure_cookies, Seconds(0)));
  return res;
}

}  // namespace tenure::http::pages
