#include "storage/repos/licenses.hpp"

#include <string>

namespace tenure::storage {

using domain::License;

License ToLicense(const Row& r) {
  return License{.id = LicenseId{r.Int(0)},
                 .user_id = UserId{r.Int(1)},
                 .expires_at = OptInstant(r, 2),
                 .auto_renew = r.Int(3) != 0,
                 .auto_renew_off_reason = domain::ParseAutoRenewOffReason(r.Text(4)).value_or(
                     domain::AutoRenewOffReason::kNone),
                 .instances = static_cast<int>(r.Int(5)),
                 .instances_at_renewal =
                     r.IsNull(14) ? std::nullopt : std::optional(static_cast<int>(r.Int(14))),
                 .deactivated_at = OptInstant(r, 15),
                 .suspended_at = OptInstant(r, 6),
                 .dunning_failures = static_cast<int>(r.Int(9)),
                 .dunning_first_failed_at = OptInstant(r, 10),
                 .next_attempt_at = OptInstant(r, 11),
                 .reminded_period = r.OptInt(12),
                 .expired_notice_period = r.OptInt(13),
                 .created_at = FromUnix(r.Int(7)),
                 .updated_at = FromUnix(r.Int(8))};
}

namespace {

UserId ToUserId(const Row& r) { return UserId{r.Int(0)}; }

}  // namespace

std::optional<License> SqlLicenses::FindByUser(UserId user) {
  static constexpr Query q{"licenses.by_user",
                           "SELECT " TENURE_LICENSE_COLUMNS " FROM licenses WHERE user_id = $1"};
  static constexpr Query locked{"licenses.by_user_locked",
                                "SELECT " TENURE_LICENSE_COLUMNS
                                " FROM licenses WHERE user_id = $1 FOR UPDATE"};
  return ReadFirst(Run(conn(), locking() ? locked : q, {user.value}), ToLicense);
}

std::optional<License> SqlLicenses::Find(LicenseId id) {
  static constexpr Query q{"licenses.by_id",
                           "SELECT " TENURE_LICENSE_COLUMNS " FROM licenses WHERE id = $1"};
  return ReadFirst(Run(conn(), q, {id.value}), ToLicense);
}

std::vector<UserId> SqlLicenses::ClaimDueRenewals(Instant now, Instant due_before,
                                                  Instant lease_until, int limit) {
  // SQLite's write transaction holds the database, so the subquery's rows stay as read.
  // PostgreSQL: a materialized CTE keeps the LIMIT a limit (as stripe_events.claim_pg), and
  // SKIP LOCKED lets parallel jobs take different rows at once.
  static constexpr Query sqlite{
      "licenses.claim_due",
      "UPDATE licenses SET job_lease_until = $3 WHERE id IN (SELECT id FROM licenses WHERE "
      "auto_renew = $5 AND suspended_at IS NULL AND expires_at IS NOT NULL AND "
      "expires_at <= $2 AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND "
      "(job_lease_until IS NULL OR job_lease_until <= $1) ORDER BY expires_at, id LIMIT $4) "
      "AND (job_lease_until IS NULL OR job_lease_until <= $1) RETURNING user_id"};
  static constexpr Query postgres{
      "licenses.claim_due_pg",
      "WITH due AS MATERIALIZED (SELECT id FROM licenses WHERE "
      "auto_renew = $5 AND suspended_at IS NULL AND expires_at IS NOT NULL AND "
      "expires_at <= $2 AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND "
      "(job_lease_until IS NULL OR job_lease_until <= $1) ORDER BY expires_at, id LIMIT $4 "
      "FOR UPDATE SKIP LOCKED) "
      "UPDATE licenses SET job_lease_until = $3 FROM due WHERE licenses.id = due.id "
      "RETURNING user_id"};
  const Query& q = conn().dialect() == Dialect::kPostgres ? postgres : sqlite;
  return ReadAll(
      Run(writer(), q,
          {ToUnix(now), ToUnix(due_before), ToUnix(lease_until), int64_t{limit}, int64_t{1}}),
      ToUserId);
}

void SqlLicenses::ReleaseLease(LicenseId id) {
  static constexpr Query q{"licenses.release_lease",
                           "UPDATE licenses SET job_lease_until = NULL WHERE id = $1"};
  Run(writer(), q, {id.value});
}

std::vector<UserId> SqlLicenses::NeedingReminder(Instant now, Instant remind_before, int limit) {
  static constexpr Query q{
      "licenses.needing_reminder",
      "SELECT user_id FROM licenses WHERE auto_renew = $4 AND suspended_at IS NULL AND "
      "expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2 AND "
      "(reminded_period IS NULL OR reminded_period <> expires_at) ORDER BY expires_at "
      "LIMIT $3"};
  return ReadAll(Run(conn(), q, {ToUnix(now), ToUnix(remind_before), int64_t{limit}, int64_t{1}}),
                 ToUserId);
}

std::vector<UserId> SqlLicenses::NeedingExpiryNotice(Instant expired_before, int limit) {
  static constexpr Query q{
      "licenses.needing_expiry_notice",
      "SELECT user_id FROM licenses WHERE expires_at IS NOT NULL AND expires_at <= $1 "
      "AND (expired_notice_period IS NULL OR expired_notice_period <> expires_at) "
      "ORDER BY expires_at LIMIT $2"};
  return ReadAll(Run(conn(), q, {ToUnix(expired_before), int64_t{limit}}), ToUserId);
}

std::vector<License> SqlLicenses::All(int limit, int offset) {
  static constexpr Query q{"licenses.all", "SELECT " TENURE_LICENSE_COLUMNS
                                           " FROM licenses ORDER BY id LIMIT $1 OFFSET $2"};
  return ReadAll(Run(conn(), q, {int64_t{limit}, int64_t{offset}}), ToLicense);
}

LicenseId SqlLicenses::Insert(const License& l) {
  static constexpr Query q{
      "licenses.insert",
      "INSERT INTO licenses (user_id, expires_at, auto_renew, auto_renew_off_reason, "
      "instances, suspended_at, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
  auto res =
      Run(writer(), q,
          {l.user_id.value, Opt(l.expires_at), int64_t{l.auto_renew},
           std::string(domain::AutoRenewOffReasonName(l.auto_renew_off_reason)),
           int64_t{l.instances}, Opt(l.suspended_at), ToUnix(l.created_at), ToUnix(l.updated_at)});
  return LicenseId{res.rows.at(0).Int(0)};
}

void SqlLicenses::Update(const License& l) {
  static constexpr Query q{
      "licenses.update",
      "UPDATE licenses SET expires_at = $2, auto_renew = $3, auto_renew_off_reason = $4, "
      "instances = $5, suspended_at = $6, updated_at = $7, dunning_failures = $8, "
      "dunning_first_failed_at = $9, next_attempt_at = $10, reminded_period = $11, "
      "expired_notice_period = $12, instances_at_renewal = $13, deactivated_at = $14 "
      "WHERE id = $1"};
  Run(writer(), q,
      {l.id.value, Opt(l.expires_at), int64_t{l.auto_renew},
       std::string(domain::AutoRenewOffReasonName(l.auto_renew_off_reason)), int64_t{l.instances},
       Opt(l.suspended_at), ToUnix(l.updated_at), int64_t{l.dunning_failures},
       Opt(l.dunning_first_failed_at), Opt(l.next_attempt_at),
       l.reminded_period ? Value(*l.reminded_period) : Value(nullptr),
       l.expired_notice_period ? Value(*l.expired_notice_period) : Value(nullptr),
       l.instances_at_renewal ? Value(int64_t{*l.instances_at_renewal}) : Value(nullptr),
       Opt(l.deactivated_at)});
}

}  // namespace tenure::storage
