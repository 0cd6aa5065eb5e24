#include "app/program.hpp"
#include "http/api/api.hpp"

namespace tenure::http::api {
namespace {

// The API's words for them: part of its contract, like the problem codes.
std::string_view KindName(app::SessionKind kind) {
  return kind == app::SessionKind::kProgram ? "program" : "dashboard";
}
std::string_view StrengthName(app::SessionStrength strength) {
  return strength == app::SessionStrength::kTwoFactor ? "two_factor" : "password";
}

}  // namespace

Response Session(Context& ctx) {
  const app::Session& session = ctx.user->session;
  // The session's id is the prefix of its token's hash that audit rows name it by: it
  // identifies the session without being able to act as it.
  return Json({{"session_id", app::ProgramService::SessionId(session.token_hash)},
               {"kind", KindName(session.kind)},
               {"strength", StrengthName(session.strength)},
               {"user", {{"id", ctx.User().id.value}, {"email", ctx.User().email}}}});
}

}  // namespace tenure::http::api
