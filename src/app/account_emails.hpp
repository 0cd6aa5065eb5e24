#pragma once
// The emails about the account itself (issue 10): links that prove the owner holds the
// address, and notices of changes to how the account is signed in to, so that an owner
// learns of a change they did not make. Plain text, queued like every email (app/emails.hpp).
#include <string>

#include "app/emails.hpp"

namespace tenure::app {

// Where and how a change was made, as the notices name it.
struct ChangeContext {
  Instant at;
  std::string address;
  std::string user_agent;
};

Email PasswordResetLink(const EmailContext& ctx, const Recipient& to, const std::string& token,
                        Instant expires_at, const ChangeContext& asked);
Email EmailVerificationLink(const EmailContext& ctx, const Recipient& to, const std::string& token,
                            Instant expires_at);
// `reset`: through the emailed link (every session ended) rather than Change password.
Email PasswordChanged(const EmailContext& ctx, const Recipient& to, bool reset,
                      const ChangeContext& change);
Email NewSignIn(const EmailContext& ctx, const Recipient& to, const ChangeContext& sign_in);
Email TwoFactorTurned(const EmailContext& ctx, const Recipient& to, bool on,
                      const ChangeContext& change);
Email RecoveryCodeUsed(const EmailContext& ctx, const Recipient& to, int codes_left,
                       const ChangeContext& sign_in);

}  // namespace tenure::app
