#include "core/money.hpp"

#include <fmt/format.h>
#include <cstdlib>

namespace tenure {

std::string Money::Format(std::string_view currency) const {
  const int64_t abs = cents_ < 0 ? -cents_ : cents_;
  return fmt::format("{}{}.{:02} {}", cents_ < 0 ? "-" : "", abs / 100, abs % 100, currency);
}

}  // namespace tenure
