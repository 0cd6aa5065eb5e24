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

inline bool IsRenewal(const Charge& c) { return domain::MovesExpiry(c.kind); }

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
