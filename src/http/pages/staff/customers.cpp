// Staff: every account, found by email, Discord name or Stripe id, and one customer's file:
// their license, history, payments, tickets, and the staff actions (grant days, lift a
// suspension, send a receipt again, and for admins the account's role).
#include <fmt/format.h>

#include <algorithm>

#include "app/licenses.hpp"
#include "app/staff.hpp"
#include "http/pages/account_views.hpp"
#include "http/pages/staff/staff_common.hpp"

namespace tenure::http::pages {
namespace {

// The customer's file has two forms; a failed one shows its error and keeps its input.
enum class CustomerForm { kNone, kGrant, kLift };

Response CustomerPage(Context& ctx, UserId id, int status = 200, const Error* error = nullptr,
                      CustomerForm form = CustomerForm::kNone) {
  auto file = ctx.svc.staff.Customer(ctx.User(), id);
  if (!file)
    return ErrorPage(ctx, HttpStatus(file.error().code), "Not found", file.error().message);
  mstch::map vars = StaffVars(ctx, "accounts");
  vars["email"] = file->user.email;
  vars["user_id"] = std::to_string(id.value);
  if (file->license) {
    vars["license"] = LicenseSummary(*file->license);
    vars["suspended"] = file->license->status == domain::LicenseStatus::kSuspended;
    vars["machines_view"] =
        MachinesVars(ctx, id, file->license->license.instances, /*can_sign_out=*/false);
  }
  // Days as the customer sees them on Home: in their time zone.
  vars["stats"] = CheckoutStatsVars(ctx, id, file->user.time_zone);
  mstch::array grants;
  for (const auto& g : file->grants)
    grants.push_back(mstch::map{
        {"at", FormatDateTime(g.created_at)},
        {"at_iso", FormatRfc3339(g.created_at)},
        {"staff", g.staff_email},
        {"days", g.days},
        {"reason", g.reason},
        {"before", g.expires_before ? FormatDateTime(*g.expires_before) : std::string("none")},
        {"after", FormatDateTime(g.expires_after)}});
  vars["grants"] = grants;
  mstch::array tickets;
  for (const auto& row : file->tickets)
    tickets.push_back(
        mstch::map{{"id", std::to_string(row.ticket.id.value)},
                   {"subject", row.ticket.subject},
                   {"status_label", std::string(domain::TicketStatusLabel(row.ticket.status))}});
  vars["tickets"] = tickets;
  mstch::array payments;
  for (const app::Charge& c : file->charges)
    payments.push_back(mstch::map{
        {"id", std::to_string(c.id)},
        {"at", FormatDateTime(c.created_at)},
        {"at_iso", FormatRfc3339(c.created_at)},
        {"kind", std::string(domain::ChargeKindName(c.kind))},
        {"amount", c.amount.Format()},
        {"status", std::string(domain::ChargeStatusName(c.status))},
        {"until", c.new_expires_at ? FormatDateTime(*c.new_expires_at) : std::string("—")},
        {"reference", c.provider_payment_id},
        {"paid", c.status == domain::ChargeStatus::kSucceeded}});
  vars["has_payments"] = !payments.empty();
  vars["payments"] = payments;
  mstch::array timeline;
  for (const app::TimelineEvent& e : file->timeline)
    timeline.push_back(mstch::map{{"at", FormatDateTime(e.at)},
                                  {"at_iso", FormatRfc3339(e.at)},
                                  {"kind", e.kind},
                                  {"what", e.what},
                                  {"detail", e.detail},
                                  {"link", e.link}});
  vars["timeline"] = timeline;
  vars["is_admin"] = ctx.User().role == domain::Role::kAdmin;
  mstch::array roles;
  for (domain::Role r : {domain::Role::kCustomer, domain::Role::kSupport, domain::Role::kAdmin})
    roles.push_back(mstch::map{{"value", std::string(domain::RoleName(r))},
                               {"selected", r == file->user.role}});
  vars["roles"] = roles;
  vars["role"] = std::string(domain::RoleName(file->user.role));
  AddStaffDiscordVars(ctx, vars, id);
  if (form == CustomerForm::kGrant) {
    vars["days"] = std::string(ctx.Field("days"));
    vars["reason"] = std::string(ctx.Field("reason"));
    AddError(vars, error, {.title = "No days were granted."});
  } else if (form == CustomerForm::kLift) {
    vars["lift_reason"] = std::string(ctx.Field("reason"));
    AddError(vars, error, {.title = "The suspension was not lifted.", .form = "lift"});
  }
  if (ctx.Query("done") == "granted")
    vars["notice"] = std::string("Days granted; the customer was emailed.");
  if (ctx.Query("done") == "lifted")
    vars["notice"] = std::string("Suspension lifted; the license works again.");
  if (ctx.Query("done") == "receipt")
    vars["notice"] = std::string("The receipt is on its way to the customer again.");
  if (ctx.Query("done") == "role") vars["notice"] = std::string("The role is changed.");
  return RenderPage(ctx, "staff_customer", file->user.email, "staff", std::move(vars), status);
}

}  // namespace

Response Staff(Context& ctx) {
  constexpr int kPageSize = 50;
  if (const std::string q = ctx.Query("q"); !q.empty()) {
    mstch::map vars = StaffVars(ctx, "accounts");
    vars["q"] = q;
    vars["searched"] = true;
    vars["is_admin"] = ctx.User().role == domain::Role::kAdmin;
    auto found = ctx.svc.staff.Search(ctx.User(), q);
    if (!found) {
      AddError(vars, &found.error(), {.title = "Nothing was searched."});
      return RenderPage(ctx, "staff", "Staff", "staff", std::move(vars),
                        HttpStatus(found.error().code));
    }
    mstch::array rows;
    for (const domain::User& u : *found) {
      const auto overview = ctx.svc.licenses.Overview(u.id);
      rows.push_back(mstch::map{
          {"id", std::to_string(u.id.value)},
          {"email", u.email},
          {"role", std::string(domain::RoleName(u.role))},
          {"status", overview ? std::string(domain::StatusName(overview->status)) : "none"},
          {"expires", overview && overview->license.expires_at
                          ? FormatRfc3339(*overview->license.expires_at)
                          : std::string("—")},
          {"auto_renew", std::string(overview && overview->license.auto_renew ? "on" : "off")}});
    }
    vars["accounts"] = rows;
    return RenderPage(ctx, "staff", "Staff", "staff", std::move(vars));
  }
  int page =
      std::clamp<int>(static_cast<int>(ParseId(ctx.Query("page")).value_or(1)), 1, 1'000'000);
  auto accounts = ctx.svc.staff.Accounts(ctx.User(), kPageSize + 1, (page - 1) * kPageSize);
  if (!accounts) return ErrorPage(ctx, 403, "Staff only", accounts.error().message);
  mstch::array rows;
  const bool more = static_cast<int>(accounts->size()) > kPageSize;
  if (more) accounts->pop_back();
  for (const auto& row : *accounts) {
    rows.push_back(mstch::map{
        {"id", std::to_string(row.user.id.value)},
        {"email", row.user.email},
        {"role", std::string(domain::RoleName(row.user.role))},
        {"status", std::string(domain::StatusName(row.status))},
        {"expires", row.license && row.license->expires_at ? FormatRfc3339(*row.license->expires_at)
                                                           : std::string("—")},
        {"auto_renew", std::string(row.license && row.license->auto_renew ? "on" : "off")}});
  }
  mstch::map vars = StaffVars(ctx, "accounts");
  vars["accounts"] = rows;
  vars["page"] = page;
  vars["is_admin"] = ctx.User().role == domain::Role::kAdmin;
  if (more) vars["next_page"] = page + 1;
  AddStaffDiscordVars(ctx, vars, std::nullopt);
  return RenderPage(ctx, "staff", "Staff", "staff", std::move(vars));
}

Response StaffCustomer(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such account.");
  return CustomerPage(ctx, UserId{*id});
}

Response StaffGrant(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such account.");
  auto granted = ctx.svc.staff.GrantDays(ctx.Actor(), ctx.User(), UserId{*id}, ctx.Field("days"),
                                         ctx.Field("reason"));
  if (!granted)
    return CustomerPage(ctx, UserId{*id}, HttpStatus(granted.error().code), &granted.error(),
                        CustomerForm::kGrant);
  return Response::Redirect(fmt::format("/staff/customers/{}?done=granted", *id));
}

Response StaffLiftSuspension(Context& ctx) {
  auto id = ctx.IdParam();
  if (!id) return ErrorPage(ctx, 404, "Not found", "There is no such account.");
  auto lifted =
      ctx.svc.staff.LiftSuspension(ctx.Actor(), ctx.User(), UserId{*id}, ctx.Field("reason"));
  if (!lifted)
    return CustomerPage(ctx, UserId{*id}, HttpStatus(lifted.error().code), &lifted.error(),
                        CustomerForm::kLift);
  return Response::Redirect(fmt::format("/staff/customers/{}?done=lifted", *id));
}

}  // namespace tenure::http::pages
