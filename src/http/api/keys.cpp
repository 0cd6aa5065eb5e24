// The public documents of the API (issue 9): the lease signing keys and the OpenAPI document.
#include "app/leases.hpp"
#include "core/embedded.hpp"
#include "http/api/api.hpp"

namespace tenure::http::api {

Response Keys(Context& ctx) {
  Response res = Json(ctx.svc.leases.Jwks());
  res.headers.clear();
  // Public and slow to change: a client may keep it five minutes; a rotation keeps the old key
  // published far longer than that.
  res.Set("Cache-Control", "public, max-age=300");
  return res;
}

Response OpenApi(Context& /*ctx*/) {
  for (const auto& file : embedded::Api()) {
    if (file.path != "openapi.json") continue;
    Response res;
    res.content_type = "application/json";
    res.body = std::string(file.bytes);
    res.Set("Cache-Control", "public, max-age=300");
    return res;
  }
  return Response::Text(404, "not found\n");
}

}  // namespace tenure::http::api
