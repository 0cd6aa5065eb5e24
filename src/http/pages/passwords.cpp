// Forgot your password?, the emailed reset link, Change password in Settings, and the email
// verification link (issue 10). The reset link's token stays out of other sites' logs: the
// page is sent with Referrer-Policy no-referrer.
#include "app/account_security.hpp"
#include "domain/account.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http::pages {
namespace {

// A password typed into a form that came back for another field's sake stays typed (issue 14
// item 8); one that was itself refused is typed again.
void KeepPassword(Context& ctx, mstch::map& vars, const Error* error, const std::string& field) {
  if (error && error->field != field) vars[field] = std::string(ctx.Field(field));
}

Response ForgotPage(Context& ctx, int status, const Error* error, bool sent) {
  mstch::map vars{{"email", std::string(ctx.Field("email"))}, {"sent", sent}};
  AddError(vars, error, {.title = "The link was not sent."});
  Response res =
      RenderPage(ctx, "forgot_password", "Reset your password", "sign_in", std::move(vars), status);
  if (error && error->code == ErrorCode::kRateLimited)
    res.Set("Retry-After", std::to_string(error->retry_after_seconds));
  return res;
}

Response ResetPage(Context& ctx, std::string_view token, const app::ResetLink& link, int status,
                   const Error* error) {
  mstch::map vars{{"token", std::string(token)},
                  {"email", link.email},
                  {"needs_code", link.needs_code},
                  {"min_password", static_cast<int>(domain::kMinPasswordLength)}};
  KeepPassword(ctx, vars, error, "password");
  AddError(vars, error, {.title = "Your password was not changed."});
  Response res = RenderPage(ctx, "reset_password", "Choose a new password", "sign_in",
                            std::move(vars), status);
  res.Set("Referrer-Policy", "no-referrer");
  return res;
}

Response LinkGone(Context& ctx, const Error& error) {
  return ErrorPage(ctx, 404, "This link does not work any more", error.message);
}

Response PasswordPage(Context& ctx, int status, const Error* error) {
  mstch::map vars{{"must_change", ctx.User().must_change_password},
                  {"min_password", static_cast<int>(domain::kMinPasswordLength)}};
  KeepPassword(ctx, vars, error, "current_password");
  KeepPassword(ctx, vars, error, "new_password");
  AddError(vars, error, {.title = "Your password was not changed."});
  return RenderPage(ctx, "password", "Change password", "settings", std::move(vars), status);
}

}  // namespace

Response ForgotPasswordForm(Context& ctx) { return ForgotPage(ctx, 200, nullptr, false); }

Response ForgotPasswordSubmit(Context& ctx) {
  auto ok = ctx.svc.security.RequestPasswordReset(ctx.Field("email"), ctx.Client());
  if (!ok) return ForgotPage(ctx, HttpStatus(ok.error().code), &ok.error(), false);
  return ForgotPage(ctx, 200, nullptr, true);
}

Response ResetPasswordForm(Context& ctx) {
  const std::string token = ctx.Query("token");
  auto link = ctx.svc.security.OpenResetLink(token);
  if (!link) return LinkGone(ctx, link.error());
  return ResetPage(ctx, token, *link, 200, nullptr);
}

Response ResetPasswordSubmit(Context& ctx) {
  const std::string_view token = ctx.Field("token");
  auto ok =
      ctx.svc.security.ResetPassword(token, ctx.Field("password"), ctx.Field("code"), ctx.Client());
  if (!ok) {
    if (ok.error().code == ErrorCode::kNotFound) return LinkGone(ctx, ok.error());
    // The form comes back: the link still works (ResetPassword said so).
    auto link = ctx.svc.security.OpenResetLink(token);
    if (!link) return LinkGone(ctx, link.error());
    return ResetPage(ctx, token, *link, HttpStatus(ok.error().code), &ok.error());
  }
  // Every session ended, this browser's too.
  Response res = Response::Redirect("/sign-in?done=password_reset");
  res.Set("Set-Cookie", SessionCookie("", ctx.svc.secure_cookies, Seconds(0)));
  return res;
}

Response ChangePasswordForm(Context& ctx) { return PasswordPage(ctx, 200, nullptr); }

Response ChangePasswordSubmit(Context& ctx) {
  auto ok = ctx.svc.security.ChangePassword(*ctx.user, ctx.Field("current_password"),
                                            ctx.Field("new_password"), ctx.Client());
  if (!ok) return PasswordPage(ctx, HttpStatus(ok.error().code), &ok.error());
  return Response::Redirect("/settings?done=password");
}

Response VerifyEmailForm(Context& ctx) {
  return RenderPage(ctx, "verify_email", "Confirm your email address", "",
                    mstch::map{{"token", ctx.Query("token")}});
}

Response VerifyEmailSubmit(Context& ctx) {
  auto email = ctx.svc.security.VerifyEmail(ctx.Field("token"), ctx.Client());
  if (!email) return ErrorPage(ctx, 404, "This link does not work any more", email.error().message);
  return RenderPage(ctx, "verify_email", "Confirm your email address", "",
                    mstch::map{{"verified", *email}});
}

Response ResendVerification(Context& ctx) {
  auto ok = ctx.svc.security.SendEmailVerification(ctx.User(), ctx.Client());
  if (!ok) {
    Response res = ErrorPage(ctx, 429, "Too many links", ok.error().message);
    res.Set("Retry-After", std::to_string(ok.error().retry_after_seconds));
    return res;
  }
  return Response::Redirect("/home?done=verification_sent");
}

}  // namespace tenure::http::pages
