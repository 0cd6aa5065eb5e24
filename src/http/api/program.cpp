// The program's session and license (issue 9): sign in from a machine, check the license,
// heartbeat, sign out. The rules are app/program.hpp's; this file speaks JSON.
#include "app/program.hpp"

#include <fmt/format.h>

#include "http/api/api.hpp"
#include "http/api/bodies.hpp"

namespace tenure::http::api {
namespace {

Response Invalid(const Context& ctx, std::string field, std::string message) {
  return Refusal(ctx, app::ProgramError{.problem = app::ProgramProblem::kInvalidInput,
                                        .message = std::move(message),
                                        .field = std::move(field)});
}

// The License object, the API's hottest answer, written directly rather than through a JSON
// tree (a tenth of a license check's CPU): every value is a number, a boolean, a status
// word, an RFC 3339 time or a JWS (base64url and dots), none of which JSON escapes.
std::string LicenseBody(const app::ProgramLicense& l) {
  return fmt::format(R"({{"status":"{}","expires_at":"{}","grace_ends_at":"{}","auto_renew":{},)"
                     R"("instances":{},"machines_in_use":{},"heartbeat_interval_seconds":{},)"
                     R"("server_time":"{}","lease":"{}"}})",
                     domain::StatusName(l.status), FormatRfc3339(*l.license.expires_at),
                     FormatRfc3339(l.grace_ends_at), l.license.auto_renew, l.license.instances,
                     l.machines_in_use, l.heartbeat_interval.count(), FormatRfc3339(l.server_time),
                     l.lease);
}

Response LicenseAnswer(const Context& ctx, const app::ProgramResult<app::ProgramLicense>& r) {
  if (!r) return Refusal(ctx, r.error());
  return JsonText(LicenseBody(*r));
}

}  // namespace

Response SignIn(Context& ctx) {
  auto body = ReadSignInBody(ctx.json);
  if (!body) return Invalid(ctx, body.error().field, body.error().message);
  auto signed_in = ctx.svc.program.SignIn(body->email, body->password, body->otp,
                                          std::move(body->machine), ctx.Client());
  if (!signed_in) return Refusal(ctx, signed_in.error());
  // The token is base64url and the session id hex: nothing to escape either.
  return JsonText(fmt::format(R"({{"token":"{}","session_id":"{}","license":{},"lease":"{}"}})",
                              signed_in->token, signed_in->session_id,
                              LicenseBody(signed_in->license), signed_in->license.lease),
                  201);
}

Response SignOut(Context& ctx) {
  ctx.svc.program.SignOut(*ctx.program, ctx.Client());
  Response res;
  res.status = 204;
  res.content_type.clear();
  res.Set("Cache-Control", "no-store");
  return res;
}

Response License(Context& ctx) { return LicenseAnswer(ctx, ctx.svc.program.License(*ctx.program)); }

Response Heartbeat(Context& ctx) {
  return LicenseAnswer(ctx, ctx.svc.program.Heartbeat(*ctx.program));
}

}  // namespace tenure::http::api
