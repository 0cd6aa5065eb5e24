#include "domain/cancellation.hpp"

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

}  // namespace tenure::domain
