#include "domain/charge.hpp"

#include <array>
#include <ostream>

namespace tenure::domain {
namespace {

constexpr std::array kKinds{ChargeKind::kPurchase, ChargeKind::kRenewal, ChargeKind::kAutoRenewal,
                            ChargeKind::kInstances};
constexpr std::array kStatuses{ChargeStatus::kPending, ChargeStatus::kSucceeded,
                               ChargeStatus::kFailed};

}  // namespace

std::string_view ChargeKindName(ChargeKind kind) {
  switch (kind) {
    case ChargeKind::kPurchase: return "purchase";
    case ChargeKind::kRenewal: return "renewal";
    case ChargeKind::kAutoRenewal: return "auto_renewal";
    case ChargeKind::kInstances: return "instances";
  }
  return "renewal";
}

std::string_view ChargeStatusName(ChargeStatus status) {
  switch (status) {
    case ChargeStatus::kPending: return "pending";
    case ChargeStatus::kSucceeded: return "succeeded";
    case ChargeStatus::kFailed: return "failed";
  }
  return "pending";
}

std::optional<ChargeKind> ParseChargeKind(std::string_view name) {
  for (ChargeKind kind : kKinds)
    if (ChargeKindName(kind) == name) return kind;
  return std::nullopt;
}

std::optional<ChargeStatus> ParseChargeStatus(std::string_view name) {
  for (ChargeStatus status : kStatuses)
    if (ChargeStatusName(status) == name) return status;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, ChargeKind kind) { return os << ChargeKindName(kind); }
std::ostream& operator<<(std::ostream& os, ChargeStatus status) {
  return os << ChargeStatusName(status);
}

}  // namespace tenure::domain
