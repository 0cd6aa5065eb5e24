#include "storage/sql_unit_of_work.hpp"

#include <stdexcept>

#include "storage/repos/account_security.hpp"
#include "storage/repos/audit_log.hpp"
#include "storage/repos/cancellations.hpp"
#include "storage/repos/charges.hpp"
#include "storage/repos/checkouts.hpp"
#include "storage/repos/discord_links.hpp"
#include "storage/repos/disputes.hpp"
#include "storage/repos/license_grants.hpp"
#include "storage/repos/licenses.hpp"
#include "storage/repos/machines.hpp"
#include "storage/repos/outbox.hpp"
#include "storage/repos/payments.hpp"
#include "storage/repos/releases.hpp"
#include "storage/repos/reports.hpp"
#include "storage/repos/sessions.hpp"
#include "storage/repos/signing_keys.hpp"
#include "storage/repos/stripe_events.hpp"
#include "storage/repos/tickets.hpp"
#include "storage/repos/users.hpp"

namespace tenure::storage {
namespace {

class SqlUnitOfWork final : public app::UnitOfWork {
 public:
  SqlUnitOfWork(ConnectionPool::Lease lease, const Clock& clock, std::optional<app::Actor> actor)
      : lease_(std::move(lease)), clock_(clock), actor_(std::move(actor)) {
    // PostgreSQL reads run without BEGIN: one round trip per statement (ENGINEERING.md:
    // libpqxx note). SQLite's BEGIN costs no round trip and takes the file's shared lock
    // once for all the reads, where each statement alone would lock and unlock it (fcntl
    // system calls: most of an API request's cost, issue 9's benchmark).
    if (actor_) {
      lease_->Begin(/*write=*/true);
    } else if (lease_->dialect() == Dialect::kSqlite) {
      lease_->Begin(/*write=*/false);
      read_transaction_ = true;
    }
  }
  ~SqlUnitOfWork() override {
    if (read_transaction_) {
      try {
        lease_->Rollback();  // nothing was written: ending the read is all
      } catch (...) {  // NOLINT(bugprone-empty-catch): the pool drops a connection left unusable
      }
    }
    if (actor_ && !committed_) {
      try {
        lease_->Rollback();
      } catch (...) {  // NOLINT(bugprone-empty-catch): the pool drops a connection left unusable
      }
    }
  }

  app::UserRepository& users() override { return users_; }
  app::SessionRepository& sessions() override { return sessions_; }
  app::SignInAttemptRepository& sign_in_attempts() override { return attempts_; }
  app::LicenseRepository& licenses() override { return licenses_; }
  app::PaymentMethodRepository& payment_methods() override { return payment_methods_; }
  app::AuditLog& audit_log() override { return audit_; }
  app::OutboxRepository& outbox() override { return outbox_; }
  app::TicketRepository& tickets() override { return tickets_; }
  app::CancellationRepository& cancellations() override { return cancellations_; }
  app::LicenseGrantRepository& license_grants() override { return grants_; }
  app::ChargeRepository& charges() override { return charges_; }
  app::PaymentCustomerRepository& payment_customers() override { return payment_customers_; }
  app::StripeEventRepository& stripe_events() override { return stripe_events_; }
  app::DisputeRepository& disputes() override { return disputes_; }
  app::MachineRepository& machines() override { return machines_; }
  app::CheckoutRepository& checkouts() override { return checkouts_; }
  app::SigningKeyRepository& signing_keys() override { return signing_keys_; }
  app::AccountTokenRepository& account_tokens() override { return account_tokens_; }
  app::RecoveryCodeRepository& recovery_codes() override { return recovery_codes_; }
  app::RateLimitRepository& rate_limits() override { return rate_limits_; }
  app::DiscordLinkRepository& discord_links() override { return discord_links_; }
  app::ReleaseRepository& releases() override { return releases_; }
  app::ReportRepository& reports() override { return reports_; }

  void Audit(std::string_view action, std::string_view subject, const nlohmann::json& before,
             const nlohmann::json& after) override {
    if (!actor_) throw std::logic_error("write through a read-only unit of work");
    audit_.Append(clock_.Now(), *actor_, action, subject, before, after);
    audited_ = true;
  }

  void Enqueue(std::string_view kind, const nlohmann::json& payload) override {
    outbox_.Add(kind, payload, clock_.Now());
  }

  void Commit() override {
    if (!actor_) throw std::logic_error("Commit() on a read-only unit of work");
    // Habit 3: a state change without an audit row is a bug, caught here for every use case.
    if (tx_.written() && !audited_)
      throw std::logic_error("unit of work wrote without an audit row");
    lease_->Commit();
    committed_ = true;
  }

 private:
  ConnectionPool::Lease lease_;
  const Clock& clock_;
  std::optional<app::Actor> actor_;
  Transaction tx_{*lease_, actor_.has_value()};
  bool audited_ = false;
  bool committed_ = false;
  bool read_transaction_ = false;  // a read-only unit of work's BEGIN (SQLite)
  SqlUsers users_{tx_};
  SqlSessions sessions_{tx_};
  SqlSignInAttempts attempts_{tx_};
  SqlLicenses licenses_{tx_};
  SqlPaymentMethods payment_methods_{tx_};
  SqlAuditLog audit_{tx_};
  SqlOutbox outbox_{tx_};
  SqlTickets tickets_{tx_};
  SqlCancellations cancellations_{tx_};
  SqlLicenseGrants grants_{tx_};
  SqlCharges charges_{tx_};
  SqlPaymentCustomers payment_customers_{tx_};
  SqlStripeEvents stripe_events_{tx_};
  SqlDisputes disputes_{tx_};
  SqlMachines machines_{tx_};
  SqlCheckouts checkouts_{tx_};
  SqlSigningKeys signing_keys_{tx_};
  SqlAccountTokens account_tokens_{tx_};
  SqlRecoveryCodes recovery_codes_{tx_};
  SqlRateLimits rate_limits_{tx_};
  SqlDiscordLinks discord_links_{tx_};
  SqlReleases releases_{tx_};
  SqlReports reports_{tx_};
};

}  // namespace

std::unique_ptr<app::UnitOfWork> OpenUnitOfWork(ConnectionPool::Lease lease, const Clock& clock,
                                                std::optional<app::Actor> actor) {
  return std::make_unique<SqlUnitOfWork>(std::move(lease), clock, std::move(actor));
}

}  // namespace tenure::storage
