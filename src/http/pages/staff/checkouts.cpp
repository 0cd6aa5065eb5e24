// Staff: checkout statistics over every customer (issue 9: "Staff see the same for any customer
// and an aggregate over all customers"); one customer's are on their file (customers.cpp).
#include "http/pages/account_views.hpp"
#include "http/pages/staff/staff_common.hpp"

namespace tenure::http::pages {

Response StaffCheckouts(Context& ctx) {
  mstch::map vars = StaffVars(ctx, "checkouts");
  // Days in the staff member's own time zone: there is no one customer's to follow.
  vars["stats"] = CheckoutStatsVars(ctx, std::nullopt, ctx.User().time_zone);
  return RenderPage(ctx, "staff_checkouts", "Checkouts", "staff", std::move(vars));
}

}  // namespace tenure::http::pages
