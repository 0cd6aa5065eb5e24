#pragma once
// How guessable a new password is (issue 10: password strength), estimated with zxcvbn
// (Debian's libzxcvbn-dev, its dictionaries compiled in). Pure: no I/O, no clock.
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace tenure::domain {

// What makes a password easy to guess: the kind of the largest part of it that zxcvbn
// recognised (a common password, a word, a keyboard walk, ...).
enum class PasswordWeakness {
  kCommonPassword,   // the whole password is one dictionary entry
  kCommonWord,       // mostly a dictionary word, with a few characters around it
  kEmail,            // contains the email address or a part of it
  kKeyboardPattern,  // qwerty, 1qaz2wsx, ...
  kRepeats,          // aaaaaa, monkeymonkey
  kSequence,         // abcdef, 13579
  kDate,             // 1984-12-31, 2026
  kOther,            // nothing recognised: just short and simple
};

struct PasswordStrength {
  // log2 of the guesses zxcvbn expects an attacker to need.
  double entropy_bits = 0;
  PasswordWeakness weakness = PasswordWeakness::kOther;
};

// The least estimate a new password may have. Chosen on the tuning half of
// bench/password_strength.sh's data and reported on its held-out half, never the same data
// (BENCHMARKS.md: "Password strength (issue 10)"): the highest whole number of bits that
// accepts every strong tuning example (random three- and four-word passphrases, random
// 12-character strings). About zxcvbn's own "safely unguessable" line (1e8 guesses).
inline constexpr double kMinPasswordEntropyBits = 25;

// The words of an email address an attacker would try first: the address, its local part
// and their words, and the domain's labels but the last.
std::vector<std::string> EmailWords(std::string_view email);

PasswordStrength EstimatePasswordStrength(std::string_view password, std::string_view email);

// Why such a password is refused and what to do instead, in the customer's words.
std::string PasswordWeaknessMessage(PasswordWeakness weakness);

// Refuses (kInvalidInput, field "password") a password estimated below
// kMinPasswordEntropyBits, saying why.
Result<void> CheckPasswordStrength(std::string_view password, std::string_view email);

}  // namespace tenure::domain
