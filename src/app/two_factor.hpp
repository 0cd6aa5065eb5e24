#pragma once
// Two-factor authentication by TOTP (RFC 6238; issue 10): turning it on with a code from the
// customer's app, recovery codes, turning it off, and the check of a typed code that every
// sign-in (dashboard, program, password reset) shares.
#include <string>
#include <string_view>
#include <vector>

#include "app/current_user.hpp"
#include "app/emails.hpp"
#include "app/passwords.hpp"
#include "app/store/actor.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace tenure::app {

inline constexpr int kRecoveryCodeCount = 10;

// Which second factor a typed code was.
enum class SecondFactor { kAuthenticatorCode, kRecoveryCode };

// Checks `typed` against the user's authenticator (6 digits, each time step accepted once)
// or their unused recovery codes (used up), inside the caller's unit of work so that the use
// commits with what it unlocks. kUnauthenticated, field "code", when it is neither.
Result<SecondFactor> CheckSecondFactor(UnitOfWork& uow, const domain::User& user,
                                       std::string_view typed, Instant now);

// The second factor of every sign-in-like step (the dashboard's code page, the program's
// "otp", a password reset): CheckSecondFactor, the attempt recorded as a sign-in either way
// (wrong codes slow down like wrong passwords), a wrong one audited, a recovery code's use
// audited and emailed. `step` names it in the audit rows.
Result<void> VerifySecondFactor(UnitOfWork& uow, const EmailContext& email,
                                const domain::User& user, std::string_view code,
                                const ClientInfo& client, Instant now, std::string_view step);

// What the Turn on page shows: the secret as a QR code (SVG) and as text.
struct TwoFactorSetup {
  std::string secret_for_manual_entry;  // Base32 in groups of 4
  std::string otpauth_uri;
  std::string qr_svg;
};

struct TwoFactorStatus {
  bool enabled = false;
  std::optional<Instant> enabled_at;
  int recovery_codes_left = 0;
};

class TwoFactorService {
 public:
  TwoFactorService(Store& store, const Clock& clock, const PasswordHasher& hasher,
                   EmailContext email, std::string issuer);

  TwoFactorStatus Status(UserId user);
  // The pending secret (made on the first visit, kept until confirmed or turned off).
  Result<TwoFactorSetup> BeginSetup(const Actor& actor, const CurrentUser& current);
  // Confirms with a code from the app; the recovery codes, shown once.
  Result<std::vector<std::string>> Enable(const Actor& actor, const CurrentUser& current,
                                          std::string_view code, const ClientInfo& client);
  Result<std::vector<std::string>> RegenerateRecoveryCodes(const Actor& actor,
                                                           const CurrentUser& current,
                                                           std::string_view password);
  Result<void> Disable(const Actor& actor, const CurrentUser& current, std::string_view password,
                       std::string_view code, const ClientInfo& client);

 private:
  Result<void> CheckPassword(const domain::User& user, std::string_view password) const;

  Store& store_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
  EmailContext email_;
  std::string issuer_;
};

}  // namespace tenure::app
