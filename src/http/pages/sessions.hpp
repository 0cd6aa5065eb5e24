#pragma once
// Settings -> Sessions (issue 10 item 5): the variables of templates/partials/sessions.html
// and the notice after Sign out or Sign out everywhere else. The POST handlers are in
// pages.hpp with the others.
#include "http/pages/pages.hpp"

namespace tenure::http::pages {

// Adds `sessions_view` (the partial's variables) and, after a sign-out (post/redirect/get),
// `sessions_notice` to Settings' variables.
void AddSessionsVars(Context& ctx, mstch::map& vars);

}  // namespace tenure::http::pages
