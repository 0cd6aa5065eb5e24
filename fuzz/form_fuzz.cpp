// URL-encoded forms and query strings (http/forms.hpp: ParseForm), as every POSTed page and
// every query string reaches the handlers.
// Properties: a form never yields invalid UTF-8 unless the input had it (encoded or not);
// a value is its piece of the input decoded, each CRLF pair made LF (and nothing else
// changed); a form re-encoded parses back to itself.
#include <set>
#include <string>

#include "domain/text.hpp"
#include "http/forms.hpp"
#include "support/fuzz_check.hpp"

using tenure::http::Form;
using tenure::http::ParseForm;
using tenure::http::UrlDecode;
using tenure::http::UrlEncode;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = tenure::fuzz::AsText(data, size);
  const Form form = ParseForm(body);

  // Bytes the input spells, raw or percent-encoded, decide what UTF-8 a form may hold.
  const bool input_is_utf8 = tenure::domain::IsValidUtf8(UrlDecode(body));
  for (const auto& [name, value] : form) {
    if (input_is_utf8) {
      FUZZ_CHECK(tenure::domain::IsValidUtf8(name));
      FUZZ_CHECK(tenure::domain::IsValidUtf8(value));
    }
    FUZZ_CHECK(name.size() <= body.size() && value.size() <= body.size());
  }
  // Each name's first pair wins, decoded here without ParseForm's code.
  std::set<std::string> seen;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string name = UrlDecode(pair.substr(0, eq));
    const std::string raw = eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
    std::string value;
    for (size_t i = 0; i < raw.size(); ++i)
      if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) value += raw[i];
    const auto it = form.find(name);
    FUZZ_CHECK(it != form.end());
    if (seen.insert(name).second) FUZZ_CHECK(it->second == value);
  }
  FUZZ_CHECK(seen.size() == form.size());
  if (body.find('&') == std::string_view::npos && !body.empty()) FUZZ_CHECK(form.size() == 1);

  // Written back as a browser would, the form reads the same (names are unique in a Form),
  // unless a value holds a CRLF (made of CR CR LF) that a second reading would turn to LF.
  for (const auto& [name, value] : form)
    if (value.find("\r\n") != std::string::npos) return 0;
  std::string again;
  for (const auto& [name, value] : form) {
    if (!again.empty()) again += '&';
    again += UrlEncode(name) + "=" + UrlEncode(value);
  }
  FUZZ_CHECK(ParseForm(again) == form);
  return 0;
}
