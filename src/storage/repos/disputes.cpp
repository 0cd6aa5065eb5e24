#include "storage/repos/disputes.hpp"

#include <stdexcept>
#include <string>

namespace tenure::storage {
namespace {

// A word the CHECK constraint does not allow means a damaged database.
app::DisputeOutcome ParseOutcome(const std::string& name) {
  for (auto o : {app::DisputeOutcome::kOpen, app::DisputeOutcome::kPaymentKept,
                 app::DisputeOutcome::kPaymentReversed})
    if (name == app::DisputeOutcomeName(o)) return o;
  throw std::runtime_error("disputes.outcome holds '" + name + "'");
}

}  // namespace

int64_t SqlDisputes::Insert(const app::Dispute& d) {
  static constexpr Query q{
      "disputes.insert",
      "INSERT INTO disputes (provider, provider_dispute_id, charge_id, license_id, status, "
      "outcome, opened_at, closed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "RETURNING id"};
  return Run(writer(), q,
             {d.provider, d.provider_dispute_id, d.charge_id, d.license_id.value, d.status,
              std::string(app::DisputeOutcomeName(d.outcome)), ToUnix(d.opened_at),
              Opt(d.closed_at), ToUnix(d.updated_at)})
      .rows.at(0)
      .Int(0);
}

void SqlDisputes::Update(const app::Dispute& d) {
  static constexpr Query q{"disputes.update",
                           "UPDATE disputes SET status = $2, outcome = $3, closed_at = $4, "
                           "updated_at = $5 WHERE id = $1"};
  Run(writer(), q,
      {d.id, d.status, std::string(app::DisputeOutcomeName(d.outcome)), Opt(d.closed_at),
       ToUnix(d.updated_at)});
}

std::optional<app::Dispute> SqlDisputes::Find(std::string_view provider,
                                              std::string_view provider_dispute_id) {
  static constexpr Query q{
      "disputes.find",
      "SELECT id, provider, provider_dispute_id, charge_id, license_id, status, outcome, "
      "opened_at, closed_at, updated_at FROM disputes "
      "WHERE provider = $1 AND provider_dispute_id = $2"};
  return ReadFirst(Run(conn(), q, {std::string(provider), std::string(provider_dispute_id)}),
                   [](const Row& r) {
                     return app::Dispute{.id = r.Int(0),
                                         .provider = r.Text(1),
                                         .provider_dispute_id = r.Text(2),
                                         .charge_id = r.Int(3),
                                         .license_id = LicenseId{r.Int(4)},
                                         .status = r.Text(5),
                                         .outcome = ParseOutcome(r.Text(6)),
                                         .opened_at = FromUnix(r.Int(7)),
                                         .closed_at = OptInstant(r, 8),
                                         .updated_at = FromUnix(r.Int(9))};
                   });
}

int SqlDisputes::CountOpen(LicenseId license) {
  static constexpr Query q{
      "disputes.count_open",
      "SELECT COUNT(*) FROM disputes WHERE license_id = $1 AND outcome = 'open'"};
  return static_cast<int>(Run(conn(), q, {license.value}).rows.at(0).Int(0));
}

}  // namespace tenure::storage
