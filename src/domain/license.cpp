#include "domain/license.hpp"

namespace tenure::domain {

LicenseStatus StatusAt(const License& license, Instant now, Seconds grace) {
  if (license.suspended_at) return LicenseStatus::kSuspended;
  if (!license.expires_at) return LicenseStatus::kNone;
  if (now < *license.expires_at) return LicenseStatus::kActive;
  if (now < *license.expires_at + grace) return LicenseStatus::kGrace;
  return LicenseStatus::kExpired;
}

std::optional<Instant> GraceEndsAt(const License& license, Seconds grace) {
  if (!license.expires_at) return std::nullopt;
  return *license.expires_at + grace;
}

std::optional<Instant> AutoRenewalDueAt(const License& license, const LicensePolicy& policy) {
  if (!license.auto_renew || !license.expires_at) return std::nullopt;
  return *license.expires_at - policy.renewal_lead;
}

bool ProgramAllowed(LicenseStatus status) {
  switch (status) {
    case LicenseStatus::kActive:
    case LicenseStatus::kGrace: return true;
    case LicenseStatus::kNone:
    case LicenseStatus::kExpired:
    case LicenseStatus::kSuspended: return false;
  }
  return false;
}

std::string_view StatusName(LicenseStatus status) {
  switch (status) {
    case LicenseStatus::kNone: return "none";
    case LicenseStatus::kActive: return "active";
    case LicenseStatus::kGrace: return "grace";
    case LicenseStatus::kExpired: return "expired";
    case LicenseStatus::kSuspended: return "suspended";
  }
  return "none";
}

std::string_view StatusLabel(LicenseStatus status) {
  switch (status) {
    case LicenseStatus::kNone: return "No license";
    case LicenseStatus::kActive: return "Active";
    case LicenseStatus::kGrace: return "Grace period";
    case LicenseStatus::kExpired: return "Expired";
    case LicenseStatus::kSuspended: return "Suspended";
  }
  return "";
}

std::string_view AutoRenewOffReasonName(AutoRenewOffReason reason) {
  switch (reason) {
    case AutoRenewOffReason::kNone: return "";
    case AutoRenewOffReason::kCancellationRequested: return "cancellation_requested";
    case AutoRenewOffReason::kPaymentFailed: return "payment_failed";
    case AutoRenewOffReason::kPaymentDisputed: return "payment_disputed";
  }
  return "";
}

std::optional<AutoRenewOffReason> ParseAutoRenewOffReason(std::string_view name) {
  for (auto r : {AutoRenewOffReason::kNone, AutoRenewOffReason::kCancellationRequested,
                 AutoRenewOffReason::kPaymentFailed, AutoRenewOffReason::kPaymentDisputed})
    if (AutoRenewOffReasonName(r) == name) return r;
  return std::nullopt;
}

}  // namespace tenure::domain
