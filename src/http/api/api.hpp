#pragma once
// Thin handlers of the API for programs (issues 8 and 9): the Api chain has authenticated the
// program session (ctx.user, ctx.program) and parsed the JSON body (ctx.json); errors go out
// as problem+json with the stable codes of api/openapi.json (http/problem.hpp).
#include "http/web.hpp"

namespace tenure::app {
struct ProgramError;
}  // namespace tenure::app

namespace tenure::http::api {

// A JSON response, never stored by caches (it is about one session).
Response Json(const nlohmann::json& body, int status = 200);
// A body already written as JSON (the hot License answer).
Response JsonText(std::string body, int status = 200);
// A program refused: its problem code, status and extension members (renew_url, machines...).
Response Refusal(const Context& ctx, const app::ProgramError& error);

// GET /api/v1/session: who this token is; programs call it to check their token works.
Response Session(Context& ctx);

// The program's session and license (api/program.cpp).
Response SignIn(Context& ctx);     // POST /api/v1/sessions
Response SignOut(Context& ctx);    // DELETE /api/v1/sessions/current
Response License(Context& ctx);    // GET /api/v1/license
Response Heartbeat(Context& ctx);  // POST /api/v1/heartbeat

Response ReportCheckouts(Context& ctx);  // POST /api/v1/checkouts

// GET /api/v1/releases/latest?os=&channel= (issue 12; api/releases.cpp): the update check.
Response LatestRelease(Context& ctx);

Response Keys(Context& ctx);     // GET /api/v1/keys: the JWKS of the lease signing keys
Response OpenApi(Context& ctx);  // GET /api/v1/openapi.json

}  // namespace tenure::http::api
