#pragma once
// What several pages show of one account's program side (issue 9): its machines (Settings and
// the staff customer file), its checkout statistics (Home, the staff customer file, and the
// staff aggregate over everyone), and its instances with the count chosen for the next renewal
// (Home, Settings and Edit Instances). Each returns the variables of a partial in
// templates/partials/.
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "http/pages/pages.hpp"

namespace tenure::app {
struct LicenseOverview;
}  // namespace tenure::app

namespace tenure::http::pages {

// partials/machines.html: the machines holding one of `instances` slots, most recently seen
// first; with a Sign out button each when `can_sign_out` (the customer's own Settings). Times
// are in the viewer's zone.
mstch::map MachinesVars(Context& ctx, UserId user, int instances, bool can_sign_out);

// partials/checkout_stats.html: one customer's statistics, or everyone's when `user` is unset,
// with days in `time_zone` (an IANA name; UTC when empty or unknown).
mstch::map CheckoutStatsVars(Context& ctx, std::optional<UserId> user, std::string_view time_zone);

// The instance count, the next renewal's price and date (`renewal_long`, `renewal_iso`, while
// it is still ahead; the date in `zone`) and, when Edit Instances chose another count for that
// renewal, the count: `instances`, `one_instance`, `price`, and `pending`, `pending_count`,
// `one_pending`.
void AddInstancesVars(mstch::map& vars, const app::LicenseOverview& overview, Instant now,
                      const TimeZone& zone);

// Settings' notice after Sign out or Deactivate license (post/redirect/get), "" for none.
std::string MachinesNotice(Context& ctx);

// When a machine was last seen, for people: "just now", "1 minute ago", "5 hours ago", then
// the date in `zone` ("March 3, 2026").
std::string LastSeenText(Instant seen, Instant now, const TimeZone& zone);

}  // namespace tenure::http::pages
