#include "storage/repos/charges.hpp"

#include <stdexcept>
#include <string>

// String-literal concatenation keeps each query a constant (habit 5).
#define TENURE_CHARGE_COLUMNS                                                              \
  "id, user_id, license_id, kind, period_key, attempt, idempotency_key, amount_cents, "    \
  "currency, instances_added, status, provider, payment_method_ref, provider_payment_id, " \
  "terms_version, new_expires_at, failure_code, failure_message, created_at, updated_at"

namespace tenure::storage {
namespace {

// The columns' words (migration 0003's CHECKs) are the domain's names; anything else is a
// damaged database, never a guess.
domain::ChargeKind KindOf(const std::string& name) {
  if (auto kind = domain::ParseChargeKind(name)) return *kind;
  throw std::runtime_error("charges.kind holds '" + name + "'");
}
domain::ChargeStatus StatusOf(const std::string& name) {
  if (auto status = domain::ParseChargeStatus(name)) return *status;
  throw std::runtime_error("charges.status holds '" + name + "'");
}
std::string Word(domain::ChargeKind kind) { return std::string(domain::ChargeKindName(kind)); }
std::string Word(domain::ChargeStatus status) {
  return std::string(domain::ChargeStatusName(status));
}

app::Charge ToCharge(const Row& r) {
  return app::Charge{.id = r.Int(0),
                     .user_id = UserId{r.Int(1)},
                     .license_id = LicenseId{r.Int(2)},
                     .kind = KindOf(r.Text(3)),
                     .period_key = r.Int(4),
                     .attempt = static_cast<int>(r.Int(5)),
                     .idempotency_key = r.Text(6),
                     .amount = Money::Cents(r.Int(7)),
                     .currency = r.Text(8),
                     .instances_added = static_cast<int>(r.Int(9)),
                     .status = StatusOf(r.Text(10)),
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

}  // namespace

int64_t SqlCharges::Insert(const app::Charge& c) {
  static constexpr Query q{
      "charges.insert",
      "INSERT INTO charges (user_id, license_id, kind, period_key, attempt, idempotency_key, "
      "amount_cents, currency, instances_added, status, provider, payment_method_ref, "
      "provider_payment_id, terms_version, new_expires_at, failure_code, failure_message, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
      "$13, $14, $15, $16, $17, $18, $19) RETURNING id"};
  return Run(writer(), q,
             {c.user_id.value, c.license_id.value, Word(c.kind), c.period_key, int64_t{c.attempt},
              c.idempotency_key, c.amount.cents(), c.currency, int64_t{c.instances_added},
              Word(c.status), c.provider, c.payment_method_ref, c.provider_payment_id,
              c.terms_version, Opt(c.new_expires_at), c.failure_code, c.failure_message,
              ToUnix(c.created_at), ToUnix(c.updated_at)})
      .rows.at(0)
      .Int(0);
}

void SqlCharges::Update(const app::Charge& c) {
  static constexpr Query q{"charges.update",
                           "UPDATE charges SET status = $2, provider_payment_id = $3, "
                           "new_expires_at = $4, failure_code = $5, failure_message = $6, "
                           "updated_at = $7 WHERE id = $1"};
  Run(writer(), q,
      {c.id, Word(c.status), c.provider_payment_id, Opt(c.new_expires_at), c.failure_code,
       c.failure_message, ToUnix(c.updated_at)});
}

std::optional<app::Charge> SqlCharges::Find(int64_t id) {
  static constexpr Query q{"charges.find",
                           "SELECT " TENURE_CHARGE_COLUMNS " FROM charges WHERE id = $1"};
  return ReadFirst(Run(conn(), q, {id}), ToCharge);
}

std::optional<app::Charge> SqlCharges::LockPending(int64_t id) {
  // An UPDATE takes the row lock on both engines; a second recorder waits for the first to
  // commit, then finds the status changed and gets no row.
  static constexpr Query q{"charges.lock_pending",
                           "UPDATE charges SET status = status WHERE id = $1 AND "
                           "status = $2 RETURNING " TENURE_CHARGE_COLUMNS};
  return ReadFirst(Run(writer(), q, {id, Word(domain::ChargeStatus::kPending)}), ToCharge);
}

std::optional<app::Charge> SqlCharges::FindByProviderPayment(std::string_view provider,
                                                             std::string_view payment_id) {
  static constexpr Query q{"charges.by_provider_payment", "SELECT " TENURE_CHARGE_COLUMNS
                                                          " FROM charges WHERE provider = $1 "
                                                          "AND provider_payment_id = $2"};
  return ReadFirst(Run(conn(), q, {std::string(provider), std::string(payment_id)}), ToCharge);
}

std::vector<app::Charge> SqlCharges::ForUser(UserId user, int limit) {
  static constexpr Query q{"charges.for_user", "SELECT " TENURE_CHARGE_COLUMNS
                                               " FROM charges WHERE user_id = $1 "
                                               "ORDER BY id DESC LIMIT $2"};
  return ReadAll(Run(conn(), q, {user.value, int64_t{limit}}), ToCharge);
}

std::vector<app::Charge> SqlCharges::ForPeriod(LicenseId license, int64_t period_key) {
  static constexpr Query q{"charges.for_period",
                           "SELECT " TENURE_CHARGE_COLUMNS
                           " FROM charges WHERE license_id = $1 "
                           "AND period_key = $2 AND kind <> $3 ORDER BY attempt"};
  return ReadAll(Run(conn(), q, {license.value, period_key, Word(domain::ChargeKind::kInstances)}),
                 ToCharge);
}

std::vector<app::Charge> SqlCharges::PendingSince(Instant before, int limit) {
  static constexpr Query q{"charges.pending",
                           "SELECT " TENURE_CHARGE_COLUMNS
                           " FROM charges WHERE status = $3 AND updated_at <= $1 "
                           "ORDER BY id LIMIT $2"};
  return ReadAll(
      Run(conn(), q, {ToUnix(before), int64_t{limit}, Word(domain::ChargeStatus::kPending)}),
      ToCharge);
}

}  // namespace tenure::storage
