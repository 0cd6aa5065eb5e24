#include <fmt/format.h>

#include "app/licenses.hpp"
#include "app/program.hpp"
#include "http/api/api.hpp"

namespace tenure::http::api {
namespace {

// The API's table of refusals: each a status and a code programs branch on (never changed
// once shipped; api/openapi.json lists them).
HttpError ErrorFor(app::ProgramProblem problem) {
  using enum app::ProgramProblem;
  switch (problem) {
    case kInvalidInput: return HttpErrorFor(ErrorCode::kInvalidInput);
    case kInvalidCredentials: return {401, "invalid_credentials", "Unauthorized"};
    case kMfaRequired: return {401, "mfa_required", "Unauthorized"};
    case kRateLimited: return HttpErrorFor(ErrorCode::kRateLimited);
    case kNoLicense: return {403, "no_license", "Forbidden"};
    case kLicenseExpired: return {403, "license_expired", "Forbidden"};
    case kLicenseSuspended: return {403, "license_suspended", "Forbidden"};
    case kNoFreeInstance: return {409, "no_free_instance", "Conflict"};
    case kSessionRevoked: return {401, "session_revoked", "Unauthorized"};
  }
  return kInternal;
}

}  // namespace

Response Json(const nlohmann::json& body, int status) {
  return JsonText(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), status);
}

Response JsonText(std::string body, int status) {
  Response res;
  res.status = status;
  res.content_type = "application/json";
  res.body = std::move(body);
  res.Set("Cache-Control", "no-store");
  return res;
}

Response Refusal(const Context& ctx, const app::ProgramError& e) {
  const HttpError error = ErrorFor(e.problem);
  nlohmann::json body = nlohmann::json::object();  // the extension members of this problem
  using enum app::ProgramProblem;
  switch (e.problem) {
    case kInvalidInput: body["field"] = e.field; break;
    case kNoLicense:
    case kLicenseExpired:
    case kLicenseSuspended:
      body["renew_url"] = ctx.svc.public_url + "/billing/renew";
      if (e.license && e.license->expires_at) {
        body["expires_at"] = FormatRfc3339(*e.license->expires_at);
        if (e.problem == kLicenseExpired)
          body["grace_ends_at"] =
              FormatRfc3339(*domain::GraceEndsAt(*e.license, ctx.svc.licenses.policy().grace));
      }
      break;
    case kNoFreeInstance: {
      body["instances"] = e.license ? e.license->instances : 0;
      nlohmann::json machines = nlohmann::json::array();
      for (const auto& m : e.machines)
        machines.push_back({{"name", m.info.name},
                            {"os", m.info.os},
                            {"app_version", m.info.app_version},
                            {"signed_in_at", FormatRfc3339(m.signed_in_at)},
                            {"last_seen_at", FormatRfc3339(m.last_seen_at)}});
      body["machines"] = std::move(machines);
      break;
    }
    case kSessionRevoked:
      body["reason"] = e.end ? domain::MachineEndName(*e.end) : std::string_view("unknown");
      break;
    case kInvalidCredentials:
    case kMfaRequired:
    case kRateLimited: break;
  }
  if (e.item) body["item"] = *e.item;
  Response res = Problem(error, e.message, ctx.req.request_id, body);
  if (e.problem == kSessionRevoked) res.Set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  if (e.problem == kRateLimited) res.Set("Retry-After", std::to_string(e.retry_after_seconds));
  return res;
}

}  // namespace tenure::http::api
