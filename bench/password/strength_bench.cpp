// Password strength (issue 10): how many common passwords the estimator refuses and how many
// strong ones it accepts, on a tuning half and a held-out half of the same data, never mixed.
//
//   bench/password_strength.sh [--tuning-only]
//   build/tests/password_strength_bench PASSWORDS.json WORDS.json [--tuning-only]
//
// Weak: a public list of common passwords (a JSON array, most common first). Strong: three-
// and four-word passphrases from a diceware word list (a JSON array) and random 12-character
// strings of letters and digits, drawn with a fixed seed. Both keep only what the length rule
// lets through (10 to 256 characters) and are split by a hash of the password.
//
// The threshold is picked on the tuning half only: the highest whole number of bits at which
// every strong tuning example is accepted. The strong examples are what the refusal message
// itself advises (unrelated words, or a password manager's random string), and the issue
// asks to refuse the weakest, not to trade good passwords for more refusals. A first rule,
// 99% of the strong accepted, picked 36 bits on the tuning half: inside the spread of
// three-word passphrases (10 of 1,009 strong refused), so it was dropped before the held-out
// half was ever run (BENCHMARKS.md: "Password strength (issue 10)").
// --tuning-only prints the tuning half alone, so the pick is made without the held-out
// figures in sight; then kMinPasswordEntropyBits is set and the held-out half reported as it
// comes.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/account.hpp"
#include "domain/password_strength.hpp"

namespace {

using tenure::domain::EstimatePasswordStrength;
using tenure::domain::kMinPasswordEntropyBits;
using tenure::domain::PasswordWeakness;

constexpr uint64_t kSeed = 20261210;
constexpr int kPassphrases = 1000;
constexpr int kRandomStrings = 1000;
constexpr double kStrongAcceptedFloor = 1.0;

struct Example {
  std::string password;
  std::string kind;  // "common", "passphrase", "random"
  double bits = 0;
  PasswordWeakness weakness = PasswordWeakness::kOther;
};

struct Halves {
  std::vector<Example> tuning, held_out;
};

std::vector<std::string> ReadJsonStrings(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "password_strength_bench: cannot read %s\n", path);
    std::exit(2);
  }
  return nlohmann::json::parse(in).get<std::vector<std::string>>();
}

bool PassesLengthRule(const std::string& p) {
  return p.size() >= tenure::domain::kMinPasswordLength &&
         p.size() <= tenure::domain::kMaxPasswordLength;
}

// FNV-1a: the same split on every machine and every run. Its lowest bit is only the parity
// of the odd bytes (the prime is odd), so the split takes the highest, which every byte's
// multiplication carries into.
uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

void Split(std::vector<Example> examples, Halves& halves) {
  for (auto& e : examples) {
    const auto estimate = EstimatePasswordStrength(e.password, "");
    e.bits = estimate.entropy_bits;
    e.weakness = estimate.weakness;
    ((Fnv1a(e.password) >> 63) == 0 ? halves.tuning : halves.held_out).push_back(std::move(e));
  }
}

std::vector<Example> Weak(const std::vector<std::string>& list) {
  std::vector<Example> out;
  std::vector<std::string> seen;
  for (const auto& p : list) {
    if (!PassesLengthRule(p) || std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
    seen.push_back(p);
    out.push_back({.password = p, .kind = "common"});
  }
  return out;
}

// std::mt19937_64's sequence is fixed by the standard; the distributions are not, so indices
// come from the raw numbers.
std::vector<Example> Strong(const std::vector<std::string>& words) {
  std::mt19937_64 rng(kSeed);
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  const char* separators[] = {" ", "-", ""};
  std::vector<Example> out;
  for (int i = 0; i < kPassphrases; ++i) {
    const int count = 3 + i % 2;
    const char* sep = separators[pick(3)];
    std::string p;
    for (int w = 0; w < count; ++w) p += (w ? sep : "") + words[pick(words.size())];
    if (PassesLengthRule(p)) out.push_back({.password = p, .kind = "passphrase"});
  }
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int i = 0; i < kRandomStrings; ++i) {
    std::string p;
    for (int c = 0; c < 12; ++c) p += alphabet[pick(alphabet.size())];
    out.push_back({.password = p, .kind = "random"});
  }
  return out;
}

struct Shares {
  int weak = 0, weak_refused = 0, strong = 0, strong_accepted = 0;
  std::map<std::string, std::pair<int, int>> strong_by_kind;  // kind -> (accepted, total)
};

Shares At(const std::vector<Example>& examples, double threshold) {
  Shares s;
  for (const auto& e : examples) {
    const bool accepted = e.bits >= threshold;
    if (e.kind == "common") {
      ++s.weak;
      s.weak_refused += !accepted;
    } else {
      ++s.strong;
      s.strong_accepted += accepted;
      auto& [a, n] = s.strong_by_kind[e.kind];
      a += accepted;
      ++n;
    }
  }
  return s;
}

double Pct(int part, int whole) { return whole ? 100.0 * part / whole : 0; }

void PrintShares(const char* label, double threshold, const Shares& s) {
  std::printf("%-9s %5.0f  weak refused %4d/%-4d %6.2f%%  strong accepted %4d/%-4d %6.2f%%", label,
              threshold, s.weak_refused, s.weak, Pct(s.weak_refused, s.weak), s.strong_accepted,
              s.strong, Pct(s.strong_accepted, s.strong));
  for (const auto& [kind, an] : s.strong_by_kind)
    std::printf("  %s %.2f%%", kind.c_str(), Pct(an.first, an.second));
  std::printf("\n");
}

