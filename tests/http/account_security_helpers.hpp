#pragma once
// What the account security tests share (issue 10): forms by their csrf, the program's
// sign-in, links out of the outbox, and TOTP codes at the server's clock.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "journey_helpers.hpp"

namespace tenure::http_test {

// Opens `page` and returns its form's csrf field (the tenure_csrf cookie's, or the session's).
std::string CsrfOf(Browser& b, std::string_view page);
// POSTs `form` (plus the csrf of `page`) to `action`.
HttpResponse Submit(Browser& b, std::string_view page, std::string_view action, Fields form);
HttpResponse SignInForm(Browser& b, std::string_view email, std::string_view password);
// POST /api/v1/sessions for a machine named `fingerprint`; `otp` only when not empty.
HttpResponse ProgramSignIn(const std::string& base, std::string_view email,
                           std::string_view password, std::string_view fingerprint,
                           std::string_view otp = "");
// GET /api/v1/license with a program's bearer token.
HttpResponse ProgramLicense(const std::string& base, std::string_view token);
// The first "<public_url>/<path>?token=..." link in the newest email to `to` with `subject`;
// the path and query (what a browser opens), or "" when there is none.
std::string LinkInEmail(Database& db, std::string_view to, std::string_view subject,
                        std::string_view path);
// The 6-digit TOTP code of the Base32 key shown for manual entry ("ABCD EFGH ...") at the
// Unix time `now`.
std::string CodeAt(std::string_view shown_key, int64_t now);

}  // namespace tenure::http_test
