#pragma once
// Passwords and email addresses after sign-up (issue 10): Forgot your password? (a link by
// email, single-use, one hour), Change password in Settings, and the email verification a
// first purchase waits for. Each public method is one unit of work, audited; each change
// of password ends the account's other sessions and is emailed as a notice.
#include <optional>
#include <string>
#include <string_view>

#include "app/current_user.hpp"
#include "app/emails.hpp"
#include "app/passwords.hpp"
#include "app/rate_limits.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace tenure::app {

struct AccountSecurityPolicy {
  Seconds reset_link_lifetime{3600};
  Seconds verification_link_lifetime{48 * 3600};
  int reset_code_attempts = 5;  // wrong second-factor codes a reset link survives
  RateLimit reset_per_address{.scope = "password_reset.address", .limit = 5};
  RateLimit reset_per_account{.scope = "password_reset.account", .limit = 3};
  RateLimit verification_per_account{.scope = "email_verification.account", .limit = 5};
};

// A password reset link, opened: whose, and whether the form must ask for a second factor.
struct ResetLink {
  std::string email;
  bool needs_code = false;
};

class AccountSecurityService {
 public:
  AccountSecurityService(Store& store, const Clock& clock, const PasswordHasher& hasher,
                         EmailContext email, AccountSecurityPolicy policy = {});

  // Forgot your password?: the same answer whether the account exists or not. Only the
  // address's own limit is told (kRateLimited); the account's is silent (no enumeration).
  Result<void> RequestPasswordReset(std::string_view email, const ClientInfo& client);
  Result<ResetLink> OpenResetLink(std::string_view token);
  // The new password ends every session; a second factor is asked when two-factor is on.
  Result<void> ResetPassword(std::string_view token, std::string_view password,
                             std::string_view code, const ClientInfo& client);
  // Settings -> Change password: every other session ends, this one stays.
  Result<void> ChangePassword(const CurrentUser& current, std::string_view current_password,
                              std::string_view new_password, const ClientInfo& client);

  // Queues the verification link (at sign-up and on "Send the link again").
  Result<void> SendEmailVerification(const domain::User& user, const ClientInfo& client);
  // The link's token: the account's email is verified.
  Result<std::string> VerifyEmail(std::string_view token, const ClientInfo& client);

  // Housekeeping: tokens past their end leave the table (run hourly by `serve`).
  int64_t PruneExpiredTokens();

 private:
  Store& store_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
  EmailContext email_;
  AccountSecurityPolicy policy_;
};

}  // namespace tenure::app
