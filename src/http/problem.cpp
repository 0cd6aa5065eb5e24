#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace tenure::http {

HttpError HttpErrorFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return {422, "invalid_input", "Unprocessable Content"};
    case ErrorCode::kNotFound: return {404, "not_found", "Not Found"};
    case ErrorCode::kConflict: return {409, "conflict", "Conflict"};
    case ErrorCode::kUnauthenticated: return {401, "unauthenticated", "Unauthorized"};
    case ErrorCode::kForbidden: return {403, "forbidden", "Forbidden"};
    case ErrorCode::kCsrf: return {403, "csrf", "Forbidden"};
    case ErrorCode::kRateLimited: return {429, "rate_limited", "Too Many Requests"};
    case ErrorCode::kUnavailable: return {503, "unavailable", "Service Unavailable"};
  }
  return kInternal;
}

Response Problem(const HttpError& error, std::string_view detail, std::string_view request_id) {
  return Problem(error, detail, request_id, nlohmann::json::object());
}

Response Problem(const HttpError& error, std::string_view detail, std::string_view request_id,
                 const nlohmann::json& extensions) {
  // "about:blank": the status says what kind of problem it is (RFC 9457 section 4.2.1);
  // `code` is the finer, stable reason.
  nlohmann::json body = extensions;
  body.update({{"type", "about:blank"},
               {"title", error.title},
               {"status", error.status},
               {"detail", detail},
               {"code", error.code},
               {"request_id", request_id}});
  Response res;
  res.status = error.status;
  res.content_type = "application/problem+json";
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.Set("Cache-Control", "no-store");
  return res;
}

Response Problem(const Error& error, std::string_view request_id) {
  return Problem(HttpErrorFor(error.code), error.message, request_id);
}

}  // namespace tenure::http
