#pragma once
// The storage port (ENGINEERING.md: "storage implements interfaces that app declares").
// One UnitOfWork is one transaction: it rolls back unless Commit() is called, and a unit of
// work that wrote anything must also have written an audit row (habit 3) or Commit() throws.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/account.hpp"
#include "domain/cancellation.hpp"
#include "domain/license.hpp"
#include "domain/ticket.hpp"

namespace tenure::app {

// Who acts, for the audit log: a signed-in user, or the CLI / a job / an anonymous visitor.
struct Actor {
  std::optional<UserId> user;
  std::string label;       // "user:12", "cli", "system", "anonymous"
  std::string request_id;  // the HTTP request id, or empty
  std::string address;     // client address, when known

  static Actor User(UserId id, std::string request_id = {}, std::string address = {});
  static Actor Anonymous(std::string request_id, std::string address);
  static Actor Cli();
  static Actor System();
};

struct Session {
  std::string token_hash;  // SHA-256 of the cookie value: a leaked table grants nothing
  UserId user_id;
  std::string csrf_token;
  Instant created_at;
  Instant last_seen_at;
  Instant expires_at;
  std::string user_agent;
  std::string address;
};

struct PaymentMethod {
  int64_t id = 0;
  UserId user_id;
  std::string provider;      // "offline" or "stripe"
  std::string provider_ref;  // the provider's id (pm_...); Tenure stores no card data
  std::string brand;
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
  Instant created_at;
};

struct AuditEntry {
  int64_t id = 0;
  Instant at;
  std::string actor;
  std::string action;   // "user.sign_up", "license.create", ...
  std::string subject;  // "user:12", "license:3"
  std::string before;   // JSON, "null" when created
  std::string after;    // JSON, "null" when deleted
  std::string request_id;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual std::optional<domain::User> FindByEmail(std::string_view email) = 0;
  virtual std::optional<domain::User> Find(UserId id) = 0;
  // kConflict when the email is taken.
  virtual Result<UserId> Insert(const domain::User& user) = 0;
  virtual void UpdatePasswordHash(UserId id, std::string_view hash) = 0;
  virtual std::vector<domain::User> List(int limit, int offset) = 0;
  virtual std::vector<domain::User> Staff() = 0;  // support and admin, by email
  virtual void SetTimeZone(UserId id, std::string_view iana_name) = 0;
  virtual int64_t Count() = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual void Insert(const Session& session) = 0;
  virtual std::optional<Session> Find(std::string_view token_hash) = 0;
  virtual void Delete(std::string_view token_hash) = 0;
  virtual int64_t DeleteExpired(Instant now) = 0;
};

class SignInAttemptRepository {
 public:
  virtual ~SignInAttemptRepository() = default;
  virtual void Insert(std::string_view email, std::string_view address, bool success,
                      Instant at) = 0;
  virtual domain::SignInHistory FailuresSince(std::string_view email, std::string_view address,
                                              Instant since) = 0;
};

class LicenseRepository {
 public:
  virtual ~LicenseRepository() = default;
  // In a read-write unit of work the row is locked until commit (PostgreSQL: FOR UPDATE;
  // SQLite's write transaction holds the database), so two tabs cannot both act on it.
  virtual std::optional<domain::License> FindByUser(UserId user) = 0;
  virtual LicenseId Insert(const domain::License& license) = 0;
  virtual void Update(const domain::License& license) = 0;
  virtual std::optional<domain::License> Find(LicenseId id) = 0;

