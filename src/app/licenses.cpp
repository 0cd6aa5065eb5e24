#include "app/licenses.hpp"
#include "app/store/licenses.hpp"
#include "domain/billing.hpp"

namespace tenure::app {

Result<LicenseOverview> LicenseService::Overview(UserId user) {
  auto read = store_.Read();
  auto license = read->licenses().FindByUser(user);
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license record.");
  LicenseOverview out{.license = *license,
                      .status = domain::StatusAt(*license, clock_.Now(), policy_.grace),
                      .next_charge_at = domain::AutoRenewalDueAt(*license, policy_),
                      .renewal_price = domain::MonthlyPrice(*license, policy_),
                      .payment_method = read->payment_methods().FindDefault(user)};
  return out;
}

std::vector<LicenseGrant> LicenseService::Grants(UserId user) {
  auto read = store_.Read();
  auto license = read->licenses().FindByUser(user);
  if (!license) return {};
  return read->license_grants().ForLicense(license->id);
}

}  // namespace tenure::app
