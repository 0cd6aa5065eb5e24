#include "http/redirects.hpp"

#include "domain/text.hpp"

namespace tenure::http {

std::string LocalPathOr(std::string_view next, std::string_view fallback) {
  const bool plain = domain::IsValidUtf8(next) && !domain::HasControlCharacters(next) &&
                     next.find('\\') == std::string_view::npos;
  if (plain && next.starts_with('/') && !next.starts_with("//")) return std::string(next);
  return std::string(fallback);
}

}  // namespace tenure::http
