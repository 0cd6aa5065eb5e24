#pragma once
// The auto-renew flag's state machine (PRODUCT.md: "The Account Renewal section and
// cancellation"). Auto-renew is a flag beside the status; these are the only ways it moves.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "domain/license.hpp"

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

enum class RenewalEvent {
  kCancel,          // Confirm Cancel
  kResubscribe,     // Subscribe (cancel anytime)
  kPaymentsFailed,  // dunning exhausted (issue 4)
};

enum class RenewalOutcome {
  kTurnedOff,
  kAlreadyOff,  // confirming twice cancels once
  kTurnedOn,
  kAlreadyOn,
};

struct RenewalFacts {
  bool auto_renew;
  LicenseStatus status;
  bool has_payment_method;
};

// The transition table: what `event` does to a license in `facts`. Errors explain what the
// customer must do first (add a card, buy a license, talk to support).
Result<RenewalOutcome> DecideRenewal(const RenewalFacts& facts, RenewalEvent event);

// Applies an outcome to the record; never touches expires_at (turning auto-renew off never
// shortens the license).
void ApplyRenewal(License& license, RenewalOutcome outcome, RenewalEvent event);

}  // namespace tenure::domain
