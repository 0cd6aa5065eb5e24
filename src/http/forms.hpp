#pragma once
// Parsing what browsers send: URL-encoded forms and query strings, cookies.
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

}  // namespace tenure::http