void PrintSizes(const char* label, const std::vector<Example>& half) {
  std::map<std::string, int> by_kind;
  for (const auto& e : half) ++by_kind[e.kind];
  std::printf("%-9s", label);
  for (const auto& [kind, n] : by_kind) std::printf("  %s %d", kind.c_str(), n);
  std::printf("\n");
}

const char* WeaknessName(PasswordWeakness w) {
  switch (w) {
    case PasswordWeakness::kCommonPassword: return "common password";
    case PasswordWeakness::kCommonWord: return "common word";
    case PasswordWeakness::kEmail: return "email";
    case PasswordWeakness::kKeyboardPattern: return "keyboard pattern";
    case PasswordWeakness::kRepeats: return "repeats";
    case PasswordWeakness::kSequence: return "sequence";
    case PasswordWeakness::kDate: return "date";
    case PasswordWeakness::kOther: return "other";
  }
  return "?";
}

// Which message the refused common passwords would get.
void PrintReasons(const std::vector<Example>& half, double threshold) {
  std::map<std::string, int> reasons;
  for (const auto& e : half)
    if (e.kind == "common" && e.bits < threshold) ++reasons[WeaknessName(e.weakness)];
  std::printf("reasons given to refused weak (held-out):");
  for (const auto& [reason, n] : reasons) std::printf("  %s %d", reason.c_str(), n);
  std::printf("\n");
}

// One estimate at the longest password the length rule allows, and the mean over the data:
// the cost a sign-up adds before its argon2id hash.
void PrintCost(const Halves& halves) {
  using Clock = std::chrono::steady_clock;
  std::mt19937_64 rng(kSeed + 1);
  std::string longest;
  for (size_t i = 0; i < tenure::domain::kMaxPasswordLength; ++i)
    longest += static_cast<char>('!' + rng() % 94);
  const auto t0 = Clock::now();
  for (int i = 0; i < 100; ++i) (void)EstimatePasswordStrength(longest, "someone@example.com");
  const auto t1 = Clock::now();
  int n = 0;
  for (const auto* half : {&halves.tuning, &halves.held_out})
    for (const auto& e : *half) {
      (void)EstimatePasswordStrength(e.password, "someone@example.com");
      ++n;
    }
  const auto t2 = Clock::now();
  auto us = [](Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); };
  std::printf("cost: %.0f us per estimate at %zu characters, %.1f us mean over the %d examples\n",
              us(t1 - t0) / 100, longest.size(), us(t2 - t1) / n, n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PASSWORDS.json WORDS.json [--tuning-only]\n", argv[0]);
    return 2;
  }
  const bool tuning_only = argc > 3 && std::strcmp(argv[3], "--tuning-only") == 0;
  const auto list = ReadJsonStrings(argv[1]);
  const auto words = ReadJsonStrings(argv[2]);

  Halves halves;
  auto weak = Weak(list);
  const size_t weak_kept = weak.size();
  Split(std::move(weak), halves);
  Split(Strong(words), halves);
  std::printf(
      "weak list: %zu entries, %zu distinct of 10-256 characters; word list: %zu words; "
      "seed %llu\n",
      list.size(), weak_kept, words.size(), static_cast<unsigned long long>(kSeed));
  PrintSizes("tuning", halves.tuning);
  PrintSizes("held-out", halves.held_out);
  // zxcvbn's own dictionary and the list share an origin (Dropbox's zxcvbn): say how much.
  int whole_entry = 0;
  for (const auto* half : {&halves.tuning, &halves.held_out})
    for (const auto& e : *half)
      whole_entry += e.kind == "common" && e.weakness == PasswordWeakness::kCommonPassword;
  std::printf("weak passwords that are one entry of zxcvbn's own dictionary: %d of %zu\n",
              whole_entry, weak_kept);

  std::printf("\ntuning half, by threshold (bits):\n");
  double picked = 0;
  for (int t = 0; t <= 60; t += 2) PrintShares("tuning", t, At(halves.tuning, t));
  for (int t = 0; t <= 200; ++t)
    if (static_cast<double>(At(halves.tuning, t).strong_accepted) >=
        kStrongAcceptedFloor * At(halves.tuning, t).strong)
      picked = t;
  std::printf("\nrule (highest whole bits with >= %.0f%% of strong tuning accepted): %.0f bits\n",
              kStrongAcceptedFloor * 100, picked);
  PrintShares("tuning", picked, At(halves.tuning, picked));
  std::printf("in use: kMinPasswordEntropyBits = %.0f%s\n", kMinPasswordEntropyBits,
              picked == kMinPasswordEntropyBits ? "" : "  (differs from the rule's pick)");
  if (tuning_only) return 0;

  std::printf("\nheld-out half at the threshold in use:\n");
  PrintShares("held-out", kMinPasswordEntropyBits, At(halves.held_out, kMinPasswordEntropyBits));
  PrintShares("tuning", kMinPasswordEntropyBits, At(halves.tuning, kMinPasswordEntropyBits));
  PrintReasons(halves.held_out, kMinPasswordEntropyBits);
  PrintCost(halves);
  return 0;
}
