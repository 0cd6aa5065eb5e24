#pragma once
// Billing's payment history and each succeeded charge's receipt (issue 14 item 7).
#include "http/pages/pages.hpp"

namespace tenure::http::pages {

// partials of billing.html: every charge of the signed-in customer, newest first, each with
// what it bought, the period it paid for, its amount and status, and its receipt's link
// (`charges`, `has_charges`).
void AddPaymentHistoryVars(Context& ctx, mstch::map& vars);

}  // namespace tenure::http::pages
