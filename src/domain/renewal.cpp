#include "domain/renewal.hpp"

#include <array>

#include "domain/text.hpp"

namespace tenure::domain {
namespace {

struct ReasonInfo {
  CancelReason reason;
  std::string_view name;
  std::string_view label;
};

constexpr std::array<ReasonInfo, 8> kReasons{{
    {CancelReason::kTooExpensive, "too_expensive", "It's too expensive"},
    {CancelReason::kMissingFeatures, "missing_features", "It's missing features I need"},
    {CancelReason::kSwitchedService, "switched_service", "I'm switching to another service"},
    {CancelReason::kUnused, "unused", "I don't use it enough"},
    {CancelReason::kCustomerService, "customer_service", "I'm unhappy with customer service"},
    {CancelReason::kTooComplex, "too_complex", "It's too complicated to use"},
    {CancelReason::kLowQuality, "low_quality", "The quality wasn't what I expected"},
    {CancelReason::kOther, "other", "Something else"},
}};

constexpr std::array<CancelReason, 8> kAllReasons{
    CancelReason::kTooExpensive,    CancelReason::kMissingFeatures,
    CancelReason::kSwitchedService, CancelReason::kUnused,
    CancelReason::kCustomerService, CancelReason::kTooComplex,
    CancelReason::kLowQuality,      CancelReason::kOther};

}  // namespace

std::span<const CancelReason> AllCancelReasons() { return kAllReasons; }

std::string_view CancelReasonName(CancelReason reason) {
  for (const auto& r : kReasons)
    if (r.reason == reason) return r.name;
  return "other";
}

std::string_view CancelReasonLabel(CancelReason reason) {
  for (const auto& r : kReasons)
    if (r.reason == reason) return r.label;
  return "Something else";
}

std::optional<CancelReason> ParseCancelReason(std::string_view name) {
  for (const auto& r : kReasons)
    if (r.name == name) return r.reason;
  return std::nullopt;
}

Result<CancelFeedback> ParseCancelFeedback(std::string_view reason_name,
                                           std::string_view raw_comment) {
  if (reason_name.empty())
    return Fail(ErrorCode::kInvalidInput, "Please choose the reason that fits best.", "reason");
  const auto reason = ParseCancelReason(reason_name);
  if (!reason)
    return Fail(ErrorCode::kInvalidInput, "Please choose one of the reasons listed.", "reason");
  const std::string_view comment = Trim(raw_comment);
  if (Utf8Length(comment) > kMaxCancelCommentLength)
    return Fail(ErrorCode::kInvalidInput, "Please keep your comment under 5,000 characters.",
                "comment");
  if (*reason == CancelReason::kOther && comment.empty())
    return Fail(ErrorCode::kInvalidInput,
                "Please tell us a little more in the comment, so we can understand.", "comment");
  return CancelFeedback{*reason, std::string(comment)};
}

Result<RenewalOutcome> DecideRenewal(const RenewalFacts& facts, RenewalEvent event) {
  switch (event) {
    case RenewalEvent::kCancel:
    case RenewalEvent::kPaymentsFailed:
      // Always allowed, in every status: stopping future charges is never refused.
      return facts.auto_renew ? RenewalOutcome::kTurnedOff : RenewalOutcome::kAlreadyOff;
    case RenewalEvent::kResubscribe:
      if (facts.auto_renew) return RenewalOutcome::kAlreadyOn;
      switch (facts.status) {
        case LicenseStatus::kNone:
          return Fail(ErrorCode::kConflict,
                      "You don't have a license yet. Buy one first; it renews automatically.");
        case LicenseStatus::kSuspended:
          return Fail(ErrorCode::kConflict,
                      "Your license is suspended while a payment dispute is open. Please "
                      "contact support.");
        case LicenseStatus::kActive:
        case LicenseStatus::kGrace:
        case LicenseStatus::kExpired: break;
      }
      if (!facts.has_payment_method)
        return Fail(ErrorCode::kInvalidInput,
                    "Add a payment method first, so we can renew your license automatically.",
                    "payment_method");
      return RenewalOutcome::kTurnedOn;
  }
  return Fail(ErrorCode::kInvalidInput, "Unknown renewal event.");
}

void ApplyRenewal(License& license, RenewalOutcome outcome, RenewalEvent event) {
  switch (outcome) {
    case RenewalOutcome::kTurnedOff:
      license.auto_renew = false;
      license.auto_renew_off_reason = event == RenewalEvent::kPaymentsFailed
                                          ? AutoRenewOffReason::kPaymentFailed
                                          : AutoRenewOffReason::kCancellationRequested;
      break;
    case RenewalOutcome::kTurnedOn:
      license.auto_renew = true;
      license.auto_renew_off_reason = AutoRenewOffReason::kNone;
      break;
    case RenewalOutcome::kAlreadyOff:
    case RenewalOutcome::kAlreadyOn: break;
  }
}

}  // namespace tenure::domain
