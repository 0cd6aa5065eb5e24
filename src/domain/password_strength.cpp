#include "domain/password_strength.hpp"

#include <zxcvbn.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

namespace tenure::domain {
namespace {

// Shorter words of an address ("co", "io") would be found inside unrelated passwords and
// blamed on the address.
constexpr size_t kMinEmailWordLength = 3;

void AddWord(std::vector<std::string>& words, std::string_view word) {
  if (word.size() < kMinEmailWordLength) return;
  if (std::find(words.begin(), words.end(), word) == words.end()) words.emplace_back(word);
}

// The parts of `text` between characters that are not letters or digits.
void AddAlnumRuns(std::vector<std::string>& words, std::string_view text) {
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && std::isalnum(static_cast<unsigned char>(text[i]))) continue;
    AddWord(words, text.substr(start, i - start));
    start = i + 1;
  }
}

// A match of one or two characters ("a", "Xv" in a random string) is no reason to give.
constexpr int kMinReasonLength = 3;

bool IsEmailMatch(const ZxcMatch_t* m) {
  const int type = m->Type & ~MULTIPLE_MATCH;
  return type == USER_MATCH || type == USER_LEET_MATCH;
}

// The part zxcvbn found that an attacker would try: the longest match that is not brute
// force. Of two as long, the one from the email address (the more useful reason: "alice" is
// a name and the local part of alice@...), then the cheaper one.
const ZxcMatch_t* DominantMatch(const ZxcMatch_t* matches) {
  const ZxcMatch_t* best = nullptr;
  auto better = [](const ZxcMatch_t* a, const ZxcMatch_t* b) {
    if (a->Length != b->Length) return a->Length > b->Length;
    if (IsEmailMatch(a) != IsEmailMatch(b)) return IsEmailMatch(a);
    return a->Entrpy < b->Entrpy;
  };
  for (const ZxcMatch_t* m = matches; m != nullptr; m = m->Next) {
    const int type = m->Type & ~MULTIPLE_MATCH;
    if (type == NON_MATCH || type == BRUTE_MATCH || type == LONG_PWD_MATCH) continue;
    if (m->Length < kMinReasonLength) continue;
    if (best == nullptr || better(m, best)) best = m;
  }
  return best;
}

PasswordWeakness WeaknessOf(const ZxcMatch_t* match, size_t password_length) {
  if (match == nullptr) return PasswordWeakness::kOther;
  // zxcvbn flags a part that repeats an earlier one ("aaaa", "monkeymonkey").
  if ((match->Type & MULTIPLE_MATCH) != 0) return PasswordWeakness::kRepeats;
  switch (static_cast<ZxcTypeMatch_t>(match->Type & ~MULTIPLE_MATCH)) {
    case DICTIONARY_MATCH:
    case DICT_LEET_MATCH:
      return static_cast<size_t>(match->Length) == password_length
                 ? PasswordWeakness::kCommonPassword
                 : PasswordWeakness::kCommonWord;
    case USER_MATCH:
    case USER_LEET_MATCH: return PasswordWeakness::kEmail;
    case SPATIAL_MATCH: return PasswordWeakness::kKeyboardPattern;
    case REPEATS_MATCH: return PasswordWeakness::kRepeats;
    case SEQUENCE_MATCH: return PasswordWeakness::kSequence;
    case DATE_MATCH:
    case YEAR_MATCH: return PasswordWeakness::kDate;
    default: return PasswordWeakness::kOther;
  }
}

}  // namespace

std::vector<std::string> EmailWords(std::string_view email) {
  std::vector<std::string> words;
  const size_t at = email.rfind('@');
  const std::string_view local = email.substr(0, at);
  AddWord(words, email);
  AddWord(words, local);
  AddAlnumRuns(words, local);
  if (at == std::string_view::npos) return words;
  std::string_view domain = email.substr(at + 1);
  // The top-level domain ("com") is in every address and says nothing about this one.
  if (const size_t dot = domain.rfind('.'); dot != std::string_view::npos)
    domain = domain.substr(0, dot);
  AddAlnumRuns(words, domain);
  return words;
}

PasswordStrength EstimatePasswordStrength(std::string_view password, std::string_view email) {
  const std::vector<std::string> words = EmailWords(email);
  std::vector<const char*> dictionary;
  dictionary.reserve(words.size() + 1);
  for (const auto& w : words) dictionary.push_back(w.c_str());
  dictionary.push_back(nullptr);

  // zxcvbn reads a C string: a password with a NUL is judged by what comes before it, which
  // can only make the estimate lower.
  const std::string text(password);
  ZxcMatch_t* raw = nullptr;
  const double bits = ZxcvbnMatch(text.c_str(), dictionary.data(), &raw);
  const std::unique_ptr<ZxcMatch_t, decltype(&ZxcvbnFreeInfo)> matches(raw, &ZxcvbnFreeInfo);
  return {.entropy_bits = bits,
          .weakness = WeaknessOf(DominantMatch(matches.get()), std::strlen(text.c_str()))};
}

std::string PasswordWeaknessMessage(PasswordWeakness weakness) {
  auto why = [weakness]() -> std::string_view {
    switch (weakness) {
      case PasswordWeakness::kCommonPassword: return "This is one of the most common passwords.";
      case PasswordWeakness::kCommonWord:
        return "This is a common word with a few characters added.";
      case PasswordWeakness::kEmail: return "It contains your email address or a part of it.";
      case PasswordWeakness::kKeyboardPattern:
        return "Keyboard patterns like qwerty are easy to guess.";
      case PasswordWeakness::kRepeats: return "Repeated characters or words are easy to guess.";
      case PasswordWeakness::kSequence: return "Sequences like abc or 1234 are easy to guess.";
      case PasswordWeakness::kDate: return "Dates and years are easy to guess.";
      case PasswordWeakness::kOther: break;
    }
    return "This password is too easy to guess.";
  };
  return std::string(why()) + " Add a few more unrelated words.";
}

Result<void> CheckPasswordStrength(std::string_view password, std::string_view email) {
  const PasswordStrength strength = EstimatePasswordStrength(password, email);
  if (strength.entropy_bits >= kMinPasswordEntropyBits) return {};
  return Fail(ErrorCode::kInvalidInput, PasswordWeaknessMessage(strength.weakness), "password");
}

}  // namespace tenure::domain
