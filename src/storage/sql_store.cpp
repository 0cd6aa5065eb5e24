#include "storage/sql_store.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/embedded.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace tenure::storage {
namespace {

using domain::License;
using domain::User;

QueryResult Run(Connection& c, const Query& q, std::initializer_list<Value> params = {}) {
  return c.Run(q, std::span<const Value>(params.begin(), params.size()));
}
Value Opt(const std::optional<Instant>& t) { return t ? Value(ToUnix(*t)) : Value(nullptr); }
std::optional<Instant> OptInstant(const Row& r, size_t i) {
  auto v = r.OptInt(i);
  return v ? std::optional<Instant>(FromUnix(*v)) : std::nullopt;
}

// ---- users -------------------------------------------------------------------------
User ToUser(const Row& r) {
  return User{.id = UserId{r.Int(0)},
              .email = r.Text(1),
              .password_hash = r.Text(2),
              .role = domain::ParseRole(r.Text(3)).value_or(domain::Role::kCustomer),
              .terms_version = r.Text(4),
              .terms_accepted_at = FromUnix(r.Int(5)),
              .created_at = FromUnix(r.Int(6)),
              .time_zone = r.Text(7)};
}

// ---- licenses ----------------------------------------------------------------------
// String-literal concatenation keeps each query a constant (habit 5).
#define TENURE_LICENSE_COLUMNS                                                            \
  "id, user_id, expires_at, auto_renew, auto_renew_off_reason, instances, suspended_at, " \
  "created_at, updated_at, dunning_failures, dunning_first_failed_at, next_attempt_at, "  \
  "reminded_period, expired_notice_period"
License ToLicense(const Row& r) {
  return License{.id = LicenseId{r.Int(0)},
                 .user_id = UserId{r.Int(1)},
                 .expires_at = OptInstant(r, 2),
                 .auto_renew = r.Int(3) != 0,
                 .auto_renew_off_reason = domain::ParseAutoRenewOffReason(r.Text(4)).value_or(
                     domain::AutoRenewOffReason::kNone),
                 .instances = static_cast<int>(r.Int(5)),
                 .suspended_at = OptInstant(r, 6),
                 .dunning_failures = static_cast<int>(r.Int(9)),
                 .dunning_first_failed_at = OptInstant(r, 10),
                 .next_attempt_at = OptInstant(r, 11),
                 .reminded_period = r.OptInt(12),
                 .expired_notice_period = r.OptInt(13),
                 .created_at = FromUnix(r.Int(7)),
                 .updated_at = FromUnix(r.Int(8))};
}

class SqlUnitOfWork;

// Every repository shares its unit of work's connection and write guard.
class Base {
 public:
  explicit Base(SqlUnitOfWork& uow) : uow_(uow) {}