  // The renewal job's work list: auto-renewing, unsuspended licenses whose charge is due
  // (expires_at <= now + lead, and any dunning retry due), leased until `lease_until` so that
  // no other process takes them (PostgreSQL: FOR UPDATE SKIP LOCKED as well).
  virtual std::vector<UserId> ClaimDueRenewals(Instant now, Seconds lead, Instant lease_until,
                                               int limit) = 0;
  virtual void ReleaseLease(LicenseId id) = 0;
  // Auto-renewing licenses due within `before` whose reminder for this period is not sent.
  virtual std::vector<UserId> NeedingReminder(Instant now, Seconds before, int limit) = 0;
  // Licenses past expires_at + grace whose expiry notice for this period is not sent.
  virtual std::vector<UserId> NeedingExpiryNotice(Instant now, Seconds grace, int limit) = 0;
  virtual std::vector<domain::License> All(int limit, int offset) = 0;  // by id
};

class PaymentMethodRepository {
 public:
  virtual ~PaymentMethodRepository() = default;
  virtual int64_t Insert(const PaymentMethod& method) = 0;
  virtual std::optional<PaymentMethod> FindDefault(UserId user) = 0;
  // The card a provider can charge: a card saved with another provider is not its to use.
  virtual std::optional<PaymentMethod> FindDefaultFor(UserId user, std::string_view provider) = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual std::vector<AuditEntry> ForSubject(std::string_view subject, int limit) = 0;
  virtual std::vector<AuditEntry> Recent(int limit) = 0;
};

// A ticket as the queue and lists show it: with the people's emails.
struct TicketRow {
  domain::Ticket ticket;
  std::string customer_email;
  std::string assignee_email;  // empty when unassigned
  int messages = 0;
};

struct TicketQueueFilter {
  std::optional<domain::TicketStatus> status;
  std::optional<domain::TicketCategory> category;
  int limit = 50;
  int offset = 0;
};

class TicketRepository {
 public:
  virtual ~TicketRepository() = default;
  virtual TicketId Insert(const domain::Ticket& ticket) = 0;
  virtual void Update(const domain::Ticket& ticket) = 0;
  virtual std::optional<domain::Ticket> Find(TicketId id) = 0;
  virtual std::vector<TicketRow> ForCustomer(UserId user, int limit) = 0;  // newest first
  // Oldest waiting first, then the rest by last change.
  virtual std::vector<TicketRow> Queue(const TicketQueueFilter& filter) = 0;
  virtual int64_t AddMessage(const domain::TicketMessage& message) = 0;
  virtual std::vector<domain::TicketMessage> Messages(TicketId id) = 0;  // oldest first
};

struct Cancellation {
  CancellationId id;
  UserId user_id;
  LicenseId license_id;
  domain::CancelReason reason = domain::CancelReason::kOther;
  std::string comment;
  std::optional<TicketId> ticket_id;  // a ticket opened in the cancel flow
  Instant license_ends_at;
  Instant created_at;
};

struct FeedbackRow {
  Cancellation cancellation;
  std::string email;
  bool read = false;  // by the staff member asking
};

struct FeedbackFilter {
  std::optional<domain::CancelReason> reason;
  Instant from;  // inclusive
  Instant to;    // exclusive
  int limit = 100;
  int offset = 0;
};

class CancellationRepository {
 public:
  virtual ~CancellationRepository() = default;
  virtual CancellationId Insert(const Cancellation& cancellation) = 0;
  // Newest first, each with whether `reader` has read it.
  virtual std::vector<FeedbackRow> List(const FeedbackFilter& filter, UserId reader) = 0;
  // Every reason with its count in [from, to), zeros included, in AllCancelReasons() order.
  virtual std::vector<std::pair<domain::CancelReason, int64_t>> CountByReason(Instant from,
                                                                              Instant to) = 0;
  virtual int64_t CountUnread(UserId reader) = 0;
  virtual void MarkRead(CancellationId id, UserId reader, Instant at) = 0;  // idempotent
  virtual std::optional<Cancellation> Find(CancellationId id) = 0;
};

// Days granted by staff (PRODUCT.md: "Staff may grant extra days ... never money").
struct LicenseGrant {
  int64_t id = 0;
  LicenseId license_id;
  int days = 0;
  std::string reason;
  UserId staff_id;
  std::string staff_email;  // filled by reads
  std::optional<Instant> expires_before;
  Instant expires_after;
  Instant created_at;
};

class LicenseGrantRepository {
 public:
  virtual ~LicenseGrantRepository() = default;
  virtual int64_t Insert(const LicenseGrant& grant) = 0;
  virtual std::vector<LicenseGrant> ForLicense(LicenseId license) = 0;  // newest first
};

// One attempt to take money (PRODUCT.md: Payments). Written as `pending` and committed before
// the gateway is called with `idempotency_key`; the outcome is recorded after.
struct Charge {
  int64_t id = 0;
  UserId user_id;
  LicenseId license_id;
  std::string kind;  // purchase | renewal | auto_renewal | instances
  int64_t period_key = 0;
  int attempt = 1;
  std::string idempotency_key;
  Money amount;
  std::string currency = "usd";
  int instances_added = 0;
  std::string status = "pending";  // pending | succeeded | failed
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

class PaymentCustomerRepository {
 public:
  virtual ~PaymentCustomerRepository() = default;
  virtual std::optional<std::string> Find(UserId user, std::string_view provider) = 0;
  virtual std::optional<UserId> FindUser(std::string_view provider, std::string_view ref) = 0;
  virtual void Insert(UserId user, std::string_view provider, std::string_view ref, Instant at) = 0;
};

struct StripeEvent {
  std::string id;
  std::string type;
  std::string payload;  // the raw body as received
  Instant received_at;
  int attempts = 0;
};

class StripeEventRepository {
 public:
  virtual ~StripeEventRepository() = default;
  // False when the event id was already stored (a replay).
  virtual bool InsertIfNew(const StripeEvent& event) = 0;
  virtual std::vector<StripeEvent> Unprocessed(int limit) = 0;
  virtual void MarkProcessed(std::string_view id, Instant at) = 0;
  virtual void MarkFailed(std::string_view id, std::string_view error) = 0;
};

// A side effect waiting to run after commit (habit 4): an email today, Discord calls later.
struct OutboxMessage {
  int64_t id = 0;
  std::string kind;  // "email"
  nlohmann::json payload;
  std::string status;  // pending | sent | dead
  int attempts = 0;
  std::string last_error;
  Instant created_at;
  Instant next_attempt_at;
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  // Leases up to `limit` due pending messages until now + lease and counts the attempt: no
  // other worker, in this process or another, gets them until the lease lapses.
  virtual std::vector<OutboxMessage> ClaimDue(Instant now, Seconds lease, int limit) = 0;
  virtual void MarkSent(int64_t id, Instant at) = 0;
  // `retry_at` empty: no more tries (dead letter).
  virtual void MarkFailed(int64_t id, std::string_view error, std::optional<Instant> retry_at) = 0;
  // Newest first; `status` empty for all.
  virtual std::vector<OutboxMessage> List(std::string_view status, int limit) = 0;
};

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
