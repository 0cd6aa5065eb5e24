#pragma once
// Why customers cancel (PRODUCT.md: "The Account Renewal section and cancellation", step 3).
// What Confirm Cancel does to the license is the lifecycle's (domain/lifecycle.hpp).
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace tenure::domain {

// Why a customer cancels (Stripe's cancellation_details.feedback vocabulary).
enum class CancelReason {
  kTooExpensive,
  kMissingFeatures,
  kSwitchedService,
  kUnused,
  kCustomerService,
  kTooComplex,
  kLowQuality,
  kOther,
};

std::span<const CancelReason> AllCancelReasons();
std::string_view CancelReasonName(CancelReason reason);   // "too_expensive"
std::string_view CancelReasonLabel(CancelReason reason);  // "It's too expensive"
std::optional<CancelReason> ParseCancelReason(std::string_view name);

inline constexpr size_t kMaxCancelCommentLength = 5000;

struct CancelFeedback {
  CancelReason reason;
  std::string comment;  // trimmed; personal data: kept out of logs and audit rows
};

// Validates the reason page: one known reason, a comment of at most 5,000 characters that
// "other" requires.
Result<CancelFeedback> ParseCancelFeedback(std::string_view reason, std::string_view comment);

}  // namespace tenure::domain
