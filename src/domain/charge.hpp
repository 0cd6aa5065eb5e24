#pragma once
// What a charge is for and where it stands (PRODUCT.md: Payments), as the license lifecycle
// sees it (its PaidEvent is in domain/lifecycle.hpp). Their words are what storage, audit rows and
// the API write; code compares enums.
#include <iosfwd>
#include <optional>
#include <string_view>

namespace tenure::domain {

enum class ChargeKind {
  kPurchase,     // the first month
  kRenewal,      // "Renew" on Home
  kAutoRenewal,  // the renewal job, off session
  kInstances,    // extra instances to the shared expiration date
};

enum class ChargeStatus { kPending, kSucceeded, kFailed };

std::string_view ChargeKindName(ChargeKind kind);  // purchase | renewal | auto_renewal | instances
std::string_view ChargeStatusName(ChargeStatus status);  // pending | succeeded | failed
std::optional<ChargeKind> ParseChargeKind(std::string_view name);
std::optional<ChargeStatus> ParseChargeStatus(std::string_view name);
// Their words, for logs and test failures.
std::ostream& operator<<(std::ostream& os, ChargeKind kind);
std::ostream& operator<<(std::ostream& os, ChargeStatus status);

// A renewal moves the expiration date (one per period); instances never do.
constexpr bool MovesExpiry(ChargeKind kind) { return kind != ChargeKind::kInstances; }

}  // namespace tenure::domain