 protected:
  Connection& conn();
  Connection& writer();  // marks the unit of work as written; throws when read-only
  bool locking() const;  // rows read here will be written: lock them (PostgreSQL)
  SqlUnitOfWork& uow_;
};

class SqlUsers final : public app::UserRepository, Base {
 public:
  using Base::Base;
  std::optional<User> FindByEmail(std::string_view email) override {
    static constexpr Query q{
        "users.by_email",
        "SELECT id, email, password_hash, role, terms_version, "
        "terms_accepted_at, created_at, time_zone FROM users WHERE email = $1"};
    auto res = Run(conn(), q, {std::string(email)});
    if (res.rows.empty()) return std::nullopt;
    return ToUser(res.rows[0]);
  }
  std::optional<User> Find(UserId id) override {
    static constexpr Query q{"users.by_id",
                             "SELECT id, email, password_hash, role, terms_version, "
                             "terms_accepted_at, created_at, time_zone FROM users WHERE id = $1"};
    auto res = Run(conn(), q, {id.value});
    if (res.rows.empty()) return std::nullopt;
    return ToUser(res.rows[0]);
  }
  Result<UserId> Insert(const User& u) override {
    static constexpr Query q{
        "users.insert",
        "INSERT INTO users (email, password_hash, role, terms_version, terms_accepted_at, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (email) DO NOTHING RETURNING id"};
    auto res = Run(writer(), q,
                   {u.email, u.password_hash, std::string(domain::RoleName(u.role)),
                    u.terms_version, ToUnix(u.terms_accepted_at), ToUnix(u.created_at)});
    if (res.rows.empty())
      return Fail(ErrorCode::kConflict,
                  "An account with this email already exists. Sign in instead.", "email");
    return UserId{res.rows[0].Int(0)};
  }
  void UpdatePasswordHash(UserId id, std::string_view hash) override {
    static constexpr Query q{"users.set_password",
                             "UPDATE users SET password_hash = $2 WHERE id = $1"};
    Run(writer(), q, {id.value, std::string(hash)});
  }
  std::vector<User> List(int limit, int offset) override {
    static constexpr Query q{"users.list",
                             "SELECT id, email, password_hash, role, terms_version, "
                             "terms_accepted_at, created_at, time_zone FROM users ORDER BY id "
                             "LIMIT $1 OFFSET $2"};
    std::vector<User> out;
    for (const Row& r : Run(conn(), q, {int64_t{limit}, int64_t{offset}}).rows)
      out.push_back(ToUser(r));
    return out;
  }
  std::vector<User> Staff() override {
    static constexpr Query q{"users.staff",
                             "SELECT id, email, password_hash, role, terms_version, "
                             "terms_accepted_at, created_at, time_zone FROM users WHERE role <> $1 "
                             "ORDER BY email"};
    std::vector<User> out;
    for (const Row& r : Run(conn(), q, {std::string("customer")}).rows) out.push_back(ToUser(r));
    return out;
  }
  void SetTimeZone(UserId id, std::string_view iana_name) override {
    static constexpr Query q{"users.set_time_zone",
                             "UPDATE users SET time_zone = $2 WHERE id = $1"};
    Run(writer(), q, {id.value, std::string(iana_name)});
  }
  int64_t Count() override {
    static constexpr Query q{"users.count", "SELECT COUNT(*) FROM users"};
    return Run(conn(), q).rows.at(0).Int(0);
  }
};

class SqlSessions final : public app::SessionRepository, Base {
 public:
  using Base::Base;
  void Insert(const app::Session& s) override {
    static constexpr Query q{
        "sessions.insert",
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
        "expires_at, user_agent, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
    Run(writer(), q,
        {s.token_hash, s.user_id.value, s.csrf_token, ToUnix(s.created_at), ToUnix(s.last_seen_at),
         ToUnix(s.expires_at), s.user_agent, s.address});
  }
  std::optional<app::Session> Find(std::string_view token_hash) override {
    static constexpr Query q{"sessions.find",
                             "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, "
                             "expires_at, user_agent, address FROM sessions "
                             "WHERE token_hash = $1"};
    auto res = Run(conn(), q, {std::string(token_hash)});
    if (res.rows.empty()) return std::nullopt;
    const Row& r = res.rows[0];
    return app::Session{.token_hash = r.Text(0),
                        .user_id = UserId{r.Int(1)},
                        .csrf_token = r.Text(2),
                        .created_at = FromUnix(r.Int(3)),
                        .last_seen_at = FromUnix(r.Int(4)),
                        .expires_at = FromUnix(r.Int(5)),
                        .user_agent = r.Text(6),
                        .address = r.Text(7)};
  }
  void Delete(std::string_view token_hash) override {
    static constexpr Query q{"sessions.delete", "DELETE FROM sessions WHERE token_hash = $1"};
    Run(writer(), q, {std::string(token_hash)});
  }
  int64_t DeleteExpired(Instant now) override {
    static constexpr Query q{"sessions.delete_expired",
                             "DELETE FROM sessions WHERE expires_at <= $1"};
    return Run(writer(), q, {ToUnix(now)}).affected;
  }
};

class SqlSignInAttempts final : public app::SignInAttemptRepository, Base {
 public:
  using Base::Base;
  void Insert(std::string_view email, std::string_view address, bool success, Instant at) override {
    static constexpr Query q{
        "sign_in_attempts.insert",
        "INSERT INTO sign_in_attempts (email, address, success, at) VALUES ($1, $2, $3, $4)"};
    Run(writer(), q, {std::string(email), std::string(address), int64_t{success}, ToUnix(at)});
  }
  domain::SignInHistory FailuresSince(std::string_view email, std::string_view address,
                                      Instant since) override {
    // Success resets the account's count: only failures after the last success count.
    static constexpr Query by_email{
        "sign_in_attempts.failures_by_email",
        "SELECT COUNT(*) FROM sign_in_attempts WHERE email = $1 AND at >= $2 AND success = $3 "
        "AND id > COALESCE((SELECT MAX(id) FROM sign_in_attempts WHERE email = $1 AND "
        "success = $4), 0)"};
    static constexpr Query by_address{
        "sign_in_attempts.failures_by_address",
        "SELECT COUNT(*) FROM sign_in_attempts WHERE address = $1 AND at >= $2 AND "
        "success = $3"};
    domain::SignInHistory h;
    h.account_failures = static_cast<int>(
        Run(conn(), by_email, {std::string(email), ToUnix(since), int64_t{0}, int64_t{1}})
            .rows.at(0)
            .Int(0));
    h.address_failures =
        static_cast<int>(Run(conn(), by_address, {std::string(address), ToUnix(since), int64_t{0}})
                             .rows.at(0)
                             .Int(0));
    return h;
  }
};

class SqlLicenses final : public app::LicenseRepository, Base {
 public:
  using Base::Base;
  std::optional<License> FindByUser(UserId user) override {
    static constexpr Query q{"licenses.by_user",
                             "SELECT " TENURE_LICENSE_COLUMNS " FROM licenses WHERE user_id = $1"};
    static constexpr Query locked{"licenses.by_user_locked",
                                  "SELECT " TENURE_LICENSE_COLUMNS
                                  " FROM licenses WHERE user_id = $1 FOR UPDATE"};
    auto res = Run(conn(), locking() ? locked : q, {user.value});
    if (res.rows.empty()) return std::nullopt;
    return ToLicense(res.rows[0]);
  }
  std::optional<License> Find(LicenseId id) override {
    static constexpr Query q{"licenses.by_id",
                             "SELECT " TENURE_LICENSE_COLUMNS " FROM licenses WHERE id = $1"};
    auto res = Run(conn(), q, {id.value});
    if (res.rows.empty()) return std::nullopt;
    return ToLicense(res.rows[0]);
  }
  std::vector<UserId> ClaimDueRenewals(Instant now, Seconds lead, Instant lease_until,
                                       int limit) override {
    // The outer WHERE repeats the lease test for PostgreSQL's re-check after a row lock
    // (as in outbox.claim); SKIP LOCKED lets parallel jobs take different rows at once.
    static constexpr Query sqlite{
        "licenses.claim_due",
        "UPDATE licenses SET job_lease_until = $3 WHERE id IN (SELECT id FROM licenses WHERE "
        "auto_renew = $5 AND suspended_at IS NULL AND expires_at IS NOT NULL AND "
        "expires_at <= $2 AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND "
        "(job_lease_until IS NULL OR job_lease_until <= $1) ORDER BY expires_at, id LIMIT $4) "
        "AND (job_lease_until IS NULL OR job_lease_until <= $1) RETURNING user_id"};
    static constexpr Query postgres{
        "licenses.claim_due_pg",
        "UPDATE licenses SET job_lease_until = $3 WHERE id IN (SELECT id FROM licenses WHERE "
        "auto_renew = $5 AND suspended_at IS NULL AND expires_at IS NOT NULL AND "
        "expires_at <= $2 AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND "
        "(job_lease_until IS NULL OR job_lease_until <= $1) ORDER BY expires_at, id LIMIT $4 "
        "FOR UPDATE SKIP LOCKED) AND (job_lease_until IS NULL OR job_lease_until <= $1) "
        "RETURNING user_id"};
    const Query& q = conn().dialect() == Dialect::kPostgres ? postgres : sqlite;
    std::vector<UserId> out;
    for (const Row& r :
         Run(writer(), q,
             {ToUnix(now), ToUnix(now + lead), ToUnix(lease_until), int64_t{limit}, int64_t{1}})
             .rows)
      out.push_back(UserId{r.Int(0)});
    return out;
  }
  void ReleaseLease(LicenseId id) override {
    static constexpr Query q{"licenses.release_lease",
                             "UPDATE licenses SET job_lease_until = NULL WHERE id = $1"};
    Run(writer(), q, {id.value});
  }
  std::vector<UserId> NeedingReminder(Instant now, Seconds before, int limit) override {
    static constexpr Query q{
        "licenses.needing_reminder",
        "SELECT user_id FROM licenses WHERE auto_renew = $4 AND suspended_at IS NULL AND "
        "expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2 AND "
        "(reminded_period IS NULL OR reminded_period <> expires_at) ORDER BY expires_at "
        "LIMIT $3"};
    std::vector<UserId> out;
    for (const Row& r :
         Run(conn(), q, {ToUnix(now), ToUnix(now + before), int64_t{limit}, int64_t{1}}).rows)
      out.push_back(UserId{r.Int(0)});
    return out;
  }
  std::vector<UserId> NeedingExpiryNotice(Instant now, Seconds grace, int limit) override {
    static constexpr Query q{
        "licenses.needing_expiry_notice",
        "SELECT user_id FROM licenses WHERE expires_at IS NOT NULL AND expires_at <= $1 "
        "AND (expired_notice_period IS NULL OR expired_notice_period <> expires_at) "
        "ORDER BY expires_at LIMIT $2"};
    std::vector<UserId> out;
    for (const Row& r : Run(conn(), q, {ToUnix(now - grace), int64_t{limit}}).rows)
      out.push_back(UserId{r.Int(0)});
    return out;
  }
  std::vector<License> All(int limit, int offset) override {
    static constexpr Query q{"licenses.all", "SELECT " TENURE_LICENSE_COLUMNS
                                             " FROM licenses ORDER BY id LIMIT $1 OFFSET $2"};
    std::vector<License> out;
    for (const Row& r : Run(conn(), q, {int64_t{limit}, int64_t{offset}}).rows)
      out.push_back(ToLicense(r));
    return out;
  }
  LicenseId Insert(const License& l) override {
    static constexpr Query q{
        "licenses.insert",
        "INSERT INTO licenses (user_id, expires_at, auto_renew, auto_renew_off_reason, "
        "instances, suspended_at, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
    auto res = Run(
        writer(), q,
        {l.user_id.value, Opt(l.expires_at), int64_t{l.auto_renew},
         std::string(domain::AutoRenewOffReasonName(l.auto_renew_off_reason)), int64_t{l.instances},
         Opt(l.suspended_at), ToUnix(l.created_at), ToUnix(l.updated_at)});
    return LicenseId{res.rows.at(0).Int(0)};
  }
  void Update(const License& l) override {
    static constexpr Query q{
        "licenses.update",
        "UPDATE licenses SET expires_at = $2, auto_renew = $3, auto_renew_off_reason = $4, "
        "instances = $5, suspended_at = $6, updated_at = $7, dunning_failures = $8, "
        "dunning_first_failed_at = $9, next_attempt_at = $10, reminded_period = $11, "
        "expired_notice_period = $12 WHERE id = $1"};
    Run(writer(), q,
        {l.id.value, Opt(l.expires_at), int64_t{l.auto_renew},
         std::string(domain::AutoRenewOffReasonName(l.auto_renew_off_reason)), int64_t{l.instances},
         Opt(l.suspended_at), ToUnix(l.updated_at), int64_t{l.dunning_failures},
         Opt(l.dunning_first_failed_at), Opt(l.next_attempt_at),
         l.reminded_period ? Value(*l.reminded_period) : Value(nullptr),
         l.expired_notice_period ? Value(*l.expired_notice_period) : Value(nullptr)});
  }
};

app::PaymentMethod ToPaymentMethod(const Row& r) {
  return app::PaymentMethod{.id = r.Int(0),
                            .user_id = UserId{r.Int(1)},
                            .provider = r.Text(2),
                            .provider_ref = r.Text(3),
                            .brand = r.Text(4),
                            .last4 = r.Text(5),
                            .exp_month = static_cast<int>(r.Int(6)),
                            .exp_year = static_cast<int>(r.Int(7)),
                            .created_at = FromUnix(r.Int(8))};
}

class SqlPaymentMethods final : public app::PaymentMethodRepository, Base {
 public:
  using Base::Base;
  int64_t Insert(const app::PaymentMethod& m) override {
    static constexpr Query q{
        "payment_methods.insert",
        "INSERT INTO payment_methods (user_id, provider, provider_ref, brand, last4, "
        "exp_month, exp_year, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "RETURNING id"};
    return Run(writer(), q,
               {m.user_id.value, m.provider, m.provider_ref, m.brand, m.last4, int64_t{m.exp_month},
                int64_t{m.exp_year}, ToUnix(m.created_at)})
        .rows.at(0)
        .Int(0);
  }
  std::optional<app::PaymentMethod> FindDefault(UserId user) override {
    // The most recently saved method is the one charged.
    static constexpr Query q{"payment_methods.default",
                             "SELECT id, user_id, provider, provider_ref, brand, last4, "
                             "exp_month, exp_year, created_at FROM payment_methods "
                             "WHERE user_id = $1 ORDER BY id DESC LIMIT 1"};
    auto res = Run(conn(), q, {user.value});
    if (res.rows.empty()) return std::nullopt;
    return ToPaymentMethod(res.rows[0]);
  }
  std::optional<app::PaymentMethod> FindDefaultFor(UserId user,
                                                   std::string_view provider) override {
    static constexpr Query q{"payment_methods.default_for",
                             "SELECT id, user_id, provider, provider_ref, brand, last4, "
                             "exp_month, exp_year, created_at FROM payment_methods "
                             "WHERE user_id = $1 AND provider = $2 ORDER BY id DESC LIMIT 1"};
    auto res = Run(conn(), q, {user.value, std::string(provider)});
    if (res.rows.empty()) return std::nullopt;
    return ToPaymentMethod(res.rows[0]);
  }
};

app::AuditEntry ToAudit(const Row& r) {
  return app::AuditEntry{.id = r.Int(0),
                         .at = FromUnix(r.Int(1)),
                         .actor = r.Text(2),
                         .action = r.Text(3),
                         .subject = r.Text(4),
                         .before = r.Text(5),
                         .after = r.Text(6),
                         .request_id = r.Text(7)};
}

class SqlAuditLog final : public app::AuditLog, Base {
 public:
  using Base::Base;
  std::vector<app::AuditEntry> ForSubject(std::string_view subject, int limit) override {
    static constexpr Query q{"audit.for_subject",
                             "SELECT id, at, actor, action, subject, before_json, after_json, "
                             "request_id FROM audit_log WHERE subject = $1 "
                             "ORDER BY id DESC LIMIT $2"};
    std::vector<app::AuditEntry> out;
    for (const Row& r : Run(conn(), q, {std::string(subject), int64_t{limit}}).rows)
      out.push_back(ToAudit(r));
    return out;
  }
  std::vector<app::AuditEntry> Recent(int limit) override {
    static constexpr Query q{"audit.recent",
                             "SELECT id, at, actor, action, subject, before_json, after_json, "
                             "request_id FROM audit_log ORDER BY id DESC LIMIT $1"};
    std::vector<app::AuditEntry> out;
    for (const Row& r : Run(conn(), q, {int64_t{limit}}).rows) out.push_back(ToAudit(r));
    return out;
  }
};

app::OutboxMessage ToOutbox(const Row& r) {
  return app::OutboxMessage{.id = r.Int(0),
                            .kind = r.Text(1),
                            .payload = nlohmann::json::parse(r.Text(2)),
                            .status = r.Text(3),
                            .attempts = static_cast<int>(r.Int(4)),
                            .last_error = r.Text(5),
                            .created_at = FromUnix(r.Int(6)),
                            .next_attempt_at = FromUnix(r.Int(7))};
}

class SqlOutbox final : public app::OutboxRepository, Base {
 public:
  using Base::Base;
  std::vector<app::OutboxMessage> ClaimDue(Instant now, Seconds lease, int limit) override {
    // The outer WHERE repeats the lease test: on PostgreSQL a competing claim blocked on the
    // same row re-checks it against the row it finally sees, and skips it.
    static constexpr Query q{
        "outbox.claim",
        "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 "
        "WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 "
        "AND (locked_until IS NULL OR locked_until <= $1) ORDER BY id LIMIT $3) "
        "AND status = 'pending' AND (locked_until IS NULL OR locked_until <= $1) "
        "RETURNING id, kind, payload, status, attempts, last_error, created_at, next_attempt_at"};
    std::vector<app::OutboxMessage> out;
    for (const Row& r : Run(writer(), q, {ToUnix(now), ToUnix(now + lease), int64_t{limit}}).rows)
      out.push_back(ToOutbox(r));
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
    return out;
  }
  void MarkSent(int64_t id, Instant at) override {
    static constexpr Query q{
        "outbox.sent",
        "UPDATE outbox SET status = 'sent', sent_at = $2, locked_until = NULL, "
        "last_error = '' WHERE id = $1"};
    Run(writer(), q, {id, ToUnix(at)});
  }
  void MarkFailed(int64_t id, std::string_view error, std::optional<Instant> retry_at) override {
    static constexpr Query retry{"outbox.retry",
                                 "UPDATE outbox SET last_error = $2, next_attempt_at = $3, "
                                 "locked_until = NULL WHERE id = $1"};
    static constexpr Query dead{"outbox.dead",
                                "UPDATE outbox SET status = 'dead', last_error = $2, "
                                "locked_until = NULL WHERE id = $1"};
    if (retry_at)
      Run(writer(), retry, {id, std::string(error), ToUnix(*retry_at)});
    else
      Run(writer(), dead, {id, std::string(error)});
  }
  std::vector<app::OutboxMessage> List(std::string_view status, int limit) override {
    static constexpr Query q{
        "outbox.list",
        "SELECT id, kind, payload, status, attempts, last_error, created_at, next_attempt_at "
        "FROM outbox WHERE ($1 = '' OR status = $1) ORDER BY id DESC LIMIT $2"};
    std::vector<app::OutboxMessage> out;
    for (const Row& r : Run(conn(), q, {std::string(status), int64_t{limit}}).rows)
      out.push_back(ToOutbox(r));
    return out;
  }
};

// ---- tickets ---------------------------------------------------------------------------
domain::Ticket ToTicket(const Row& r) {
  auto assignee = r.OptInt(5);
  return domain::Ticket{
      .id = TicketId{r.Int(0)},
      .user_id = UserId{r.Int(1)},
      .category = domain::ParseTicketCategory(r.Text(2)).value_or(domain::TicketCategory::kOther),
      .subject = r.Text(3),
      .status = domain::ParseTicketStatus(r.Text(4)).value_or(domain::TicketStatus::kOpen),
      .assignee = assignee ? std::optional(UserId{*assignee}) : std::nullopt,
      .opened_in_cancel_flow = r.Int(6) != 0,
      .waiting_since = OptInstant(r, 7),
      .created_at = FromUnix(r.Int(8)),
      .updated_at = FromUnix(r.Int(9))};
}

app::TicketRow ToTicketRow(const Row& r) {
  return app::TicketRow{.ticket = ToTicket(r),
                        .customer_email = r.Text(10),
                        .assignee_email = r.IsNull(11) ? std::string() : r.Text(11),
                        .messages = static_cast<int>(r.Int(12))};
}

Value OptId(const std::optional<UserId>& id) { return id ? Value(id->value) : Value(nullptr); }

class SqlTickets final : public app::TicketRepository, Base {
 public:
  using Base::Base;
  TicketId Insert(const domain::Ticket& t) override {
    static constexpr Query q{
        "tickets.insert",
        "INSERT INTO tickets (user_id, category, subject, status, assignee_id, "
        "opened_in_cancel_flow, waiting_since, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"};
    return TicketId{Run(writer(), q,
                        {t.user_id.value, std::string(domain::TicketCategoryName(t.category)),
                         t.subject, std::string(domain::TicketStatusName(t.status)),
                         OptId(t.assignee), int64_t{t.opened_in_cancel_flow}, Opt(t.waiting_since),
                         ToUnix(t.created_at), ToUnix(t.updated_at)})
                        .rows.at(0)
                        .Int(0)};
  }
  void Update(const domain::Ticket& t) override {
    static constexpr Query q{"tickets.update",
                             "UPDATE tickets SET status = $2, assignee_id = $3, "
                             "waiting_since = $4, updated_at = $5 WHERE id = $1"};
    Run(writer(), q,
        {t.id.value, std::string(domain::TicketStatusName(t.status)), OptId(t.assignee),
         Opt(t.waiting_since), ToUnix(t.updated_at)});
  }
  std::optional<domain::Ticket> Find(TicketId id) override {
    static constexpr Query q{
        "tickets.find",
        "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
        "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at "
        "FROM tickets t WHERE t.id = $1"};
    static constexpr Query locked{
        "tickets.find_locked",
        "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
        "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at "
        "FROM tickets t WHERE t.id = $1 FOR UPDATE"};
    auto res = Run(conn(), locking() ? locked : q, {id.value});
    if (res.rows.empty()) return std::nullopt;
    return ToTicket(res.rows[0]);
  }
  std::vector<app::TicketRow> ForCustomer(UserId user, int limit) override {
    static constexpr Query q{
        "tickets.for_customer",
        "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
        "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at, u.email, a.email, "
        "(SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id) "
        "FROM tickets t JOIN users u ON u.id = t.user_id LEFT JOIN users a ON a.id = t.assignee_id "
        "WHERE t.user_id = $1 ORDER BY t.id DESC LIMIT $2"};
    std::vector<app::TicketRow> out;
    for (const Row& r : Run(conn(), q, {user.value, int64_t{limit}}).rows)
      out.push_back(ToTicketRow(r));
    return out;
  }
  std::vector<app::TicketRow> Queue(const app::TicketQueueFilter& f) override {
    static constexpr Query q{
        "tickets.queue",
        "SELECT t.id, t.user_id, t.category, t.subject, t.status, t.assignee_id, "
        "t.opened_in_cancel_flow, t.waiting_since, t.created_at, t.updated_at, u.email, a.email, "
        "(SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id) "
        "FROM tickets t JOIN users u ON u.id = t.user_id LEFT JOIN users a ON a.id = t.assignee_id "
        "WHERE ($1 = '' OR t.status = $1) AND ($2 = '' OR t.category = $2) "
        "ORDER BY (t.waiting_since IS NULL), t.waiting_since, t.id "
        "LIMIT $3 OFFSET $4"};
    std::vector<app::TicketRow> out;
    const std::string status(f.status ? domain::TicketStatusName(*f.status) : "");
    const std::string category(f.category ? domain::TicketCategoryName(*f.category) : "");
    for (const Row& r :
         Run(conn(), q, {status, category, int64_t{f.limit}, int64_t{f.offset}}).rows)
      out.push_back(ToTicketRow(r));
    return out;
  }
  int64_t AddMessage(const domain::TicketMessage& m) override {
    static constexpr Query q{"ticket_messages.insert",
                             "INSERT INTO ticket_messages (ticket_id, author_id, from_staff, body, "
                             "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id"};
    return Run(writer(), q,
               {m.ticket_id.value, m.author.value, int64_t{m.from_staff}, m.body,
                ToUnix(m.created_at)})
        .rows.at(0)
        .Int(0);
  }
  std::vector<domain::TicketMessage> Messages(TicketId id) override {
    static constexpr Query q{"ticket_messages.for_ticket",
                             "SELECT id, ticket_id, author_id, from_staff, body, created_at "
                             "FROM ticket_messages WHERE ticket_id = $1 ORDER BY id"};
    std::vector<domain::TicketMessage> out;
    for (const Row& r : Run(conn(), q, {id.value}).rows)
      out.push_back(domain::TicketMessage{.id = r.Int(0),
                                          .ticket_id = TicketId{r.Int(1)},
                                          .author = UserId{r.Int(2)},
                                          .from_staff = r.Int(3) != 0,
                                          .body = r.Text(4),
                                          .created_at = FromUnix(r.Int(5))});
    return out;
  }
};

// ---- cancellations and the feedback inbox -----------------------------------------------
app::Cancellation ToCancellation(const Row& r) {
  auto ticket = r.OptInt(5);
  return app::Cancellation{
      .id = CancellationId{r.Int(0)},
      .user_id = UserId{r.Int(1)},
      .license_id = LicenseId{r.Int(2)},
      .reason = domain::ParseCancelReason(r.Text(3)).value_or(domain::CancelReason::kOther),
      .comment = r.Text(4),
      .ticket_id = ticket ? std::optional(TicketId{*ticket}) : std::nullopt,
      .license_ends_at = FromUnix(r.Int(6)),
      .created_at = FromUnix(r.Int(7))};
}

class SqlCancellations final : public app::CancellationRepository, Base {
 public:
  using Base::Base;
  CancellationId Insert(const app::Cancellation& c) override {
    static constexpr Query q{
        "cancellations.insert",
        "INSERT INTO cancellations (user_id, license_id, reason, comment, ticket_id, "
        "license_ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
    return CancellationId{
        Run(writer(), q,
            {c.user_id.value, c.license_id.value, std::string(domain::CancelReasonName(c.reason)),
             c.comment, c.ticket_id ? Value(c.ticket_id->value) : Value(nullptr),
             ToUnix(c.license_ends_at), ToUnix(c.created_at)})
            .rows.at(0)
            .Int(0)};
  }
  std::vector<app::FeedbackRow> List(const app::FeedbackFilter& f, UserId reader) override {
    static constexpr Query q{
        "cancellations.list",
        "SELECT c.id, c.user_id, c.license_id, c.reason, c.comment, c.ticket_id, "
        "c.license_ends_at, c.created_at, u.email, "
        "(SELECT COUNT(*) FROM feedback_reads r WHERE r.cancellation_id = c.id AND r.staff_id = "
        "$5) "
        "FROM cancellations c JOIN users u ON u.id = c.user_id "
        "WHERE ($1 = '' OR c.reason = $1) AND c.created_at >= $2 AND c.created_at < $3 "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT $4 OFFSET $6"};
    std::vector<app::FeedbackRow> out;
    const std::string reason(f.reason ? domain::CancelReasonName(*f.reason) : "");
    for (const Row& r : Run(conn(), q,
                            {reason, ToUnix(f.from), ToUnix(f.to), int64_t{f.limit}, reader.value,
                             int64_t{f.offset}})
                            .rows)
      out.push_back(app::FeedbackRow{ToCancellation(r), r.Text(8), r.Int(9) > 0});
    return out;
  }
  std::vector<std::pair<domain::CancelReason, int64_t>> CountByReason(Instant from,
                                                                      Instant to) override {
    static constexpr Query q{"cancellations.by_reason",
                             "SELECT reason, COUNT(*) FROM cancellations WHERE created_at >= $1 "
                             "AND created_at < $2 GROUP BY reason"};
    std::vector<std::pair<domain::CancelReason, int64_t>> out;
    for (auto reason : domain::AllCancelReasons()) out.emplace_back(reason, 0);
    for (const Row& r : Run(conn(), q, {ToUnix(from), ToUnix(to)}).rows)
      if (auto reason = domain::ParseCancelReason(r.Text(0)))
        for (auto& [k, n] : out)
          if (k == *reason) n = r.Int(1);
    return out;
  }
  int64_t CountUnread(UserId reader) override {
    static constexpr Query q{"cancellations.unread",
                             "SELECT COUNT(*) FROM cancellations c WHERE NOT EXISTS (SELECT 1 "
                             "FROM feedback_reads r WHERE r.cancellation_id = c.id AND "
                             "r.staff_id = $1)"};
    return Run(conn(), q, {reader.value}).rows.at(0).Int(0);
  }
  void MarkRead(CancellationId id, UserId reader, Instant at) override {
    static constexpr Query q{"feedback_reads.insert",
                             "INSERT INTO feedback_reads (cancellation_id, staff_id, read_at) "
                             "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"};
    Run(writer(), q, {id.value, reader.value, ToUnix(at)});
  }
  std::optional<app::Cancellation> Find(CancellationId id) override {
    static constexpr Query q{"cancellations.find",
                             "SELECT id, user_id, license_id, reason, comment, ticket_id, "
                             "license_ends_at, created_at FROM cancellations WHERE id = $1"};
    auto res = Run(conn(), q, {id.value});
    if (res.rows.empty()) return std::nullopt;
    return ToCancellation(res.rows[0]);
  }
};

class SqlLicenseGrants final : public app::LicenseGrantRepository, Base {
 public:
  using Base::Base;
  int64_t Insert(const app::LicenseGrant& g) override {
    static constexpr Query q{
        "license_grants.insert",
        "INSERT INTO license_grants (license_id, days, reason, staff_id, expires_before, "
        "expires_after, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
    return Run(writer(), q,
               {g.license_id.value, int64_t{g.days}, g.reason, g.staff_id.value,
                Opt(g.expires_before), ToUnix(g.expires_after), ToUnix(g.created_at)})
        .rows.at(0)
        .Int(0);
  }
  std::vector<app::LicenseGrant> ForLicense(LicenseId license) override {
    static constexpr Query q{
        "license_grants.for_license",
        "SELECT g.id, g.license_id, g.days, g.reason, g.staff_id, u.email, g.expires_before, "
        "g.expires_after, g.created_at FROM license_grants g JOIN users u ON u.id = g.staff_id "
        "WHERE g.license_id = $1 ORDER BY g.id DESC"};
    std::vector<app::LicenseGrant> out;
    for (const Row& r : Run(conn(), q, {license.value}).rows)
      out.push_back(app::LicenseGrant{.id = r.Int(0),
                                      .license_id = LicenseId{r.Int(1)},
                                      .days = static_cast<int>(r.Int(2)),
                                      .reason = r.Text(3),
                                      .staff_id = UserId{r.Int(4)},
                                      .staff_email = r.Text(5),
                                      .expires_before = OptInstant(r, 6),
                                      .expires_after = FromUnix(r.Int(7)),
                                      .created_at = FromUnix(r.Int(8))});
    return out;
  }
};

// ---- charges, provider customers, Stripe events -------------------------------------------
#define TENURE_CHARGE_COLUMNS                                                              \
  "id, user_id, license_id, kind, period_key, attempt, idempotency_key, amount_cents, "    \
  "currency, instances_added, status, provider, payment_method_ref, provider_payment_id, " \
  "terms_version, new_expires_at, failure_code, failure_message, created_at, updated_at"

app::Charge ToCharge(const Row& r) {
  return app::Charge{.id = r.Int(0),
                     .user_id = UserId{r.Int(1)},
                     .license_id = LicenseId{r.Int(2)},
                     .kind = r.Text(3),
                     .period_key = r.Int(4),
                     .attempt = static_cast<int>(r.Int(5)),
                     .idempotency_key = r.Text(6),
                     .amount = Money::Cents(r.Int(7)),
                     .currency = r.Text(8),
                     .instances_added = static_cast<int>(r.Int(9)),
                     .status = r.Text(10),
                     .provider = r.Text(11),
                     .payment_method_ref = r.Text(12),
                     .provider_payment_id = r.Text(13),
                     .terms_version = r.Text(14),
                     .new_expires_at = OptInstant(r, 15),
                     .failure_code = r.Text(16),
                     .failure_message = r.Text(17),
                     .created_at = FromUnix(r.Int(18)),
                     .updated_at = FromUnix(r.Int(19))};
}

class SqlCharges final : public app::ChargeRepository, Base {
 public:
  using Base::Base;
  int64_t Insert(const app::Charge& c) override {
    static constexpr Query q{
        "charges.insert",
        "INSERT INTO charges (user_id, license_id, kind, period_key, attempt, idempotency_key, "
        "amount_cents, currency, instances_added, status, provider, payment_method_ref, "
        "provider_payment_id, terms_version, new_expires_at, failure_code, failure_message, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, $14, $15, $16, $17, $18, $19) RETURNING id"};
    return Run(writer(), q,
               {c.user_id.value, c.license_id.value, c.kind, c.period_key, int64_t{c.attempt},
                c.idempotency_key, c.amount.cents(), c.currency, int64_t{c.instances_added},
                c.status, c.provider, c.payment_method_ref, c.provider_payment_id, c.terms_version,
                Opt(c.new_expires_at), c.failure_code, c.failure_message, ToUnix(c.created_at),
                ToUnix(c.updated_at)})
        .rows.at(0)
        .Int(0);
  }
  void Update(const app::Charge& c) override {
    static constexpr Query q{"charges.update",
                             "UPDATE charges SET status = $2, provider_payment_id = $3, "
                             "new_expires_at = $4, failure_code = $5, failure_message = $6, "
                             "updated_at = $7 WHERE id = $1"};
    Run(writer(), q,
        {c.id, c.status, c.provider_payment_id, Opt(c.new_expires_at), c.failure_code,
         c.failure_message, ToUnix(c.updated_at)});
  }
  std::optional<app::Charge> Find(int64_t id) override {
    static constexpr Query q{"charges.find",
                             "SELECT " TENURE_CHARGE_COLUMNS " FROM charges WHERE id = $1"};
    auto res = Run(conn(), q, {id});
    if (res.rows.empty()) return std::nullopt;
    return ToCharge(res.rows[0]);
  }
  std::optional<app::Charge> LockPending(int64_t id) override {
    // An UPDATE takes the row lock on both engines; a second recorder waits for the first to
    // commit, then finds the status changed and gets no row.
    static constexpr Query q{"charges.lock_pending",
                             "UPDATE charges SET status = status WHERE id = $1 AND "
                             "status = 'pending' RETURNING " TENURE_CHARGE_COLUMNS};
    auto res = Run(writer(), q, {id});
    if (res.rows.empty()) return std::nullopt;
    return ToCharge(res.rows[0]);
  }
  std::optional<app::Charge> FindByProviderPayment(std::string_view provider,
                                                   std::string_view payment_id) override {
    static constexpr Query q{"charges.by_provider_payment", "SELECT " TENURE_CHARGE_COLUMNS
                                                            " FROM charges WHERE provider = $1 "
                                                            "AND provider_payment_id = $2"};
    auto res = Run(conn(), q, {std::string(provider), std::string(payment_id)});
    if (res.rows.empty()) return std::nullopt;
    return ToCharge(res.rows[0]);
  }
  std::vector<app::Charge> ForUser(UserId user, int limit) override {
    static constexpr Query q{"charges.for_user", "SELECT " TENURE_CHARGE_COLUMNS
                                                 " FROM charges WHERE user_id = $1 "
                                                 "ORDER BY id DESC LIMIT $2"};
    std::vector<app::Charge> out;
    for (const Row& r : Run(conn(), q, {user.value, int64_t{limit}}).rows)
      out.push_back(ToCharge(r));
    return out;
  }
  std::vector<app::Charge> ForPeriod(LicenseId license, int64_t period_key) override {
    static constexpr Query q{"charges.for_period",
                             "SELECT " TENURE_CHARGE_COLUMNS
                             " FROM charges WHERE license_id = $1 "
                             "AND period_key = $2 AND kind <> 'instances' ORDER BY attempt"};
    std::vector<app::Charge> out;
    for (const Row& r : Run(conn(), q, {license.value, period_key}).rows)
      out.push_back(ToCharge(r));
    return out;
  }
  std::vector<app::Charge> PendingSince(Instant before, int limit) override {
    static constexpr Query q{"charges.pending",
                             "SELECT " TENURE_CHARGE_COLUMNS
                             " FROM charges WHERE status = "
                             "'pending' AND updated_at <= $1 ORDER BY id LIMIT $2"};
    std::vector<app::Charge> out;
    for (const Row& r : Run(conn(), q, {ToUnix(before), int64_t{limit}}).rows)
      out.push_back(ToCharge(r));
    return out;
  }
};

class SqlPaymentCustomers final : public app::PaymentCustomerRepository, Base {
 public:
  using Base::Base;
  std::optional<std::string> Find(UserId user, std::string_view provider) override {
    static constexpr Query q{"payment_customers.find",
                             "SELECT customer_ref FROM payment_customers WHERE user_id = $1 AND "
                             "provider = $2"};
    auto res = Run(conn(), q, {user.value, std::string(provider)});
    if (res.rows.empty()) return std::nullopt;
    return res.rows[0].Text(0);
  }
  std::optional<UserId> FindUser(std::string_view provider, std::string_view ref) override {
    static constexpr Query q{"payment_customers.find_user",
                             "SELECT user_id FROM payment_customers WHERE provider = $1 AND "
                             "customer_ref = $2"};
    auto res = Run(conn(), q, {std::string(provider), std::string(ref)});
    if (res.rows.empty()) return std::nullopt;
    return UserId{res.rows[0].Int(0)};
  }
  void Insert(UserId user, std::string_view provider, std::string_view ref, Instant at) override {
    static constexpr Query q{"payment_customers.insert",
                             "INSERT INTO payment_customers (user_id, provider, customer_ref, "
                             "created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"};
    Run(writer(), q, {user.value, std::string(provider), std::string(ref), ToUnix(at)});
  }
};

class SqlStripeEvents final : public app::StripeEventRepository, Base {
 public:
  using Base::Base;
  bool InsertIfNew(const app::StripeEvent& e) override {
    static constexpr Query q{"stripe_events.insert",
                             "INSERT INTO stripe_events (id, type, payload, received_at) VALUES "
                             "($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"};
    return Run(writer(), q, {e.id, e.type, e.payload, ToUnix(e.received_at)}).affected == 1;
  }
  std::vector<app::StripeEvent> Unprocessed(int limit) override {
    static constexpr Query q{"stripe_events.unprocessed",
                             "SELECT id, type, payload, received_at, attempts FROM stripe_events "
                             "WHERE processed_at IS NULL AND attempts < 20 ORDER BY received_at, "
                             "id LIMIT $1"};
    std::vector<app::StripeEvent> out;
    for (const Row& r : Run(conn(), q, {int64_t{limit}}).rows)
      out.push_back(app::StripeEvent{.id = r.Text(0),
                                     .type = r.Text(1),
                                     .payload = r.Text(2),
                                     .received_at = FromUnix(r.Int(3)),
                                     .attempts = static_cast<int>(r.Int(4))});
    return out;
  }
  void MarkProcessed(std::string_view id, Instant at) override {
    static constexpr Query q{"stripe_events.processed",
                             "UPDATE stripe_events SET processed_at = $2, last_error = '' "
                             "WHERE id = $1"};
    Run(writer(), q, {std::string(id), ToUnix(at)});
  }
  void MarkFailed(std::string_view id, std::string_view error) override {
    static constexpr Query q{"stripe_events.failed",
                             "UPDATE stripe_events SET attempts = attempts + 1, last_error = $2 "
                             "WHERE id = $1"};
    Run(writer(), q, {std::string(id), std::string(error)});
  }
};

class SqlUnitOfWork final : public app::UnitOfWork {
 public:
  SqlUnitOfWork(ConnectionPool::Lease lease, const Clock& clock, std::optional<app::Actor> actor)
      : lease_(std::move(lease)), clock_(clock), actor_(std::move(actor)) {
    // Reads run without BEGIN: one round trip per statement (ENGINEERING.md: libpqxx note).
    if (actor_) lease_->Begin(/*write=*/true);
  }
  ~SqlUnitOfWork() override {
    if (actor_ && !committed_) {
      try {
        lease_->Rollback();
      } catch (...) {  // the connection is dropped by the pool if it stays unusable
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

  void Audit(std::string_view action, std::string_view subject, const nlohmann::json& before,
             const nlohmann::json& after) override {
    static constexpr Query q{
        "audit.insert",
        "INSERT INTO audit_log (at, actor, action, subject, before_json, after_json, "
        "request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)"};
    Run(Writer(), q,
        {ToUnix(clock_.Now()), actor_->label, std::string(action), std::string(subject),
         before.dump(), after.dump(), actor_->request_id});
    audited_ = true;
  }

  void Enqueue(std::string_view kind, const nlohmann::json& payload) override {
    static constexpr Query q{
        "outbox.insert",
        "INSERT INTO outbox (kind, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $3)"};
    Run(Writer(), q, {std::string(kind), payload.dump(), ToUnix(clock_.Now())});
  }

  void Commit() override {
    if (!actor_) throw std::logic_error("Commit() on a read-only unit of work");
    // Habit 3: a state change without an audit row is a bug, caught here for every use case.
    if (written_ && !audited_) throw std::logic_error("unit of work wrote without an audit row");
    lease_->Commit();
    committed_ = true;
  }

  Connection& Conn() { return *lease_; }
  bool IsWrite() const { return actor_.has_value(); }
  Connection& Writer() {
    if (!actor_) throw std::logic_error("write through a read-only unit of work");
    written_ = true;
    return *lease_;
  }

 private:
  ConnectionPool::Lease lease_;
  const Clock& clock_;
  std::optional<app::Actor> actor_;
  bool written_ = false;
  bool audited_ = false;
  bool committed_ = false;
  SqlUsers users_{*this};
  SqlSessions sessions_{*this};
  SqlSignInAttempts attempts_{*this};
  SqlLicenses licenses_{*this};
  SqlPaymentMethods payment_methods_{*this};
  SqlAuditLog audit_{*this};
  SqlOutbox outbox_{*this};
  SqlTickets tickets_{*this};
  SqlCancellations cancellations_{*this};
  SqlLicenseGrants grants_{*this};
  SqlCharges charges_{*this};
  SqlPaymentCustomers payment_customers_{*this};
  SqlStripeEvents stripe_events_{*this};
};

Connection& Base::conn() { return uow_.Conn(); }
bool Base::locking() const { return uow_.IsWrite() && uow_.Conn().dialect() == Dialect::kPostgres; }
Connection& Base::writer() { return uow_.Writer(); }

int VersionOf(std::string_view file_name) {
  // "0007_name.sql" -> 7
  int v = 0;
  std::from_chars(file_name.data(), file_name.data() + file_name.size(), v);
  return v;
}

}  // namespace

SqlStore::SqlStore(ConnectionPool::Factory factory, Dialect dialect, const Clock& clock)
    : pool_(std::move(factory)), dialect_(dialect), clock_(clock) {}

std::unique_ptr<app::UnitOfWork> SqlStore::Begin(const app::Actor& actor) {
  return std::make_unique<SqlUnitOfWork>(pool_.Acquire(), clock_, actor);
}

std::unique_ptr<app::UnitOfWork> SqlStore::Read() {
  return std::make_unique<SqlUnitOfWork>(pool_.Acquire(), clock_, std::nullopt);
}

bool SqlStore::Ping() {
  try {
    static constexpr Query q{"ping", "SELECT 1"};
    auto lease = pool_.Acquire();
    return Run(*lease, q).rows.at(0).Int(0) == 1;
  } catch (const std::exception&) {
    return false;
  }
}

MigrationReport SqlStore::Migrate() {
  const std::string_view folder = dialect_ == Dialect::kSqlite ? "sqlite/" : "postgres/";
  std::map<int, const embedded::File*> files;
  for (const auto& f : embedded::Migrations())
    if (f.path.starts_with(folder)) files[VersionOf(f.path.substr(folder.size()))] = &f;

  auto conn = pool_.Acquire();
  static constexpr Query lock_q{"migrations.lock", "SELECT pg_advisory_xact_lock(7340032)"};
  // Several servers may start at once on one PostgreSQL: one migrates, the others wait.
  auto lock = [&] {
    if (dialect_ == Dialect::kPostgres) Run(*conn, lock_q);
  };
  conn->Begin(/*write=*/true);
  lock();
  conn->ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  conn->Commit();
  static constexpr Query applied_q{"migrations.applied",
                                   "SELECT COUNT(*) FROM schema_migrations WHERE version = $1"};
  static constexpr Query record_q{
      "migrations.record",
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"};
  MigrationReport report;
  for (const auto& [version, file] : files) {
    conn->Begin(/*write=*/true);
    try {
      lock();
      if (Run(*conn, applied_q, {int64_t{version}}).rows.at(0).Int(0) == 0) {
        conn->ExecScript(file->bytes);
        Run(*conn, record_q,
            {int64_t{version}, std::string(file->path.substr(folder.size())),
             ToUnix(clock_.Now())});
        ++report.applied;
      }
      conn->Commit();
    } catch (...) {
      conn->Rollback();
      throw;
    }
    report.current_version = version;
  }
  return report;
}

std::unique_ptr<SqlStore> OpenStore(const std::string& url, const Clock& clock) {
  if (url.starts_with("sqlite://")) {
    std::string path = url.substr(std::string_view("sqlite://").size());
    if (path.empty()) throw std::invalid_argument("sqlite:// URL without a path");
    return std::make_unique<SqlStore>([path] { return OpenSqlite(path); }, Dialect::kSqlite, clock);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::make_unique<SqlStore>([url] { return OpenPostgres(url); }, Dialect::kPostgres,
                                      clock);
  }
  throw std::invalid_argument(
      "database URL must start with sqlite:// or postgresql:// (got something else)");
}

}  // namespace tenure::storage
