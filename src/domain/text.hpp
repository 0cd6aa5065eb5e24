#pragma once
// Text rules shared by the forms customers fill in: limits count characters, not bytes.
#include <string_view>

namespace tenure::domain {

std::string_view Trim(std::string_view s);
// UTF-8 code points: a comment in any language gets the same limit.
size_t Utf8Length(std::string_view s);
// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
bool IsValidUtf8(std::string_view s);
// Control characters (Unicode Cc: C0 with tab and line breaks, DEL, C1): for one-line fields.
bool HasControlCharacters(std::string_view s);

}  // namespace tenure::domain
