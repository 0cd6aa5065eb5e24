#include "app/staff.hpp"

namespace tenure::app {

Result<std::vector<CustomerRow>> StaffService::Accounts(const domain::User& viewer, int limit,
                                                        int offset) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  auto read = store_.Read();
  std::vector<CustomerRow> out;
  const Instant now = clock_.Now();
  for (auto& user : read->users().List(limit, offset)) {
    auto license = read->licenses().FindByUser(user.id);
    const auto status =
        license ? domain::StatusAt(*license, now, policy_.grace) : domain::LicenseStatus::kNone;
    out.push_back(CustomerRow{std::move(user), std::move(license), status});
  }
  return out;
}

Result<std::vector<AuditEntry>> StaffService::RecentAudit(const domain::User& viewer, int limit) {
  if (viewer.role != domain::Role::kAdmin)
    return Fail(ErrorCode::kForbidden, "Only admins can read the audit log.");
  return store_.Read()->audit_log().Recent(limit);
}

}  // namespace tenure::app
