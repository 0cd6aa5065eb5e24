#include "domain/account.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "domain/password_strength.hpp"

namespace tenure::domain {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCustomer: return "customer";
    case Role::kSupport: return "support";
    case Role::kAdmin: return "admin";
  }
  return "customer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kCustomer, Role::kSupport, Role::kAdmin})
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

Result<std::string> NormalizeEmail(std::string_view raw) {
  auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  if (raw.empty()) return Fail(ErrorCode::kInvalidInput, "Enter your email address.", "email");
  const auto at = raw.find('@');
  const bool shape_ok = raw.size() <= kMaxEmailLength && at != std::string_view::npos && at > 0 &&
                        at == raw.rfind('@') && at + 1 < raw.size();
  const std::string_view domain = shape_ok ? raw.substr(at + 1) : std::string_view{};
  const bool domain_ok = shape_ok && domain.find('.') != std::string_view::npos &&
                         domain.front() != '.' && domain.back() != '.' &&
                         domain.find("..") == std::string_view::npos;
  const bool chars_ok = std::none_of(raw.begin(), raw.end(), [](unsigned char c) {
    return std::isspace(c) || std::iscntrl(c) || c == '<' || c == '>' || c == ',' || c == ';';
  });
  if (!domain_ok || !chars_ok)
    return Fail(ErrorCode::kInvalidInput,
                "That doesn't look like an email address. Check it and try again.", "email");
  std::string email(raw);
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return email;
}

Result<void> CheckNewPassword(std::string_view password, std::string_view email) {
  if (password.size() < kMinPasswordLength)
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("Use a password of at least {} characters.", kMinPasswordLength),
                "password");
  if (password.size() > kMaxPasswordLength)
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("Use a password of at most {} characters.", kMaxPasswordLength),
                "password");
  if (!email.empty() && password == email)
    return Fail(ErrorCode::kInvalidInput, "Your password can't be your email address.", "password");
  return CheckPasswordStrength(password, email);
}

namespace {

// How long after its last failure a count past `free` makes the next attempt wait.
Seconds WaitAfter(int count, int free, const SignInLimits& limits) {
  if (count < free) return Seconds{0};
  const int doublings = std::min(count - free, 20);
  return std::min(limits.max_delay, limits.first_delay * (int64_t{1} << doublings));
}

std::string InWords(Seconds wait) {
  const int64_t s = wait.count();
  if (s < 60) return fmt::format("{} second{}", s, s == 1 ? "" : "s");
  const int64_t m = (s + 59) / 60;
  return fmt::format("{} minute{}", m, m == 1 ? "" : "s");
}

}  // namespace

Result<void> CheckSignInAllowed(const SignInHistory& history, const SignInLimits& limits,
                                Instant now) {
  Seconds wait{0};
  const auto consider = [&](const SignInHistory::Failures& f, int free) {
    if (!f.last) return;
    const Instant until = *f.last + WaitAfter(f.count, free, limits);
    if (until > now) wait = std::max(wait, std::chrono::ceil<Seconds>(until - now));
  };
  consider(history.pair, limits.free_failures_per_pair);
  consider(history.address, limits.free_failures_per_address);
  if (!history.known_address) consider(history.account_elsewhere, limits.free_failures_per_account);
  if (wait == Seconds{0}) return {};
  Error e{ErrorCode::kRateLimited,
          fmt::format("Too many wrong passwords. To keep guessers out, wait {} and try again.",
                      InWords(wait))};
  e.retry_after_seconds = wait.count();
  return std::unexpected(std::move(e));
}

}  // namespace tenure::domain
