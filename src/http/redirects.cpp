#include "http/redirects.hpp"

#include <algorithm>

namespace tenure::http {

std::string LocalPathOr(std::string_view next, std::string_view fallback) {
  const bool plain = std::none_of(
      next.begin(), next.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '\\'; });
  if (plain && next.starts_with('/') && !next.starts_with("//")) return std::string(next);
  return std::string(fallback);
}

}  // namespace tenure::http
