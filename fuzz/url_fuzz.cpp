// Percent-decoding and -encoding of URLs, forms and query strings (http/forms.hpp).
// Properties: decoding what was encoded gives the bytes back; an encoding is only unreserved
// characters, '/' and %XX; decoding never makes the text longer.
#include <cctype>

#include "http/forms.hpp"
#include "support/fuzz_check.hpp"

using tenure::http::UrlDecode;
using tenure::http::UrlEncode;

namespace {

bool IsEncodedChar(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = tenure::fuzz::AsText(data, size);

  const std::string encoded = UrlEncode(text);
  FUZZ_CHECK(UrlDecode(encoded) == text);
  for (size_t i = 0; i < encoded.size(); ++i) {
    const auto c = static_cast<unsigned char>(encoded[i]);
    if (c == '%') {
      FUZZ_CHECK(i + 2 < encoded.size());
      FUZZ_CHECK(std::isxdigit(static_cast<unsigned char>(encoded[i + 1])));
      FUZZ_CHECK(std::isxdigit(static_cast<unsigned char>(encoded[i + 2])));
      i += 2;
    } else {
      FUZZ_CHECK(IsEncodedChar(c));
    }
  }

  const std::string decoded = UrlDecode(text);
  FUZZ_CHECK(decoded.size() <= text.size());
  // No '%' and no '+' in the input: nothing to decode, the text comes back as it is.
  if (text.find_first_of("%+") == std::string_view::npos) FUZZ_CHECK(decoded == text);
  return 0;
}
