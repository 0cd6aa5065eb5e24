#include "storage/repos/reports.hpp"

#include <stdexcept>
#include <string>

namespace tenure::storage {
namespace {

// The columns' words are the domain's names (migrations 0002, 0003, 0012); anything else is a
// damaged database, never a guess.
template <typename T>
T Parsed(std::optional<T> value, const char* column, const std::string& word) {
  if (!value) throw std::runtime_error(std::string(column) + " holds '" + word + "'");
  return *value;
}

}  // namespace

std::vector<domain::ChargeRecord> SqlReports::Charges(Instant since) {
  static constexpr Query q{
      "reports.charges",
      "SELECT license_id, kind, status, period_key, attempt, amount_cents, created_at, "
      "new_expires_at FROM charges WHERE status = 'succeeded' OR created_at >= $1 ORDER BY id"};
  return ReadAll(Run(conn(), q, {ToUnix(since)}), [](const Row& r) {
    return domain::ChargeRecord{
        .license_id = r.Int(0),
        .kind = Parsed(domain::ParseChargeKind(r.Text(1)), "charges.kind", r.Text(1)),
        .status = Parsed(domain::ParseChargeStatus(r.Text(2)), "charges.status", r.Text(2)),
        .period_key = r.Int(3),
        .attempt = static_cast<int>(r.Int(4)),
        .amount_cents = r.Int(5),
        .at = FromUnix(r.Int(6)),
        .new_expires_at = OptInstant(r, 7)};
  });
}

std::vector<domain::GrantRecord> SqlReports::Grants() {
  static constexpr Query q{"reports.grants",
                           "SELECT license_id, created_at, expires_after FROM license_grants "
                           "ORDER BY id"};
  return ReadAll(Run(conn(), q, {}), [](const Row& r) {
    return domain::GrantRecord{
        .license_id = r.Int(0), .at = FromUnix(r.Int(1)), .expires_after = FromUnix(r.Int(2))};
  });
}

std::vector<domain::LicenseRecord> SqlReports::Licenses() {
  static constexpr Query q{"reports.licenses",
                           "SELECT id, created_at, expires_at FROM licenses ORDER BY id"};
  return ReadAll(Run(conn(), q, {}), [](const Row& r) {
    return domain::LicenseRecord{
        .license_id = r.Int(0), .created_at = FromUnix(r.Int(1)), .expires_at = OptInstant(r, 2)};
  });
}

std::vector<domain::CancellationRecord> SqlReports::Cancellations(Instant since) {
  static constexpr Query q{
      "reports.cancellations",
      "SELECT reason, created_at FROM cancellations WHERE created_at >= $1 ORDER BY id"};
  return ReadAll(Run(conn(), q, {ToUnix(since)}), [](const Row& r) {
    return domain::CancellationRecord{
        .reason = Parsed(domain::ParseCancelReason(r.Text(0)), "cancellations.reason", r.Text(0)),
        .at = FromUnix(r.Int(1))};
  });
}

std::vector<domain::FunnelRecord> SqlReports::Funnel(Instant since) {
  static constexpr Query q{
      "reports.funnel",
      "SELECT user_id, step, at FROM cancel_funnel WHERE at >= $1 ORDER BY at, id"};
  return ReadAll(Run(conn(), q, {ToUnix(since)}), [](const Row& r) {
    return domain::FunnelRecord{
        .user_id = r.Int(0),
        .step = Parsed(domain::ParseFunnelStep(r.Text(1)), "cancel_funnel.step", r.Text(1)),
        .at = FromUnix(r.Int(2))};
  });
}

void SqlReports::RecordFunnelStep(UserId user, domain::FunnelStep step, Instant at) {
  static constexpr Query q{"reports.record_funnel_step",
                           "INSERT INTO cancel_funnel (user_id, step, at) VALUES ($1, $2, $3)"};
  Run(unaudited_writer(), q, {user.value, std::string(domain::FunnelStepName(step)), ToUnix(at)});
}

}  // namespace tenure::storage
