#pragma once
// Thin handlers of the API for programs (issue 8): the Api chain has authenticated the
// program session and parsed the JSON body; errors go out as problem+json (http/problem.hpp).
#include "http/web.hpp"

namespace tenure::http::api {

// A JSON response, never stored by caches (it is about one session).
Response Json(const nlohmann::json& body, int status = 200);

// GET /api/v1/session: who this token is; programs call it to check their token works.
Response Session(Context& ctx);

}  // namespace tenure::http::api
