// The program's session and license (issue 9): sign in from a machine, check the license,
// heartbeat, sign out. The rules are app/program.hpp's; this file speaks JSON.
#include "app/program.hpp"

#include <fmt/format.h>

#include "http/api/api.hpp"

namespace tenure::http::api {
namespace {

// A member that must be a string: its text, or the field name for a 422.
struct Text {
  std::string value;
  bool ok = true;
};
Text StringMember(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {{}, false};
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) return {{}, false};
  return {it->get<std::string>()};
}

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
  const nlohmann::json& body = ctx.json;
  // Not an object: every member is missing, the first of them named.
  if (!body.is_object())
    return Invalid(ctx, "email", "Send a JSON object with email, password and machine.");
  const Text email = StringMember(body, "email");
  if (!email.ok) return Invalid(ctx, "email", "The email must be a string.");
  const Text password = StringMember(body, "password");
  if (!password.ok) return Invalid(ctx, "password", "The password must be a string.");
  const Text otp = StringMember(body, "otp");
  if (!otp.ok) return Invalid(ctx, "otp", "The code must be a string.");
  if (otp.value.size() > 100) return Invalid(ctx, "otp", "The code is at most 100 characters.");
  auto machine = body.find("machine");
  if (machine == body.end() || !machine->is_object())
    return Invalid(ctx, "machine", "Send the machine: its fingerprint, name, os and app_version.");
  domain::MachineInfo info;
  for (auto [name, member] :
       {std::pair{"fingerprint", &info.fingerprint}, std::pair{"name", &info.name},
        std::pair{"os", &info.os}, std::pair{"app_version", &info.app_version}}) {
    Text t = StringMember(*machine, name);
    if (!t.ok) return Invalid(ctx, std::string("machine.") + name, "This must be a string.");
    *member = std::move(t.value);
  }
  auto signed_in =
      ctx.svc.program.SignIn(email.value, password.value, otp.value, std::move(info), ctx.Client());
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
