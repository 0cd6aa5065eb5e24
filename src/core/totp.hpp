#pragma once
// One-time codes for two-factor sign-in (issue 10): HOTP (RFC 4226) and TOTP (RFC 6238), the
// Base32 (RFC 4648) that authenticator apps take keys in, and the otpauth:// key URI they
// scan from a QR code (Google Authenticator's "Key Uri Format"). Pure functions of the key
// and the time: no storage, no clock (ENGINEERING.md habit 1: the caller passes `now`).
//
// A key is raw bytes (a std::string holding binary); Base32 is only for people and apps.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace tenure {

// RFC 4648 section 6 alphabet, upper case, without '=' padding (authenticator apps take
// either; Google's key URI format asks for none).
std::string Base32Encode(std::string_view bytes);
// Case-insensitive; spaces and '=' are ignored wherever they are. Any other character, or a
// length no encoder produces (1, 3 or 6 characters past a multiple of 8), gives nullopt.
// Leftover bits past the last whole byte are dropped, as RFC 4648 section 3.5 allows.
std::optional<std::string> Base32Decode(std::string_view text);

enum class OtpAlgorithm { kSha1, kSha256, kSha512 };

// RFC 6238's time step: 30 seconds counted from the Unix epoch.
inline constexpr int64_t kTotpStepSeconds = 30;
// Codes we issue and accept: 6 digits, HMAC-SHA1, what every authenticator app defaults to.
inline constexpr int kTotpDigits = 6;
// Steps either side of now that VerifyTotp accepts (RFC 6238 section 5.2: one step back
// covers a code typed as it rolls over; one ahead, a phone clock a little fast).
inline constexpr int64_t kTotpWindowSteps = 1;

// RFC 4226 section 5.3: the code for `counter`, `digits` long with leading zeros. `digits`
// must be 6 to 8 (std::invalid_argument otherwise: a bug in the caller).
std::string Hotp(std::string_view key, uint64_t counter, int digits = kTotpDigits,
                 OtpAlgorithm algorithm = OtpAlgorithm::kSha1);
// RFC 6238 section 4.2: floor(unix seconds / 30); negative before 1970.
int64_t TotpStep(Instant now);
// RFC 6238: Hotp at TotpStep(now). `now` before 1970 is std::invalid_argument.
std::string Totp(std::string_view key, Instant now, int digits = kTotpDigits,
                 OtpAlgorithm algorithm = OtpAlgorithm::kSha1);

// A new key: 20 random bytes, the 160 bits RFC 4226 section 4 recommends for HMAC-SHA1.
std::string NewTotpSecret();

// The time step a typed code belongs to, if it is the 6-digit SHA-1 code of `key` at one of
// the steps within kTotpWindowSteps of `now`; nullopt otherwise. Spaces anywhere in `typed`
// are dropped (apps show "123 456"); what is left must be exactly 6 ASCII digits. Every
// step in the window is computed and compared in constant time, so the answer's timing says
// nothing about which digits or which step matched. When two steps match (a 1-in-a-million
// collision) the latest is returned.
//
// Not replay-proof on its own (RFC 6238 section 5.2: a code must be accepted once): the
// caller stores the step of the last code it accepted for the account and refuses a
// returned step <= that one, then stores the new step in the same transaction.
std::optional<int64_t> VerifyTotp(std::string_view key, std::string_view typed, Instant now);

// The key URI an authenticator app scans (Google Authenticator's Key Uri Format):
// otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA1&digits=6&period=30
// The issuer and account are percent-encoded (UTF-8 bytes; a space is %20, never '+'), and
// only RFC 3986's unreserved characters and '@' stay as they are, as in Google's examples.
std::string OtpAuthUri(std::string_view issuer, std::string_view account_email,
                       std::string_view key);

// The key's Base32 in groups of 4 for typing by hand: "HXDM VJEC JJWS ...".
std::string TotpSecretForManualEntry(std::string_view key);

}  // namespace tenure
