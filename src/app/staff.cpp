#include "app/staff.hpp"

#include <fmt/format.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/store/charges.hpp"
#include "app/store/licenses.hpp"
#include "app/store/users.hpp"
#include "domain/lifecycle.hpp"

namespace tenure::app {

Result<std::vector<CustomerRow>> StaffService::Accounts(const domain::User& viewer, int limit,
                                                        int offset) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  auto read = store_.Read();
  std::vector<CustomerRow> out;
  const Instant now = clock_.Now();
  for (auto& user : read->users().List(limit, offset)) {
    auto license = read->licenses().FindByUser(user.id);
    const auto status = license ? domain::StatusAt(*license, now, licenses_.policy().grace)
                                : domain::LicenseStatus::kNone;
    out.push_back(CustomerRow{std::move(user), license, status});
  }
  return out;
}

Result<CustomerFile> StaffService::Customer(const domain::User& viewer, UserId id) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  auto read = store_.Read();
  auto user = read->users().Find(id);
  if (!user) return Fail(ErrorCode::kNotFound, "There is no such account.");
  CustomerFile file{.user = *user,
                    .tickets = read->tickets().ForCustomer(id, 50),
                    .charges = read->charges().ForUser(id, 100),
                    .timeline = CustomerTimeline(*read, id, 200)};
  if (auto overview = licenses_.Overview(id)) {
    file.license = *overview;
    file.grants = read->license_grants().ForLicense(overview->license.id);
  }
  return file;
}

Result<Instant> StaffService::GrantDays(const Actor& actor, const domain::User& viewer,
                                        UserId customer, std::string_view days_text,
                                        std::string_view raw_reason) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  int days = 0;
  const auto [end, ec] =
      std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
  if (ec != std::errc() || end != days_text.data() + days_text.size() || days < 1 || days > 365)
    return Fail(ErrorCode::kInvalidInput, "Grant from 1 to 365 days.", "days");
  auto reason = domain::CheckSubject(raw_reason);  // one line, required, at most 200 characters
  if (!reason) return Fail(ErrorCode::kInvalidInput, "Say why, in one line.", "reason");

  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto user = uow->users().Find(customer);
  auto license = uow->licenses().FindByUser(customer);
  if (!user || !license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const auto before = AuditView(*license);
  const std::optional<Instant> old_expiry = license->expires_at;
  // From the same base as a payment: in grace no day is lost or gained (domain/lifecycle.hpp).
  const domain::LicensePolicy& policy = licenses_.policy();
  domain::Apply(*license,
                domain::Decide(domain::StateOf(*license, now, policy.grace),
                               domain::LicenseEvent::kGrantDays),
                {.now = now, .policy = policy, .zone = TimeZone::Utc(), .days = days});
  uow->licenses().Update(*license);
  uow->license_grants().Insert(LicenseGrant{.license_id = license->id,
                                            .days = days,
                                            .reason = *reason,
                                            .staff_id = viewer.id,
                                            .expires_before = old_expiry,
                                            .expires_after = *license->expires_at,
                                            .created_at = now});
  uow->Audit("license.grant_days", fmt::format("license:{}", license->id.value), before,
             {{"license", AuditView(*license)}, {"days", days}, {"reason", *reason}});
  Queue(*uow, email_,
        DaysGranted(email_, Recipient::Of(*user), days, *license->expires_at, *reason));
  uow->Commit();
  return *license->expires_at;
}

Result<void> StaffService::LiftSuspension(const Actor& actor, const domain::User& viewer,
                                          UserId customer, std::string_view raw_reason) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  auto reason = domain::CheckSubject(raw_reason);
  if (!reason) return Fail(ErrorCode::kInvalidInput, "Say why, in one line.", "reason");

  const Instant now = clock_.Now();
  auto uow = store_.Begin(actor);
  auto license = uow->licenses().FindByUser(customer);
  if (!license) return Fail(ErrorCode::kNotFound, "This account has no license.");
  const domain::LicensePolicy& policy = licenses_.policy();
  const auto lifted = domain::Decide(domain::StateOf(*license, now, policy.grace),
                                     domain::LicenseEvent::kSuspensionLifted);
  if (lifted.refused())
    return Fail(ErrorCode::kConflict, std::string(domain::RefusalMessage(lifted.refusal)));
  const auto before = AuditView(*license);
  domain::Apply(*license, lifted, {.now = now, .policy = policy, .zone = TimeZone::Utc()});
  uow->licenses().Update(*license);
  uow->Audit("license.unsuspend", fmt::format("license:{}", license->id.value), before,
             {{"license", AuditView(*license)}, {"reason", *reason}});
  uow->Commit();
  return {};
}

}  // namespace tenure::app
