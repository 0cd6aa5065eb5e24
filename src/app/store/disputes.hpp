#pragma once
// The payment processor's disputes (chargebacks and inquiries) in storage: one row each, so
// a suspension is lifted only when no dispute of the license is still open (issue 8).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace tenure::app {

// Where a dispute stands for the license, whatever the processor's own status word.
enum class DisputeOutcome {
  kOpen,             // under way: the license stays suspended
  kPaymentKept,      // closed and the seller keeps the payment (Stripe: won, warning_closed)
  kPaymentReversed,  // closed and the payment went back to the customer (Stripe: lost)
};

// The outcome's word in storage and audit rows.
constexpr std::string_view DisputeOutcomeName(DisputeOutcome outcome) {
  switch (outcome) {
    case DisputeOutcome::kOpen: return "open";
    case DisputeOutcome::kPaymentKept: return "payment_kept";
    case DisputeOutcome::kPaymentReversed: return "payment_reversed";
  }
  return "open";
}

struct Dispute {
  int64_t id = 0;
  std::string provider;
  std::string provider_dispute_id;
  int64_t charge_id = 0;
  LicenseId license_id;
  std::string status;  // the processor's word as last read, e.g. "needs_response"
  DisputeOutcome outcome = DisputeOutcome::kOpen;
  Instant opened_at;
  std::optional<Instant> closed_at;
  Instant updated_at;
};

class DisputeRepository {
 public:
  virtual ~DisputeRepository() = default;
  virtual int64_t Insert(const Dispute& dispute) = 0;
  // Records the status, outcome and closed_at.
  virtual void Update(const Dispute& dispute) = 0;
  virtual std::optional<Dispute> Find(std::string_view provider,
                                      std::string_view provider_dispute_id) = 0;
  virtual int CountOpen(LicenseId license) = 0;
};

}  // namespace tenure::app
