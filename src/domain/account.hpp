#pragma once
// Account rules (PRODUCT.md: Accounts). Pure: no I/O, no clock.
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
};

inline constexpr size_t kMinPasswordLength = 10;
inline constexpr size_t kMaxPasswordLength = 256;
inline constexpr size_t kMaxEmailLength = 254;

// Trims and lowercases; fails with a message fit for the form.
Result<std::string> NormalizeEmail(std::string_view raw);
// Length first, then not the address itself, then strength (domain/password_strength.hpp):
// each refusal says why, for the password field.
Result<void> CheckNewPassword(std::string_view password, std::string_view email);

// Sign-in throttling (PRODUCT.md: Accounts). Failures are counted over a sliding window,
// per account and per client address, so neither guessing one password nor spraying many
// accounts from one address works.
struct SignInLimits {
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  Seconds window{15 * 60};
};

struct SignInHistory {
  int account_failures = 0;  // within the window
  int address_failures = 0;  // within the window
};

Result<void> CheckSignInAllowed(const SignInHistory& history, const SignInLimits& limits);

}  // namespace tenure::domain
