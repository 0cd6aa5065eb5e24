// The seller's console beyond one customer's license (issue 14 items 1, 2 and 4): finding an
// account, the audit log with names, roles, the outbox, and re-sending a receipt.
#include <fmt/format.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "app/staff.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/charges.hpp"
#include "app/store/licenses.hpp"
#include "app/store/outbox.hpp"
#include "app/store/users.hpp"

namespace tenure::app {
namespace {

Result<void> AdminOnly(const domain::User& viewer) {
  if (viewer.role != domain::Role::kAdmin)
    return Fail(ErrorCode::kForbidden, "Only an admin account can do this.");
  return {};
}

std::optional<int64_t> IdAfter(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return std::nullopt;
  int64_t id = 0;
  const char* first = text.data() + prefix.size();
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc() || end != last) return std::nullopt;
  return id;
}

// What people call an actor or a subject: an account by its email, a license by its
// customer's, a ticket or charge by its number.
std::string NameOf(UnitOfWork& read, const std::string& ref) {
  if (auto id = IdAfter(ref, "user:")) {
    const auto user = read.users().Find(UserId{*id});
    return user ? user->email : ref + " (deleted)";
  }
  if (auto id = IdAfter(ref, "license:")) {
    const auto license = read.licenses().Find(LicenseId{*id});
    const auto user = license ? read.users().Find(license->user_id) : std::nullopt;
    return user ? "license of " + user->email : ref;
  }
  if (auto id = IdAfter(ref, "ticket:")) return fmt::format("ticket #{}", *id);
  if (auto id = IdAfter(ref, "charge:")) return fmt::format("charge #{}", *id);
  if (auto id = IdAfter(ref, "machine:")) return fmt::format("machine #{}", *id);
  if (ref == "system") return "Tenure (a job)";
  if (ref == "cli") return "the command line";
  return ref;
}

}  // namespace

Result<std::vector<domain::User>> StaffService::Search(const domain::User& viewer,
                                                       std::string_view text) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  if (text.empty() || text.size() > 200)
    return Fail(ErrorCode::kInvalidInput, "Type an email, a Discord name or a Stripe id.", "q");
  return store_.Read()->users().Search(text, 50);
}

Result<AuditPage> StaffService::Audit(const domain::User& viewer, const AuditFilter& filter,
                                      int limit) {
  if (auto ok = AdminOnly(viewer); !ok) return std::unexpected(ok.error());
  auto read = store_.Read();
  AuditPage page{.entries = read->audit_log().Search(filter, limit + 1),
                 .actions = read->audit_log().Actions()};
  page.more = static_cast<int>(page.entries.size()) > limit;
  if (page.more) page.entries.pop_back();
  for (const AuditEntry& e : page.entries)
    for (const std::string* ref : {&e.actor, &e.subject})
      if (!page.names.contains(*ref)) page.names[*ref] = NameOf(*read, *ref);
  return page;
}

Result<void> StaffService::SetRole(const Actor& actor, const domain::User& viewer, UserId account,
                                   std::string_view role_text) {
  if (auto ok = AdminOnly(viewer); !ok) return ok;
  const auto role = domain::ParseRole(role_text);
  if (!role) return Fail(ErrorCode::kInvalidInput, "Choose customer, support or admin.", "role");
  auto uow = store_.Begin(actor);
  const auto user = uow->users().Find(account);
  if (!user) return Fail(ErrorCode::kNotFound, "There is no such account.");
  if (user->role == *role) return {};
  if (user->role == domain::Role::kAdmin) {
    int admins = 0;
    for (const auto& staff : uow->users().Staff())
      if (staff.role == domain::Role::kAdmin) ++admins;
    if (admins <= 1)
      return Fail(ErrorCode::kConflict,
                  "This is the only admin account: make another account an admin first.", "role");
  }
  uow->users().SetRole(account, *role);
  uow->Audit("user.role", fmt::format("user:{}", account.value),
             {{"role", domain::RoleName(user->role)}}, {{"role", domain::RoleName(*role)}});
  uow->Commit();
  return {};
}

Result<std::vector<OutboxMessage>> StaffService::Outbox(const domain::User& viewer,
                                                        std::string_view status, int limit) {
  if (auto ok = AdminOnly(viewer); !ok) return std::unexpected(ok.error());
  if (status != "pending" && status != "dead")
    return Fail(ErrorCode::kInvalidInput, "Show queued or dead-lettered messages.", "status");
  return store_.Read()->outbox().List(status, limit);
}

Result<void> StaffService::RetryOutbox(const Actor& actor, const domain::User& viewer,
                                       int64_t message) {
  if (auto ok = AdminOnly(viewer); !ok) return ok;
  auto uow = store_.Begin(actor);
  const auto found = uow->outbox().Find(message);
  if (!found) return Fail(ErrorCode::kNotFound, "There is no such message.");
  if (!uow->outbox().Retry(message, clock_.Now()))
    return Fail(ErrorCode::kConflict, "Only a dead-lettered message can be retried.");
  uow->Audit("outbox.retry", fmt::format("outbox:{}", message),
             {{"status", found->status}, {"attempts", found->attempts}},
             {{"status", "pending"}, {"attempts", 0}});
  uow->Commit();
  return {};
}

Result<void> StaffService::ResendReceipt(const Actor& actor, const domain::User& viewer,
                                         UserId customer, int64_t charge_id) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  auto uow = store_.Begin(actor);
  const auto charge = uow->charges().Find(charge_id);
  const auto user = uow->users().Find(customer);
  if (!charge || !user || charge->user_id != customer)
    return Fail(ErrorCode::kNotFound, "This customer has no such charge.");
  if (charge->status != domain::ChargeStatus::kSucceeded)
    return Fail(ErrorCode::kConflict, "Only a successful charge has a receipt.");
  uow->Audit("charge.receipt_resent", fmt::format("user:{}", customer.value), nullptr,
             {{"charge", charge_id}});
  Queue(*uow, email_, Receipt(email_, Recipient::Of(*user), *charge));
  uow->Commit();
  return {};
}

}  // namespace tenure::app
