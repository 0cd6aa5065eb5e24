#pragma once
// What every staff page shares: the staff sub-navigation, and a license as staff see it beside
// a customer (the customer file and a ticket's side panel).
#include <string_view>

#include "http/pages/pages.hpp"

namespace tenure::app {
struct LicenseOverview;
}  // namespace tenure::app

namespace tenure::http::pages {

// The page's vars to start from: the sub-navigation with `section` marked, and the unread
// feedback count when there is any.
mstch::map StaffVars(Context& ctx, std::string_view section);

// Status, expiry, auto-renew, instances and card, for the `license` block of a staff page.
mstch::map LicenseSummary(const app::LicenseOverview& overview);

}  // namespace tenure::http::pages
