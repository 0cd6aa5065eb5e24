#include "http/pages/staff/staff_common.hpp"

#include <fmt/format.h>

#include "app/feedback.hpp"
#include "app/licenses.hpp"
#include "domain/card_entry.hpp"

namespace tenure::http::pages {

mstch::map StaffVars(Context& ctx, std::string_view section) {
  mstch::map vars{{"sub_" + std::string(section), true},
                  {"is_admin_nav", ctx.User().role == domain::Role::kAdmin}};
  if (const auto unread = ctx.svc.feedback.Unread(ctx.User()); unread > 0)
    vars["unread_feedback"] = std::to_string(unread);
  return vars;
}

mstch::map LicenseSummary(const app::LicenseOverview& o) {
  const auto& l = o.license;
  return mstch::map{
      {"status", std::string(domain::StatusName(o.status))},
      {"status_label", std::string(domain::StatusLabel(o.status))},
      {"expires", l.expires_at ? FormatDateTime(*l.expires_at) : std::string("—")},
      {"auto_renew", std::string(l.auto_renew ? "on" : "off")},
      {"instances", l.instances},
      {"card", o.payment_method
                   ? fmt::format("{} •••• {}", domain::CardBrandName(o.payment_method->brand),
                                 o.payment_method->last4)
                   : std::string("none")}};
}

}  // namespace tenure::http::pages
