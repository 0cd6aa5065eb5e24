#pragma once
// Account rules (PRODUCT.md: Accounts). Pure: no I/O, no clock.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace tenure::domain {

enum class Role { kCustomer, kSupport, kAdmin };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
inline bool IsStaff(Role role) { return role != Role::kCustomer; }

struct User {
  UserId id;
  std::string email;          // normalised: trimmed, lowercase
  std::string password_hash;  // argon2id, libsodium's encoded string
  Role role = Role::kCustomer;
  std::string terms_version;  // accepted at sign-up
  Instant terms_accepted_at;
  Instant created_at;
  std::string time_zone;  // IANA name; empty means UTC
  // Account security (issue 10).
  std::optional<Instant> email_verified_at;    // the link in the verification email was opened
  bool must_change_password = false;           // someone else chose it (`tenure user add`)
  std::optional<Instant> password_changed_at;  // by its owner: reset or Change password
  std::string totp_secret;                     // Base32; set while turning two-factor on
  std::optional<Instant> totp_enabled_at;      // two-factor is on
  int64_t totp_last_step = 0;  // newest TOTP time step accepted: no code works twice

  bool two_factor_enabled() const { return totp_enabled_at.has_value(); }
};

inline constexpr size_t kMinPasswordLength = 10;
inline constexpr size_t kMaxPasswordLength = 256;
inline constexpr size_t kMaxEmailLength = 254;

// Trims and lowercases; fails with a message fit for the form.
Result<std::string> NormalizeEmail(std::string_view raw);
// Length first, then not the address itself, then strength (domain/password_strength.hpp):
// each refusal says why, for the password field.
Result<void> CheckNewPassword(std::string_view password, std::string_view email);

// Sign-in throttling (PRODUCT.md: Accounts; issue 10). Failures within a sliding window are
// counted three ways, and past a few free ones each count makes its next attempt wait, the
// wait doubling from first_delay up to max_delay: it slows guessing down and locks nobody
// out. Per account and address (one guesser, one account); per address (one guesser spraying
// many accounts); per account from addresses it never signed in from (many guessers, one
// account) — the owner's own address is never slowed by what others do.
struct SignInLimits {
  int free_failures_per_pair = 5;      // this account from this address
  int free_failures_per_address = 20;  // any account from this address
  int free_failures_per_account = 50;  // this account from addresses it never used
  Seconds first_delay{30};
  Seconds max_delay{15 * 60};
  Seconds window{15 * 60};                       // older failures are forgotten
  Seconds known_address_memory{90 * 24 * 3600};  // a success from an address makes it known
};

struct SignInHistory {
  struct Failures {
    int count = 0;  // within the window
    std::optional<Instant> last;
  };
  Failures pair;               // since the account's last success from this address
  Failures address;            // any account, from this address
  Failures account_elsewhere;  // this account, from addresses it never signed in from
  bool known_address = false;  // the account signed in from this address recently
};

// Nothing when the attempt may go ahead; else a kRateLimited error saying how long to wait.
Result<void> CheckSignInAllowed(const SignInHistory& history, const SignInLimits& limits,
                                Instant now);

}  // namespace tenure::domain
