#pragma once
// How things that went wrong reach HTTP clients: the one table from error codes to status
// and a stable `code` (ENGINEERING.md habit 8), and RFC 9457 problem details for the API.
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/result.hpp"
#include "http/server.hpp"

namespace tenure::http {

// One row of the table. `code` is part of the API's contract: programs branch on it, so a
// row's code never changes once shipped; `title` is RFC 9110's name for the status.
struct HttpError {
  int status;
  std::string_view code;
  std::string_view title;
};

// The table: every app error code, then the failures only the protocol has.
HttpError HttpErrorFor(ErrorCode code);
inline constexpr HttpError kMalformedJson{400, "invalid_json", "Bad Request"};
inline constexpr HttpError kMethodNotAllowed{405, "method_not_allowed", "Method Not Allowed"};
inline constexpr HttpError kUnsupportedMediaType{415, "unsupported_media_type",
                                                 "Unsupported Media Type"};
inline constexpr HttpError kInternal{500, "internal", "Internal Server Error"};

// The status pages answer with for an app error.
inline int HttpStatus(ErrorCode code) { return HttpErrorFor(code).status; }

// application/problem+json (RFC 9457): {type, title, status, detail, code, request_id}, plus
// `extensions` (an object: RFC 9457's extension members, such as the API's renew_url).
// `detail` is public text (Error::message), never an exception's what().
Response Problem(const HttpError& error, std::string_view detail, std::string_view request_id,
                 const nlohmann::json& extensions);
Response Problem(const HttpError& error, std::string_view detail, std::string_view request_id);
Response Problem(const Error& error, std::string_view request_id);

}  // namespace tenure::http
