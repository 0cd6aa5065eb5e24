#pragma once
// Charges in storage (PRODUCT.md: Payments; ENGINEERING.md habit 4).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "domain/charge.hpp"

namespace tenure::app {

// One attempt to take money (PRODUCT.md: Payments). Written as `pending` and committed before
// the gateway is called with `idempotency_key`; the outcome is recorded after.
struct Charge {
  int64_t id = 0;
  UserId user_id;
  LicenseId license_id;
  domain::ChargeKind kind = domain::ChargeKind::kRenewal;
  int64_t period_key = 0;
  int attempt = 1;
  std::string idempotency_key;
  Money amount;
  std::string currency = "usd";
  int instances_added = 0;
  domain::ChargeStatus status = domain::ChargeStatus::kPending;
  std::string provider;
  std::string payment_method_ref;
  std::string provider_payment_id;
  std::string terms_version;
  std::optional<Instant> new_expires_at;
  std::string failure_code;
  std::string failure_message;
  Instant created_at;
  Instant updated_at;
};

class ChargeRepository {
 public:
  virtual ~ChargeRepository() = default;
  // Throws storage's UniqueViolation when the key, or the attempt for the period, exists.
  virtual int64_t Insert(const Charge& charge) = 0;
  // Records the outcome: status, provider id, new date, failure.
  virtual void Update(const Charge& charge) = 0;
  virtual std::optional<Charge> Find(int64_t id) = 0;
  // The charge, locked until the unit of work ends, if it is still pending; nothing once
  // another unit of work recorded its outcome (PostgreSQL re-checks the status after waiting
  // for the lock). Recording an outcome starts here, so one payment has one winner.
  virtual std::optional<Charge> LockPending(int64_t id) = 0;
  virtual std::optional<Charge> FindByProviderPayment(std::string_view provider,
                                                      std::string_view payment_id) = 0;
  virtual std::vector<Charge> ForUser(UserId user, int limit) = 0;  // newest first
  virtual std::vector<Charge> ForPeriod(LicenseId license, int64_t period_key) = 0;
  // Charges left pending since before `before` (a crash between the call and its record).
  virtual std::vector<Charge> PendingSince(Instant before, int limit) = 0;
};

}  // namespace tenure::app
