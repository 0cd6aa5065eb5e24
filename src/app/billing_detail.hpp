#pragma once
// Shared by the BillingService files (billing.cpp, payments.cpp, billing_events.cpp) only.
#include <fmt/format.h>

#include <optional>
#include <string>

#include "app/billing.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::app::billing_detail {

inline std::string LicenseSubject(LicenseId id) { return fmt::format("license:{}", id.value); }
inline std::string ChargeSubject(int64_t id) { return fmt::format("charge:{}", id); }

inline bool IsRenewal(const Charge& c) { return c.kind != "instances"; }

// What a succeeded charge is in the license's lifecycle.
inline domain::LicenseEvent PaidEvent(const Charge& c) {
  if (c.kind == "purchase") return domain::LicenseEvent::kPurchase;
  if (c.kind == "auto_renewal") return domain::LicenseEvent::kAutoRenewCharged;
  if (c.kind == "instances") return domain::LicenseEvent::kInstancesAdded;
  return domain::LicenseEvent::kRenew;
}

// A unique index turned the insert down: another tab or process got there first. The unit
// of work must then roll back (PostgreSQL aborts it).
template <class F>
auto InsertOnce(F&& insert) -> std::optional<decltype(insert())> {
  try {
    return insert();
  } catch (const UniqueViolation&) {
    return std::nullopt;
  }
}

}  // namespace tenure::app::billing_detail
