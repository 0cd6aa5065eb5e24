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

Result<void> CheckSignInAllowed(const SignInHistory& history, const SignInLimits& limits) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(limits.window).count();
  if (history.account_failures >= limits.max_failures_per_account)
    return Fail(ErrorCode::kRateLimited,
                fmt::format("Too many failed sign-ins for this account. Wait {} minutes and try "
                            "again, or reset your password.",
                            minutes));
  if (history.address_failures >= limits.max_failures_per_address)
    return Fail(ErrorCode::kRateLimited,
                fmt::format("Too many failed sign-ins from your network. Wait {} minutes and "
                            "try again.",
                            minutes));
  return {};
}

}  // namespace tenure::domain
