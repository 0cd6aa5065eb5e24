// The request headers handlers read piece by piece (http/forms.hpp): Cookie (the session,
// CSRF, two-factor and Discord cookies), Authorization: Bearer (the program API) and the
// Content-Type's media type. The input is "<cookie>\n<other header value>".
// Properties: a cookie's value is the first "name=value" item of that name in the header,
// a slice of it with no ';'; a bearer token is a trimmed slice of the header after
// "Bearer " (any case); HasMediaType agrees with the media type read here.
#include <algorithm>
#include <cctype>
#include <string>

#include "http/forms.hpp"
#include "support/fuzz_check.hpp"

using tenure::http::Request;

namespace {

bool Within(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The cookie's value as RFC 6265 section 5.4 lays out the header: items split at ';', each
// "name=value" after optional spaces. nullopt when no item has that name.
std::optional<std::string_view> ExpectedCookie(std::string_view header, std::string_view name) {
  while (true) {
    const size_t semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    item.remove_prefix(std::min(item.find_first_not_of(' '), item.size()));
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=')
      return item.substr(name.size() + 1);
    if (semi == std::string_view::npos) return std::nullopt;
    header.remove_prefix(semi + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = tenure::fuzz::AsText(data, size);
  const size_t newline = input.find('\n');
  const std::string_view cookie = input.substr(0, newline);
  const std::string_view other =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  Request req;
  req.headers.emplace_back("cookie", std::string(cookie));
  req.headers.emplace_back("authorization", std::string(other));
  req.headers.emplace_back("content-type", std::string(other));
  const std::string_view cookie_header = req.headers[0].second;
  const std::string_view other_header = req.headers[1].second;

  // The cookies Tenure sets, and whatever name the input's first item has.
  std::string first_name(cookie.substr(0, cookie.find('=')));
  first_name.erase(0, std::min(first_name.find_first_not_of(' '), first_name.size()));
  for (std::string_view name : {std::string_view("tenure_session"), std::string_view("tenure_csrf"),
                                std::string_view("tenure_2fa"), std::string_view("tenure_discord"),
                                std::string_view(first_name)}) {
    if (name.empty() || name.find(';') != std::string_view::npos) continue;
    const std::string_view value = tenure::http::Cookie(req, name);
    FUZZ_CHECK(Within(value, cookie_header));
    FUZZ_CHECK(value.find(';') == std::string_view::npos);
    FUZZ_CHECK(value == ExpectedCookie(cookie_header, name).value_or(""));
  }

  const std::string_view token = tenure::http::BearerToken(req);
  FUZZ_CHECK(Within(token, other_header));
  FUZZ_CHECK(TrimSpaces(token) == token);
  if (!token.empty()) {
    const std::string_view value = TrimSpaces(other_header);
    FUZZ_CHECK(Lower(value.substr(0, 7)) == "bearer ");
    FUZZ_CHECK(value.ends_with(token));
  }

  const std::string media = Lower(TrimSpaces(other.substr(0, other.find(';'))));
  FUZZ_CHECK(tenure::http::HasMediaType(req, "application/json") == (media == "application/json"));
  FUZZ_CHECK(tenure::http::HasMediaType(req, media) == (media == Lower(media)));
  return 0;
}
