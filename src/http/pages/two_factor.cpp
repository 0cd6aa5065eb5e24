// Settings -> Two-factor authentication (issue 10): turn it on with a QR code and a Code,
// see and regenerate recovery codes, turn it off with the password and a code.
#include <fmt/format.h>

#include "app/two_factor.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http::pages {
namespace {

Response SetupPage(Context& ctx, int status, const Error* error) {
  auto setup = ctx.svc.two_factor.BeginSetup(ctx.Actor(), *ctx.user);
  if (!setup) return Response::Redirect("/settings/two-factor");  // turned on meanwhile
  mstch::map vars{
      {"setup", true},
      {"qr_svg", setup->qr_svg},
      {"secret", setup->secret_for_manual_entry},
      {"required", ctx.svc.staff_two_factor_required && domain::IsStaff(ctx.User().role)}};
  AddError(vars, error, {.title = "Two-factor authentication is not on yet."});
  return RenderPage(ctx, "two_factor", "Two-factor authentication", "settings", std::move(vars),
                    status);
}

Response ManagePage(Context& ctx, int status, const Error* error, std::string_view form) {
  const auto state = ctx.svc.two_factor.Status(ctx.User().id);
  mstch::map vars{
      {"enabled", true},
      {"since_iso", FormatRfc3339(state.enabled_at.value_or(Instant{}))},
      {"since_long", FormatLongDate(state.enabled_at.value_or(Instant{}), ctx.Zone())},
      {"codes_left_text", fmt::format("{} unused recovery code{}", state.recovery_codes_left,
                                      state.recovery_codes_left == 1 ? "" : "s")},
      {"codes_low", state.recovery_codes_left <= 3}};
  AddError(vars, error,
           {.title = form == "codes" ? "No new recovery codes were made."
                                     : "Two-factor authentication is still on.",
            .form = form});
  return RenderPage(ctx, "two_factor", "Two-factor authentication", "settings", std::move(vars),
                    status);
}

// The recovery codes, shown once, with a text file of them to download.
Response CodesPage(Context& ctx, const std::vector<std::string>& codes, bool first_time) {
  std::string file = "Recovery codes for " + ctx.User().email +
                     "\r\nEach works once, instead of a code from your authenticator app.\r\n\r\n";
  mstch::array list;
  for (const auto& code : codes) {
    list.push_back(code);
    file += code + "\r\n";
  }
  mstch::map vars{{"codes", list},
                  {"first_time", first_time},
                  {"download_href", "data:text/plain;charset=utf-8," + UrlEncode(file)}};
  return RenderPage(ctx, "two_factor_codes", "Your recovery codes", "settings", std::move(vars));
}

}  // namespace

Response TwoFactor(Context& ctx) {
  if (ctx.User().two_factor_enabled()) return ManagePage(ctx, 200, nullptr, "");
  return SetupPage(ctx, 200, nullptr);
}

Response TwoFactorEnable(Context& ctx) {
  auto codes = ctx.svc.two_factor.Enable(ctx.Actor(), *ctx.user, ctx.Field("code"), ctx.Client());
  if (!codes) {
    if (codes.error().code == ErrorCode::kConflict)
      return Response::Redirect("/settings/two-factor");
    return SetupPage(ctx, HttpStatus(codes.error().code), &codes.error());
  }
  return CodesPage(ctx, *codes, true);
}

Response TwoFactorRecoveryCodes(Context& ctx) {
  auto codes =
      ctx.svc.two_factor.RegenerateRecoveryCodes(ctx.Actor(), *ctx.user, ctx.Field("password"));
  if (!codes) {
    if (codes.error().code == ErrorCode::kConflict)
      return Response::Redirect("/settings/two-factor");
    return ManagePage(ctx, HttpStatus(codes.error().code), &codes.error(), "codes");
  }
  return CodesPage(ctx, *codes, false);
}

Response TwoFactorDisable(Context& ctx) {
  auto ok = ctx.svc.two_factor.Disable(ctx.Actor(), *ctx.user, ctx.Field("password"),
                                       ctx.Field("code"), ctx.Client());
  if (!ok) {
    if (ok.error().code == ErrorCode::kConflict) return Response::Redirect("/settings/two-factor");
    return ManagePage(ctx, HttpStatus(ok.error().code), &ok.error(), "disable");
  }
  return Response::Redirect("/settings?done=two_factor_off");
}

}  // namespace tenure::http::pages
