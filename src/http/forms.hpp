#pragma once
// Parsing what clients send: URL-encoded forms and query strings, cookies, bearer tokens,
// media types.
#include <map>
#include <string>
#include <string_view>

#include "http/server.hpp"

namespace tenure::http {

using Form = std::map<std::string, std::string, std::less<>>;

// Percent-decoding; '+' is a space in forms and queries. Invalid escapes stay as they are.
std::string UrlDecode(std::string_view text);
std::string UrlEncode(std::string_view text);
// "a=1&b=two" -> {a: 1, b: two}; the first of repeated names wins; CRLF becomes LF.
Form ParseForm(std::string_view body);
std::string_view Cookie(const Request& req, std::string_view name);
// The token of "Authorization: Bearer <token>" (RFC 6750), "" when there is none.
std::string_view BearerToken(const Request& req);
// Whether the Content-Type's media type is `type` (lowercase), whatever its parameters.
bool HasMediaType(const Request& req, std::string_view type);

}  // namespace tenure::http
