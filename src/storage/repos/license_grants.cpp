#include "storage/repos/license_grants.hpp"

namespace tenure::storage {

int64_t SqlLicenseGrants::Insert(const app::LicenseGrant& g) {
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

std::vector<app::LicenseGrant> SqlLicenseGrants::ForLicense(LicenseId license) {
  static constexpr Query q{
      "license_grants.for_license",
      "SELECT g.id, g.license_id, g.days, g.reason, g.staff_id, u.email, g.expires_before, "
      "g.expires_after, g.created_at FROM license_grants g JOIN users u ON u.id = g.staff_id "
      "WHERE g.license_id = $1 ORDER BY g.id DESC"};
  return ReadAll(Run(conn(), q, {license.value}), [](const Row& r) {
    return app::LicenseGrant{.id = r.Int(0),
                             .license_id = LicenseId{r.Int(1)},
                             .days = static_cast<int>(r.Int(2)),
                             .reason = r.Text(3),
                             .staff_id = UserId{r.Int(4)},
                             .staff_email = r.Text(5),
                             .expires_before = OptInstant(r, 6),
                             .expires_after = FromUnix(r.Int(7)),
                             .created_at = FromUnix(r.Int(8))};
  });
}

}  // namespace tenure::storage
