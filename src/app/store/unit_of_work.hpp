#pragma once
// The storage port (ENGINEERING.md: "storage implements interfaces that app declares").
// One UnitOfWork is one transaction: it rolls back unless Commit() is called, and a unit of
// work that wrote anything must also have written an audit row (habit 3) or Commit() throws.
// The repositories are only declared here: a use case includes the app/store/*.hpp of the
// ones it calls, so a change to one aggregate rebuilds only its users.
#include <memory>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace tenure::app {

struct Actor;
class AccountTokenRepository;
class AuditLog;
class CancellationRepository;
class ChargeRepository;
class CheckoutRepository;
class DiscordLinkRepository;
class DisputeRepository;
class LicenseGrantRepository;
class LicenseRepository;
class MachineRepository;
class OutboxRepository;
class PaymentCustomerRepository;
class PaymentMethodRepository;
class RateLimitRepository;
class RecoveryCodeRepository;
class ReleaseRepository;
class ReportRepository;
class SessionRepository;
class SignInAttemptRepository;
class SigningKeyRepository;
class StripeEventRepository;
class TicketRepository;
class UserRepository;

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual SignInAttemptRepository& sign_in_attempts() = 0;
  virtual LicenseRepository& licenses() = 0;
  virtual PaymentMethodRepository& payment_methods() = 0;
  virtual AuditLog& audit_log() = 0;
  virtual OutboxRepository& outbox() = 0;
  virtual TicketRepository& tickets() = 0;
  virtual CancellationRepository& cancellations() = 0;
  virtual LicenseGrantRepository& license_grants() = 0;
  virtual ChargeRepository& charges() = 0;
  virtual PaymentCustomerRepository& payment_customers() = 0;
  virtual StripeEventRepository& stripe_events() = 0;
  virtual DisputeRepository& disputes() = 0;
  virtual MachineRepository& machines() = 0;
  virtual CheckoutRepository& checkouts() = 0;
  virtual SigningKeyRepository& signing_keys() = 0;
  virtual AccountTokenRepository& account_tokens() = 0;
  virtual RecoveryCodeRepository& recovery_codes() = 0;
  virtual RateLimitRepository& rate_limits() = 0;
  virtual DiscordLinkRepository& discord_links() = 0;
  virtual ReleaseRepository& releases() = 0;
  virtual ReportRepository& reports() = 0;

  // Records who changed what in this transaction (habit 3).
  virtual void Audit(std::string_view action, std::string_view subject,
                     const nlohmann::json& before, const nlohmann::json& after) = 0;
  // A side effect (email, Discord call) to run after commit (habit 4).
  virtual void Enqueue(std::string_view kind, const nlohmann::json& payload) = 0;
  virtual void Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // A read-write transaction acting as `actor`.
  virtual std::unique_ptr<UnitOfWork> Begin(const Actor& actor) = 0;
  // A read-only transaction: writes through it throw.
  virtual std::unique_ptr<UnitOfWork> Read() = 0;
  // True when the database answers (for /healthz).
  virtual bool Ping() = 0;
};

}  // namespace tenure::app
