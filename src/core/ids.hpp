#pragma once
// Strong ids: a UserId never passes for a LicenseId.
#include <compare>
#include <cstdint>

namespace tenure {

template <class Tag>
struct Id {
  int64_t value = 0;
  auto operator<=>(const Id&) const = default;
};

using UserId = Id<struct UserTag>;
using LicenseId = Id<struct LicenseTag>;
using SessionId = Id<struct SessionTag>;
using TicketId = Id<struct TicketTag>;
using CancellationId = Id<struct CancellationTag>;

}  // namespace tenure
